#include "proxy/fixtures/fixture.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/support/url_encode.hpp"
#include "popcheck/version.hpp"

namespace popcheck::proxy {
namespace {

Exchange sample(std::string body, std::string content_type) {
  Exchange e;
  e.product = "ecs";
  e.action = "DeleteInstances";
  e.request.method = "GET";
  e.request.path = "/";
  e.request.params = {{"Action", "DeleteInstances"}, {"RegionId", "cn-hangzhou"}};
  e.request.headers = {{"x-acs-action", "DeleteInstances"}};
  e.response.status = 403;
  e.response.content_type = std::move(content_type);
  e.response.headers = {{"x-acs-request-id", "ABC"}};
  e.response.body = std::move(body);
  e.provenance.recorded_at = "2026-11-23T15:00:00Z";
  e.provenance.upstream = "http://127.0.0.1:1";
  e.provenance.api_version = "2014-05-26";
  e.provenance.duration_ms = 7;
  return e;
}

Exchange round_trip(const Exchange& e) {
  std::string text = exchange_to_text(e);
  auto back = exchange_from_text(text, "x.json");
  EXPECT_TRUE(back.has_value()) << (back ? "" : back.error().to_string());
  return back ? *back : Exchange{};
}

// A fixture is JSON: what is_valid_utf8 admits must be what the JSON writer admits, or a recording
// would fail to write (or a body be base64'd for nothing).
TEST(Fixture, IsValidUtf8AgreesWithTheJsonWriter) {
  auto writer_takes = [](const std::string& s) {
    try {
      (void)core::ojson(s).dump(-1, ' ', false, core::ojson::error_handler_t::strict);
      return true;
    } catch (const core::ojson::exception&) {
      return false;
    }
  };
  std::vector<std::string> inputs = {"",
                                     "ascii",
                                     "\xc3\xa9",
                                     "\xe4\xb8\xad\xe6\x96\x87",
                                     "\xf0\x9f\x98\x80",
                                     "\xc0\xaf",          // overlong '/'
                                     "\xe0\x80\xaf",      // overlong, three bytes
                                     "\xed\xa0\x80",      // a surrogate
                                     "\xf4\x90\x80\x80",  // above U+10FFFF
                                     "\xf5\x80\x80\x80",
                                     "\xbe",
                                     "\xe4\xb8",
                                     "a\xff",
                                     std::string("nul\0in", 6)};
  std::mt19937 random(20261207);
  for (int i = 0; i < 20000; ++i) {
    std::string s(random() % 6, '\0');
    // Mostly bytes at and above 0x80, where the encodings differ.
    for (char& c : s)
      c = static_cast<char>(random() % 4 == 0 ? random() % 0x80 : 0x80 + random() % 0x80);
    inputs.push_back(std::move(s));
  }
  size_t valid = 0;
  for (const auto& s : inputs) {
    ASSERT_EQ(is_valid_utf8(s), writer_takes(s)) << core::percent_encode(s);
    valid += is_valid_utf8(s) ? 1 : 0;
  }
  EXPECT_GT(valid, 100u);  // both answers were exercised
}

TEST(Fixture, CompactJsonBodyIsStoredAsJsonAndReplaysExactly) {
  std::string body = R"({"RequestId":"R1","Code":"IncorrectInstanceStatus","Items":[1,2.5,"x"]})";
  Exchange e = sample(body, "application/json;charset=utf-8");
  std::string text = exchange_to_text(e);
  auto j = core::ojson::parse(text);
  EXPECT_TRUE(j["response"]["body"].is_object());  // readable: JSON stored as JSON
  EXPECT_FALSE(j["response"].contains("body_text"));
  Exchange back = round_trip(e);
  EXPECT_EQ(back.response.body, body);
  EXPECT_EQ(back.response.content_type, "application/json;charset=utf-8");
  EXPECT_EQ(back.response.status, 403);
  EXPECT_EQ(back.response.headers, e.response.headers);
  EXPECT_EQ(back.request.params, e.request.params);
  EXPECT_EQ(back.provenance.duration_ms, 7);
  EXPECT_EQ(back.provenance.popcheck_version, popcheck::kVersion);
}

TEST(Fixture, OddlySpacedJsonReplaysByteForByte) {
  std::string body = "{ \"RequestId\" : \"R1\",\n  \"Value\": 1.50e2, \"Text\": \"\\u4e2d\" }\n";
  Exchange back = round_trip(sample(body, "application/json"));
  EXPECT_EQ(back.response.body, body);
  auto j = core::ojson::parse(exchange_to_text(sample(body, "application/json")));
  EXPECT_TRUE(j["response"]["body"].is_object());
}

TEST(Fixture, XmlAndBinaryBodiesReplayByteForByte) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\r\n  <Code>X</Code>\t<Message>a &amp; b "
      "中</Message></Error>";
  Exchange back = round_trip(sample(xml, "text/xml;charset=utf-8"));
  EXPECT_EQ(back.response.body, xml);
  EXPECT_EQ(back.response.content_type, "text/xml;charset=utf-8");
  std::string binary("\x00\xff\xfe\x80 bytes\x01", 11);
  EXPECT_EQ(round_trip(sample(binary, "application/octet-stream")).response.body, binary);
  EXPECT_EQ(round_trip(sample("", "text/plain")).response.body, "");
}

TEST(Fixture, KeysAreWrittenInAStableOrder) {
  std::string text = exchange_to_text(sample("{}", "application/json"));
  auto j = core::ojson::parse(text);
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"popcheck_fixture", "product", "action", "request",
                                            "response", "provenance"}));
  EXPECT_EQ(text, exchange_to_text(round_trip(sample("{}", "application/json"))));
}

TEST(Fixture, MalformedFixturesAreErrorsNamingTheFile) {
  auto bad = exchange_from_text("{\"request\": {", "fixtures/ecs/A/000001-x.json");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().file, "fixtures/ecs/A/000001-x.json");
  EXPECT_EQ(bad.error().code, "fixture.json");
  auto schema = exchange_from_text(R"({"request":{},"response":{"status":"x"}})", "f.json");
  ASSERT_FALSE(schema);
  EXPECT_EQ(schema.error().code, "fixture.schema");
  // A number beyond a double's range is an error too, not an exception (found by fuzzing).
  auto overflow = exchange_from_text(R"({"request":{},"response":{"status":1e999}})", "o.json");
  ASSERT_FALSE(overflow);
  EXPECT_EQ(overflow.error().code, "fixture.json");
  EXPECT_EQ(overflow.error().file, "o.json");
}

TEST(Fixture, RedactsConfiguredJsonPaths) {
  std::string body =
      R"({"RequestId":"R","AccessKeySecret":"s3cr3t","Credentials":{"AccessKeyId":"id","Expiration":"t"},"Users":{"User":[{"Name":"a","Password":"p1"},{"Name":"b","Password":"p2"}]}})";
  EXPECT_TRUE(redact_json_paths(
      body, {"$.AccessKeySecret", "Credentials.*", "$.Users.User[*].Password", "$.Nope"}));
  auto j = core::ojson::parse(body);
  EXPECT_FALSE(j.contains("AccessKeySecret"));
  EXPECT_TRUE(j["Credentials"].empty());
  EXPECT_EQ(j["Users"]["User"][0].dump(), R"({"Name":"a"})");
  EXPECT_EQ(j["Users"]["User"][1].dump(), R"({"Name":"b"})");
  EXPECT_EQ(j["RequestId"], "R");
  EXPECT_EQ(body.find("s3cr3t"), std::string::npos);
  std::string xml = "<A>secret</A>";
  EXPECT_FALSE(redact_json_paths(xml, {"A"}));
  EXPECT_EQ(xml, "<A>secret</A>");
  // Too deep to walk: withheld whole rather than stored with what the paths name.
  std::string deep = R"({"AccessKeySecret":"s3cr3t","X":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  EXPECT_TRUE(redact_json_paths(deep, {"$.AccessKeySecret"}));
  EXPECT_EQ(deep.find("s3cr3t"), std::string::npos);
  EXPECT_NE(core::ojson::parse(deep)["popcheck_withheld"].get<std::string>().find("deeper than"),
            std::string::npos);
}

TEST(Fixture, CredentialParamsAndHeadersAreNeverRecorded) {
  for (auto p : {"AccessKeyId", "Signature", "SignatureNonce", "SecurityToken", "Timestamp"})
    EXPECT_TRUE(is_credential_param(p)) << p;
  EXPECT_FALSE(is_credential_param("RegionId"));
  for (auto h : {"Authorization", "x-acs-security-token", "X-Acs-AccessKey-Id",
                 "x-acs-signature-nonce", "Host", "x-acs-date"})
    EXPECT_TRUE(is_unrecorded_header(h)) << h;
  EXPECT_FALSE(is_unrecorded_header("x-acs-action"));
}

TEST(Fixture, ProductFolder) {
  EXPECT_EQ(product_for("ecs.cn-hangzhou.aliyuncs.com", "2014-05-26"), "ecs");
  EXPECT_EQ(product_for("127.0.0.1:8080", "2016-04-28"), "vpc");
  EXPECT_EQ(product_for("localhost", "2014-08-28"), "ess");
  EXPECT_EQ(product_for("127.0.0.1", "2020-01-01"), "version-2020-01-01");
  EXPECT_EQ(short_hash("a").size(), 8u);
  EXPECT_EQ(short_hash("a"), short_hash("a"));
  EXPECT_NE(short_hash("a"), short_hash("b"));
}

}  // namespace
}  // namespace popcheck::proxy

namespace popcheck::proxy {
namespace {

TEST(Fixture, ParamsAreAnObjectUnlessANameRepeats) {
  Exchange e;
  e.request.params = {{"Action", "A"}, {"RegionId", "x"}};
  e.response.body = "{}";
  auto j = core::ojson::parse(exchange_to_text(e));
  EXPECT_TRUE(j["request"]["params"].is_object());
  EXPECT_EQ(j["request"]["params"]["RegionId"], "x");
  e.request.params = {{"Action", "A"}, {"Tag", "1"}, {"Tag", "2"}};
  e.response.headers = {{"Set-X", "a"}, {"Set-X", "b"}};
  j = core::ojson::parse(exchange_to_text(e));
  EXPECT_TRUE(j["request"]["params"].is_array());
  auto back = exchange_from_text(exchange_to_text(e), "f");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->request.params, e.request.params);
  EXPECT_EQ(back->response.headers, e.response.headers);
}

}  // namespace
}  // namespace popcheck::proxy
