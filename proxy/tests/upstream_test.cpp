// The proxy's upstream (proxy/upstream.hpp): the client made from --upstream and its options, a bad
// URL or CA file refused at once, and a refused connection as the client's "net.connect" naming
// it. The client itself: net/tests/client_test.cpp; URL parsing: core/tests/http_test.cpp.
#include "proxy/upstream.hpp"

#include <gtest/gtest.h>

#include "net/server.hpp"

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

}  // namespace
}  // namespace popcheck::proxy
