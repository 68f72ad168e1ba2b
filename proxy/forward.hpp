#pragma once
// Turning a client's request into the one the proxy sends upstream: hop-by-hop headers dropped, the
// Host header pointed at the upstream, and, when the proxy holds credentials, the request re-signed
// with them (V1: a new Signature over every parameter with the proxy's AccessKeyId and SecurityToken;
// V3: new x-acs-content-sha256 and Authorization for the upstream's host). Without credentials a V1
// request is forwarded with the upstream's Host (V1 does not sign it) and a V3 request keeps the
// client's Host, because V3 signs it and rewriting it would break the client's signature.
#include <string>

#include "core/protocol/sign.hpp"
#include "net/http.hpp"
#include "proxy/upstream.hpp"

namespace popcheck::proxy {

enum class SignatureKind { none, v1, v3 };

// Which signature a request carries: V3 (Authorization: ACS3-HMAC-SHA256 ...), V1 (a Signature
// parameter), or none.
SignatureKind signature_kind(const net::HttpRequest& request);

// The target is the upstream's base path followed by the client's target (the signature, when the
// proxy signs again, covers the client's path, as the client's own did).
core::Request prepare_forward(const net::HttpRequest& request, const core::Url& upstream,
                              const core::Credentials& credentials);

}  // namespace popcheck::proxy
