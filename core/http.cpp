#include "core/http.hpp"

#include <algorithm>
#include <charconv>

#include "core/support/text.hpp"

namespace popcheck::core {

using text::iequals;
using text::to_lower;

std::string_view header_view(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

std::string header_value(const Headers& headers, std::string_view name) {
  return std::string(header_view(headers, name));
}

bool has_header(const Headers& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return iequals(h.first, name); });
}

std::string Url::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  if (!default_port) h += ":" + std::to_string(port);
  return h;
}

std::string Url::origin() const { return scheme + "://" + host_header(); }

std::string Url::to_string() const { return origin() + base; }

namespace {

// The URL as an error message may show it: user information (a password, often) replaced.
std::string shown(std::string_view text) {
  size_t start = text.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  size_t end = text.find_first_of("/?#", start);
  size_t at = text.substr(0, end).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(text);
  return std::string(text.substr(0, start)) + "***" + std::string(text.substr(at));
}

// Splits text into the Url and what follows the authority (path, query and fragment, unchecked).
// `drop_userinfo`: a request URL may carry user information, which is not part of the server.
Expected<std::pair<Url, std::string_view>> split(std::string_view text, bool drop_userinfo) {
  auto bad = [&](std::string_view what) {
    return fail("http.url", "URL '" + shown(text) + "' " + std::string(what));
  };
  Url out;
  size_t sep = text.find("://");
  std::string scheme = to_lower(text.substr(0, sep == std::string_view::npos ? 0 : sep));
  if (scheme != "http" && scheme != "https") return bad("must start with http:// or https://");
  out.scheme = scheme;
  out.port = scheme == "https" ? 443 : 80;
  std::string_view rest = text.substr(sep + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view after = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    if (!drop_userinfo) return bad("must not carry user information");
    authority.remove_prefix(at + 1);
  }
  std::string_view port_text;
  bool has_port = false;
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("has an unclosed IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view tail = authority.substr(close + 1);
    if (!tail.empty() && !tail.starts_with(":")) return bad("has text after its IPv6 address");
    has_port = !tail.empty();
    if (has_port) port_text = tail.substr(1);
  } else {
    size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    has_port = colon != std::string_view::npos;
    if (has_port) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return bad("has no host");
  if (has_port) {
    int port = 0;
    auto r = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || r.ec != std::errc{} || r.ptr != port_text.data() + port_text.size() ||
        port < 1 || port > 65535)
      return bad("has an invalid port '" + std::string(port_text) + "' (1 to 65535)");
    out.port = static_cast<uint16_t>(port);
  }
  return std::pair{std::move(out), after};
}

}  // namespace

Expected<Url> parse_url(std::string_view text) {
  auto parts = split(text, false);
  if (!parts) return std::unexpected(parts.error());
  auto& [url, path] = *parts;
  if (path.find_first_of("?#") != std::string_view::npos)
    return fail("http.url", "URL '" + std::string(text) + "' must not have a query or fragment");
  url.base = std::string(path);
  while (!url.base.empty() && url.base.back() == '/') url.base.pop_back();
  return std::move(url);
}

Expected<RequestUrl> parse_request_url(std::string_view text) {
  auto parts = split(text, true);
  if (!parts) return std::unexpected(parts.error());
  auto& [url, rest] = *parts;
  std::string_view target = rest.substr(0, rest.find('#'));
  RequestUrl out{std::move(url), std::string(target)};
  if (out.target.empty() || out.target.front() == '?') out.target.insert(0, "/");
  return out;
}

}  // namespace popcheck::core
