// The proxy's upstream (proxy/upstream.hpp): the client made from --upstream and its options, a bad
// URL or CA file refused at once, and a refused connection as the client's "net.connect" naming
// it; the forward proxy the environment names, when asked to. The client itself:
// net/tests/client_test.cpp and client_proxy_test.cpp; URL parsing: core/tests/http_test.cpp.
#include "proxy/upstream.hpp"

#include <memory>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include "net/server.hpp"
#include "tests/support/env.hpp"

namespace popcheck::proxy {
namespace {

TEST(Upstream, ARefusedConnectionIsNetConnectNamingTheUpstream) {
  uint16_t port = 0;
  {
    // A port that was free a moment ago and has nobody listening now.
    net::Server gone(net::ServerOptions{},
                     std::make_shared<net::FunctionHandler>(
                         [](const net::HttpRequest&) { return net::HttpResponse{}; }));
    EXPECT_TRUE(gone.start());
    port = gone.port();
  }
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  auto up = make_upstream({.url = url});
  ASSERT_TRUE(up);
  auto r = (*up)->send({"GET", "/", {}, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "net.connect");
  EXPECT_NE(r.error().message.find("cannot connect to " + url), std::string::npos)
      << r.error().message;
}

TEST(Upstream, MakingItRefusesABadUrlAndAMissingCaFile) {
  auto bad = make_upstream({.url = "localhost:80"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "http.url");  // core::parse_url's, said of the upstream
  EXPECT_EQ(bad.error().message, "upstream URL 'localhost:80' must start with http:// or https://");
  auto r = make_upstream({.url = "https://127.0.0.1:1", .ca_file = "/nonexistent/ca.pem"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "net.tls");
  EXPECT_EQ(r.error().file, "/nonexistent/ca.pem");
}

// A server that answers every request with `name` and keeps the targets it was sent.
struct Named {
  explicit Named(std::string name)
      : server(net::ServerOptions{},
               std::make_shared<net::FunctionHandler>([this, name](const net::HttpRequest& r) {
                 std::lock_guard lock(mutex);
                 targets.push_back(r.target);
                 net::HttpResponse out;
                 out.body = name;
                 return out;
               })) {
    EXPECT_TRUE(server.start());
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }
  std::vector<std::string> seen() {
    std::lock_guard lock(mutex);
    return targets;
  }
  std::mutex mutex;
  std::vector<std::string> targets;
  net::Server server;  // last: stopped first, before what its handler uses
};

// `popcheck proxy` records from behind a corporate proxy as the SDKs and curl do: HTTP_PROXY (or
// HTTPS_PROXY for an https upstream) unless NO_PROXY covers the upstream, and only when asked.
TEST(Upstream, GoesThroughTheProxyTheEnvironmentNamesUnlessNoProxyCoversIt) {
  Named origin("origin");
  Named forward("forward proxy");
  auto answer_of = [&](bool environment_proxy) -> std::string {
    auto up = make_upstream({.url = origin.url(), .environment_proxy = environment_proxy});
    EXPECT_TRUE(up) << (up ? "" : up.error().to_string());
    if (!up) return "";
    auto r = (*up)->send({"GET", "/?Action=DescribeRegions", {}, ""});
    EXPECT_TRUE(r) << (r ? "" : r.error().to_string());
    return r ? r->body : "";
  };
  {
    test_support::ScopedEnv env(test_support::proxy_variables({{"HTTP_PROXY", forward.url()}}));
    EXPECT_EQ(answer_of(true), "forward proxy");
    // An http upstream through a proxy: the request line carries the absolute URL.
    ASSERT_EQ(forward.seen().size(), 1u);
    EXPECT_EQ(forward.seen()[0], origin.url() + "/?Action=DescribeRegions");
    EXPECT_EQ(answer_of(false), "origin");
  }
  {
    test_support::ScopedEnv env(test_support::proxy_variables(
        {{"HTTP_PROXY", forward.url()}, {"NO_PROXY", "localhost,127.0.0.1"}}));
    EXPECT_EQ(answer_of(true), "origin");
  }
  {
    test_support::ScopedEnv env(test_support::proxy_variables({}));
    EXPECT_EQ(answer_of(true), "origin");
  }
  EXPECT_EQ(forward.seen().size(), 1u);
  EXPECT_EQ(origin.seen().size(), 3u);
}

TEST(Upstream, AProxyVariableNamingNoUsableProxyIsRefusedAtOnce) {
  test_support::ScopedEnv env(
      test_support::proxy_variables({{"HTTPS_PROXY", "socks5://user:secret@127.0.0.1:1080"}}));
  auto up = make_upstream({.url = "https://ecs.aliyuncs.com", .environment_proxy = true});
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error().code, "net.proxy");
  EXPECT_NE(up.error().message.find("HTTPS_PROXY"), std::string::npos) << up.error().message;
  EXPECT_EQ(up.error().message.find("secret"), std::string::npos) << up.error().message;
  // Not asked to: the environment is not read.
  EXPECT_TRUE(make_upstream({.url = "https://ecs.aliyuncs.com"}));
}

}  // namespace
}  // namespace popcheck::proxy
