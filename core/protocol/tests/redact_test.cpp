// The one redactor: credential names of every request shape, cookies, secrets inside JSON, form
// and XML bodies at any depth, and known values raw or percent-encoded anywhere in any text.
#include "core/protocol/redact.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/protocol/tests/capture.hpp"

namespace popcheck::core {
namespace {

Credentials sample() { return {"LTAI5tExampleId", "Ex4mpleSecret/+=", "STS.tok+en/="}; }

void expect_none(const std::string& out, std::initializer_list<const char*> leaks) {
  for (const char* leak : leaks)
    EXPECT_EQ(out.find(leak), std::string::npos) << leak << " in " << out;
}

TEST(Redact, RemovesKeyIdSecretTokenRawAndEncoded) {
  const std::string text =
      "id=LTAI5tExampleId secret=Ex4mpleSecret/+= enc=Ex4mpleSecret%2F%2B%3D "
      "token=STS.tok%2Ben%2F%3D twice STS.tok%252Ben%252F%253D raw STS.tok+en/= end";
  const std::string out = Redactor(sample()).text(text);
  expect_none(out, {"LTAI5tExampleId", "Ex4mpleSecret", "STS.tok"});
  EXPECT_NE(out.find(" end"), std::string::npos);
}

TEST(Redact, MasksSignaturesWhoeverMadeThem) {
  const Redactor none;
  const auto capture = testing::parse_capture(testing::kPopCoreGet);
  std::string out = none.text(capture.target);
  expect_none(out, {"VGYQDWEV3IQyhmoZLpJt9pNHnZ8", "testid"});
  // The rest of the request stays readable.
  EXPECT_NE(out.find("SignatureNonce=a7e29f182614a7906db3daef70a67901"), std::string::npos) << out;
  EXPECT_NE(out.find("SignatureMethod=HMAC-SHA1"), std::string::npos) << out;
  EXPECT_NE(out.find("InstanceId.2=i-def"), std::string::npos) << out;
  EXPECT_EQ(none.url("http://h" + capture.target), "http://h" + out);

  out = none.text(testing::kEcsV3);
  expect_none(out, {"3ffaa4bb7227fc6b", "Credential=testid"});
  EXPECT_NE(out.find("SignedHeaders=host;x-acs-action"), std::string::npos) << out;

  out = none.text(R"({"Signature": "abc+/=", "AccessKeyId":"k1", "x-acs-security-token": "t"})");
  EXPECT_EQ(out, R"({"Signature": "REDACTED", "AccessKeyId":"REDACTED", )"
                 R"("x-acs-security-token": "REDACTED"})");
  out = none.text("x-acs-security-token: STS.x+y/=\nx-acs-accesskey-id: STS.id\nhost: h");
  EXPECT_EQ(out, "x-acs-security-token: REDACTED\nx-acs-accesskey-id: REDACTED\nhost: h");
}

TEST(Redact, MasksCliConfigFields) {
  const std::string config = R"({"profiles": [{"name": "default", "access_key_id": "LTAIdefault",
     "access_key_secret": "secretD", "sts_token": "STS.tok+en/=", "region_id": "cn-hangzhou"}]})";
  const std::string out = Redactor().text(config);
  expect_none(out, {"LTAIdefault", "secretD", "STS.tok+en/="});
  EXPECT_NE(out.find("\"region_id\": \"cn-hangzhou\""), std::string::npos) << out;
}

TEST(Redact, LeavesOrdinaryTextAndNamesAlone) {
  const std::string text = "DeleteInstances RegionId=cn-hangzhou x-signature-nonce: n";
  EXPECT_EQ(Redactor().text(text), text);
  EXPECT_TRUE(is_credential_name("x-acs-accesskey-id"));
  EXPECT_TRUE(is_credential_name("set-cookie"));
  EXPECT_FALSE(is_credential_name("SignatureMethod"));
  EXPECT_FALSE(is_credential_name("Password"));
  EXPECT_TRUE(is_sensitive_name("Password"));
  EXPECT_TRUE(is_sensitive_name("KeyPair.PrivateKeyBody"));
  EXPECT_FALSE(is_sensitive_name("SignatureNonce"));
  EXPECT_FALSE(is_sensitive_name("RegionId"));
}

TEST(Redact, QueriesAndFormsByDecodedName) {
  const Redactor r;
  EXPECT_EQ(r.query("A=1&AccessKeyId=k&Signature=s&Security%54oken=t&Password=p&B=2"),
            "A=1&AccessKeyId=REDACTED&Signature=REDACTED&Security%54oken=REDACTED&"
            "Password=REDACTED&B=2");
  EXPECT_EQ(r.url("http://h/?Signature=x#f"), "http://h/?Signature=REDACTED#f");
  EXPECT_EQ(r.body("Signature=abc&Action=A", "application/x-www-form-urlencoded; charset=utf-8"),
            "Signature=REDACTED&Action=A");
}

TEST(Redact, HeadersOfEveryShapeAndCookies) {
  const Headers in = {{"Authorization", "ACS3-HMAC-SHA256 Credential=LTAIid,Signature=abc"},
                      {"x-acs-accesskey-id", "LTAIid"},
                      {"X-Acs-Security-Token", "STS.t"},
                      {"Cookie", "session=c00kieValue; theme=dark"},
                      {"Set-Cookie", "login=abc; HttpOnly"},
                      {"x-acs-action", "DescribeRegions"}};
  Headers out = Redactor().headers(in);
  for (size_t i = 0; i + 1 < out.size(); ++i) EXPECT_EQ(out[i].second, kRedacted) << out[i].first;
  EXPECT_EQ(out.back().second, "DescribeRegions");
}

// Issue 19 item 5: a Cookie header, credentials inside a JSON body and a percent-encoded token
// inside a text/plain body reached fixtures, the HAR export and the JUnit report.
TEST(Redact, RequestSecretsAreFoundAnywhereElse) {
  const Params params = {{"Action", "A"}, {"SecurityToken", "STS.req+token/="}};
  const Headers headers = {{"Cookie", "session=c00kieValue; theme=dark"},
                           {"Authorization", "Bearer b3arerToken"},
                           {"Content-Type", "text/plain"}};
  Redactor r;
  r.add_request_secrets(params, headers);
  std::string out = r.text("echo STS.req%2Btoken%2F%3D and c00kieValue and b3arerToken, dark");
  expect_none(out, {"STS.req", "c00kieValue", "b3arerToken"});
  EXPECT_NE(out.find("dark"), std::string::npos) << "short cookie values are not secrets";
  Redactor short_values;
  short_values.add_secret("ab");
  EXPECT_EQ(short_values.text("ab cd"), "ab cd") << "values under 4 bytes would match any text";
  std::string url = "http://h/?Note=STS.req%2Btoken%2F%3D";
  Headers hs = headers;
  std::string body = "token in text: STS.req%2Btoken%2F%3D";
  r.request(url, hs, body);
  expect_none(url + body, {"STS.req"});
}

TEST(Redact, JsonBodiesAtAnyDepthAndXml) {
  const Redactor r;
  std::string out =
      r.body(R"({"Name":"n","Credentials":{"AccessKeyId":"STS.abc","AccessKeySecret":"s3cr3t",)"
             R"("SecurityToken":"tok"},"List":[{"Deep":{"Password":"pw123456"}}],"Count":3})",
             "application/json");
  EXPECT_EQ(out,
            R"({"Name":"n","Credentials":{"AccessKeyId":"REDACTED","AccessKeySecret":"REDACTED",)"
            R"("SecurityToken":"REDACTED"},"List":[{"Deep":{"Password":"REDACTED"}}],"Count":3})");
  // Without a JSON content type, by its first character; a body with nothing secret keeps its
  // bytes.
  EXPECT_EQ(r.body("{ \"AccessKeySecret\" : \"x1\" }"), R"({"AccessKeySecret":"REDACTED"})");
  EXPECT_EQ(r.body("{ \"a\" : 1 }", "application/json"), "{ \"a\" : 1 }");
  EXPECT_EQ(r.body("<R><Key><AccessKeySecret>s3cr3t</AccessKeySecret></Key><N>1</N></R>"),
            "<R><Key><AccessKeySecret>REDACTED</AccessKeySecret></Key><N>1</N></R>");
  // Nesting deeper than the redactor serialises is treated as text: still no secret.
  std::string deep =
      std::string(5000, '[') + R"({"AccessKeySecret":"s3cr3tDeep"})" + std::string(5000, ']');
  expect_none(r.body(deep, "application/json"), {"s3cr3tDeep"});
}

TEST(Redact, ARecordedRequestInPlace) {
  std::string url = "http://h/?x=1";
  Headers headers = {{"Authorization", "ACS3-HMAC-SHA256 Credential=ak,Signature=s"},
                     {"x-acs-security-token", "tok"},
                     {"Content-Type", "application/x-www-form-urlencoded"},
                     {"x-acs-action", "A"}};
  std::string body = "Signature=zz&Action=A";
  Redactor().request(url, headers, body);
  EXPECT_EQ(url, "http://h/?x=1");
  EXPECT_EQ(headers[0].second, kRedacted);
  EXPECT_EQ(headers[1].second, kRedacted);
  EXPECT_EQ(headers[3].second, "A");
  EXPECT_EQ(body, "Signature=REDACTED&Action=A");
}

TEST(Redact, IsIdempotent) {
  Redactor r(sample());
  const std::string once =
      r.url("http://h/?AccessKeyId=LTAI5tExampleId&Password=x&Note=Ex4mpleSecret/+=");
  EXPECT_EQ(once.find("LTAI5tExampleId"), std::string::npos) << once;
  EXPECT_EQ(once.find("Ex4mpleSecret"), std::string::npos) << once;
  EXPECT_EQ(r.url(once), once);
  EXPECT_EQ(r.body(r.body(R"({"Password":"x"})")), r.body(R"({"Password":"x"})"));
}

}  // namespace
}  // namespace popcheck::core
