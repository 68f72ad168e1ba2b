#pragma once
// Building the signed HTTP request of a case: V1 (HMAC-SHA1) in any of the three request styles, or
// V3 (ACS3-HMAC-SHA256) in the shape docs/protocol.md 4.4 captures from the SDKs. Pure: the nonce
// and the time are inputs, so a request can be rebuilt exactly in a test.
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/http.hpp"
#include "core/model.hpp"
#include "core/protocol/normalize.hpp"
#include "core/protocol/sign.hpp"
#include "popcheck/version.hpp"

namespace popcheck::runner {

enum class SignatureVersion { v1, v3 };
// get: every parameter in the query of a GET. post_form: a POST with the parameters in an
// application/x-www-form-urlencoded body. post_query: a POST with the parameters in the query and
// an empty body.
enum class Style { get, post_form, post_query };

Expected<SignatureVersion> parse_signature_version(std::string_view text);  // "v1" | "v3"
Expected<Style> parse_style(std::string_view text);  // "get" | "post-form" | "post-query"
std::string to_string(Style s);

// The style a case is sent in: the one asked for, else the case's method (GET -> get; POST ->
// post_form with V1 and post_query with V3, as the SDKs send them).
Style resolve_style(std::optional<Style> requested, std::string_view case_method,
                    SignatureVersion sig);

struct SignParams {
  SignatureVersion signature = SignatureVersion::v1;
  Style style = Style::get;
  core::Credentials credentials;
  std::string timestamp;  // "YYYY-MM-DDThh:mm:ssZ" (V1 Timestamp, V3 x-acs-date)
  std::string nonce;
  std::string user_agent = "popcheck/" + std::string(kVersion);
};

// The signed request for API parameters `params` (Action and Version among them; values already
// substituted) in `format` ("JSON"/"XML"), to the endpoint's root path (endpoint.root()).
// V1 adds, unless the case sets them itself (negative cases may): Format, AccessKeyId,
// SignatureMethod=HMAC-SHA1, SignatureVersion=1.0, SignatureNonce, Timestamp, SecurityToken (with
// STS), then Signature. V3 moves Action and Version to x-acs-action / x-acs-version, keeps the API
// parameters (and Format) in the query, or in a form body with post_form, and adds x-acs-date,
// x-acs-signature-nonce, x-acs-content-sha256, the STS headers and Authorization.
core::Request build_request(const core::Url& endpoint, const core::Params& params,
                            std::string_view format, const SignParams& sign);

}  // namespace popcheck::runner
