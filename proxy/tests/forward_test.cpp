// The forwarded request (proxy/forward.hpp), built here without a server: which signature a request
// carries, what the proxy changes when it holds no credentials, and that a re-signed request verifies
// with the proxy's key, as the gateway would check it (core/protocol/verify.hpp).
#include "proxy/forward.hpp"

#include <gtest/gtest.h>

#include "core/protocol/verify.hpp"

namespace popcheck::proxy {
namespace {

const core::Credentials kHeld{"LTAIheldByProxy01", "heldSecret01", "STS.heldToken01"};

net::HttpRequest request(std::string method, std::string target, net::Headers headers,
                         std::string body = "") {
  net::HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

// How the gateway would judge the forwarded request, with only the proxy's key known.
core::VerifyOutcome verified(const core::Request& out, std::string_view timestamp) {
  auto keys = core::key_lookup({{kHeld.access_key_id, kHeld.access_key_secret}});
  auto now = *core::parse_iso8601_utc(timestamp);
  return core::verify_request({out.method, out.target, &out.headers, out.body}, keys, now, nullptr);
}

TEST(Forward, SignatureKindIsReadFromTheAuthorizationTheQueryOrAFormBody) {
  EXPECT_EQ(signature_kind(request("POST", "/?A=1", {{"Authorization", "ACS3-HMAC-SHA256 x"}})),
            SignatureKind::v3);
  EXPECT_EQ(signature_kind(request("GET", "/?Action=X&Signature=abc", {})), SignatureKind::v1);
  EXPECT_EQ(
      signature_kind(request("POST", "/", {{"Content-Type", "application/x-www-form-urlencoded"}},
                             "Action=X&Signature=abc")),
      SignatureKind::v1);
  // A Signature in a body that is not a form is no V1 signature; nor is a mere mention in a value.
  EXPECT_EQ(signature_kind(request("POST", "/", {{"Content-Type", "text/plain"}}, "Signature=abc")),
            SignatureKind::none);
  EXPECT_EQ(signature_kind(request("GET", "/?Note=Signature", {})), SignatureKind::none);
}

TEST(Forward, WithoutCredentialsOnlyHostAndContentLengthChange) {
  auto upstream = *core::parse_url("http://127.0.0.1:18080");
  auto in = request("POST", "/?Action=X&Signature=abc",
                    {{"Host", "proxy:1"}, {"Content-Length", "3"}, {"X-Trace", "t"}}, "a=1");
  core::Request out = prepare_forward(in, upstream, {});
  EXPECT_EQ(out.method, "POST");
  EXPECT_EQ(out.target, in.target);
  EXPECT_EQ(out.body, "a=1");
  EXPECT_EQ(core::header_value(out.headers, "host"), "127.0.0.1:18080");
  EXPECT_EQ(core::header_value(out.headers, "content-length"), "");
  EXPECT_EQ(core::header_value(out.headers, "x-trace"), "t");
}

// The upstream's base path goes before the client's target, whether the request is re-signed or not.
TEST(Forward, TheTargetGoesUnderTheUpstreamsBasePath) {
  auto upstream = *core::parse_url("http://127.0.0.1:18080/api/");
  auto plain = prepare_forward(request("GET", "/?Action=X&Signature=abc", {}), upstream, {});
  EXPECT_EQ(plain.target, "/api/?Action=X&Signature=abc");
  auto form = request("POST", "/", {{"Content-Type", "application/x-www-form-urlencoded"}},
                      "Action=X&AccessKeyId=client&Signature=abc");
  auto resigned = prepare_forward(form, upstream, kHeld);
  EXPECT_EQ(resigned.target, "/api/");
  EXPECT_NE(resigned.body.find("AccessKeyId=" + kHeld.access_key_id), std::string::npos);
}

TEST(Forward, AV1QueryIsReSignedWithTheProxysIdentity) {
  auto upstream = *core::parse_url("https://ecs.aliyuncs.com");
  auto in = request(
      "GET",
      "/?Action=DescribeRegions&Version=2014-05-26&AccessKeyId=LTAIclient&SecurityToken=clientTok"
      "&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=n1"
      "&Timestamp=2026-11-23T10%3A00%3A00Z&Signature=clientSig",
      {{"Host", "127.0.0.1:9"}});
  core::Request out = prepare_forward(in, upstream, kHeld);
  EXPECT_EQ(core::header_value(out.headers, "host"), "ecs.aliyuncs.com");
  auto params = core::parse_query_string(out.target.substr(2));
  auto value = [&](const std::string& name) {
    std::string v;
    int n = 0;
    for (const auto& [k, x] : params)
      if (k == name) v = x, ++n;
    EXPECT_EQ(n, 1) << name << " appears " << n << " times";
    return v;
  };
  EXPECT_EQ(value("AccessKeyId"), kHeld.access_key_id);
  EXPECT_EQ(value("SecurityToken"), kHeld.security_token);
  EXPECT_EQ(value("Action"), "DescribeRegions");
  auto v = verified(out, "2026-11-23T10:00:00Z");
  EXPECT_TRUE(v.ok()) << core::to_string(v.status) << ": " << v.detail;
}

TEST(Forward, AV1FormBodyStaysAFormBody) {
  auto upstream = *core::parse_url("http://127.0.0.1:1");
  auto in = request("POST", "/", {{"Content-Type", "application/x-www-form-urlencoded"}},
                    "Action=DetachDisk&Version=2014-05-26&DiskId=d-1&AccessKeyId=LTAIclient"
                    "&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=n2"
                    "&Timestamp=2026-11-23T10%3A00%3A00Z&Signature=clientSig");
  core::Request out = prepare_forward(in, upstream, kHeld);
  EXPECT_EQ(out.target, "/");
  EXPECT_NE(out.body.find("DiskId=d-1"), std::string::npos) << out.body;
  EXPECT_EQ(out.body.find("LTAIclient"), std::string::npos) << out.body;
  auto v = verified(out, "2026-11-23T10:00:00Z");
  EXPECT_TRUE(v.ok()) << core::to_string(v.status) << ": " << v.detail;
}

TEST(Forward, AV3RequestIsSignedForTheUpstreamsHost) {
  auto upstream = *core::parse_url("http://127.0.0.1:18080");
  auto in = request(
      "POST", "/?RegionId=cn-hangzhou",
      {{"host", "127.0.0.1:9"},
       {"x-acs-action", "DescribeRegions"},
       {"x-acs-version", "2014-05-26"},
       {"x-acs-date", "2026-11-23T10:00:00Z"},
       {"x-acs-signature-nonce", "n3"},
       {"x-acs-content-sha256", "stale"},
       {"x-acs-accesskey-id", "LTAIclient"},
       {"Authorization", "ACS3-HMAC-SHA256 Credential=LTAIclient,SignedHeaders=host,Signature=x"}},
      "{}");
  core::Request out = prepare_forward(in, upstream, kHeld);
  EXPECT_EQ(core::header_value(out.headers, "host"), "127.0.0.1:18080");
  EXPECT_EQ(core::header_value(out.headers, "x-acs-content-sha256"), core::sha256_hex("{}"));
  EXPECT_EQ(core::header_value(out.headers, "x-acs-security-token"), kHeld.security_token);
  EXPECT_NE(core::header_value(out.headers, "authorization").find("Credential=LTAIheldByProxy01"),
            std::string::npos);
  auto v = verified(out, "2026-11-23T10:00:00Z");
  EXPECT_TRUE(v.ok()) << core::to_string(v.status) << ": " << v.detail;
}

}  // namespace
}  // namespace popcheck::proxy
