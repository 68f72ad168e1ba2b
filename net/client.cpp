#include "net/client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <optional>
#include <vector>

#include "core/protocol/sign.hpp"
#include "core/support/text.hpp"

namespace popcheck::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

using core::text::iequals;

std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

// Whether a failed handshake failed on the server's certificate (the chain or the host name).
bool is_verification_failure(const beast::error_code& ec) {
  return ec.category() == asio::error::get_ssl_category() &&
         ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED;
}

// One connection with its own io_context: the blocking caller drives it with run(), so every step
// can use Beast's per-operation deadlines while the connection moves freely between the threads
// that borrow it from the pool.
struct Connection {
  asio::io_context ioc;
  std::optional<beast::tcp_stream> tcp;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *tcp; }
};

}  // namespace

bool is_hop_by_hop(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kNames = {"connection",
                                                             "keep-alive",
                                                             "proxy-connection",
                                                             "proxy-authenticate",
                                                             "proxy-authorization",
                                                             "te",
                                                             "trailer",
                                                             "transfer-encoding",
                                                             "upgrade"};
  return std::any_of(kNames.begin(), kNames.end(),
                     [&](std::string_view n) { return iequals(n, name); });
}

struct HttpClient::Impl {
  core::Url url;
  ClientOptions options;
  std::string where;  // url.origin(), the name every message gives the server
  std::string peer;   // whom the TCP connection goes to: `where`, or "the proxy P for `where`"
  std::string proxy_authorization;  // "Basic ..." when the proxy has credentials
  std::optional<ssl::context> tls_context;
  std::optional<Error> setup_error;  // the CA certificates could not be loaded
  std::mutex mutex;
  std::vector<std::unique_ptr<Connection>> idle;

  Impl(core::Url u, ClientOptions o)
      : url(std::move(u)), options(std::move(o)), where(url.origin()), peer(where) {
    if (const auto& proxy = options.proxy) {
      peer = "the proxy " + proxy->url.origin() + " for " + where;
      if (!proxy->user.empty() || !proxy->password.empty())
        proxy_authorization = "Basic " + core::base64_encode(proxy->user + ":" + proxy->password);
    }
    if (url.scheme != "https") return;
    auto& ctx = tls_context.emplace(ssl::context::tls_client);
    beast::error_code ec;
    ctx.set_default_verify_paths(ec);
    if (ec) {
      setup_error = Error{"net.tls", "cannot load the system CA certificates: " + ec.message()};
      return;
    }
    if (!options.ca_file.empty()) {
      ctx.load_verify_file(options.ca_file, ec);
      if (ec) {
        setup_error = Error{"net.tls",
                            "cannot load the CA certificates for " + where + ": " + ec.message() +
                                " (check --ca-file)",
                            options.ca_file};
        return;
      }
    }
    ctx.set_verify_mode(options.insecure ? ssl::verify_none : ssl::verify_peer);
  }

  // Runs the connection's io_context until the posted operation completes.
  static void run(Connection& c) {
    c.ioc.restart();
    c.ioc.run();
  }

  Expected<std::unique_ptr<Connection>> connect() {
    auto c = std::make_unique<Connection>();
    beast::error_code ec;
    tcp::resolver resolver(c->ioc);
    const core::Url& to = options.proxy ? options.proxy->url : url;
    auto results = resolver.resolve(to.host, std::to_string(to.port), ec);
    if (ec)
      return fail("net.resolve", "cannot resolve " + to.host +
                                     (options.proxy ? ", " + peer : std::string()) + ": " +
                                     ec.message());
    if (tls_context) {
      c->tls.emplace(c->ioc, *tls_context);
    } else {
      c->tcp.emplace(c->ioc);
    }
    beast::tcp_stream& stream = c->lowest();
    stream.expires_after(options.connect_timeout);
    stream.async_connect(results, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    run(*c);
    if (ec == beast::error::timeout)
      return fail("net.timeout",
                  "connecting to " + peer + " timed out (" + ms(options.connect_timeout) + ")");
    if (ec) return fail("net.connect", "cannot connect to " + peer + ": " + ec.message());
    stream.socket().set_option(tcp::no_delay(true), ec);
    if (c->tls && options.proxy) {
      if (auto tunnel = open_tunnel(*c); !tunnel) return std::unexpected(tunnel.error());
    }
    if (c->tls) {
      // SNI, and the certificate must name the host we asked for.
      if (!SSL_set_tlsext_host_name(c->tls->native_handle(), url.host.c_str()))
        return fail("net.tls", "cannot set the TLS server name for " + where);
      if (!options.insecure) c->tls->set_verify_callback(ssl::host_name_verification(url.host));
      stream.expires_after(options.connect_timeout);
      c->tls->async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
      run(*c);
      if (ec == beast::error::timeout)
        return fail("net.timeout", "the TLS handshake with " + where + " timed out (" +
                                       ms(options.connect_timeout) + ")");
      if (is_verification_failure(ec)) {
        std::string why = ec.message();
        long result = SSL_get_verify_result(c->tls->native_handle());
        if (result != X509_V_OK) why += ": " + std::string(X509_verify_cert_error_string(result));
        return fail("net.tls", "the TLS certificate of " + where + " could not be verified (" +
                                   why + "); use --ca-file, or --insecure to skip the check");
      }
      if (ec)
        return fail("net.tls", "TLS handshake with " + where +
                                   " failed (is it an https server?): " + ec.message());
    }
    return c;
  }

  // CONNECT host:port through the proxy (RFC 9110 section 9.3.6); any 2xx opens the tunnel, in
  // which the TLS handshake with the origin follows.
  Expected<void> open_tunnel(Connection& c) {
    const std::string authority =
        (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) + ":" +
        std::to_string(url.port);
    http::request<http::empty_body> req{http::verb::connect, authority, 11};
    req.set(http::field::host, authority);
    if (!proxy_authorization.empty())
      req.set(http::field::proxy_authorization, proxy_authorization);
    beast::error_code ec;
    beast::tcp_stream& stream = c.lowest();
    stream.expires_after(options.connect_timeout);
    http::async_write(stream, req, [&](beast::error_code e, size_t) { ec = e; });
    run(c);
    http::response_parser<http::empty_body> parser;
    parser.skip(true);  // a 2xx to CONNECT has no body; after any other the connection is dropped
    if (!ec) {
      stream.expires_after(options.connect_timeout);
      http::async_read(stream, c.buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
      run(c);
    }
    if (ec == beast::error::timeout)
      return fail("net.timeout",
                  "the CONNECT to " + peer + " timed out (" + ms(options.connect_timeout) + ")");
    if (ec)
      return fail("net.proxy", "no answer to the CONNECT from " + peer +
                                   " (is it an HTTP proxy?): " + ec.message());
    const auto& res = parser.get();
    if (res.result_int() / 100 != 2)
      return fail("net.proxy", peer + " refused the tunnel (CONNECT " + authority + "): HTTP " +
                                   std::to_string(res.result_int()) + " " +
                                   std::string(res.reason()));
    if (c.buffer.size() != 0)
      return fail("net.proxy", peer + " sent bytes after its answer to CONNECT " + authority);
    return {};
  }

  template <class Stream>
  Expected<core::Response> exchange(Connection& c, Stream& stream,
                                    http::request<http::string_body>& req, bool& retryable) {
    beast::error_code ec;
    c.lowest().expires_after(options.read_timeout);
    http::async_write(stream, req, [&](beast::error_code e, size_t) { ec = e; });
    run(c);
    if (ec) {
      retryable = ec != beast::error::timeout;
      if (ec == beast::error::timeout)
        return fail("net.timeout", "sending the request to " + where + " timed out (" +
                                       ms(options.read_timeout) + ")");
      return fail("net.write", "sending the request to " + where + " failed: " + ec.message());
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.body_limit);
    // A response to HEAD announces a length but carries no body.
    if (req.method() == http::verb::head) parser.skip(true);
    parser.header_limit(64 * 1024);
    c.lowest().expires_after(options.read_timeout);
    http::async_read(stream, c.buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
    run(c);
    if (ec) {
      // A kept-alive connection the server closed in the meantime fails before any byte arrives.
      retryable = !parser.got_some() && ec != beast::error::timeout;
      if (ec == beast::error::timeout)
        return fail("net.timeout",
                    "no answer from " + where + " within " + ms(options.read_timeout));
      return fail("net.read", "no complete answer from " + where + ": " + ec.message());
    }
    // A 1xx status has no content (RFC 9110 section 15.2), so the parser stops after the header;
    // but popcheck's emulator answers the documented error codes some APIs give as 1xx statuses
    // as final answers with a body and its Content-Length, which the client reads as such.
    auto length = parser.content_length();
    if (parser.get().result_int() / 100 == 1 && length && *length > 0) {
      if (*length > options.body_limit)
        return fail("net.read", "no complete answer from " + where + ": " +
                                    beast::error_code(http::error::body_limit).message());
      std::string& body = parser.get().body();
      body.resize(static_cast<size_t>(*length));
      size_t have = asio::buffer_copy(asio::buffer(body), c.buffer.data());
      c.buffer.consume(have);
      c.lowest().expires_after(options.read_timeout);
      asio::async_read(stream, asio::buffer(body.data() + have, body.size() - have),
                       [&](beast::error_code e, size_t) { ec = e; });
      run(c);
      if (ec)
        return fail(ec == beast::error::timeout ? "net.timeout" : "net.read",
                    "no complete answer from " + where + ": " + ec.message());
    }
    // Boost 1.74's parser drops its body_limit error when the header and the body arrive in one
    // read (eager parsing), so the limit is checked again on what was read.
    if (parser.get().body().size() > options.body_limit) {
      retryable = false;  // the caller drops the connection with the error
      return fail("net.read", "no complete answer from " + where + ": " +
                                  beast::error_code(http::error::body_limit).message() + " (" +
                                  std::to_string(options.body_limit) + " bytes)");
    }
    auto res = parser.release();
    core::Response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      std::string_view name(field.name_string().data(), field.name_string().size());
      if (!is_hop_by_hop(name)) out.headers.emplace_back(name, std::string(field.value()));
    }
    out.body = std::move(res.body());
    // Bytes beyond the answer (a body its status said it would not have) would be read as the
    // next answer on this connection: it is not kept then.
    if (res.keep_alive() && c.buffer.size() == 0) {
      std::lock_guard lock(mutex);
      if (idle.size() < options.pool_size) return out;  // the caller returns it to the pool
    }
    retryable = false;
    c.buffer.clear();
    c.tcp.reset();
    c.tls.reset();
    return out;
  }
};

HttpClient::HttpClient(core::Url url, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(url), std::move(options))) {}

Expected<std::unique_ptr<HttpClient>> HttpClient::create(core::Url url, ClientOptions options) {
  auto client = std::make_unique<HttpClient>(std::move(url), std::move(options));
  if (client->impl_->setup_error) return std::unexpected(*client->impl_->setup_error);
  return client;
}

HttpClient::~HttpClient() = default;

const core::Url& HttpClient::url() const { return impl_->url; }

Expected<core::Response> HttpClient::send(const core::Request& request) {
  if (impl_->setup_error) return std::unexpected(*impl_->setup_error);
  http::request<http::string_body> req;
  req.version(11);
  req.method_string(request.method);
  // Through a proxy, an http request names its whole URL; an https one goes through the tunnel.
  const bool absolute_form = impl_->options.proxy && impl_->url.scheme != "https";
  req.target(absolute_form ? impl_->url.origin() + request.target : request.target);
  bool has_host = false;
  for (const auto& [name, value] : request.headers) {
    if (is_hop_by_hop(name) || iequals(name, "content-length")) continue;
    has_host = has_host || iequals(name, "host");
    req.insert(name, value);
  }
  if (!has_host) req.set(http::field::host, impl_->url.host_header());
  if (absolute_form && !impl_->proxy_authorization.empty())
    req.set(http::field::proxy_authorization, impl_->proxy_authorization);
  req.keep_alive(true);
  req.body() = request.body;
  // Content-Length always, even 0 for a bodiless POST, as the SDKs send it.
  if (!request.body.empty() || request.method != "GET") req.content_length(request.body.size());

  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Connection> c;
    bool reused = false;
    {
      std::lock_guard lock(impl_->mutex);
      if (!impl_->idle.empty()) {
        c = std::move(impl_->idle.back());
        impl_->idle.pop_back();
        reused = true;
      }
    }
    if (!c) {
      auto fresh = impl_->connect();
      if (!fresh) return std::unexpected(fresh.error());
      c = std::move(*fresh);
    }
    bool retryable = false;
    auto result = c->tls ? impl_->exchange(*c, *c->tls, req, retryable)
                         : impl_->exchange(*c, *c->tcp, req, retryable);
    if (result) {
      if (c->tcp || c->tls) {
        std::lock_guard lock(impl_->mutex);
        if (impl_->idle.size() < impl_->options.pool_size) impl_->idle.push_back(std::move(c));
      }
      return result;
    }
    // Only a pooled connection that died while idle is retried, once, on a fresh connection.
    if (!(reused && retryable)) return result;
  }
  return fail("net.read", "the server at " + impl_->where + " closed the connection twice");
}

}  // namespace popcheck::net
