#pragma once
// popcheck's one HTTP client, used by the runner (cases, the health probe, provisioning) and by the
// proxy (forwarding to its upstream): HTTP or HTTPS (OpenSSL, verification on by default, SNI and
// host name checks, the system CAs plus --ca-file), a small pool of keep-alive connections, a
// deadline on every step and a limit on the answer's body. Blocking and thread-safe: call send()
// from any thread; each call borrows a connection from the pool or opens one.
//
// It sends exactly what it is given: the target as is (already percent-encoded, as signed; the
// caller puts the URL's base path in it), header names, values and order as given, and no header
// of its own but Host (when the request has none) and Content-Length. Retries are the caller's
// business because a retry must be re-signed (a new nonce and time), as the SDKs do; the one
// exception is a pooled connection the server closed while it was idle, which fails before any
// byte of an answer and is retried once on a fresh connection.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/http.hpp"

namespace popcheck::net {

// Whether a header describes one connection, not the message (RFC 9110 section 7.6.1: Connection,
// Keep-Alive, Proxy-Connection, Proxy-Authenticate, Proxy-Authorization, TE, Trailer,
// Transfer-Encoding, Upgrade; any case): never sent on from a caller's request, never part of an
// answer, never replayed.
bool is_hop_by_hop(std::string_view name);

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5000};  // the TCP connect, then the TLS handshake
  std::chrono::milliseconds read_timeout{10000};    // writing the request, then reading the answer
  std::string ca_file;    // extra trust anchors (PEM); the system store is always used too
  bool insecure = false;  // no certificate verification (tests against self-signed servers only)
  size_t pool_size = 16;  // idle keep-alive connections kept
  size_t body_limit = size_t(64) << 20;  // a longer answer body is an error ("net.read")
};

class HttpClient {
 public:
  // Never fails: a CA file that cannot be loaded makes every send() fail with that error.
  HttpClient(core::Url url, ClientOptions options);
  // The same, failing at once when the CA file cannot be loaded ("net.tls", naming the file).
  static Expected<std::unique_ptr<HttpClient>> create(core::Url url, ClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One exchange. Any HTTP answer, whatever its status, is a value; hop-by-hop headers (RFC 9110
  // section 7.6.1: Connection, Keep-Alive, Transfer-Encoding, ...) describe the connection, not the
  // answer, and are left out of it. Only a failure to get an answer is an Error, whose message
  // names the server (url().origin()):
  //   net.resolve  the host name does not resolve
  //   net.connect  the connection is refused or the host unreachable
  //   net.tls      the handshake fails, the certificate cannot be verified, or the CAs cannot be
  //                loaded
  //   net.timeout  connecting, the handshake, writing or the answer took longer than its deadline
  //                (never retried: the server may be slow rather than gone, and may act twice)
  //   net.write    sending the request failed
  //   net.read     no complete answer (the connection closed, a malformed answer, a body over
  //                body_limit)
  Expected<core::Response> send(const core::Request& request);

  const core::Url& url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace popcheck::net
