#pragma once
// The proxy's upstream (the real cloud or an emulator): its options as --upstream, --ca-file,
// --insecure and --timeout give them, and the one HTTP client (net/client.hpp) made from them,
// through the forward proxy the environment names when asked to.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/http.hpp"
#include "net/client.hpp"

namespace popcheck::proxy {

struct UpstreamOptions {
  std::string url;        // "http(s)://host[:port][/base]" (core::parse_url)
  std::string ca_file;    // extra trust anchors (PEM); the system store is always used too
  bool insecure = false;  // no certificate verification (tests against self-signed servers only)
  std::chrono::milliseconds timeout{30000};  // per step: connect, handshake, write, read
  size_t pool_size = 16;                     // idle keep-alive connections kept
  size_t body_limit = size_t(64) << 20;
  // Go through the forward proxy HTTPS_PROXY or HTTP_PROXY names for the upstream, unless NO_PROXY
  // covers it (net::proxy_from_environment), as the SDKs and curl do. `popcheck proxy` sets it.
  bool environment_proxy = false;
};

// The client to the upstream (net/client.hpp, with the timeout on every step). Errors: "http.url"
// for a bad options.url (the message says "upstream URL ..."), "net.tls" for CA certificates that
// cannot be loaded, "net.proxy" for a proxy variable that names no usable proxy.
Expected<std::unique_ptr<net::HttpClient>> make_upstream(const UpstreamOptions& options);

}  // namespace popcheck::proxy
