#pragma once
// The one redactor of popcheck: everything that writes a request, a response or a message where a
// person or a file will see it (fixtures, HAR exports, JUnit, JSON and HTML reports, the proxy's
// log lines, the SDK driver's messages) passes it through a Redactor first. Secrets must never reach a
// fixture, a report or a log.
//
// A Redactor removes
//  - the values of credential names, whatever the request's shape: V1 query and form parameters
//    (AccessKeyId, Signature, SecurityToken, BearerToken, AccessKeySecret), V3 headers
//    (Authorization, x-acs-accesskey-id, x-acs-security-token, x-acs-bearer-token), cookies
//    (Cookie, Set-Cookie), the aliyun CLI's fields (access_key_id, access_key_secret, sts_token);
//  - the values of every key named like a secret (is_sensitive_name: the names above, and any
//    name containing password, passwd, secret, token, credential, privatekey or accesskey) in
//    query strings, form bodies, headers, and JSON and XML bodies at any depth;
//  - "name=value", "name: value" and "\"name\": \"value\"" occurrences of the credential names
//    and Password in any other text (log lines, messages, text/plain bodies);
//  - every occurrence of a known secret value, raw, percent-encoded and percent-encoded twice
//    (the string to sign that a SignatureDoesNotMatch message quotes), anywhere in any text. The
//    known values are the tool's own credentials (add_credentials) and those a request carries
//    (add_request_secrets); values shorter than 4 bytes are ignored, they would match ordinary
//    text.
// Removed values become kRedacted. Redaction is idempotent: redacting twice changes nothing more.
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "core/protocol/normalize.hpp"
#include "core/protocol/sign.hpp"

namespace popcheck::core {

// What replaces a removed value.
inline constexpr std::string_view kRedacted = "REDACTED";

// Whether a parameter, header or field name carries a credential or a signature (the first list
// above; compared case-insensitively, whole names only).
bool is_credential_name(std::string_view name);
// Whether a name carries a credential or announces a secret of an API (RunInstances' Password, a
// KeyPair's PrivateKey): is_credential_name, or a name containing password, passwd, secret, token,
// credential, privatekey or accesskey (any case).
bool is_sensitive_name(std::string_view name);

class Redactor {
 public:
  Redactor() = default;
  // With the tool's own credentials (the proxy's held ones, the runner's).
  explicit Redactor(const Credentials& credentials) { add_credentials(credentials); }

  // Known secret values, removed wherever they appear.
  void add_secret(std::string_view value);
  void add_credentials(const Credentials& credentials);
  // The credential values a request carries: the values of its credential-named parameters
  // (`params`, typically core::merge_params of the request), of its x-acs-* credential headers,
  // the Credential and Signature fields and the Bearer token of its Authorization header, and the
  // values of its cookies that are at least 8 bytes long (shorter ones are preferences).
  void add_request_secrets(const Params& params, const Headers& headers);

  // Any text: known values, then credential names' values in name=value syntaxes.
  std::string text(std::string_view text) const;
  // A query string or form body: the value of every is_sensitive_name pair (names compared
  // decoded), then text(). The other pairs keep their bytes.
  std::string query(std::string_view query) const;
  // A URL: its query as query(), the rest as text().
  std::string url(std::string_view url) const;
  // Headers: the value of every is_sensitive_name header (Authorization, Cookie, Set-Cookie, ...)
  // replaced, the others passed through text().
  Headers headers(const Headers& headers) const;
  // Parameters as the fixtures store them: credential-named values replaced, the others passed
  // through text(). API parameters named like secrets (Password) keep their value, because replay
  // matches on them; the other outputs replace them.
  Params params(const Params& params) const;
  // A body of the given Content-Type: a form as query(); JSON (by content type or by its first
  // character) with the value of every is_sensitive_name key replaced at any depth; XML with every
  // is_sensitive_name leaf element's text replaced; then text(). A JSON or XML body is
  // re-serialised only when a key was replaced (deeper than 256 levels it is treated as text).
  std::string body(std::string_view body, std::string_view content_type = {}) const;
  // A recorded request in place: url(), headers(), body() with the request's Content-Type.
  void request(std::string& url, Headers& headers, std::string& body) const;

 private:
  std::vector<std::string> secrets_;  // every form of every known value, longest first
};

// A recorded request about to be shown or written (url "scheme://host/path?query"), redacted in
// place by `redactor` (the caller's known values) after it learnt the request's own secrets
// (add_request_secrets of its query and form parameters and its headers).
void redact_request(std::string& url, Headers& headers, std::string& body, Redactor redactor = {});

}  // namespace popcheck::core
