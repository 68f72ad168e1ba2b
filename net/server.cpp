#include "net/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <iostream>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/support/text.hpp"

namespace popcheck::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// Every I/O object names the concrete executor of its worker's io_context. The default
// (any_io_executor) is type-erased, and its per-operation conversions showed up in profiles of the
// replay benchmark.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<tcp, Executor>;
using Timer = asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor>;

using core::text::iequals;

// How long an error answer to a broken request waits for the client to finish sending before the
// connection closes. Closing a socket with unread input makes the kernel send RST, and the client would
// then lose the error response it is owed.
constexpr std::chrono::seconds kLingerTimeout{5};
constexpr size_t kLingerMaxBytes = 64 * 1024 * 1024;
// How long the acceptor pauses after a failure such as running out of file descriptors, so that it
// does not spin while nothing can be accepted.
constexpr std::chrono::milliseconds kAcceptBackoff{50};

class Session;

// Beast's request parser without Beast's message: the request line, the header fields and the
// body go straight into the net::HttpRequest the handler receives. Beast's request_parser would
// first build a message (a field container with a lookup table per field), which the session then
// copied into the HttpRequest field by field; on the replay path that was a tenth of a request's
// instructions (bench/README.md). Limits, keep-alive, Content-Length and chunked framing stay
// Beast's (basic_parser); only the storage is ours. One parser per message, as Beast requires.
class RequestParser final : public http::basic_parser<true> {
 public:
  HttpRequest request;

 private:
  void on_request_impl(http::verb, beast::string_view method, beast::string_view target,
                       int version, beast::error_code&) override {
    request.method.assign(method.data(), method.size());
    request.target.assign(target.data(), target.size());
    request.version = version;
    request.headers.reserve(16);
  }
  void on_response_impl(int, beast::string_view, int, beast::error_code&) override {}
  void on_field_impl(http::field, beast::string_view name, beast::string_view value,
                     beast::error_code&) override {
    request.headers.emplace_back(std::piecewise_construct,
                                 std::forward_as_tuple(name.data(), name.size()),
                                 std::forward_as_tuple(value.data(), value.size()));
  }
  void on_header_impl(beast::error_code&) override {}
  // As Beast's string_body reader: the declared length is reserved (body_limit has been checked
  // against it already), chunks and pieces are appended.
  void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                         beast::error_code& ec) override {
    if (!length) return;
    if (*length > request.body.max_size()) {
      ec = http::error::buffer_overflow;
      return;
    }
    request.body.reserve(static_cast<size_t>(*length));
  }
  size_t on_body_impl(beast::string_view body, beast::error_code& ec) override {
    return append(body, ec);
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                            beast::error_code& ec) override {
    return append(body, ec);
  }
  void on_finish_impl(beast::error_code&) override {}

  size_t append(beast::string_view body, beast::error_code& ec) {
    if (body.size() > request.body.max_size() - request.body.size()) {
      ec = http::error::buffer_overflow;
      return 0;
    }
    request.body.append(body.data(), body.size());
    return body.size();
  }
};

// One thread with an io_context of its own. A connection lives on one worker from accept to close,
// so its steps never need a strand or a lock, and a request never crosses threads unless its handler
// answers from elsewhere.
struct Worker {
  Worker() : ioc(1), guard(ioc.get_executor()), sweep(ioc.get_executor()) {}
  asio::io_context ioc;  // first: destroyed last, after every I/O object that uses it
  asio::executor_work_guard<Executor>
      guard;         // keeps run() going while the worker has no connection
  Timer sweep;       // closes connections whose deadline has passed
  std::mutex mutex;  // guards sessions
  std::list<std::weak_ptr<Session>> sessions;
  std::thread thread;
};

// State shared by the server and every session. Sessions hold it by shared_ptr so that the workers'
// io_contexts outlive any session a handler still holds after the server has stopped.
struct Shared {
  Shared(ServerOptions o, std::shared_ptr<Handler> h)
      : options(std::move(o)), handler(std::move(h)) {
    int n = std::max(1, options.threads);
    for (int i = 0; i < n; ++i) workers.push_back(std::make_unique<Worker>());
    // Deadlines are checked by a periodic sweep rather than a timer per read and write: arming and
    // cancelling two timers per request cost more than the rest of the server's own work. A deadline
    // is therefore honoured within one tick.
    tick = std::clamp<Clock::duration>(
        std::chrono::duration_cast<std::chrono::milliseconds>(options.read_timeout) / 4,
        std::chrono::milliseconds(10), std::chrono::seconds(1));
  }
  ServerOptions options;
  std::shared_ptr<Handler> handler;
  std::vector<std::unique_ptr<Worker>> workers;
  Clock::duration tick;
  std::atomic<bool> stopped{false};
};

// The session whose handler is running on this thread, so that an answer given synchronously inside
// Handler::handle is written at once instead of taking a round trip through the worker's queue.
thread_local const Session* t_in_handler = nullptr;

// One connection: read a request, hand it to the handler, write its answer, repeat while keep-alive.
// Every step runs on the connection's worker thread; handlers may answer from any thread.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<Shared> shared, Worker& worker, Socket&& socket)
      : shared_(std::move(shared)), worker_(worker), socket_(std::move(socket)) {
    beast::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  ~Session() {
    if (registered_) {
      std::lock_guard lock(worker_.mutex);
      worker_.sessions.erase(self_entry_);
    }
  }

  // On the worker thread: registers with the worker (so that the sweep and stop() can close it) and
  // starts reading.
  void start() {
    if (shared_->stopped) return;  // the socket closes with this session
    {
      std::lock_guard lock(worker_.mutex);
      worker_.sessions.push_front(weak_from_this());
      self_entry_ = worker_.sessions.begin();
      registered_ = true;
    }
    // Writes are tried synchronously first (write_answer) and must never block the worker.
    beast::error_code ec;
    socket_.non_blocking(true, ec);
    if (ec) return do_close();
    do_read();
  }

  // On the worker thread: closes the connection whatever it is doing (its deadline passed, or the
  // server is stopping). Pending operations complete with operation_aborted and end the session.
  void close_now() {
    beast::error_code ec;
    deadline_ = Clock::time_point::max();
    if (timer_) timer_->cancel();
    socket_.close(ec);
  }

  Clock::time_point deadline() const { return deadline_; }

  // The handler's answer, from any thread. Exactly once per request (a repeated call is ignored while
  // the session is alive; see Respond's contract).
  void deliver(HttpResponse&& response) {
    if (responded_.exchange(true)) return;
    std::shared_ptr<Session> self = std::move(pending_);
    if (shared_->stopped) return;  // nobody runs the worker any more; drop the connection
    if (t_in_handler == this) {
      // The common case: the handler answered synchronously inside on_read.
      self->respond(std::move(response));
      return;
    }
    asio::post(worker_.ioc,
               [self, r = std::move(response)]() mutable { self->respond(std::move(r)); });
  }

 private:
  void expires_after(Clock::duration d) { deadline_ = Clock::now() + d; }
  void expires_never() { deadline_ = Clock::time_point::max(); }

  // Reads the next request. Beast's parser does the parsing; the loop around it is written here
  // instead of taken from http::async_read, whose two layers of composed operations cost about 400
  // of a replayed request's 11,900 user-space instructions (callgrind; bench/README.md). It keeps
  // async_read's rules: bytes already buffered are parsed before the socket is read, end of file
  // before any byte is end_of_stream, and end of file after some bytes lets the parser decide
  // (put_eof).
  void do_read() {
    if (shared_->stopped) return do_close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(shared_->options.header_limit));
    parser_->body_limit(shared_->options.body_limit);
    expires_after(shared_->options.read_timeout);
    if (buffer_.size() == 0) return read_more();
    // Pipelined bytes are parsed on the next turn of the worker's loop, not inside the call that
    // finished the previous answer: a burst of pipelined requests would otherwise nest one call per
    // request.
    asio::post(worker_.ioc, [self = shared_from_this()] { self->parse_buffered(); });
  }

  // Feeds the buffered bytes to the parser until the request is complete, fails, or needs more.
  void parse_buffered() {
    while (buffer_.size() > 0) {
      beast::error_code ec;
      size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) break;
      if (ec) return fail(ec, "read");
      if (parser_->is_done()) return on_read({});
    }
    read_more();
  }

  void read_more() {
    size_t size = beast::read_size(buffer_, 65536);
    if (size == 0) return fail(http::error::buffer_overflow, "read");
    socket_.async_read_some(
        buffer_.prepare(size),
        [self = shared_from_this()](beast::error_code ec, size_t n) { self->on_bytes(ec, n); });
  }

  void on_bytes(beast::error_code ec, size_t n) {
    buffer_.commit(n);
    if (ec == asio::error::eof) {
      if (!parser_->got_some()) return fail(http::error::end_of_stream, "read");
      ec = {};
      parser_->put_eof(ec);
      if (ec) return fail(ec, "read");
      return on_read({});
    }
    if (ec) return fail(ec, "read");
    parse_buffered();
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail(ec, "read");
    expires_never();
    keep_alive_ = parser_->keep_alive();
    version_ = static_cast<unsigned>(parser_->request.version);
    // The parser filled the request in place; it is moved to the handler from there, and the
    // parser goes with the next read.
    HttpRequest& request = parser_->request;
    request.remote = remote_;

    responded_ = false;
    pending_ = shared_from_this();
    // A raw pointer keeps the Respond callable inside std::function's small buffer (no allocation per
    // request); pending_ keeps the session alive until the answer arrives.
    Session* self = this;
    t_in_handler = this;
    try {
      shared_->handler->handle(std::move(request),
                               [self](HttpResponse r) { self->deliver(std::move(r)); });
      t_in_handler = nullptr;
    } catch (const std::exception& e) {
      t_in_handler = nullptr;
      // This session is kept alive by this completion handler's reference, so a second deliver is safe.
      deliver(make_error_response(
          {500, "InternalError",
           std::string("The request processing has failed due to some unknown error: ") +
               e.what()}));
    } catch (...) {
      t_in_handler = nullptr;
      deliver(make_error_response(
          {500, "InternalError",
           "The request processing has failed due to some unknown error, exception or failure."}));
    }
  }

  // On the worker thread: applies the fault fields, then writes. (Answers are passed down by
  // reference: an HttpResponse is a dozen members, and each move of one showed in profiles.)
  void respond(HttpResponse&& response) {
    if (response.delay.count() > 0) {
      if (!timer_) timer_.emplace(worker_.ioc.get_executor());
      timer_->expires_after(response.delay);
      response.delay = std::chrono::milliseconds(0);
      timer_->async_wait(
          [self = shared_from_this(), r = std::move(response)](beast::error_code ec) mutable {
            if (ec) return self->fail(ec, "delay");
            self->respond(std::move(r));
          });
      return;
    }
    if (response.abort == HttpResponse::Abort::reset) {
      // SO_LINGER with a zero timeout turns close() into an immediate RST.
      beast::error_code ec;
      socket_.set_option(asio::socket_base::linger(true, 0), ec);
      socket_.close(ec);
      return;
    }

    // The answer is kept whole while it is written: the buffers below only view its body.
    current_ = std::move(response);
    if (current_.status < 100 || current_.status > 999) {
      // Beast cannot write such a status line; the client gets an error instead of a dropped
      // connection.
      current_ = make_error_response({500, "InternalError",
                                      "The handler answered with the invalid HTTP status " +
                                          std::to_string(current_.status) + "."});
      current_.close = true;
    }
    const std::string& body = current_.content();
    bool close = current_.close || !keep_alive_;
    for (const auto& [name, value] : current_.fields()) {
      if (iequals(name, "Connection") && iequals(value, "close")) close = true;
    }
    close_after_write_ = close;
    build_head(body.size(), close);

    if (current_.abort == HttpResponse::Abort::truncate) {
      truncated_ = head_ + body;
      truncated_.resize(std::min(truncated_.size(), current_.truncate_at));
      expires_after(shared_->options.read_timeout);
      asio::async_write(socket_, asio::buffer(truncated_),
                        [self = shared_from_this()](beast::error_code ec, size_t) {
                          if (ec) return self->fail(ec, "write");
                          self->do_close();
                        });
      return;
    }

    expires_after(shared_->options.read_timeout);
    write_answer(body);
  }

  // One gathered write of the header block and the body, tried at once on the non-blocking socket:
  // an answer almost always fits in the socket's buffer, and then no completion goes through the
  // worker's queue (which also spares the loop a non-blocking epoll_wait per batch of answers).
  // Whatever the kernel did not take is written asynchronously.
  void write_answer(const std::string& body) {
    beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(
        std::array<asio::const_buffer, 2>{asio::buffer(head_), asio::buffer(body)});
    beast::error_code ec;
    size_t n = socket_.write_some(rest, ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
      return fail(ec, "write");
    }
    rest.consume(n);
    if (beast::buffer_bytes(rest) == 0) return on_write({});
    asio::async_write(socket_, rest, [self = shared_from_this()](beast::error_code e, size_t) {
      self->on_write(e);
    });
  }

  // Sets head_ to the status line and header fields of current_, serialised by Beast. A connection
  // usually gets the same status and headers again and again (a client repeating a call, a replayed
  // fixture), so the last block is kept and reused while its inputs are unchanged; building it
  // costs more than comparing them. Shared fields are the same when they are the same object (the
  // key holds it, so its address cannot be reused by other fields meanwhile).
  void build_head(size_t length, bool close) {
    const Headers& fields = current_.fields();
    if (head_valid_ && head_key_.version == version_ && head_key_.status == current_.status &&
        head_key_.length == length && head_key_.close == close &&
        (current_.shared_headers ? head_key_.shared == current_.shared_headers
                                 : !head_key_.shared && head_key_.headers == fields)) {
      return;
    }
    http::response<http::empty_body> out;
    out.version(version_);
    out.result(static_cast<unsigned>(current_.status));
    bool has_length = false;
    for (const auto& [name, value] : fields) {
      // The body is always sent whole, never chunked; the length is set below when missing.
      if (iequals(name, "Transfer-Encoding") || iequals(name, "Connection")) continue;
      if (iequals(name, "Content-Length")) has_length = true;
      out.insert(name, value);
    }
    if (!has_length) out.content_length(length);
    out.keep_alive(!close);
    http::response_serializer<http::empty_body> serializer(out);
    serializer.split(true);
    head_.clear();
    beast::error_code ec;
    while (!ec && !serializer.is_header_done()) {
      serializer.next(ec, [&](beast::error_code&, const auto& buffers) {
        for (const auto& b : beast::buffers_range_ref(buffers))
          head_.append(static_cast<const char*>(b.data()), b.size());
        serializer.consume(beast::buffer_bytes(buffers));
      });
    }
    head_key_ = {version_,
                 current_.status,
                 length,
                 close,
                 current_.shared_headers ? Headers() : fields,
                 current_.shared_headers};
    head_valid_ = !ec;
  }

  void on_write(beast::error_code ec) {
    if (ec) return fail(ec, "write");
    current_ = HttpResponse{};
    if (close_after_write_) return do_close();
    do_read();
  }

  void fail(beast::error_code ec, const char* what) {
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::broken_pipe || ec == asio::error::bad_descriptor) {
      return do_close();
    }
    if (std::string_view(what) == "read" &&
        ec.category() == make_error_code(http::error::end_of_stream).category()) {
      // Beast's parser rejected the request: answer with an Alibaba-style error and close this
      // connection only.
      return reject(ec);
    }
    // Anything else is a network error on this one connection; the server keeps serving others.
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
      error = {400, "MalformedRequest",
               "The HTTP request could not be parsed: " + ec.message() + "."};
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
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (lingering_ && !ec && !shared_->stopped) {
      lingering_ = false;
      expires_after(kLingerTimeout);
      drain_buffer_.resize(16 * 1024);
      return drain();
    }
    expires_never();
    socket_.close(ec);
  }

  void drain() {
    socket_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kLingerMaxBytes) {
                                beast::error_code ignored;
                                self->expires_never();
                                self->socket_.close(ignored);
                                return;
                              }
                              self->drain();
                            });
  }

  std::shared_ptr<Shared>
      shared_;  // first: destroyed last, after the socket that needs its io_context
  Worker& worker_;
  Socket socket_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  HttpResponse current_;  // the answer being written; the write views its body
  std::string head_;      // its status line and header fields
  struct HeadKey {
    unsigned version = 0;
    int status = 0;
    size_t length = 0;
    bool close = false;
    Headers headers;                        // when the fields were not shared
    std::shared_ptr<const Headers> shared;  // when they were
  } head_key_;                              // what head_ was built from
  bool head_valid_ = false;
  std::optional<Timer> timer_;
  Clock::time_point deadline_ = Clock::time_point::max();  // read by the worker's sweep
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

// On the worker thread: the sessions registered with it that are still alive.
std::vector<std::shared_ptr<Session>> live_sessions(Worker& worker) {
  std::vector<std::shared_ptr<Session>> live;
  std::lock_guard lock(worker.mutex);
  live.reserve(worker.sessions.size());
  for (auto& weak : worker.sessions) {
    if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  return live;
}

void arm_sweep(Shared& shared, Worker& worker) {
  worker.sweep.expires_after(shared.tick);
  worker.sweep.async_wait([&shared, &worker](beast::error_code ec) {
    if (ec || shared.stopped) return;
    auto now = Clock::now();
    // Closing happens outside the list's lock: a session that ends here unregisters itself.
    for (auto& s : live_sessions(worker)) {
      if (s->deadline() <= now) s->close_now();
    }
    arm_sweep(shared, worker);
  });
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions options, std::shared_ptr<Handler> handler)
      : shared(std::make_shared<Shared>(std::move(options), std::move(handler))),
        acceptor(shared->workers.front()->ioc.get_executor()),
        backoff(shared->workers.front()->ioc.get_executor()) {}

  // Runs on the first worker. Connections are handed to the workers in turn, which spreads a few
  // long-lived keep-alive connections evenly (SO_REUSEPORT's hash does not).
  void do_accept() {
    Worker& target = *shared->workers[next_worker];
    next_worker = (next_worker + 1) % shared->workers.size();
    acceptor.async_accept(
        target.ioc.get_executor(), [this, &target](beast::error_code ec, Socket socket) {
          if (ec) {
            if (ec == asio::error::operation_aborted || shared->stopped) return;
            // A transient accept failure (too many open files, a reset before accept): keep accepting
            // after a pause.
            backoff.expires_after(kAcceptBackoff);
            backoff.async_wait([this](beast::error_code wait_ec) {
              if (!wait_ec && !shared->stopped) do_accept();
            });
            return;
          }
          beast::error_code ignored;
          socket.set_option(tcp::no_delay(true), ignored);
          auto session = std::make_shared<Session>(shared, target, std::move(socket));
          asio::post(target.ioc, [session] { session->start(); });
          do_accept();
        });
  }

  std::shared_ptr<Shared> shared;  // first: the workers' io_contexts outlive the acceptor
  Acceptor acceptor;
  Timer backoff;
  size_t next_worker = 0;
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
  auto& shared = impl_->shared;
  for (auto& worker : shared->workers) {
    arm_sweep(*shared, *worker);
    worker->thread = std::thread([&ioc = worker->ioc] {
      // A handler that throws through Asio would end the thread; sessions catch their own exceptions,
      // so this loop only guards against the unexpected.
      for (;;) {
        try {
          ioc.run();
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
      impl_->backoff.cancel();
    });
    for (auto& worker : shared->workers) {
      asio::post(worker->ioc, [&w = *worker] {
        w.sweep.cancel();
        for (auto& s : live_sessions(w)) s->close_now();
      });
    }
    // With the acceptor, the sweeps and every socket closed, each worker's run() returns once the
    // aborted operations have completed.
    for (auto& worker : shared->workers) worker->guard.reset();
    for (auto& worker : shared->workers) {
      if (worker->thread.joinable()) worker->thread.join();
    }
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
