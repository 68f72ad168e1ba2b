// The proxy's client to its upstream (proxy/upstream.hpp): what a request looks like when it
// arrives (base path, Host, hop-by-hop headers, Content-Length), any HTTP status as a value, and a
// refused connection as the error "upstream.connect" naming it. URL parsing: core/tests/http_test.cpp.
#include "proxy/upstream.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "net/server.hpp"

namespace popcheck::proxy {
namespace {

// A server that answers with the status the request's X-Status asks for and remembers what arrived.
class EchoUpstream {
 public:
  EchoUpstream()
      : handler_(std::make_shared<net::FunctionHandler>([this](const net::HttpRequest& r) {
          std::lock_guard lock(mutex_);
          last_ = r;
          net::HttpResponse out;
          std::string status = core::header_value(r.headers, "x-status");
          out.status = status.empty() ? 200 : std::stoi(status);
          out.headers = {{"Content-Type", "text/plain"}, {"X-Seen-Target", r.target}};
          out.body = "echo:" + r.body;
          return out;
        })),
        server_(net::ServerOptions{}, handler_) {
    EXPECT_TRUE(server_.start());
  }
  uint16_t port() const { return server_.port(); }
  net::HttpRequest last() {
    std::lock_guard lock(mutex_);
    return last_;
  }

 private:
  std::mutex mutex_;
  net::HttpRequest last_;
  std::shared_ptr<net::Handler> handler_;
  net::Server server_;
};

TEST(Upstream, SendsUnderTheBasePathWithoutHopByHopHeaders) {
  EchoUpstream echo;
  auto up = Upstream::create({.url = "http://127.0.0.1:" + std::to_string(echo.port()) + "/api"});
  ASSERT_TRUE(up) << up.error().to_string();
  auto r = (*up)->send({"POST", "/?Action=X",
                        {{"Connection", "close"}, {"TE", "trailers"}, {"Proxy-Authorization", "x"},
                         {"Content-Length", "999"}, {"X-Acs-Action", "X"}},
                        "a=1"});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "echo:a=1");
  EXPECT_EQ(core::header_value(r->headers, "x-seen-target"), "/api/?Action=X");
  net::HttpRequest seen = echo.last();
  EXPECT_EQ(core::header_value(seen.headers, "host"), "127.0.0.1:" + std::to_string(echo.port()));
  EXPECT_EQ(core::header_value(seen.headers, "content-length"), "3");  // recomputed
  EXPECT_EQ(core::header_value(seen.headers, "x-acs-action"), "X");
  EXPECT_EQ(core::header_value(seen.headers, "te"), "");
  EXPECT_EQ(core::header_value(seen.headers, "proxy-authorization"), "");
}

TEST(Upstream, AnyStatusIsAnAnswerAndAGivenHostIsKept) {
  EchoUpstream echo;
  auto up = Upstream::create({.url = "http://127.0.0.1:" + std::to_string(echo.port())});
  ASSERT_TRUE(up);
  auto r = (*up)->send({"GET", "/", {{"X-Status", "503"}, {"Host", "signed.example:9"}}, ""});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(core::header_value(echo.last().headers, "host"), "signed.example:9");
}

TEST(Upstream, ARefusedConnectionIsUpstreamConnectNamingTheUpstream) {
  uint16_t port = 0;
  {
    EchoUpstream gone;  // a port that was free a moment ago and has nobody listening now
    port = gone.port();
  }
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  auto up = Upstream::create({.url = url});
  ASSERT_TRUE(up);
  auto r = (*up)->send({"GET", "/", {}, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "upstream.connect");
  EXPECT_EQ(r.error().file, url);
  EXPECT_NE(r.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos);
}

TEST(Upstream, CreateRefusesABadUrlAndAMissingCaFile) {
  auto bad = Upstream::create({.url = "localhost:80"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "http.url");  // core::parse_url's, said of the upstream
  EXPECT_EQ(bad.error().message, "upstream URL 'localhost:80' must start with http:// or https://");
  auto r = Upstream::create({.url = "https://127.0.0.1:1", .ca_file = "/nonexistent/ca.pem"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "upstream.tls");
  EXPECT_EQ(r.error().file, "/nonexistent/ca.pem");
}

}  // namespace
}  // namespace popcheck::proxy
