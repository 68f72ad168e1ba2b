#include "proxy/upstream.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <mutex>
#include <optional>
#include <vector>

#include "core/support/text.hpp"

namespace popcheck::proxy {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

using core::text::iequals;

// Headers that describe one connection, not the message; never forwarded (RFC 9110 section 7.6.1).
bool is_hop_by_hop(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kNames = {
      "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
      "te",         "trailer",    "transfer-encoding", "upgrade"};
  return std::any_of(kNames.begin(), kNames.end(), [&](std::string_view n) { return iequals(n, name); });
}

}  // namespace

std::string UpstreamUrl::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  if (!default_port) h += ":" + std::to_string(port);
  return h;
}

std::string UpstreamUrl::to_string() const { return scheme + "://" + host_header() + base; }

Expected<UpstreamUrl> parse_upstream_url(const std::string& url) {
  UpstreamUrl out;
  std::string_view rest = url;
  if (rest.starts_with("http://")) {
    out.scheme = "http";
    out.port = 80;
    rest.remove_prefix(7);
  } else if (rest.starts_with("https://")) {
    out.scheme = "https";
    out.port = 443;
    rest.remove_prefix(8);
  } else {
    return fail("upstream.url", "upstream URL '" + url + "' must start with http:// or https://");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    out.base = std::string(rest.substr(slash));
    while (!out.base.empty() && out.base.back() == '/') out.base.pop_back();
    if (out.base.find_first_of("?#") != std::string::npos)
      return fail("upstream.url", "upstream URL '" + url + "' must not have a query or fragment");
  }
  std::string_view port_text;
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return fail("upstream.url", "upstream URL '" + url + "' has an unclosed IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (after.starts_with(":")) port_text = after.substr(1);
  } else {
    size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return fail("upstream.url", "upstream URL '" + url + "' has no host");
  if (!port_text.empty()) {
    if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(), ::isdigit))
      return fail("upstream.url", "upstream URL '" + url + "' has an invalid port");
    int port = std::stoi(std::string(port_text));
    if (port <= 0 || port > 65535)
      return fail("upstream.url", "upstream URL '" + url + "' has an invalid port");
    out.port = static_cast<uint16_t>(port);
  }
  return out;
}

// One upstream connection with its own io_context: the blocking caller drives it with run(), so
// every step can use Beast's per-operation deadlines while the connection moves freely between the
// worker threads that borrow it from the pool.
struct Connection {
  asio::io_context ioc;
  std::optional<beast::tcp_stream> tcp;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *tcp; }
};

struct Upstream::Impl {
  UpstreamOptions options;
  UpstreamUrl url;
  std::optional<ssl::context> tls_context;
  std::mutex mutex;
  std::vector<std::unique_ptr<Connection>> idle;

  // Runs the connection's io_context until the posted operation completes.
  static void run(Connection& c) {
    c.ioc.restart();
    c.ioc.run();
  }

  Expected<std::unique_ptr<Connection>> connect() {
    auto c = std::make_unique<Connection>();
    beast::error_code ec;
    tcp::resolver resolver(c->ioc);
    auto results = resolver.resolve(url.host, std::to_string(url.port), ec);
    if (ec)
      return fail("upstream.resolve", "cannot resolve " + url.host + ": " + ec.message(),
                  url.to_string());
    if (tls_context) {
      c->tls.emplace(c->ioc, *tls_context);
    } else {
      c->tcp.emplace(c->ioc);
    }
    beast::tcp_stream& stream = c->lowest();
    stream.expires_after(options.timeout);
    stream.async_connect(results, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    run(*c);
    if (ec == beast::error::timeout)
      return fail("upstream.timeout", "connecting to " + url.host_header() + " timed out",
                  url.to_string());
    if (ec)
      return fail("upstream.connect", "cannot connect to " + url.host_header() + ": " + ec.message(),
                  url.to_string());
    stream.socket().set_option(tcp::no_delay(true), ec);
    if (c->tls) {
      // SNI, and the certificate must name the host we asked for.
      if (!SSL_set_tlsext_host_name(c->tls->native_handle(), url.host.c_str()))
        return fail("upstream.tls", "cannot set the TLS server name", url.to_string());
      if (!options.insecure) c->tls->set_verify_callback(ssl::host_name_verification(url.host));
      stream.expires_after(options.timeout);
      c->tls->async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
      run(*c);
      if (ec == beast::error::timeout)
        return fail("upstream.timeout", "the TLS handshake with " + url.host_header() + " timed out",
                    url.to_string());
      if (ec)
        return fail("upstream.tls",
                    "TLS handshake with " + url.host_header() + " failed: " + ec.message(),
                    url.to_string());
    }
    return c;
  }

  template <class Stream>
  Expected<UpstreamResponse> exchange(Connection& c, Stream& stream,
                                      http::request<http::string_body>& req, bool& retryable) {
    beast::error_code ec;
    c.lowest().expires_after(options.timeout);
    http::async_write(stream, req, [&](beast::error_code e, size_t) { ec = e; });
    run(c);
    if (ec) {
      // A timeout is never retried: the upstream may be slow rather than gone, and may act twice.
      retryable = ec != beast::error::timeout;
      if (ec == beast::error::timeout)
        return fail("upstream.timeout", "writing to " + url.host_header() + " timed out",
                    url.to_string());
      return fail("upstream.io", "writing to " + url.host_header() + " failed: " + ec.message(),
                  url.to_string());
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.body_limit);
    // A response to HEAD announces a length but carries no body.
    if (req.method() == http::verb::head) parser.skip(true);
    parser.header_limit(64 * 1024);
    c.lowest().expires_after(options.timeout);
    http::async_read(stream, c.buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
    run(c);
    if (ec) {
      // A kept-alive connection the server closed in the meantime fails before any byte arrives.
      retryable = !parser.got_some() && ec != beast::error::timeout;
      if (ec == beast::error::timeout)
        return fail("upstream.timeout",
                    "no response from " + url.host_header() + " within " +
                        std::to_string(options.timeout.count()) + " ms",
                    url.to_string());
      return fail("upstream.io", "reading from " + url.host_header() + " failed: " + ec.message(),
                  url.to_string());
    }
    auto res = parser.release();
    UpstreamResponse out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res)
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    out.body = std::move(res.body());
    if (res.keep_alive()) {
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

Expected<std::unique_ptr<Upstream>> Upstream::create(const UpstreamOptions& options) {
  auto url = parse_upstream_url(options.url);
  if (!url) return std::unexpected(url.error());
  std::unique_ptr<Upstream> up(new Upstream());
  up->impl_ = std::make_unique<Impl>();
  up->impl_->options = options;
  up->impl_->url = *url;
  if (url->scheme == "https") {
    auto& ctx = up->impl_->tls_context.emplace(ssl::context::tls_client);
    beast::error_code ec;
    ctx.set_default_verify_paths(ec);
    if (ec) return fail("upstream.tls", "cannot load the system CA certificates: " + ec.message());
    if (!options.ca_file.empty()) {
      ctx.load_verify_file(options.ca_file, ec);
      if (ec)
        return fail("upstream.tls", "cannot load CA file: " + ec.message(), options.ca_file);
    }
    ctx.set_verify_mode(options.insecure ? ssl::verify_none : ssl::verify_peer);
  }
  return up;
}

Upstream::~Upstream() = default;

const UpstreamUrl& Upstream::url() const { return impl_->url; }

Expected<UpstreamResponse> Upstream::send(const UpstreamRequest& request) {
  http::request<http::string_body> req;
  req.version(11);
  req.method_string(request.method);
  req.target(impl_->url.base + request.target);
  bool has_host = false;
  for (const auto& [name, value] : request.headers) {
    if (is_hop_by_hop(name) || iequals(name, "content-length")) continue;
    has_host = has_host || iequals(name, "host");
    req.insert(name, value);
  }
  if (!has_host) req.set(http::field::host, impl_->url.host_header());
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
  return fail("upstream.io", "the upstream closed the connection twice", impl_->url.to_string());
}

}  // namespace popcheck::proxy
