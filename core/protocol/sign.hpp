#pragma once
// Alibaba Cloud request signing: V1 (HMAC-SHA1, "RPC signature 1.0") and V3 (ACS3-HMAC-SHA256),
// exactly as
// docs/protocol.md section 2 describes, plus the RFC 3986 encoding both use.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"

namespace popcheck::core {

struct Credentials {
  std::string access_key_id;
  std::string access_key_secret;
  std::string security_token;  // STS; empty when not used
  bool empty() const { return access_key_id.empty() || access_key_secret.empty(); }
};

// RFC 3986 percent-encoding: only A-Z a-z 0-9 - _ . ~ stay literal; hex digits uppercase.
std::string percent_encode(std::string_view s);
// The same, appended to `out` (no temporary string: match keys are built on every replayed
// request).
void percent_encode_append(std::string& out, std::string_view s);
// The same, written at `out`, which has room for 3 * s.size() bytes; returns the end of what was
// written.
char* percent_encode_to(char* out, std::string_view s);
// Decodes %XY escapes; when `plus_is_space`, '+' decodes to ' ' (form bodies and most query
// strings).
std::string percent_decode(std::string_view s, bool plus_is_space = true);

// "k=v&k=v" of the parameters sorted by key (byte order), every key and value percent-encoded.
// A parameter named "Signature" is left out.
std::string canonical_query(const Params& params);

// V1: Base64(HMAC-SHA1(secret + "&", METHOD & %2F & percent_encode(canonical_query))).
std::string v1_string_to_sign(std::string_view method, const Params& params);
std::string v1_signature(std::string_view method, const Params& params, std::string_view secret);

// V3 (ACS3-HMAC-SHA256).
struct V3Request {
  std::string method;      // "POST"
  std::string path = "/";  // canonical URI
  Params query;            // decoded query parameters
  Params headers;  // every header the request carries (any case); host, content-type and x-acs-*
                   // are signed
  std::string body;
};
std::string v3_canonical_request(const V3Request& r);
// The same with the signed headers given explicitly (lowercase names, as a request's SignedHeaders
// lists them) instead of the host / content-type / x-acs-* rule. A listed header the request lacks
// is left out.
std::string v3_canonical_request(const V3Request& r,
                                 const std::vector<std::string>* signed_headers);
// The parts of the canonical request, exposed for servers that verify and for diagnostics.
// Query: keys sorted (byte order) and written raw, values RFC 3986 encoded, as openapi-core signs.
std::string v3_canonical_query(const Params& query);
// "host;x-acs-action;..." : the lowercased names of the signed headers, sorted.
std::string v3_signed_headers(const Params& headers);
// "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical request)).
std::string v3_string_to_sign(const V3Request& r);
std::string v3_signature(const V3Request& r, std::string_view secret);
// The whole Authorization header value: "ACS3-HMAC-SHA256
// Credential=..,SignedHeaders=..,Signature=..".
std::string v3_authorization(const V3Request& r, std::string_view access_key_id,
                             std::string_view secret);

// Hex SHA-256 of data (x-acs-content-sha256).
std::string sha256_hex(std::string_view data);
// Lowercase hex HMAC-SHA256.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
std::string base64_encode(std::string_view data);
// Standard base64, padding optional; whitespace (tools wrap long bodies) is ignored. nullopt when
// the text is not base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace popcheck::core
