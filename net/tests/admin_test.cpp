// The admin guard (net/admin.hpp) decision by decision, on requests built here: what a web page can
// make a browser send is refused with its own code and a message saying what to send instead; what
// popcheck's callers send passes; with a token every admin request must carry it.
#include "net/admin.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

namespace popcheck::net {
namespace {

HttpRequest admin_request(std::string method, Headers headers) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = "/__popcheck/mode";
  r.headers = std::move(headers);
  return r;
}

// The Code of a refusal, "" when the request may proceed.
std::string refusal_code(const AdminGuard& guard, const HttpRequest& r) {
  auto refused = refuse_admin(guard, r);
  if (!refused) return "";
  return nlohmann::json::parse(refused->body).value("Code", "?");
}

TEST(AdminGuard, PopchecksOwnCallersPass) {
  AdminGuard open;
  EXPECT_EQ(refusal_code(open, admin_request("GET", {{"Host", "127.0.0.1:8080"}})), "");
  EXPECT_EQ(refusal_code(open, admin_request("PUT", {{"Host", "127.0.0.1:8080"},
                                                     {"Content-Type", "application/json"}})),
            "");
  EXPECT_EQ(refusal_code(
                open, admin_request("POST", {{"Host", "localhost:1"}, {"X-Popcheck-Admin", "1"}})),
            "");
  EXPECT_EQ(
      refusal_code(open, admin_request("PUT", {{"Host", "[::1]:9"},
                                               {"Content-Type", "application/merge-patch+json"}})),
      "");
  // The server's own origin is no cross-origin request.
  EXPECT_EQ(refusal_code(open, admin_request("GET", {{"Host", "127.0.0.1:8080"},
                                                     {"Origin", "http://127.0.0.1:8080"}})),
            "");
}

TEST(AdminGuard, CrossOriginRequestsAreRefused) {
  AdminGuard open;
  auto r = refuse_admin(
      open, admin_request("GET", {{"Host", "127.0.0.1:8080"}, {"Origin", "https://evil.example"}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  auto body = nlohmann::json::parse(r->body);
  EXPECT_EQ(body["Code"], "Popcheck.Admin.CrossOrigin");
  EXPECT_NE(body["Message"].get<std::string>().find("https://evil.example"), std::string::npos);
  EXPECT_EQ(body["HostId"], "popcheck");
  EXPECT_EQ(refusal_code(open, admin_request("GET", {{"Host", "127.0.0.1:8080"},
                                                     {"Sec-Fetch-Site", "cross-site"}})),
            "Popcheck.Admin.CrossOrigin");
  EXPECT_EQ(refusal_code(open, admin_request("GET", {{"Host", "127.0.0.1:8080"},
                                                     {"Sec-Fetch-Site", "same-site"}})),
            "Popcheck.Admin.CrossOrigin");
}

TEST(AdminGuard, AReboundHostIsRefusedUnlessListedOrTokenBearing) {
  AdminGuard guard;
  EXPECT_EQ(refusal_code(guard, admin_request("GET", {{"Host", "rebound.example"}})),
            "Popcheck.Admin.ForeignHost");
  guard.hosts = {"rebound.example:8080"};
  EXPECT_EQ(refusal_code(guard, admin_request("GET", {{"Host", "REBOUND.example:9"}})), "");
  AdminGuard with_token{"s3cret", {}, "popcheck"};
  EXPECT_EQ(refusal_code(with_token, admin_request("GET", {{"Host", "10.0.0.5:8080"},
                                                           {"Authorization", "Bearer s3cret"}})),
            "");
}

TEST(AdminGuard, StateChangesMustSayTheyAreMeantForTheAdminApi) {
  AdminGuard open;
  for (const char* type :
       {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""}) {
    Headers h = {{"Host", "127.0.0.1:8080"}};
    if (*type) h.emplace_back("Content-Type", type);
    auto r = refuse_admin(open, admin_request("POST", h));
    ASSERT_TRUE(r) << type;
    auto body = nlohmann::json::parse(r->body);
    EXPECT_EQ(body["Code"], "Popcheck.Admin.NotJson") << type;
    EXPECT_NE(body["Message"].get<std::string>().find("X-Popcheck-Admin"), std::string::npos);
  }
  // Reads need no marker.
  EXPECT_EQ(refusal_code(open, admin_request("HEAD", {{"Host", "127.0.0.1:1"},
                                                      {"Content-Type", "text/plain"}})),
            "");
}

TEST(AdminGuard, ATokenIsNeededOnEveryRequestInEitherHeader) {
  AdminGuard guard{"0123456789abcdef", {}, "ecs.aliyuncs.com"};
  auto missing = refuse_admin(guard, admin_request("GET", {{"Host", "127.0.0.1:1"}}));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  EXPECT_EQ(header_value(missing->headers, "WWW-Authenticate"), "Bearer");
  auto body = nlohmann::json::parse(missing->body);
  EXPECT_EQ(body["Code"], "Popcheck.Admin.TokenRequired");
  EXPECT_EQ(body["HostId"], "ecs.aliyuncs.com");
  EXPECT_EQ(
      refusal_code(guard, admin_request("GET", {{"Host", "127.0.0.1:1"},
                                                {"Authorization", "Bearer 0123456789abcdeX"}})),
      "Popcheck.Admin.TokenRequired");
  EXPECT_EQ(
      refusal_code(guard, admin_request("GET", {{"Host", "127.0.0.1:1"},
                                                {"Authorization", "bearer 0123456789abcdef"}})),
      "");
  EXPECT_EQ(
      refusal_code(guard, admin_request("GET", {{"Host", "127.0.0.1:1"},
                                                {"X-Popcheck-Admin-Token", "0123456789abcdef"}})),
      "");
  // The token does not excuse a cross-origin page.
  EXPECT_EQ(
      refusal_code(guard, admin_request("GET", {{"Host", "127.0.0.1:1"},
                                                {"Origin", "http://evil.example"},
                                                {"X-Popcheck-Admin-Token", "0123456789abcdef"}})),
      "Popcheck.Admin.CrossOrigin");
}

TEST(AdminGuard, LoopbackHostsAreOnlyThoseThatStayOnThisMachine) {
  for (const char* host : {"localhost", "LOCALHOST:80", "app.localhost", "127.0.0.1",
                           "127.8.9.10:1", "::1", "[::1]:8080"})
    EXPECT_TRUE(is_loopback_host(host)) << host;
  for (const char* host :
       {"0.0.0.0", "::", "[::]:80", "10.0.0.1", "localhost.example", "128.0.0.1", ""})
    EXPECT_FALSE(is_loopback_host(host)) << host;
}

TEST(AdminGuard, GeneratedTokensAre32HexDigitsAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    std::string t = generate_admin_token();
    ASSERT_EQ(t.size(), 32u);
    EXPECT_EQ(t.find_first_not_of("0123456789abcdef"), std::string::npos) << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 20u);
}

}  // namespace
}  // namespace popcheck::net
