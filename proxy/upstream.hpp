#pragma once
// The proxy's client to its upstream (the real cloud or an emulator): HTTP or HTTPS (OpenSSL with
// verification on by default, SNI, system CAs or --ca-file), a small pool of keep-alive connections,
// and a deadline on every step. Blocking and thread-safe: call send() from any worker thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/http.hpp"

namespace popcheck::proxy {

struct UpstreamOptions {
  std::string url;  // "http(s)://host[:port][/base]" (core::parse_url)
  std::string ca_file;    // extra trust anchors (PEM); the system store is always used too
  bool insecure = false;  // no certificate verification (tests against self-signed servers only)
  std::chrono::milliseconds timeout{30000};  // per step: connect, handshake, write, read
  size_t pool_size = 16;  // idle keep-alive connections kept
  size_t body_limit = size_t(64) << 20;
};

class Upstream {
 public:
  // Errors: "http.url" for a bad options.url (the message says "upstream URL ..."), "upstream.tls"
  // for CA certificates that cannot be loaded.
  static Expected<std::unique_ptr<Upstream>> create(const UpstreamOptions& options);
  ~Upstream();
  Upstream(const Upstream&) = delete;
  Upstream& operator=(const Upstream&) = delete;

  // Sends one request and reads its response. The Host header is whatever `request` carries (set it
  // to url().host_header() unless a signature depends on another value). Hop-by-hop headers are
  // dropped and Content-Length recomputed. Errors: "upstream.resolve", "upstream.connect",
  // "upstream.tls", "upstream.io", "upstream.timeout".
  // The request's target is relative to url().base.
  Expected<core::Response> send(const core::Request& request);

  const core::Url& url() const;

 private:
  Upstream() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace popcheck::proxy
