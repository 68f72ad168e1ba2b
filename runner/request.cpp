#include "runner/request.hpp"

#include <algorithm>

#include "core/protocol/normalize.hpp"
#include "core/support/text.hpp"
#include "core/support/url_encode.hpp"

namespace popcheck::runner {

namespace {

bool has_param(const core::Params& params, std::string_view name) {
  return core::find_param(params, name) != nullptr;
}

using core::encode_params;

std::string with_query(const std::string& path, const std::string& query) {
  return query.empty() ? path : path + "?" + query;
}

}  // namespace

Expected<SignatureVersion> parse_signature_version(std::string_view text) {
  if (text == "v1" || text == "V1") return SignatureVersion::v1;
  if (text == "v3" || text == "V3") return SignatureVersion::v3;
  return fail("usage.signature", "--signature takes v1 or v3, not '" + std::string(text) + "'");
}

Expected<Style> parse_style(std::string_view text) {
  if (text == "get") return Style::get;
  if (text == "post-form") return Style::post_form;
  if (text == "post-query") return Style::post_query;
  return fail("usage.style",
              "--style takes get, post-form or post-query, not '" + std::string(text) + "'");
}

std::string to_string(Style s) {
  switch (s) {
    case Style::get:
      return "get";
    case Style::post_form:
      return "post-form";
    case Style::post_query:
      return "post-query";
  }
  return "get";
}

Style resolve_style(std::optional<Style> requested, std::string_view case_method,
                    SignatureVersion sig) {
  if (requested) return *requested;
  if (case_method == "POST" || case_method == "post")
    return sig == SignatureVersion::v3 ? Style::post_query : Style::post_form;
  return Style::get;
}

core::Request build_request(const core::Url& endpoint, const core::Params& params,
                            std::string_view format, const SignParams& sign) {
  core::Request out;
  const std::string path = endpoint.root();
  const auto& creds = sign.credentials;
  out.method = sign.style == Style::get ? "GET" : "POST";
  out.headers.emplace_back("Host", endpoint.host_header());
  out.headers.emplace_back("User-Agent", sign.user_agent);

  if (sign.signature == SignatureVersion::v1) {
    core::Params p = params;
    auto add = [&](const char* name, const std::string& value) {
      if (!has_param(p, name)) p.emplace_back(name, value);
    };
    add("Format", std::string(format));
    add("AccessKeyId", creds.access_key_id);
    add("SignatureMethod", "HMAC-SHA1");
    add("SignatureVersion", "1.0");
    add("SignatureNonce", sign.nonce);
    add("Timestamp", sign.timestamp);
    if (!creds.security_token.empty()) add("SecurityToken", creds.security_token);
    std::string signature = core::v1_signature(out.method, p, creds.access_key_secret);
    p.emplace_back("Signature", signature);
    std::string encoded = encode_params(p);
    if (sign.style == Style::post_form) {
      out.target = path;
      out.body = std::move(encoded);
      out.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    } else {
      out.target = with_query(path, encoded);
    }
    return out;
  }

  // V3: Action and Version travel as headers; everything else is an API parameter.
  core::Params api;
  for (const auto& kv : params)
    if (kv.first != "Action" && kv.first != "Version") api.push_back(kv);
  if (!has_param(api, "Format")) api.emplace_back("Format", std::string(format));
  core::V3Request v3;
  v3.method = out.method;
  v3.path = path;
  if (sign.style == Style::post_form) {
    out.body = encode_params(api);
    out.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  } else {
    v3.query = api;
  }
  out.target = with_query(path, encode_params(v3.query));
  if (const auto* action = core::find_param(params, "Action"))
    out.headers.emplace_back("x-acs-action", *action);
  if (const auto* version = core::find_param(params, "Version"))
    out.headers.emplace_back("x-acs-version", *version);
  out.headers.emplace_back("x-acs-date", sign.timestamp);
  out.headers.emplace_back("x-acs-signature-nonce", sign.nonce);
  out.headers.emplace_back("x-acs-content-sha256", core::sha256_hex(out.body));
  if (!creds.security_token.empty()) {
    out.headers.emplace_back("x-acs-accesskey-id", creds.access_key_id);
    out.headers.emplace_back("x-acs-security-token", creds.security_token);
  }
  v3.headers = out.headers;
  v3.body = out.body;
  out.headers.emplace_back(
      "Authorization", core::v3_authorization(v3, creds.access_key_id, creds.access_key_secret));
  return out;
}

}  // namespace popcheck::runner
