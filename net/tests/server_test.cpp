#include "net/server.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

namespace popcheck::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A blocking client on a raw socket, for the cases an HTTP library hides (malformed requests, resets,
// truncated responses). Reads give up after 10 s so that a broken server fails the test instead of
// hanging it.
class RawClient {
 public:
  explicit RawClient(uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval tv{10, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  void send(const std::string& data) { asio::write(socket_, asio::buffer(data)); }
  void shutdown_send() { socket_.shutdown(tcp::socket::shutdown_send); }
  // Everything until the server closes; `error` receives how the stream ended.
  std::string read_all(boost::system::error_code& error) {
    std::string out;
    char buf[4096];
    for (;;) {
      size_t n = socket_.read_some(asio::buffer(buf), error);
      out.append(buf, n);
      if (error) return out;
    }
  }
  std::string read_all() {
    boost::system::error_code ignored;
    return read_all(ignored);
  }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
};

int status_of(const std::string& raw) {
  // "HTTP/1.1 400 Bad Request"
  if (raw.size() < 12 || raw.compare(0, 5, "HTTP/") != 0) return 0;
  return std::stoi(raw.substr(9, 3));
}

std::string body_of(const std::string& raw) {
  auto pos = raw.find("\r\n\r\n");
  return pos == std::string::npos ? std::string() : raw.substr(pos + 4);
}

struct Fixture {
  explicit Fixture(std::shared_ptr<Handler> handler, ServerOptions options = {}) {
    options.port = 0;
    server = std::make_unique<Server>(options, std::move(handler));
    auto started = server->start();
    EXPECT_TRUE(started.has_value()) << (started ? "" : started.error().to_string());
    port = server->port();
  }
  std::unique_ptr<Server> server;
  uint16_t port = 0;
};

std::shared_ptr<Handler> echo_handler() {
  return std::make_shared<FunctionHandler>([](const HttpRequest& r) {
    HttpResponse out;
    nlohmann::json j;
    j["method"] = r.method;
    j["target"] = r.target;
    j["body"] = r.body;
    j["remote"] = r.remote;
    j["version"] = r.version;
    for (auto& [k, v] : r.headers) j["headers"][k] = v;
    out.body = j.dump();
    out.headers.emplace_back("Content-Type", "application/json;charset=utf-8");
    return out;
  });
}

TEST(Server, BindsPortZeroAndPassesTheRequestThrough) {
  Fixture f(echo_handler());
  ASSERT_NE(f.port, 0);
  httplib::Client client("127.0.0.1", f.port);
  auto res = client.Post("/?Action=Test&A=1", "x=1&y=2", "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json;charset=utf-8");
  auto j = nlohmann::json::parse(res->body);
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["target"], "/?Action=Test&A=1");
  EXPECT_EQ(j["body"], "x=1&y=2");
  EXPECT_EQ(j["headers"]["Content-Type"], "application/x-www-form-urlencoded");
  EXPECT_EQ(j["version"], 11);
  EXPECT_TRUE(j["remote"].get<std::string>().starts_with("127.0.0.1:"));
}

TEST(Server, KeepsTheConnectionAlive) {
  Fixture f(echo_handler());
  httplib::Client client("127.0.0.1", f.port);
  client.set_keep_alive(true);
  std::set<std::string> remotes;
  for (int i = 0; i < 5; ++i) {
    auto res = client.Get("/?n=" + std::to_string(i));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    remotes.insert(nlohmann::json::parse(res->body)["remote"].get<std::string>());
  }
  // One client port for every request: the same TCP connection served all five.
  EXPECT_EQ(remotes.size(), 1u);
}

TEST(Server, HeadersOfEverySizeReachTheHandlerWholeOnOneConnection) {
  // The session's parser writes each request's line and fields into the request it hands over:
  // small, large and small requests in turn on one connection must each reach the handler with
  // exactly the fields and target they were sent with, nothing left over from the one before.
  Fixture f(std::make_shared<FunctionHandler>([](const HttpRequest& r) {
    HttpResponse out;
    out.body =
        r.target + "|" + header_value(r.headers, "x-a") + "|" + header_value(r.headers, "x-b");
    return out;
  }));
  httplib::Client client("127.0.0.1", f.port);
  client.set_keep_alive(true);
  for (size_t size : {size_t(1), size_t(3000), size_t(6000), size_t(2), size_t(9000), size_t(5)}) {
    const std::string a(size, 'a'), b(size / 2 + 1, 'b');
    const std::string target = "/?t=" + std::string(size % 700, 't');
    auto res = client.Get(target, httplib::Headers{{"X-A", a}, {"X-B", b}});
    ASSERT_TRUE(res) << size;
    EXPECT_EQ(res->body, target + "|" + a + "|" + b) << size;
  }
}

// What the parser hands over of a request, as text: version, method, target, every field in
// order as sent, the body.
std::shared_ptr<Handler> raw_echo_handler() {
  return std::make_shared<FunctionHandler>([](const HttpRequest& r) {
    HttpResponse out;
    out.body = std::to_string(r.version) + " " + r.method + " " + r.target + "\n";
    for (const auto& [name, value] : r.headers) out.body += name + ": " + value + "\n";
    out.body += "[" + r.body + "]";
    return out;
  });
}

TEST(Server, FieldsInOrderChunkedBodiesAndHttp10KeepAliveReachTheHandler) {
  Fixture f(raw_echo_handler());
  RawClient raw(f.port);
  // A chunked POST with a repeated field name (two spellings), then an HTTP/1.0 request asking
  // for keep-alive, then an HTTP/1.0 request without it: the connection closes after the third.
  raw.send(
      "POST /c?x=1 HTTP/1.1\r\nHost: h\r\nX-R: 1\r\nx-r: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"
      "GET /ten HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
      "PUT /last HTTP/1.0\r\nContent-Length: 2\r\n\r\nok");
  boost::system::error_code end;
  const std::string all = raw.read_all(end);
  EXPECT_EQ(end, asio::error::eof) << all;  // closed by the server after the HTTP/1.0 request
  EXPECT_NE(all.find("11 POST /c?x=1\nHost: h\nX-R: 1\nx-r: 2\nTransfer-Encoding: chunked\n"
                     "[abcdefg]"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("10 GET /ten\nConnection: keep-alive\n[]"), std::string::npos) << all;
  EXPECT_NE(all.find("10 PUT /last\nContent-Length: 2\n[ok]"), std::string::npos) << all;
}

TEST(Server, PipelinedRequestsOnOneConnectionAreAnsweredInOrder) {
  Fixture f(echo_handler());
  RawClient raw(f.port);
  raw.send(
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string all = raw.read_all();
  auto first = all.find("/one");
  auto second = all.find("/two");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second);
}

// An answer larger than the kernel's socket buffers (24 MiB; loopback's hold a few MiB): the first
// write takes only part of it and the rest goes out asynchronously. The client must get every byte,
// and the connection must go on to the next request afterwards.
TEST(Server, AnAnswerLargerThanTheSocketBufferArrivesWholeAndTheConnectionGoesOn) {
  std::string big(24 * 1024 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 23);
  Fixture f(std::make_shared<FunctionHandler>([&big](const HttpRequest& r) {
    HttpResponse out;
    out.body = r.target == "/big" ? big : "small";
    return out;
  }));
  RawClient raw(f.port);
  raw.send(
      "GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /small HTTP/1.1\r\nHost: x\r\nConnection: "
      "close\r\n\r\n");
  std::string all = raw.read_all();
  const std::string length = "Content-Length: " + std::to_string(big.size()) + "\r\n";
  auto head_end = all.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  EXPECT_NE(all.substr(0, head_end + 2).find(length), std::string::npos);
  ASSERT_GE(all.size(), head_end + 4 + big.size());
  EXPECT_TRUE(all.compare(head_end + 4, big.size(), big) == 0);
  std::string second = all.substr(head_end + 4 + big.size());
  EXPECT_EQ(status_of(second), 200) << second.substr(0, 200);
  EXPECT_EQ(body_of(second), "small");
}

// A client that closes its sending side in the middle of a request body: the parser is told of the
// end of the stream and the request is refused as malformed, on the half of the connection still
// open.
TEST(Server, ARequestCutShortByEndOfFileGets400) {
  Fixture f(echo_handler());
  RawClient raw(f.port);
  raw.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  raw.shutdown_send();
  std::string out = raw.read_all();
  EXPECT_EQ(status_of(out), 400) << out;
  EXPECT_NE(out.find("MalformedRequest"), std::string::npos) << out;
  // Others are still served.
  RawClient next(f.port);
  next.send("GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(next.read_all()), 200);
}

TEST(Server, MalformedRequestGets400AndOthersAreStillServed) {
  Fixture f(echo_handler());
  httplib::Client other("127.0.0.1", f.port);
  other.set_keep_alive(true);
  ASSERT_TRUE(other.Get("/before"));

  RawClient bad(f.port);
  bad.send("THIS IS NOT HTTP\r\n\r\n");
  boost::system::error_code ended;
  std::string raw = bad.read_all(ended);
  EXPECT_EQ(status_of(raw), 400) << raw;
  EXPECT_EQ(ended, asio::error::eof) << "the server closes the broken connection";
  auto j = nlohmann::json::parse(body_of(raw));
  EXPECT_EQ(j["Code"], "MalformedRequest");
  EXPECT_TRUE(j.contains("RequestId"));
  EXPECT_TRUE(j.contains("HostId"));
  EXPECT_TRUE(j.contains("Message"));
  EXPECT_TRUE(j.contains("Recommend"));

  auto res = other.Get("/after");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(Server, OversizedHeaderGets431) {
  ServerOptions options;
  options.header_limit = 1024;
  Fixture f(echo_handler(), options);
  RawClient raw(f.port);
  raw.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
  std::string out = raw.read_all();
  EXPECT_EQ(status_of(out), 431) << out;
  EXPECT_EQ(nlohmann::json::parse(body_of(out))["Code"], "RequestHeaderFieldsTooLarge");
}

TEST(Server, OversizedBodyGets413EvenWhileTheClientKeepsSending) {
  ServerOptions options;
  options.body_limit = 1024;
  Fixture f(echo_handler(), options);
  RawClient raw(f.port);
  std::string body(256 * 1024, 'b');
  raw.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n");
  boost::system::error_code ignored;
  // The server answers on the header alone; the rest of the body is drained, not reset.
  raw.send(body);
  std::string out = raw.read_all(ignored);
  EXPECT_EQ(status_of(out), 413) << out;
  EXPECT_EQ(nlohmann::json::parse(body_of(out))["Code"], "RequestEntityTooLarge");
}

TEST(Server, HandlerExceptionBecomes500InternalError) {
  auto handler = std::make_shared<FunctionHandler>(
      [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
  Fixture f(handler);
  httplib::Client client("127.0.0.1", f.port);
  auto res = client.Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(nlohmann::json::parse(res->body)["Code"], "InternalError");
  // The server survives and answers again.
  ASSERT_TRUE(client.Get("/"));
}

// Answers every request later, from a thread of its own, after `pause`: "PREFIX:TARGET".
class DeferredHandler : public Handler {
 public:
  explicit DeferredHandler(std::string prefix = "deferred",
                           std::chrono::milliseconds pause = std::chrono::milliseconds(0))
      : prefix_(std::move(prefix)), pause_(pause) {}
  ~DeferredHandler() override {
    // The last reference to the handler can be the server's, dropped by one of these threads when
    // its answer came after the server and the test let go (the session it answered ends there):
    // that thread cannot join itself, and returns right after.
    for (auto& t : threads_) {
      if (t.get_id() == std::this_thread::get_id()) {
        t.detach();
      } else {
        t.join();
      }
    }
  }
  void handle(HttpRequest request, Respond respond) override {
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, request = std::move(request), respond = std::move(respond)] {
      if (pause_.count() > 0) std::this_thread::sleep_for(pause_);
      HttpResponse out;
      out.body = prefix_ + ":" + request.target;
      respond(std::move(out));
    });
  }

 private:
  const std::string prefix_;
  const std::chrono::milliseconds pause_;
  std::mutex mutex_;
  std::vector<std::thread> threads_;
};

TEST(Server, HandlerMayAnswerLaterFromAnotherThread) {
  auto handler = std::make_shared<DeferredHandler>();
  Fixture f(handler);
  httplib::Client client("127.0.0.1", f.port);
  client.set_keep_alive(true);
  for (int i = 0; i < 3; ++i) {
    auto res = client.Get("/x" + std::to_string(i));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body, "deferred:/x" + std::to_string(i));
  }
}

TEST(Server, ServesManyClientsConcurrently) {
  auto handler = std::make_shared<DeferredHandler>();
  ServerOptions options;
  options.threads = 4;
  Fixture f(handler, options);
  std::vector<std::future<int>> results;
  for (int c = 0; c < 8; ++c) {
    results.push_back(std::async(std::launch::async, [port = f.port, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      int ok = 0;
      for (int i = 0; i < 10; ++i) {
        std::string target = "/c" + std::to_string(c) + "/" + std::to_string(i);
        auto res = client.Get(target);
        if (res && res->body == "deferred:" + target) ++ok;
      }
      return ok;
    }));
  }
  for (auto& r : results) EXPECT_EQ(r.get(), 10);
}

std::shared_ptr<Handler> fault_handler(std::function<void(HttpResponse&)> fault) {
  return std::make_shared<FunctionHandler>([fault](const HttpRequest&) {
    HttpResponse out;
    out.body = R"({"RequestId":"X","Answer":"a long enough body to be cut"})";
    out.headers.emplace_back("Content-Type", "application/json;charset=utf-8");
    fault(out);
    return out;
  });
}

TEST(Server, DelayedResponseStillArrives) {
  Fixture f(fault_handler([](HttpResponse& r) { r.delay = std::chrono::milliseconds(30); }));
  httplib::Client client("127.0.0.1", f.port);
  auto res = client.Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("Answer"), std::string::npos);
}

TEST(Server, ResetFaultResetsTheConnection) {
  Fixture f(fault_handler([](HttpResponse& r) { r.abort = HttpResponse::Abort::reset; }));
  RawClient raw(f.port);
  raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  boost::system::error_code ended;
  std::string out = raw.read_all(ended);
  EXPECT_EQ(out, "");
  EXPECT_EQ(ended, asio::error::connection_reset) << ended.message();
  // An HTTP client sees a failed request, not an answer.
  httplib::Client client("127.0.0.1", f.port);
  EXPECT_FALSE(client.Get("/"));
}

TEST(Server, TruncateFaultWritesOnlyThePrefix) {
  Fixture f(fault_handler([](HttpResponse& r) {
    r.abort = HttpResponse::Abort::truncate;
    r.truncate_at = 40;
  }));
  RawClient raw(f.port);
  raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  boost::system::error_code ended;
  std::string out = raw.read_all(ended);
  EXPECT_EQ(out.size(), 40u);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;
  EXPECT_EQ(ended, asio::error::eof);
}

TEST(Server, CloseFieldClosesAfterTheResponse) {
  Fixture f(fault_handler([](HttpResponse& r) { r.close = true; }));
  RawClient raw(f.port);
  raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  boost::system::error_code ended;
  std::string out = raw.read_all(ended);
  EXPECT_EQ(status_of(out), 200);
  EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
  EXPECT_NE(out.find("Answer"), std::string::npos);
  EXPECT_EQ(ended, asio::error::eof);
}

TEST(Server, StatusHeadersAndContentLengthAreWritten) {
  Fixture f(std::make_shared<FunctionHandler>([](const HttpRequest&) {
    HttpResponse out;
    out.status = 403;
    out.body = "<Error/>";
    out.headers.emplace_back("Content-Type", "text/xml;charset=utf-8");
    out.headers.emplace_back("X-Custom", "v");
    return out;
  }));
  RawClient raw(f.port);
  raw.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string out = raw.read_all();
  EXPECT_EQ(status_of(out), 403);
  EXPECT_NE(out.find("Content-Type: text/xml;charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(out.find("X-Custom: v\r\n"), std::string::npos);
  EXPECT_NE(out.find("Content-Length: 8\r\n"), std::string::npos);
  EXPECT_EQ(body_of(out), "<Error/>");
}

TEST(Server, BindErrorNamesTheAddress) {
  Fixture first(echo_handler());
  ServerOptions options;
  options.port = first.port;
  Server second(options, echo_handler());
  auto started = second.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, "net.bind");
  EXPECT_NE(started.error().message.find("127.0.0.1:" + std::to_string(first.port)),
            std::string::npos);
}

// Never answers until told to: stop() must not wait for it.
class StuckHandler : public Handler {
 public:
  void handle(HttpRequest, Respond respond) override {
    std::lock_guard lock(mutex);
    pending.push_back(std::move(respond));
    arrived.set_value();
  }
  std::mutex mutex;
  std::vector<Respond> pending;
  std::promise<void> arrived;
};

TEST(Server, StopsWithOpenConnectionsAndAnswersStillOwed) {
  auto handler = std::make_shared<StuckHandler>();
  auto server = std::make_unique<Server>(ServerOptions{}, handler);
  ASSERT_TRUE(server->start());
  RawClient idle(server->port());  // a keep-alive client that sends nothing
  RawClient waiting(server->port());
  waiting.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  handler->arrived.get_future().wait();
  std::thread waiter([&] { server->wait(); });
  server->stop();
  waiter.join();
  server.reset();
  // Answering after the server is gone is harmless.
  std::lock_guard lock(handler->mutex);
  for (auto& r : handler->pending) r(HttpResponse{});
}

TEST(Server, SharedBodyIsSentInsteadOfTheOwnedBody) {
  auto body = std::make_shared<const std::string>(R"({"RequestId":"S","Shared":true})");
  Fixture f(std::make_shared<FunctionHandler>([body](const HttpRequest&) {
    HttpResponse out;
    out.body = "not this";
    out.shared_body = body;
    out.headers.emplace_back("Content-Type", "application/json;charset=utf-8");
    return out;
  }));
  httplib::Client client("127.0.0.1", f.port);
  client.set_keep_alive(true);
  for (int i = 0; i < 3; ++i) {
    auto res = client.Get("/");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body, *body);
    EXPECT_EQ(res->get_header_value("Content-Length"), std::to_string(body->size()));
  }
  // The server only viewed the body: its owner still holds it unchanged.
  EXPECT_EQ(*body, R"({"RequestId":"S","Shared":true})");
}

TEST(Server, SharedHeadersAreSentAndNeverTakenForOtherFields) {
  // Two shared field sets and an owned copy of the first, same status and length, in turn on one
  // connection: the header block kept for shared fields is recognised by their identity, so it
  // must never answer for the other set, nor for equal fields that are not shared.
  auto a = std::make_shared<const Headers>(
      Headers{{"Content-Type", "application/json;charset=utf-8"}, {"X-Which", "a"}});
  auto b = std::make_shared<const Headers>(
      Headers{{"Content-Type", "application/json;charset=utf-8"}, {"X-Which", "b"}});
  Fixture f(std::make_shared<FunctionHandler>([a, b](const HttpRequest& r) {
    HttpResponse out;
    out.body = R"({"x":1})";
    if (r.target == "/a") out.shared_headers = a;
    if (r.target == "/b") out.shared_headers = b;
    if (r.target == "/own") out.headers = {{"Content-Type", "text/plain"}, {"X-Which", "own"}};
    out.headers.emplace_back("X-Not-Sent", "when shared");
    return out;
  }));
  httplib::Client client("127.0.0.1", f.port);
  client.set_keep_alive(true);
  for (const std::string which : {"a", "a", "b", "own", "a", "b", "b", "own", "own", "a"}) {
    auto res = client.Get("/" + which);
    ASSERT_TRUE(res) << which;
    EXPECT_EQ(res->get_header_value("X-Which"), which);
    EXPECT_EQ(res->get_header_value("Content-Type"),
              which == "own" ? "text/plain" : "application/json;charset=utf-8");
    EXPECT_EQ(res->has_header("X-Not-Sent"), which == "own") << which;
    EXPECT_EQ(res->body, R"({"x":1})");
  }
  EXPECT_EQ(a->size(), 2u);  // only viewed
}

TEST(Server, EachAnswerOnAConnectionGetsItsOwnStatusAndHeaders) {
  // Answers that differ in status, headers, length or only in body bytes, in an order that repeats
  // some: the header block the server keeps for a repeated answer must never leak into another.
  Fixture f(std::make_shared<FunctionHandler>([](const HttpRequest& r) {
    HttpResponse out;
    if (r.target == "/b") {
      out.status = 404;
      out.body = "<Error/>";
      out.headers.emplace_back("Content-Type", "text/xml;charset=utf-8");
    } else if (r.target == "/c") {
      out.body = R"({"c":2})";
      out.headers.emplace_back("Content-Type", "application/json;charset=utf-8");
      out.headers.emplace_back("X-Extra", "c");
    } else {
      out.body = r.target == "/d" ? R"({"d":1})" : R"({"a":1})";
      out.headers.emplace_back("Content-Type", "application/json;charset=utf-8");
    }
    return out;
  }));
  httplib::Client client("127.0.0.1", f.port);
  client.set_keep_alive(true);
  struct Want {
    std::string target;
    int status;
    std::string type;
    std::string body;
    std::string extra;
  };
  const std::vector<Want> wants = {
      {"/a", 200, "application/json;charset=utf-8", R"({"a":1})", ""},
      {"/a", 200, "application/json;charset=utf-8", R"({"a":1})", ""},
      {"/b", 404, "text/xml;charset=utf-8", "<Error/>", ""},
      {"/d", 200, "application/json;charset=utf-8", R"({"d":1})", ""},
      {"/c", 200, "application/json;charset=utf-8", R"({"c":2})", "c"},
      {"/a", 200, "application/json;charset=utf-8", R"({"a":1})", ""},
  };
  for (const auto& want : wants) {
    auto res = client.Get(want.target);
    ASSERT_TRUE(res) << want.target;
    EXPECT_EQ(res->status, want.status) << want.target;
    EXPECT_EQ(res->get_header_value("Content-Type"), want.type) << want.target;
    EXPECT_EQ(res->get_header_value("Content-Length"), std::to_string(want.body.size()));
    EXPECT_EQ(res->get_header_value("X-Extra"), want.extra) << want.target;
    EXPECT_EQ(res->body, want.body) << want.target;
  }
}

TEST(Server, AnInvalidStatusFromAHandlerBecomes500) {
  Fixture f(std::make_shared<FunctionHandler>([](const HttpRequest&) {
    HttpResponse out;
    out.status = 1234;
    out.body = "never sent";
    return out;
  }));
  RawClient raw(f.port);
  raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string out = raw.read_all();
  EXPECT_EQ(status_of(out), 500) << out;
  auto j = nlohmann::json::parse(body_of(out));
  EXPECT_EQ(j["Code"], "InternalError");
  EXPECT_NE(j["Message"].get<std::string>().find("1234"), std::string::npos);
}

TEST(Server, IdleAndHalfSentConnectionsAreClosedAfterTheReadTimeout) {
  ServerOptions options;
  options.read_timeout = std::chrono::seconds(1);
  Fixture f(echo_handler(), options);
  RawClient idle(f.port);  // connects and sends nothing
  RawClient half(f.port);  // sends half a request, then nothing
  half.send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
  // The client's own read gives up after 10 s with a timeout error; the server must close first.
  boost::system::error_code idle_end, half_end;
  EXPECT_EQ(idle.read_all(idle_end), "");
  EXPECT_EQ(idle_end, asio::error::eof) << idle_end.message();
  EXPECT_EQ(half.read_all(half_end), "");
  EXPECT_EQ(half_end, asio::error::eof) << half_end.message();
  // Others are still served.
  httplib::Client client("127.0.0.1", f.port);
  auto res = client.Get("/after");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(Server, ReadTimeoutNeverCutsAConnectionWhoseAnswerIsStillOwed) {
  ServerOptions options;
  options.read_timeout = std::chrono::seconds(1);
  // Each answer comes from another thread after a pause longer than the read timeout.
  Fixture f(std::make_shared<DeferredHandler>("slow", std::chrono::milliseconds(1500)), options);
  httplib::Client client("127.0.0.1", f.port);
  client.set_read_timeout(10, 0);
  auto res = client.Get("/late");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "slow:/late");
}

TEST(Server, ConnectionsSpreadOverEveryWorkerAreAllServed) {
  // More connections than workers, each kept open and used in turn, so that every worker holds
  // several and requests on one never wait for another worker.
  ServerOptions options;
  options.threads = 3;
  Fixture f(echo_handler(), options);
  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (int i = 0; i < 9; ++i) {
    clients.push_back(std::make_unique<httplib::Client>("127.0.0.1", f.port));
    clients.back()->set_keep_alive(true);
  }
  std::set<std::string> remotes;
  for (int round = 0; round < 3; ++round) {
    for (auto& c : clients) {
      auto res = c->Get("/r" + std::to_string(round));
      ASSERT_TRUE(res);
      EXPECT_EQ(nlohmann::json::parse(res->body)["target"], "/r" + std::to_string(round));
      remotes.insert(nlohmann::json::parse(res->body)["remote"].get<std::string>());
    }
  }
  EXPECT_EQ(remotes.size(), 9u);  // every client kept its one connection
}

}  // namespace
}  // namespace popcheck::net
