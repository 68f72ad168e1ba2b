#pragma once
// Loopback servers for the tests of HTTPS and of going through a forward proxy
// (net/tests/client_proxy_test.cpp, runner/tests/metadata_fetch_test.cpp): a throw-away self-signed
// certificate, an HTTPS server that answers with a handler, and a forward proxy (CONNECT tunnels,
// absolute-form requests) that records what it saw. Each serves on 127.0.0.1, port 0, from one
// io_context in its own thread (C++20 coroutines) until the object goes. Header-only: only the
// binaries that include it compile it; they get Boost and OpenSSL through popcheck_net.

#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange, not including it

// Boost 1.74 enables co_await under clang (the tsan preset) only with libc++'s
// <experimental/coroutine>; clang 16 with libstdc++ has C++20's <coroutine>, which Asio then uses.
#if defined(__clang__) && defined(__cpp_impl_coroutine) && !defined(BOOST_ASIO_HAS_CO_AWAIT)
#if defined(BOOST_ASIO_DETAIL_CONFIG_HPP)
#error "include tests/support/https_servers.hpp before any Boost.Asio header"
#endif
#define BOOST_ASIO_HAS_CO_AWAIT 1
#endif

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace popcheck::test_support {

namespace https_detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
inline auto ignore(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

inline std::string pem_of(const std::function<int(BIO*)>& write) {
  BIO* bio = BIO_new(BIO_s_mem());
  write(bio);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

// An io_context served by one thread, and an acceptor on 127.0.0.1, port 0.
class Loop {
 public:
  Loop() : acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {}
  ~Loop() { stop(); }
  uint16_t port() const { return port_; }

 protected:
  template <class Session>
  void start(Session session) {
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, accept(std::move(session)), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  // Called by the most derived destructor, so that no session outlives the members it uses.
  void stop() {
    if (!thread_.joinable()) return;
    ioc_.stop();
    thread_.join();
  }
  asio::io_context ioc_;

 private:
  template <class Session>
  asio::awaitable<void> accept(Session session) {
    for (;;) {
      error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(ignore(ec));
      if (ec) co_return;
      asio::co_spawn(ioc_, session(std::move(socket)), asio::detached);
    }
  }
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::thread thread_;
};

// Copies `from` to `to` until `from` ends, then ends `to`'s sending side.
inline asio::awaitable<void> relay(std::shared_ptr<tcp::socket> from,
                                   std::shared_ptr<tcp::socket> to) {
  std::vector<char> buffer(16384);
  for (;;) {
    error_code ec;
    size_t n = co_await from->async_read_some(asio::buffer(buffer), ignore(ec));
    if (n > 0) co_await asio::async_write(*to, asio::buffer(buffer.data(), n), ignore(ec));
    if (ec) break;
  }
  error_code ec;
  to->shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace https_detail

struct TestCertificate {
  std::string cert_pem;  // also the trust anchor a client is given (ca_file)
  std::string key_pem;
};

// A self-signed P-256 certificate for origin.test, localhost and 127.0.0.1, valid for a day.
inline TestCertificate make_test_certificate() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("origin.test"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (auto [nid, value] :
       {std::pair{NID_subject_alt_name, "DNS:origin.test,DNS:localhost,IP:127.0.0.1"},
        std::pair{NID_basic_constraints, "critical,CA:TRUE"},
        std::pair{NID_key_usage, "critical,keyCertSign,digitalSignature"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, key, EVP_sha256());
  TestCertificate out{https_detail::pem_of([&](BIO* b) { return PEM_write_bio_X509(b, x); }),
                      https_detail::pem_of([&](BIO* b) {
                        return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr,
                                                        nullptr);
                      })};
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

// An HTTPS server: each request is answered by the handler, with "Connection: close".
class HttpsServer : public https_detail::Loop {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;
  using Handler = std::function<Response(const Request&)>;

  HttpsServer(const TestCertificate& certificate, Handler handler)
      : tls_(boost::asio::ssl::context::tls_server), handler_(std::move(handler)) {
    tls_.use_certificate_chain(boost::asio::buffer(certificate.cert_pem));
    tls_.use_private_key(boost::asio::buffer(certificate.key_pem), boost::asio::ssl::context::pem);
    start([this](https_detail::tcp::socket socket) { return session(std::move(socket)); });
  }
  ~HttpsServer() { stop(); }

 private:
  boost::asio::awaitable<void> session(https_detail::tcp::socket socket) {
    namespace http = https_detail::http;
    boost::asio::ssl::stream<https_detail::tcp::socket> stream(std::move(socket), tls_);
    https_detail::error_code ec;
    co_await stream.async_handshake(boost::asio::ssl::stream_base::server,
                                    https_detail::ignore(ec));
    if (ec) co_return;
    boost::beast::flat_buffer buffer;
    Request request;
    co_await http::async_read(stream, buffer, request, https_detail::ignore(ec));
    if (ec) co_return;
    Response response = handler_(request);
    response.version(11);
    response.keep_alive(false);
    response.prepare_payload();
    co_await http::async_write(stream, response, https_detail::ignore(ec));
  }
  boost::asio::ssl::context tls_;
  Handler handler_;
};

// A forward proxy as curl and the SDKs use one. "CONNECT host:port" opens a tunnel to
// 127.0.0.1:port whatever the host (so an origin may be called origin.test); an absolute-form
// request ("GET http://host:port/path") goes on to 127.0.0.1:port as "GET /path", without the
// proxy's headers, and its answer comes back with "Connection: close". `refuse_with` (a status,
// e.g. 407) answers every request with that status instead.
class ForwardProxy : public https_detail::Loop {
 public:
  struct Seen {
    std::string method;
    std::string target;  // "host:port" for CONNECT, the whole URL otherwise
    std::string proxy_authorization;
  };

  explicit ForwardProxy(int refuse_with = 0) : refuse_with_(refuse_with) {
    start([this](https_detail::tcp::socket socket) { return session(std::move(socket)); });
  }
  ~ForwardProxy() { stop(); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  boost::asio::awaitable<void> session(https_detail::tcp::socket socket) {
    namespace asio = boost::asio;
    namespace http = https_detail::http;
    using https_detail::ignore;
    auto client = std::make_shared<https_detail::tcp::socket>(std::move(socket));
    https_detail::error_code ec;
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    co_await http::async_read(*client, buffer, request, ignore(ec));
    if (ec) co_return;
    const std::string target(request.target());
    {
      std::lock_guard lock(mutex_);
      seen_.push_back({std::string(request.method_string()), target,
                       std::string(request[http::field::proxy_authorization])});
    }
    if (refuse_with_ != 0) {
      http::response<http::string_body> no{static_cast<http::status>(refuse_with_), 11};
      no.set(http::field::proxy_authenticate, "Basic realm=\"test\"");
      no.body() = "refused";
      no.keep_alive(false);
      no.prepare_payload();
      co_await http::async_write(*client, no, ignore(ec));
      co_return;
    }
    const bool connect = request.method() == http::verb::connect;
    // "host:port", or "http://host:port/path": the port, and the path for the origin.
    std::string authority = connect ? target : target.substr(7, target.find('/', 7) - 7);
    const std::string path = connect ? "" : target.substr(target.find('/', 7));
    auto origin = std::make_shared<https_detail::tcp::socket>(ioc_);
    co_await origin->async_connect(
        {asio::ip::make_address("127.0.0.1"),
         static_cast<uint16_t>(std::stoi(authority.substr(authority.rfind(':') + 1)))},
        ignore(ec));
    if (ec) co_return;
    if (connect) {
      static const std::string kEstablished = "HTTP/1.1 200 Connection Established\r\n\r\n";
      co_await asio::async_write(*client, asio::buffer(kEstablished), ignore(ec));
      if (ec) co_return;
      asio::co_spawn(ioc_, https_detail::relay(client, origin), asio::detached);
      co_await https_detail::relay(origin, client);
      co_return;
    }
    request.target(path);
    request.erase(http::field::proxy_authorization);
    co_await http::async_write(*origin, request, ignore(ec));
    http::response<http::string_body> response;
    boost::beast::flat_buffer from_origin;
    if (!ec) co_await http::async_read(*origin, from_origin, response, ignore(ec));
    if (ec) co_return;
    response.keep_alive(false);
    co_await http::async_write(*client, response, ignore(ec));
  }

  int refuse_with_ = 0;
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;
};

}  // namespace popcheck::test_support
