#include "net/server.hpp"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <iostream>
#include <list>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace popcheck::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// How long an error answer to a broken request waits for the client to finish sending before the
// connection closes. Closing a socket with unread input makes the kernel send RST, and the client would
// then lose the error response it is owed.
constexpr std::chrono::seconds kLingerTimeout{5};
constexpr size_t kLingerMaxBytes = 64 * 1024 * 1024;

class Session;

// State shared by the server and every session. Sessions hold it by shared_ptr so that the io_context
// outlives any session a handler still holds after the server has stopped.
struct Shared {
  explicit Shared(ServerOptions o, std::shared_ptr<Handler> h)
      : options(std::move(o)), handler(std::move(h)), ioc(std::max(1, options.threads)) {}
  ServerOptions options;
  std::shared_ptr<Handler> handler;
  asio::io_context ioc;
  std::atomic<bool> stopped{false};
  std::mutex mutex;  // guards sessions
  std::list<std::weak_ptr<Session>> sessions;
};

// The session whose handler is running on this thread, so that an answer given synchronously inside
// Handler::handle is written at once instead of taking a round trip through the strand's queue.
thread_local const Session* t_in_handler = nullptr;

// One connection: read a request, hand it to the handler, write its answer, repeat while keep-alive.
// Every step runs on the connection's strand; handlers may answer from any thread.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<Shared> shared, tcp::socket&& socket)
      : shared_(std::move(shared)), stream_(std::move(socket)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  ~Session() {
    if (registered_) {
      std::lock_guard lock(shared_->mutex);
      shared_->sessions.erase(self_entry_);
    }
  }

  // Registers with the server (so that stop() can close it) and starts reading. Returns false when the
  // server is already stopping.
  void start() {
    {
      std::lock_guard lock(shared_->mutex);
      if (shared_->stopped) return;  // the socket closes with this session
      shared_->sessions.push_front(weak_from_this());
      self_entry_ = shared_->sessions.begin();
      registered_ = true;
    }
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::do_read, shared_from_this()));
  }

  // Called by Server::stop from any thread: closes the connection on its strand.
  void shutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      if (self->timer_) self->timer_->cancel();
      self->stream_.socket().close(ec);
    });
  }

  // The handler's answer, from any thread. Exactly once per request (a repeated call is ignored while
  // the session is alive; see Respond's contract).
  void deliver(HttpResponse response) {
    if (responded_.exchange(true)) return;
    std::shared_ptr<Session> self = std::move(pending_);
    if (shared_->stopped) return;  // nobody runs the strand any more; drop the connection
    if (t_in_handler == this) {
      // The common case: the handler answered synchronously inside on_read.
      self->respond(std::move(response));
      return;
    }
    asio::post(stream_.get_executor(), [self, r = std::move(response)]() mutable {
      self->respond(std::move(r));
    });
  }

 private:
  void do_read() {
    if (shared_->stopped) return do_close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(shared_->options.header_limit));
    parser_->body_limit(shared_->options.body_limit);
    stream_.expires_after(shared_->options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, size_t) {
    if (ec) return fail(ec, "read");
    stream_.expires_never();
    auto message = parser_->release();
    parser_.reset();
    keep_alive_ = message.keep_alive();
    version_ = message.version();

    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.headers.reserve(16);
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.remote = remote_;
    request.version = static_cast<int>(message.version());

    responded_ = false;
    pending_ = shared_from_this();
    // A raw pointer keeps the Respond callable inside std::function's small buffer (no allocation per
    // request); pending_ keeps the session alive until the answer arrives.
    Session* self = this;
    t_in_handler = this;
    try {
      shared_->handler->handle(std::move(request), [self](HttpResponse r) {
        self->deliver(std::move(r));
      });
      t_in_handler = nullptr;
    } catch (const std::exception& e) {
      t_in_handler = nullptr;
      // This session is kept alive by this completion handler's reference, so a second deliver is safe.
      deliver(make_error_response(
          {500, "InternalError",
           std::string("The request processing has failed due to some unknown error: ") + e.what()}));
    } catch (...) {
      t_in_handler = nullptr;
      deliver(make_error_response(
          {500, "InternalError",
           "The request processing has failed due to some unknown error, exception or failure."}));
    }
  }

  // Runs on the strand: applies the fault fields, then writes.
  void respond(HttpResponse response) {
    if (response.delay.count() > 0) {
      if (!timer_) timer_.emplace(stream_.get_executor());
      timer_->expires_after(response.delay);
      response.delay = std::chrono::milliseconds(0);
      timer_->async_wait([self = shared_from_this(), r = std::move(response)](
                             beast::error_code ec) mutable {
        if (ec) return self->fail(ec, "delay");
        self->respond(std::move(r));
      });
      return;
    }
    if (response.abort == HttpResponse::Abort::reset) {
      // SO_LINGER with a zero timeout turns close() into an immediate RST.
      beast::error_code ec;
      stream_.socket().set_option(asio::socket_base::linger(true, 0), ec);
      stream_.socket().close(ec);
      return;
    }

    response_.emplace();
    auto& out = *response_;
    out.version(version_);
    out.result(static_cast<unsigned>(response.status));
    bool close = response.close || !keep_alive_;
    bool has_length = false;
    for (auto& [name, value] : response.headers) {
      // The body is always sent whole, never chunked; the length is set below when missing.
      if (iequals(name, "Transfer-Encoding")) continue;
      if (iequals(name, "Connection")) {
        if (iequals(value, "close")) close = true;
        continue;
      }
      if (iequals(name, "Content-Length")) has_length = true;
      out.insert(name, value);
    }
    out.body() = std::move(response.body);
    if (!has_length) out.content_length(out.body().size());
    out.keep_alive(!close);
    close_after_write_ = close;

    if (response.abort == HttpResponse::Abort::truncate) {
      std::ostringstream os;
      os << out;
      truncated_ = os.str();
      truncated_.resize(std::min(truncated_.size(), response.truncate_at));
      stream_.expires_after(shared_->options.read_timeout);
      asio::async_write(stream_, asio::buffer(truncated_),
                        [self = shared_from_this()](beast::error_code ec, size_t) {
                          if (ec) return self->fail(ec, "write");
                          self->do_close();
                        });
      return;
    }

    stream_.expires_after(shared_->options.read_timeout);
    http::async_write(stream_, out,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, size_t) {
    if (ec) return fail(ec, "write");
    response_.reset();
    if (close_after_write_) return do_close();
    do_read();
  }

  void fail(beast::error_code ec, const char* what) {
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::broken_pipe) {
      return do_close();
    }
    if (std::string_view(what) == "read" &&
        ec.category() == make_error_code(http::error::end_of_stream).category()) {
      // Beast's parser rejected the request: answer with an Alibaba-style error and close this
      // connection only.
      return reject(ec);
    }
    // Anything else is a network error on this one connection; the server keeps serving others.
    (void)what;
    do_close();
  }

  // Answers a request the parser rejected, then closes after draining what the client still sends.
  void reject(beast::error_code ec) {
    ApiError error;
    if (ec == http::error::header_limit) {
      error = {431, "RequestHeaderFieldsTooLarge",
               "The request headers exceed the limit of " +
                   std::to_string(shared_->options.header_limit) + " bytes."};
    } else if (ec == http::error::body_limit) {
      error = {413, "RequestEntityTooLarge",
               "The request body exceeds the limit of " +
                   std::to_string(shared_->options.body_limit) + " bytes."};
    } else {
      error = {400, "MalformedRequest", "The HTTP request could not be parsed: " + ec.message() + "."};
    }
    HttpResponse response = make_error_response(error);
    response.close = true;
    keep_alive_ = false;
    lingering_ = true;
    parser_.reset();
    respond(std::move(response));
  }

  void do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (lingering_ && !ec && !shared_->stopped) {
      lingering_ = false;
      stream_.expires_after(kLingerTimeout);
      drain_buffer_.resize(16 * 1024);
      return drain();
    }
    stream_.socket().close(ec);
  }

  void drain() {
    stream_.async_read_some(
        asio::buffer(drain_buffer_), [self = shared_from_this()](beast::error_code ec, size_t n) {
          self->drained_ += n;
          if (ec || self->drained_ > kLingerMaxBytes) {
            beast::error_code ignored;
            self->stream_.socket().close(ignored);
            return;
          }
          self->drain();
        });
  }

  std::shared_ptr<Shared> shared_;  // first: destroyed last, after the socket that needs its io_context
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  std::optional<asio::steady_timer> timer_;
  std::string remote_;
  std::string truncated_;
  std::vector<char> drain_buffer_;
  size_t drained_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool close_after_write_ = false;
  bool lingering_ = false;
  std::atomic<bool> responded_{false};
  std::shared_ptr<Session> pending_;  // self-reference while the handler owes an answer
  std::list<std::weak_ptr<Session>>::iterator self_entry_;
  bool registered_ = false;
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions options, std::shared_ptr<Handler> handler)
      : shared(std::make_shared<Shared>(std::move(options), std::move(handler))),
        acceptor(asio::make_strand(shared->ioc)) {}

  void do_accept() {
    acceptor.async_accept(asio::make_strand(shared->ioc), [this](beast::error_code ec,
                                                                 tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || shared->stopped) return;
        // A transient accept failure (too many open files, a reset before accept): keep accepting.
        return do_accept();
      }
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(shared, std::move(socket))->start();
      do_accept();
    });
  }

  std::shared_ptr<Shared> shared;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  bool started = false;
  std::mutex wait_mutex;
  std::condition_variable wait_cv;
  bool done = false;
};

Server::Server(ServerOptions options, std::shared_ptr<Handler> handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() { stop(); }

Expected<void> Server::start() {
  auto& o = impl_->shared->options;
  std::string where = o.host + ":" + std::to_string(o.port);
  if (impl_->started) return fail("net.bind", "the server on " + where + " is already started");
  beast::error_code ec;
  auto address = asio::ip::make_address(o.host, ec);
  if (ec) return fail("net.bind", "cannot listen on " + where + ": not an IP address");
  tcp::endpoint endpoint{address, o.port};
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor.close(ignored);
    return fail("net.bind", "cannot listen on " + where + ": " + ec.message());
  }
  impl_->port = acceptor.local_endpoint().port();
  impl_->started = true;
  impl_->do_accept();
  int n = std::max(1, o.threads);
  for (int i = 0; i < n; ++i) {
    impl_->threads.emplace_back([shared = impl_->shared] {
      // A handler that throws through Asio would end the thread; sessions catch their own exceptions,
      // so this loop only guards against the unexpected.
      for (;;) {
        try {
          shared->ioc.run();
          return;
        } catch (const std::exception& e) {
          std::cerr << "popcheck: server thread: " << e.what() << "\n";
        }
      }
    });
  }
  return {};
}

uint16_t Server::port() const { return impl_->port; }

void Server::stop() {
  auto& shared = impl_->shared;
  if (impl_->started && !shared->stopped.exchange(true)) {
    asio::post(impl_->acceptor.get_executor(), [this] {
      beast::error_code ignored;
      impl_->acceptor.close(ignored);
    });
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(shared->mutex);
      for (auto& weak : shared->sessions) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->shutdown();
    live.clear();
    // With the acceptor and every socket closed, each thread's run() returns once the aborted
    // operations have completed.
    for (auto& t : impl_->threads) {
      if (t.joinable()) t.join();
    }
    impl_->threads.clear();
  }
  {
    std::lock_guard lock(impl_->wait_mutex);
    impl_->done = true;
  }
  impl_->wait_cv.notify_all();
}

void Server::wait() {
  std::unique_lock lock(impl_->wait_mutex);
  impl_->wait_cv.wait(lock, [this] { return impl_->done; });
}

}  // namespace popcheck::net
