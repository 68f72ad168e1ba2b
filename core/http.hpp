#pragma once
// The HTTP vocabulary every layer speaks: header lists, a request, a response and the URL of a
// server. The server (net), the runner's and the proxy's client, the checks and the reports all pass
// these values, so an exchange crosses the layers without being copied into another shape. Values
// only: no sockets, no parsing of the wire format (Beast does that, in net).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace popcheck::core {

// Header fields in the order they were sent or received, names as written. A name may repeat.
using Headers = std::vector<std::pair<std::string, std::string>>;

// A header's value by case-insensitive name (the first one); empty when absent.
std::string_view header_view(const Headers& headers, std::string_view name);
std::string header_value(const Headers& headers, std::string_view name);
// Whether a header of that name (any case) is present, even with an empty value.
bool has_header(const Headers& headers, std::string_view name);

struct Request {
  std::string method;  // "GET", "POST", ...
  // Path and query, already percent-encoded ("/?Action=..."); in a recorded request (a case
  // result) the absolute form, "scheme://host[:port]/path?query" (RFC 9112 section 3.2.2).
  std::string target;
  Headers headers;
  std::string body;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
};

// Where a server is: the scheme, host and port a client connects to, and the base path its requests'
// targets are appended to.
struct Url {
  std::string scheme;  // "http" or "https" (lowercase)
  std::string host;    // without brackets for IPv6
  uint16_t port = 0;   // the scheme's default when the URL names none
  std::string base;    // path prefix without a trailing slash ("" for none or "/")

  // The Host header value: the host ("[v6]" in brackets), plus ":port" when it is not the scheme's
  // default.
  std::string host_header() const;
  // "scheme://" + host_header(): what a request's absolute URL starts with.
  std::string origin() const;
  // origin() + base: the URL as a person would write it again.
  std::string to_string() const;
  // The path a request to the server's root goes to: base + "/".
  std::string root() const { return base + "/"; }
};

// Parses "http(s)://host[:port][/base]" (scheme in any case, "[v6]" hosts). Errors: "http.url",
// with the URL and what is wrong with it: not http:// or https://, user information, an unclosed
// IPv6 address, no host, a port that is not a number from 1 to 65535, a query or fragment.
Expected<Url> parse_url(std::string_view text);

// An absolute request URL ("https://ecs.aliyuncs.com/?Action=..."): the server (base empty) and the
// request target (path and query; "/" when the URL has no path). User information is dropped (it
// never names the server) and so is a fragment (never sent). Errors: those of parse_url, but for the
// query and fragment.
struct RequestUrl {
  Url url;
  std::string target;
};
Expected<RequestUrl> parse_request_url(std::string_view text);

}  // namespace popcheck::core
