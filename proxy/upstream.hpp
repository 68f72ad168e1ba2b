#pragma once
// The proxy's client to its upstream (the real cloud or an emulator): HTTP or HTTPS (OpenSSL with
// verification on by default, SNI, system CAs or --ca-file), a small pool of keep-alive connections,
// and a deadline on every step. Blocking and thread-safe: call send() from any worker thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/protocol/normalize.hpp"

namespace popcheck::proxy {

struct UpstreamUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  uint16_t port = 0;
  std::string base;    // path prefix without a trailing slash ("" for "/")
  // The Host header value: the host, plus ":port" when it is not the scheme's default.
  std::string host_header() const;
  std::string to_string() const;
};
// Parses "http://host[:port][/base]" or "https://...". Errors: "upstream.url".
Expected<UpstreamUrl> parse_upstream_url(const std::string& url);

struct UpstreamOptions {
  std::string url;
  std::string ca_file;    // extra trust anchors (PEM); the system store is always used too
  bool insecure = false;  // no certificate verification (tests against self-signed servers only)
  std::chrono::milliseconds timeout{30000};  // per step: connect, handshake, write, read
  size_t pool_size = 16;  // idle keep-alive connections kept
  size_t body_limit = size_t(64) << 20;
};

struct UpstreamRequest {
  std::string method;
  std::string target;  // "/?Action=..."
  core::Headers headers;
  std::string body;
};

struct UpstreamResponse {
  int status = 0;
  core::Headers headers;
  std::string body;
};

class Upstream {
 public:
  static Expected<std::unique_ptr<Upstream>> create(const UpstreamOptions& options);
  ~Upstream();
  Upstream(const Upstream&) = delete;
  Upstream& operator=(const Upstream&) = delete;

  // Sends one request and reads its response. The Host header is whatever `request` carries (set it
  // to url().host_header() unless a signature depends on another value). Hop-by-hop headers are
  // dropped and Content-Length recomputed. Errors: "upstream.resolve", "upstream.connect",
  // "upstream.tls", "upstream.io", "upstream.timeout".
  Expected<UpstreamResponse> send(const UpstreamRequest& request);

  const UpstreamUrl& url() const;

 private:
  Upstream() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace popcheck::proxy
