#include "net/admin.hpp"

#include <boost/asio/ip/address.hpp>
#include <random>

#include "core/support/text.hpp"

namespace popcheck::net {

namespace {

using core::text::iequals;

HttpResponse refusal(const AdminGuard& guard, int status, std::string code, std::string message) {
  ApiError e;
  e.status = status;
  e.code = std::move(code);
  e.message = std::move(message);
  e.host_id = guard.host_id;
  e.recommend = "see proxy/README.md, section 'Admin API protection'";
  HttpResponse r = make_error_response(e);
  if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

// The host name of a Host header: "127.0.0.1:8080" -> "127.0.0.1", "[::1]:80" -> "::1".
std::string_view host_name(std::string_view host) {
  if (host.starts_with('[')) {
    size_t close = host.find(']');
    return close == std::string_view::npos ? host : host.substr(1, close - 1);
  }
  size_t colon = host.find(':');
  // More than one colon without brackets: a bare IPv6 address.
  if (colon != std::string_view::npos && host.find(':', colon + 1) == std::string_view::npos)
    return host.substr(0, colon);
  return host;
}

// The media type of a Content-Type without its parameters, lowercased.
std::string media_type(std::string_view content_type) {
  std::string type = core::text::to_lower(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  while (!type.empty() && type.front() == ' ') type.erase(type.begin());
  return type;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool carries_token(const AdminGuard& guard, const HttpRequest& request) {
  if (guard.token.empty()) return false;
  const std::string auth = header_value(request.headers, "authorization");
  if (auth.size() > 7 && iequals(auth.substr(0, 7), "Bearer ") &&
      constant_time_equal(std::string_view(auth).substr(7), guard.token))
    return true;
  return constant_time_equal(header_value(request.headers, kAdminTokenHeader), guard.token);
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  std::string name = core::text::to_lower(host_name(host));
  if (name == "localhost" || name.ends_with(".localhost")) return true;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(name, ec);
  return !ec && address.is_loopback();
}

std::optional<HttpResponse> refuse_admin(const AdminGuard& guard, const HttpRequest& request) {
  const std::string host = header_value(request.headers, "host");
  const std::string origin = header_value(request.headers, "origin");
  const bool own_origin =
      !host.empty() && (iequals(origin, "http://" + host) || iequals(origin, "https://" + host));
  if (!origin.empty() && !own_origin) {
    return refusal(guard, 403, "Popcheck.Admin.CrossOrigin",
                   "admin request refused: Origin '" + origin.substr(0, 200) +
                       "' is not this server's own (" +
                       (host.empty() ? "no Host" : "http://" + host) +
                       "); the admin API does not answer web pages of other origins");
  }
  const std::string fetch_site = header_value(request.headers, "sec-fetch-site");
  if (iequals(fetch_site, "cross-site") || iequals(fetch_site, "same-site")) {
    return refusal(guard, 403, "Popcheck.Admin.CrossOrigin",
                   "admin request refused: the browser says it comes from another site "
                   "(Sec-Fetch-Site: " +
                       fetch_site + ")");
  }
  const bool token = carries_token(guard, request);
  if (!host.empty() && !token && !is_loopback_host(host)) {
    std::string name = core::text::to_lower(host_name(host));
    bool listed = false;
    for (const auto& h : guard.hosts) listed = listed || iequals(host_name(h), name);
    if (!listed) {
      return refusal(guard, 403, "Popcheck.Admin.ForeignHost",
                     "admin request refused: Host '" + host.substr(0, 200) +
                         "' is neither a loopback name nor the listen address (a DNS rebinding "
                         "page sends its own name); use http://127.0.0.1:PORT or send the admin "
                         "token");
    }
  }
  const std::string& method = request.method;
  if (method != "GET" && method != "HEAD" && method != "OPTIONS") {
    std::string type = media_type(header_value(request.headers, "content-type"));
    bool json = type == "application/json" || type.ends_with("+json");
    if (!json && header_value(request.headers, kAdminHeader).empty()) {
      return refusal(guard, 403, "Popcheck.Admin.NotJson",
                     "admin request refused: a " + method +
                         " to the admin API must have Content-Type: application/json or a '" +
                         std::string(kAdminHeader) +
                         ": 1' header (browsers send form and text/plain bodies cross-origin "
                         "unasked); got Content-Type '" +
                         (type.empty() ? std::string("(none)") : type.substr(0, 100)) + "'");
    }
  }
  if (!guard.token.empty() && !token) {
    return refusal(guard, 401, "Popcheck.Admin.TokenRequired",
                   "admin request refused: this server needs its admin token, sent as "
                   "'Authorization: Bearer TOKEN' or '" +
                       std::string(kAdminTokenHeader) +
                       ": TOKEN' (given with --admin-token or printed at start)");
  }
  return std::nullopt;
}

std::string generate_admin_token() {
  std::random_device random;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 32; ++i) token += kHex[random() & 0xF];
  return token;
}

}  // namespace popcheck::net
