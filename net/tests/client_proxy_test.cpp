// The one HTTP client (net/client.hpp) through a forward proxy written here
// (tests/support/https_servers.hpp): https through a CONNECT tunnel with TLS to the origin inside
// it (verified against the origin's name), http with the absolute-form target, the proxy's
// credentials as Proxy-Authorization and nowhere else, a refused CONNECT as net.proxy; and the
// proxy the environment names (proxy_from_environment: HTTPS_PROXY, HTTP_PROXY, NO_PROXY and their
// lower-case forms).
#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "core/protocol/sign.hpp"
#include "net/client.hpp"
#include "net/server.hpp"
#include "tests/support/env.hpp"
#include "tests/support/files.hpp"
#include "tests/support/https_servers.hpp"

namespace popcheck::net {
namespace {

using test_support::ForwardProxy;
using test_support::HttpsServer;

ProxyOptions through(const ForwardProxy& proxy, std::string user = {}, std::string password = {}) {
  return {*core::parse_url(proxy.url()), std::move(user), std::move(password)};
}

// An HTTPS origin that answers "hello <target>" and the trust anchor a client needs for it.
class HttpsOrigin {
 public:
  HttpsOrigin()
      : server_(certificate_, [](const HttpsServer::Request& r) {
          HttpsServer::Response out{boost::beast::http::status::ok, 11};
          out.set("X-Seen-Host", r[boost::beast::http::field::host]);
          out.body() = "hello " + std::string(r.target());
          return out;
        }) {
    test_support::write_text(dir_ / "ca.pem", certificate_.cert_pem);
  }
  std::string ca_file() const { return (dir_ / "ca.pem").string(); }
  // This origin under another name: the proxy sends every tunnel to 127.0.0.1.
  core::Url url(const std::string& host) const {
    return *core::parse_url("https://" + host + ":" + std::to_string(server_.port()));
  }

 private:
  test_support::TempDir dir_;
  test_support::TestCertificate certificate_ = test_support::make_test_certificate();
  HttpsServer server_;
};

TEST(ClientProxy, HttpsGoesThroughATunnelWithTlsToTheOrigin) {
  HttpsOrigin origin;
  ForwardProxy proxy;
  // origin.test resolves nowhere: only the proxy can reach it, and the certificate names it.
  const core::Url url = origin.url("origin.test");
  HttpClient client(url,
                    {.ca_file = origin.ca_file(), .proxy = through(proxy, "ann", "p@ss:w0rd")});
  for (int i = 0; i < 2; ++i) {
    auto r = client.send({"GET", "/meta/products.json?x=1", {}, ""});
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hello /meta/products.json?x=1");
    EXPECT_EQ(core::header_value(r->headers, "x-seen-host"), url.host_header());
  }
  auto seen = proxy.seen();
  ASSERT_EQ(seen.size(), 2u);  // the origin closes each connection: one tunnel per request
  for (const auto& s : seen) {
    EXPECT_EQ(s.method, "CONNECT");
    EXPECT_EQ(s.target, "origin.test:" + std::to_string(url.port));
    EXPECT_EQ(s.proxy_authorization, "Basic " + core::base64_encode("ann:p@ss:w0rd"));
  }
}

// The certificate names 127.0.0.1, where the proxy is, but not other.test, where the request goes:
// the name checked is the origin's.
TEST(ClientProxy, TheTunnelledCertificateIsVerifiedAgainstTheOriginsName) {
  HttpsOrigin origin;
  ForwardProxy proxy;
  const core::Url url = origin.url("other.test");
  HttpClient client(url, {.ca_file = origin.ca_file(), .proxy = through(proxy)});
  auto r = client.send({"GET", "/", {}, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "net.tls") << r.error().to_string();
  EXPECT_NE(r.error().message.find("https://other.test"), std::string::npos) << r.error().message;
  ASSERT_EQ(proxy.seen().size(), 1u);
  EXPECT_TRUE(proxy.seen()[0].proxy_authorization.empty()) << "credentials nobody gave";
}

TEST(ClientProxy, HttpSendsTheAbsoluteFormToTheProxy) {
  std::mutex mutex;
  std::vector<HttpRequest> arrived;
  Server server(ServerOptions{}, std::make_shared<FunctionHandler>([&](const HttpRequest& r) {
                  std::lock_guard lock(mutex);
                  arrived.push_back(r);
                  HttpResponse out;
                  out.body = "origin saw " + r.target;
                  return out;
                }));
  ASSERT_TRUE(server.start());
  ForwardProxy proxy;
  const auto url = *core::parse_url("http://origin.test:" + std::to_string(server.port()));
  HttpClient client(url, {.proxy = through(proxy, "ann", "secret")});
  auto r = client.send({"GET", "/meta/a%2Bb?x=1", {{"Proxy-Authorization", "Basic caller"}}, ""});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->body, "origin saw /meta/a%2Bb?x=1");
  auto seen = proxy.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, url.origin() + "/meta/a%2Bb?x=1");
  EXPECT_EQ(seen[0].proxy_authorization, "Basic " + core::base64_encode("ann:secret"));
  std::lock_guard lock(mutex);
  ASSERT_EQ(arrived.size(), 1u);
  EXPECT_EQ(core::header_value(arrived[0].headers, "host"), url.host_header());
}

TEST(ClientProxy, ARefusedConnectIsNetProxyNamingTheProxyAndItsStatus) {
  HttpsOrigin origin;
  ForwardProxy proxy(407);
  HttpClient client(origin.url("origin.test"),
                    {.ca_file = origin.ca_file(), .proxy = through(proxy, "ann", "secret")});
  auto r = client.send({"GET", "/", {}, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "net.proxy");
  const std::string& m = r.error().message;
  EXPECT_NE(m.find("the proxy " + proxy.url()), std::string::npos) << m;
  EXPECT_NE(m.find("HTTP 407"), std::string::npos) << m;
  EXPECT_EQ(m.find("secret"), std::string::npos) << m;
  EXPECT_EQ(m.find(core::base64_encode("ann:secret")), std::string::npos) << m;
}

TEST(ClientProxy, AProxyNobodyListensOnIsNetConnectNamingIt) {
  std::string gone;
  {
    ForwardProxy was;
    gone = was.url();
  }
  HttpClient client(*core::parse_url("https://origin.test"),
                    {.proxy = ProxyOptions{*core::parse_url(gone), {}, {}}});
  auto r = client.send({"GET", "/", {}, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "net.connect");
  EXPECT_NE(r.error().message.find("the proxy " + gone + " for https://origin.test"),
            std::string::npos)
      << r.error().message;
}

// Every variable proxy_from_environment reads, unset but those given.
test_support::ScopedEnv proxy_env(const std::vector<std::pair<std::string, std::string>>& set) {
  return test_support::ScopedEnv(test_support::proxy_variables(set));
}

std::string proxy_for(const std::string& target) {
  auto p = proxy_from_environment(*core::parse_url(target));
  if (!p) return "error " + p.error().code + ": " + p.error().message;
  if (!*p) return "direct";
  return (*p)->url.origin() + " user=" + (*p)->user + " password=" + (*p)->password;
}

TEST(ProxyFromEnvironment, EachSchemeHasItsVariablesUpperCaseFirst) {
  {
    auto env = proxy_env({});
    EXPECT_EQ(proxy_for("https://api.example.com"), "direct");
  }
  {
    auto env = proxy_env({{"HTTPS_PROXY", "http://ann:p%40ss@proxy.corp:3128/"},
                          {"https_proxy", "http://lower:1"},
                          {"http_proxy", "plain.corp"}});
    EXPECT_EQ(proxy_for("https://api.example.com/meta"),
              "http://proxy.corp:3128 user=ann password=p@ss");
    // No scheme, no port: http and port 80, as before.
    EXPECT_EQ(proxy_for("http://api.example.com"), "http://plain.corp user= password=");
  }
  {
    auto env = proxy_env({{"https_proxy", "lower.corp:8080"}, {"HTTP_PROXY", "http://upper:9"}});
    EXPECT_EQ(proxy_for("https://a"), "http://lower.corp:8080 user= password=");
    EXPECT_EQ(proxy_for("http://a"), "http://upper:9 user= password=");
  }
}

TEST(ProxyFromEnvironment, NoProxyListsHostsAndDomainSuffixes) {
  auto env = proxy_env({{"HTTPS_PROXY", "http://proxy.corp:3128"},
                        {"NO_PROXY", "localhost, .internal.corp,Example.COM"}});
  const std::string proxied = "http://proxy.corp:3128 user= password=";
  EXPECT_EQ(proxy_for("https://localhost:8443"), "direct");
  EXPECT_EQ(proxy_for("https://meta.internal.corp"), "direct");
  EXPECT_EQ(proxy_for("https://internal.corp"), "direct");
  EXPECT_EQ(proxy_for("https://example.com"), "direct");
  EXPECT_EQ(proxy_for("https://api.example.com"), "direct");
  EXPECT_EQ(proxy_for("https://badexample.com"), proxied);
  EXPECT_EQ(proxy_for("https://127.0.0.1"), proxied);
  {
    auto all = proxy_env({{"HTTPS_PROXY", "http://proxy.corp:3128"}, {"no_proxy", "*"}});
    EXPECT_EQ(proxy_for("https://anything.example"), "direct");
  }
}

TEST(ProxyFromEnvironment, ABadProxyIsNetProxyNamingTheVariableNotTheCredentials) {
  {
    auto env = proxy_env({{"HTTPS_PROXY", "socks5://ann:secret@proxy.corp:1080"}});
    std::string said = proxy_for("https://a");
    EXPECT_TRUE(said.starts_with("error net.proxy: HTTPS_PROXY names a socks5:// proxy")) << said;
    EXPECT_EQ(said.find("secret"), std::string::npos) << said;
  }
  {
    auto env = proxy_env({{"http_proxy", "http://ann:secret@proxy.corp:99999"}});
    std::string said = proxy_for("http://a");
    EXPECT_TRUE(said.starts_with("error net.proxy: http_proxy: the proxy ")) << said;
    EXPECT_NE(said.find("proxy.corp:99999"), std::string::npos) << said;
    EXPECT_EQ(said.find("secret"), std::string::npos) << said;
  }
}

}  // namespace
}  // namespace popcheck::net
