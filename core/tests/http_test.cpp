// The HTTP vocabulary: header lookup by any case, and the one URL parser the runner (--endpoint),
// the proxy (--upstream) and the HAR reader use.
#include "core/http.hpp"

#include <gtest/gtest.h>

namespace popcheck::core {
namespace {

TEST(Headers, LookupIgnoresTheCaseOfTheName) {
  Headers h = {{"Content-Type", "text/xml"}, {"X-Empty", ""}, {"content-type", "second"}};
  EXPECT_EQ(header_value(h, "content-type"), "text/xml");  // the first of a repeated name
  EXPECT_EQ(header_view(h, "CONTENT-TYPE"), "text/xml");
  EXPECT_EQ(header_value(h, "x-missing"), "");
  EXPECT_TRUE(has_header(h, "x-empty"));
  EXPECT_FALSE(has_header(h, "x-missing"));
  EXPECT_FALSE(has_header(h, "content"));
}

TEST(Url, SchemeHostPortAndBase) {
  auto https = parse_url("https://ecs.aliyuncs.com");
  ASSERT_TRUE(https) << https.error().to_string();
  EXPECT_EQ(https->scheme, "https");
  EXPECT_EQ(https->host, "ecs.aliyuncs.com");
  EXPECT_EQ(https->port, 443);
  EXPECT_EQ(https->base, "");
  EXPECT_EQ(https->host_header(), "ecs.aliyuncs.com");  // the default port is left out
  EXPECT_EQ(https->origin(), "https://ecs.aliyuncs.com");
  EXPECT_EQ(https->root(), "/");

  auto local = parse_url("HTTP://127.0.0.1:18080/base/path//");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->scheme, "http");
  EXPECT_EQ(local->port, 18080);
  EXPECT_EQ(local->base, "/base/path");
  EXPECT_EQ(local->host_header(), "127.0.0.1:18080");
  EXPECT_EQ(local->to_string(), "http://127.0.0.1:18080/base/path");
  EXPECT_EQ(local->root(), "/base/path/");

  auto explicit_default = parse_url("http://h:80/");
  ASSERT_TRUE(explicit_default);
  EXPECT_EQ(explicit_default->to_string(), "http://h");

  auto v6 = parse_url("http://[::1]:8080/");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->host_header(), "[::1]:8080");
  EXPECT_EQ(v6->origin(), "http://[::1]:8080");
  EXPECT_EQ(parse_url("https://[::1]")->host_header(), "[::1]");
}

TEST(Url, BadUrlsSayWhatIsWrong) {
  const std::pair<const char*, const char*> bad[] = {
      {"ecs.aliyuncs.com", "must start with http:// or https://"},
      {"localhost:80", "must start with http:// or https://"},
      {"ftp://x", "must start with http:// or https://"},
      {"http://x/a?b=1", "must not have a query or fragment"},
      {"http://x/#top", "must not have a query or fragment"},
      {"http://[::1:80", "unclosed IPv6"},
      {"http://[::1]x", "text after its IPv6 address"},
      {"http://", "has no host"},
      {"http://:80", "has no host"},
      {"http://x:", "invalid port"},
      {"http://x:0", "invalid port"},
      {"http://x:65536", "invalid port"},
      {"http://x:99999", "invalid port"},
      {"http://x:8o", "invalid port"},
      {"http://x:-1", "invalid port"},
  };
  for (const auto& [url, says] : bad) {
    auto r = parse_url(url);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().code, "http.url") << url;
    EXPECT_NE(r.error().message.find(says), std::string::npos) << url << ": " << r.error().message;
    EXPECT_NE(r.error().message.find("'" + std::string(url) + "'"), std::string::npos)
        << r.error().message;
  }
}

TEST(Url, UserInformationIsRefusedWithoutShowingIt) {
  auto r = parse_url("https://admin:hunter2pass@ecs.aliyuncs.com/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "http.url");
  EXPECT_NE(r.error().message.find("must not carry user information"), std::string::npos);
  EXPECT_EQ(r.error().message.find("hunter2pass"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("'https://***@ecs.aliyuncs.com/'"), std::string::npos)
      << r.error().message;
}

TEST(RequestUrl, SplitsTheServerFromTheTarget) {
  auto r = parse_request_url("https://ecs.cn-hangzhou.aliyuncs.com/?Action=DescribeRegions#frag");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->url.origin(), "https://ecs.cn-hangzhou.aliyuncs.com");
  EXPECT_EQ(r->url.base, "");
  EXPECT_EQ(r->target, "/?Action=DescribeRegions");

  auto no_path = parse_request_url("http://127.0.0.1:9?a=1");
  ASSERT_TRUE(no_path);
  EXPECT_EQ(no_path->url.port, 9);
  EXPECT_EQ(no_path->target, "/?a=1");
  EXPECT_EQ(parse_request_url("http://h")->target, "/");
  EXPECT_EQ(parse_request_url("http://h/a/b")->target, "/a/b");

  // User information never names the server: dropped, never kept in the Url.
  auto creds = parse_request_url("https://admin:hunter2pass@ecs.aliyuncs.com/?Action=X");
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->url.host, "ecs.aliyuncs.com");
  EXPECT_EQ(creds->target, "/?Action=X");

  auto bad = parse_request_url("http://h:bad/?a=1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "http.url");
  EXPECT_NE(bad.error().message.find("invalid port"), std::string::npos);
  EXPECT_FALSE(parse_request_url("data:image/png;base64,AAAA"));
}

}  // namespace
}  // namespace popcheck::core
