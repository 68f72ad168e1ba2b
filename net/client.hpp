#pragma once
// popcheck's one HTTP client, used by the runner (cases, the health probe, provisioning, the
// metadata fetch) and by the proxy (forwarding to its upstream): HTTP or HTTPS (OpenSSL,
// verification on by default, SNI and host name checks, the system CAs plus --ca-file), a small
// pool of keep-alive connections, a deadline on every step and a limit on the answer's body.
// Blocking and thread-safe: call send() from any thread; each call borrows a connection from the
// pool or opens one.
//
// It sends exactly what it is given: the target as is (already percent-encoded, as signed; the
// caller puts the URL's base path in it; through a proxy an http target gets the origin before
// it), header names, values and order as given, and no header of its own but Host (when the
// request has none), Content-Length and the proxy's credentials (when it has some). Retries are
// the caller's business because a retry must be re-signed (a new nonce and time), as the SDKs do;
// the one exception is a pooled connection the server closed while it was idle, which fails before
// any byte of an answer and is retried once on a fresh connection.
//
// Through a forward proxy (ClientOptions::proxy), as curl and the SDKs go: an https URL gets an
// HTTP CONNECT tunnel to the proxy, then TLS to the origin inside it (SNI and verification against
// the origin's name, never the proxy's); an http URL sends its requests to the proxy with the
// absolute-form target ("http://host:port/path?query", RFC 9112 section 3.2.2). The proxy's
// credentials go out as Proxy-Authorization: Basic, on the CONNECT or on each request, and appear
// in no message. Redirects are never followed: a 3xx is an answer like any other. Reading the proxy
// from the environment is the caller's choice (proxy_from_environment below).
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/http.hpp"

namespace popcheck::net {

// Whether a header describes one connection, not the message (RFC 9110 section 7.6.1: Connection,
// Keep-Alive, Proxy-Connection, Proxy-Authenticate, Proxy-Authorization, TE, Trailer,
// Transfer-Encoding, Upgrade; any case): never sent on from a caller's request, never part of an
// answer, never replayed.
bool is_hop_by_hop(std::string_view name);

// A forward proxy: where it listens (an http:// URL; its base path is not used) and the user
// information of the URL it was given, percent-decoded, sent as Proxy-Authorization: Basic (none
// when both are empty). The credentials never appear in an error or a log.
struct ProxyOptions {
  core::Url url;
  std::string user;
  std::string password;
};

// The proxy the environment names for `target`, as curl and the SDKs read it: HTTPS_PROXY, else
// https_proxy, for an https target; HTTP_PROXY, else http_proxy, for an http one; nullopt when
// neither is set or NO_PROXY (else no_proxy) covers the target's host: "*", or a comma-separated
// list of hosts and domain suffixes (".example.com" and "example.com" both cover a.example.com;
// any case). A value is "[http://][user[:password]@]host[:port][/...]" (port 80 by default).
// Errors: "net.proxy" naming the variable for another scheme (https://, socks5://: not supported)
// or a host and port that are no URL's; the user information is never repeated.
Expected<std::optional<ProxyOptions>> proxy_from_environment(const core::Url& target);

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5000};  // the TCP connect, then the TLS handshake
  std::chrono::milliseconds read_timeout{10000};    // writing the request, then reading the answer
  std::string ca_file;    // extra trust anchors (PEM); the system store is always used too
  bool insecure = false;  // no certificate verification (tests against self-signed servers only)
  size_t pool_size = 16;  // idle keep-alive connections kept
  size_t body_limit = size_t(64) << 20;  // a longer answer body is an error ("net.read")
  std::optional<ProxyOptions> proxy;     // none: straight to the URL's host
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
  // answer, and are left out of it (through an http proxy, the proxy's own answer, a 407 or a 502,
  // is an answer too). Only a failure to get an answer is an Error, whose message names the server
  // (url().origin()), and the proxy when one is used:
  //   net.resolve  the host name (the proxy's, through a proxy) does not resolve
  //   net.connect  the connection is refused or the host unreachable (the proxy's, through one)
  //   net.proxy    the proxy refused the CONNECT tunnel (any answer but 2xx: its status, e.g. 407
  //                when it wants other credentials) or did not answer it as HTTP
  //   net.tls      the handshake fails, the certificate cannot be verified, or the CAs cannot be
  //                loaded
  //   net.timeout  connecting (with the proxy's answer to CONNECT), the handshake, writing or the
  //                answer took longer than its deadline
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
