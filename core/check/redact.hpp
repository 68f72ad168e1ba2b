#pragma once
// Removal of credentials and signatures from recorded requests before they reach a report or a log.
// Reports call this again on whatever they are given, so a caller that forgets cannot leak a
// secret.
#include <string>
#include <string_view>

#include "core/check/result.hpp"

namespace popcheck::check {

// What replaces a removed value.
inline constexpr std::string_view kRedacted = "REDACTED";

// Parameters and headers whose values are credentials or signatures: the one list of
// core::is_secret_name (AccessKeyId, Signature, SecurityToken, BearerToken, AccessKeySecret,
// Authorization, x-acs-security-token, x-acs-accesskey-id, x-acs-bearer-token; any case).
bool is_secret_param(std::string_view name);
bool is_secret_header(std::string_view name);

// "a=1&Signature=xyz" -> "a=1&Signature=REDACTED"; the other pairs stay byte for byte.
std::string redact_query(std::string_view query);
// The query part of a URL redacted; the rest unchanged.
std::string redact_url(std::string_view url);
core::Headers redact_headers(const core::Headers& headers);
// Every secret parameter and header of a request: query, headers and a form body.
RecordedRequest redact(RecordedRequest request);
// Replaces each literal occurrence of `secret` (and of its percent-encoded form) in text. Used with
// the known key id, secret and token as a last net under the name-based rules.
std::string scrub(std::string text, std::string_view secret);

}  // namespace popcheck::check
