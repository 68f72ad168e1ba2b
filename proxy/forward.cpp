#include "proxy/forward.hpp"

#include <algorithm>
#include <cctype>

#include "core/protocol/normalize.hpp"
#include "core/support/text.hpp"
#include "core/support/url_encode.hpp"

namespace popcheck::proxy {

namespace {

using core::text::iequals;

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

std::string_view query_of(std::string_view target) {
  size_t q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

using core::encode_params;

void set_header(core::Headers& headers, std::string_view name, std::string value) {
  std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
  headers.emplace_back(std::string(name), std::move(value));
}

void remove_header(core::Headers& headers, std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
}

}  // namespace

SignatureKind signature_kind(const net::HttpRequest& request) {
  if (core::header_value(request.headers, "authorization").starts_with("ACS3-"))
    return SignatureKind::v3;
  auto has_signature = [](std::string_view text) {
    for (const auto& [k, v] : core::parse_query_string(text))
      if (k == "Signature") return true;
    return false;
  };
  if (has_signature(query_of(request.target))) return SignatureKind::v1;
  if (core::is_form_content_type(core::header_value(request.headers, "content-type")) &&
      has_signature(request.body))
    return SignatureKind::v1;
  return SignatureKind::none;
}

namespace {

// prepare_forward but for the upstream's base path.
core::Request resigned(const net::HttpRequest& request, const core::Url& upstream,
                       const core::Credentials& credentials) {
  core::Request out;
  out.method = request.method;
  out.target = request.target;
  out.headers = request.headers;
  out.body = request.body;
  remove_header(out.headers, "content-length");
  SignatureKind kind = signature_kind(request);
  if (credentials.empty()) {
    if (kind != SignatureKind::v3) set_header(out.headers, "Host", upstream.host_header());
    return out;
  }
  if (kind == SignatureKind::v3) {
    // The Host header is signed, so the request is signed for the host it now goes to.
    set_header(out.headers, "host", upstream.host_header());
    set_header(out.headers, "x-acs-content-sha256", core::sha256_hex(out.body));
    remove_header(out.headers, "x-acs-security-token");
    remove_header(out.headers, "x-acs-accesskey-id");
    remove_header(out.headers, "authorization");
    if (!credentials.security_token.empty()) {
      out.headers.emplace_back("x-acs-accesskey-id", credentials.access_key_id);
      out.headers.emplace_back("x-acs-security-token", credentials.security_token);
    }
    core::V3Request v3;
    v3.method = out.method;
    v3.path = std::string(path_of(out.target));
    v3.query = core::parse_query_string(query_of(out.target));
    v3.headers = out.headers;
    v3.body = out.body;
    out.headers.emplace_back(
        "Authorization",
        core::v3_authorization(v3, credentials.access_key_id, credentials.access_key_secret));
    return out;
  }
  set_header(out.headers, "Host", upstream.host_header());
  if (kind == SignatureKind::none) return out;
  // V1: every parameter of the query and the form body is signed; rebuild them with the proxy's
  // identity and sign again. A form body stays a form body, a query stays a query.
  bool form = core::is_form_content_type(core::header_value(request.headers, "content-type")) &&
              !request.body.empty();
  core::Params params = core::parse_query_string(query_of(request.target));
  if (form) {
    core::Params body = core::parse_query_string(request.body);
    params.insert(params.end(), body.begin(), body.end());
  }
  std::erase_if(params, [](const auto& p) {
    return p.first == "Signature" || p.first == "AccessKeyId" || p.first == "SecurityToken";
  });
  params.emplace_back("AccessKeyId", credentials.access_key_id);
  if (!credentials.security_token.empty())
    params.emplace_back("SecurityToken", credentials.security_token);
  std::string signature = core::v1_signature(request.method, params, credentials.access_key_secret);
  std::string encoded = encode_params(params) + "&Signature=" + core::percent_encode(signature);
  std::string path(path_of(request.target));
  if (form) {
    out.target = path;
    out.body = std::move(encoded);
  } else {
    out.target = path + "?" + encoded;
  }
  return out;
}

}  // namespace

core::Request prepare_forward(const net::HttpRequest& request, const core::Url& upstream,
                              const core::Credentials& credentials) {
  core::Request out = resigned(request, upstream, credentials);
  out.target.insert(0, upstream.base);
  return out;
}

}  // namespace popcheck::proxy
