// The one HTTP client (net/client.hpp) against loopback servers: every HTTP answer is a value
// whatever its status; the target, headers and body go out as given (the signature covers those
// bytes) but for hop-by-hop headers and Content-Length; hop-by-hop headers are no part of an answer;
// and each way of getting no answer is its own error naming the server.
#include "net/client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <mutex>
#include <vector>

#include "core/support/text.hpp"
#include "net/server.hpp"

namespace popcheck::net {
namespace {

// A server that answers with the status the request's X-Status asks for (and a body of the length
// X-Body-Length asks for) and remembers every request that arrived.
class EchoServer {
 public:
  EchoServer()
      : handler_(std::make_shared<FunctionHandler>([this](const HttpRequest& r) {
          std::lock_guard lock(mutex_);
          seen_.push_back(r);
          HttpResponse out;
          std::string status = core::header_value(r.headers, "x-status");
          out.status = status.empty() ? 200 : std::stoi(status);
          out.headers = {{"Content-Type", "text/plain"},
                         {"X-Seen-Target", r.target},
                         {"Keep-Alive", "timeout=5"}};
          std::string length = core::header_value(r.headers, "x-body-length");
          out.body = length.empty() ? "echo:" + r.body : std::string(std::stoul(length), 'x');
          return out;
        })),
        server_(ServerOptions{}, handler_) {
    EXPECT_TRUE(server_.start());
  }
  core::Url url() const { return *core::parse_url("http://127.0.0.1:" + std::to_string(port())); }
  uint16_t port() const { return server_.port(); }
  std::vector<HttpRequest> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  std::mutex mutex_;
  std::vector<HttpRequest> seen_;
  std::shared_ptr<Handler> handler_;
  Server server_;
};

// A socket that listens and never accepts: connections complete in the kernel's backlog, and no
// byte ever comes back.
class SilentServer {
 public:
  core::Url url() const {
    return *core::parse_url("http://127.0.0.1:" +
                            std::to_string(acceptor_.local_endpoint().port()));
  }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_{
      ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}};  // listens from here on
};

TEST(HttpClient, AnyStatusIsAnAnswerAndTheRequestGoesOutAsGiven) {
  EchoServer echo;
  HttpClient client(echo.url(), {});
  // %2B and %20 must not be decoded or re-encoded: the signature covers these exact bytes. A base
  // path is the caller's to put in the target.
  auto r = client.send({"POST",
                        "/api/?Action=X&Tag=a%2Bb%20c",
                        {{"X-Status", "404"},
                         {"Connection", "close"},
                         {"TE", "trailers"},
                         {"Proxy-Authorization", "x"},
                         {"Content-Length", "999"},
                         {"x-acs-action", "X"},
                         {"User-Agent", "popcheck-test"}},
                        "a=1"});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "echo:a=1");
  EXPECT_EQ(core::header_value(r->headers, "x-seen-target"), "/api/?Action=X&Tag=a%2Bb%20c");
  EXPECT_EQ(core::header_value(r->headers, "content-type"), "text/plain");
  for (const auto& [name, value] : r->headers) {
    EXPECT_FALSE(core::text::iequals(name, "connection"))
        << "a connection header reached the answer";
    EXPECT_FALSE(core::text::iequals(name, "keep-alive"))
        << "a connection header reached the answer";
  }
  auto seen = echo.seen();
  ASSERT_EQ(seen.size(), 1u);
  const Headers& h = seen[0].headers;
  EXPECT_EQ(core::header_value(h, "host"), "127.0.0.1:" + std::to_string(echo.port()));
  EXPECT_EQ(core::header_value(h, "content-length"), "3");  // recomputed
  EXPECT_EQ(core::header_value(h, "user-agent"), "popcheck-test");
  EXPECT_FALSE(core::has_header(h, "te"));
  EXPECT_FALSE(core::has_header(h, "proxy-authorization"));
  // The caller's headers in the caller's order, names as written.
  std::vector<std::string> names;
  for (const auto& [name, value] : h)
    if (name == "X-Status" || name == "x-acs-action" || name == "User-Agent") names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"X-Status", "x-acs-action", "User-Agent"}));
}

TEST(HttpClient, AGivenHostIsKeptAndEachCallSendsOneRequestOnOneKeptConnection) {
  EchoServer echo;
  HttpClient client(echo.url(), {});
  for (int i = 0; i < 3; ++i) {
    auto r = client.send({"GET", "/?i=" + std::to_string(i), {{"Host", "signed.example:9"}}, ""});
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->status, 200);
  }
  auto seen = echo.seen();
  ASSERT_EQ(seen.size(), 3u);  // no retry inside the client: retries are re-signed by the caller
  for (const auto& r : seen) {
    EXPECT_EQ(core::header_value(r.headers, "host"), "signed.example:9");
    EXPECT_EQ(r.remote, seen[0].remote) << "a new connection for a sequential call";
    EXPECT_FALSE(core::has_header(r.headers, "content-length")) << "a GET without a body";
  }
}

// popcheck's emulator answers some APIs' documented error codes (alimt's 10012, ...) as 1xx statuses
// with a body: a final answer for the client, and the connection stays in step for the next one.
TEST(HttpClient, A1xxStatusWithABodyIsAnAnswer) {
  EchoServer echo;
  HttpClient client(echo.url(), {});
  for (const char* status : {"112", "199", "101"}) {
    auto r = client.send({"POST", "/", {{"X-Status", status}}, "error body"});
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->status, std::stoi(status));
    EXPECT_EQ(r->body, "echo:error body");
    auto next = client.send({"POST", "/", {}, "next"});
    ASSERT_TRUE(next) << next.error().to_string();
    EXPECT_EQ(next->status, 200);
    EXPECT_EQ(next->body, "echo:next");
  }
}

TEST(HttpClient, NoListenerIsNetConnectNamingTheServer) {
  core::Url url;
  {
    EchoServer gone;  // a port that was free a moment ago and has nobody listening now
    url = gone.url();
  }
  HttpClient client(url, {});
  auto r = client.send({"GET", "/", {}, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "net.connect");
  EXPECT_NE(r.error().message.find("cannot connect to " + url.origin()), std::string::npos)
      << r.error().message;
}

TEST(HttpClient, AnUnknownHostIsNetResolve) {
  HttpClient client(*core::parse_url("http://no-such-host.invalid"), {});
  auto r = client.send({"GET", "/", {}, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "net.resolve");
  EXPECT_NE(r.error().message.find("no-such-host.invalid"), std::string::npos);
}

TEST(HttpClient, PlainHttpAtAnHttpsUrlIsATlsError) {
  EchoServer plain;
  auto url = *core::parse_url("https://127.0.0.1:" + std::to_string(plain.port()));
  HttpClient client(url, {});
  auto r = client.send({"GET", "/", {}, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "net.tls") << r.error().to_string();
  EXPECT_NE(r.error().message.find(url.origin()), std::string::npos) << r.error().message;
}

TEST(HttpClient, NoAnswerWithinTheReadTimeoutIsNetTimeout) {
  SilentServer silent;
  HttpClient client(silent.url(), {.read_timeout = std::chrono::milliseconds(200)});
  auto r = client.send({"GET", "/", {}, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "net.timeout");
  EXPECT_NE(r.error().message.find("no answer from " + silent.url().origin() + " within 200 ms"),
            std::string::npos)
      << r.error().message;
}

TEST(HttpClient, ABodyOverTheLimitIsNetRead) {
  EchoServer echo;
  HttpClient client(echo.url(), {.body_limit = 1000});
  auto fits = client.send({"GET", "/", {{"X-Body-Length", "1000"}}, ""});
  ASSERT_TRUE(fits) << fits.error().to_string();
  EXPECT_EQ(fits->body.size(), 1000u);
  auto over = client.send({"GET", "/", {{"X-Body-Length", "1001"}}, ""});
  ASSERT_FALSE(over) << over->body.size();
  EXPECT_EQ(over.error().code, "net.read");
  EXPECT_NE(over.error().message.find("body limit"), std::string::npos) << over.error().message;
  // A large one, read in many parts, too.
  auto large = client.send({"GET", "/", {{"X-Body-Length", "3000000"}}, ""});
  ASSERT_FALSE(large);
  EXPECT_EQ(large.error().code, "net.read");
  // The connection is not reused after a refused answer: the next call gets its answer.
  auto after = client.send({"GET", "/", {{"X-Body-Length", "10"}}, ""});
  ASSERT_TRUE(after) << after.error().to_string();
  EXPECT_EQ(after->body, std::string(10, 'x'));
}

TEST(HttpClient, AnUnreadableCaFileIsNetTlsNamingIt) {
  auto url = *core::parse_url("https://127.0.0.1:1");
  auto made = HttpClient::create(url, {.ca_file = "/nonexistent/ca.pem"});
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, "net.tls");
  EXPECT_EQ(made.error().file, "/nonexistent/ca.pem");
  // Made without create(), it says so on every call, before any connection.
  HttpClient client(url, {.ca_file = "/nonexistent/ca.pem"});
  auto r = client.send({"GET", "/", {}, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "net.tls");
  EXPECT_NE(r.error().message.find("--ca-file"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace popcheck::net
