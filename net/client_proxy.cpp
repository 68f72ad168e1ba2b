// net::proxy_from_environment (net/client.hpp): the forward proxy HTTPS_PROXY, HTTP_PROXY and
// NO_PROXY name for a target, read once here for every caller (the metadata fetch today).
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/support/text.hpp"
#include "core/support/url_encode.hpp"
#include "net/client.hpp"

namespace popcheck::net {

namespace {

// The first of two variables that is set and not empty, with its name.
std::pair<std::string, std::string> first_set(const char* a, const char* b) {
  for (const char* name : {a, b})
    if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return {name, v};
  return {};
}

// NO_PROXY: "*", or a comma-separated list of hosts and domain suffixes (".example.com" and
// "example.com" both cover a.example.com).
bool bypasses_proxy(std::string_view host) {
  const std::string list = first_set("NO_PROXY", "no_proxy").second;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string_view item = core::text::trim_ascii(std::string_view(list).substr(
        start, comma == std::string::npos ? std::string::npos : comma - start));
    if (item == "*") return true;
    if (!item.empty() && item.front() == '.') item.remove_prefix(1);
    if (!item.empty() && (core::text::iequals(host, item) ||
                          (host.size() > item.size() &&
                           core::text::iequals(host.substr(host.size() - item.size()), item) &&
                           host[host.size() - item.size() - 1] == '.')))
      return true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace

Expected<std::optional<ProxyOptions>> proxy_from_environment(const core::Url& target) {
  const bool https = target.scheme == "https";
  auto [variable, value] =
      https ? first_set("HTTPS_PROXY", "https_proxy") : first_set("HTTP_PROXY", "http_proxy");
  if (value.empty() || bypasses_proxy(target.host)) return std::nullopt;
  std::string rest = value;
  if (auto sep = rest.find("://"); sep != std::string::npos) {
    std::string scheme = core::text::to_lower(std::string_view(rest).substr(0, sep));
    if (scheme != "http")
      return fail("net.proxy", variable + " names a " + scheme +
                                   ":// proxy; only http:// proxies are supported (CONNECT "
                                   "carries https through them)");
    rest.erase(0, sep + 3);
  }
  if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  ProxyOptions proxy;
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string_view user(rest.data(), at);
    auto colon = user.find(':');
    proxy.user = core::percent_decode(user.substr(0, colon), false);
    if (colon != std::string_view::npos)
      proxy.password = core::percent_decode(user.substr(colon + 1), false);
    rest.erase(0, at + 1);
  }
  // Only host and port are left: parse_url's message names them, never the user information.
  auto url = core::parse_url("http://" + rest);
  if (!url) return fail("net.proxy", variable + ": the proxy " + url.error().message);
  proxy.url = std::move(*url);
  return proxy;
}

}  // namespace popcheck::net
