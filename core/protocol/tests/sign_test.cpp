// Signing: every vector of docs/protocol.md sections 2.1 to 2.4, and the signatures of the
// requests captured from the real SDKs (section 4.4) recomputed from the wire. The percent-encoding
// table of section 2.1 is tested where the encoder lives, core/support/tests/url_encode_test.cpp.
#include "core/protocol/sign.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/protocol/normalize.hpp"
#include "core/protocol/tests/capture.hpp"

namespace popcheck::core {
namespace {

using testing::kCaptureSecret;
using testing::parse_capture;

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Sha256, KnownDigests) {
  // docs/protocol.md 2.4: the x-acs-content-sha256 of an empty body.
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Params vector_a() {
  return {{"AccessKeyId", "testid"},
          {"Action", "DescribeRegions"},
          {"Format", "XML"},
          {"SignatureMethod", "HMAC-SHA1"},
          {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
          {"SignatureVersion", "1.0"},
          {"Timestamp", "2016-02-23T12:46:24Z"},
          {"Version", "2014-05-26"}};
}

Params vector_c() {
  return {{"AccessKeyId", "testid"},
          {"Action", "DescribeDedicatedHosts"},
          {"Format", "JSON"},
          {"RegionId", "cn-beijing"},
          {"SignatureMethod", "HMAC-SHA1"},
          {"SignatureNonce", "edb2b34af0af9a6d14deaf7c1a5315eb"},
          {"SignatureVersion", "1.0"},
          {"Timestamp", "2023-03-13T08:34:30Z"},
          {"Version", "2014-05-26"}};
}

TEST(V1, VectorAStringToSignAndSignature) {
  EXPECT_EQ(
      v1_string_to_sign("GET", vector_a()),
      "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26"
      "SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26"
      "SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26");
  const std::string signature = v1_signature("GET", vector_a(), "testsecret");
  EXPECT_EQ(signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  // Section 2.2: the signature as it appears in a URL.
  EXPECT_EQ(percent_encode(signature), "OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D");
}

TEST(V1, VectorBKeyCaseMatters) {
  Params p = vector_a();
  for (auto& [k, v] : p) {
    if (k == "Timestamp") k = "TimeStamp";
  }
  EXPECT_EQ(v1_signature("GET", p, "testsecret"), "CT9X0VtwR86fNWSnsc6v8YGOjuE=");
}

TEST(V1, VectorCCanonicalQueryAndSignature) {
  EXPECT_EQ(canonical_query(vector_c()),
            "AccessKeyId=testid&Action=DescribeDedicatedHosts&Format=JSON&RegionId=cn-beijing&"
            "SignatureMethod=HMAC-SHA1&SignatureNonce=edb2b34af0af9a6d14deaf7c1a5315eb&"
            "SignatureVersion=1.0&Timestamp=2023-03-13T08%3A34%3A30Z&Version=2014-05-26");
  EXPECT_EQ(v1_signature("GET", vector_c(), "testsecret"), "9NaGiOspFP5UPcwX8Iwt2YJXXuk=");
}

TEST(V1, VectorCPrimeMethodIsSigned) {
  EXPECT_EQ(v1_signature("POST", vector_c(), "testsecret"), "ZvQ9xGiFnquSJRvj+WE6kdSpTwU=");
}

TEST(V1, VectorDEmptyMethod) {
  const Params p = {{"test", "ok"}};
  EXPECT_EQ(v1_string_to_sign("", p), "&%2F&test%3Dok");
  EXPECT_EQ(v1_signature("", p, "accessKeySecret"), "jHx/oHoHNrbVfhncHEvPdHXZwHU=");
}

TEST(V1, SignatureIsLeftOutAndOrderDoesNotMatter) {
  Params shuffled = vector_a();
  std::reverse(shuffled.begin(), shuffled.end());
  shuffled.emplace_back("Signature", "anything");
  EXPECT_EQ(canonical_query(shuffled), canonical_query(vector_a()));
  EXPECT_EQ(v1_signature("GET", shuffled, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

TEST(V1, EmptyValuesAndEncodedKeys) {
  const Params p = {{"b", ""}, {"a b", "x*y"}, {"B", "~"}};
  // Byte order: uppercase sorts before lowercase, ' ' inside a key is encoded.
  EXPECT_EQ(canonical_query(p), "B=~&a%20b=x%2Ay&b=");
}

TEST(V1, SecretChangesTheSignature) {
  EXPECT_NE(v1_signature("GET", vector_a(), "testsecret2"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

// Recomputes a V1 capture's signature from the decoded wire parameters.
void expect_v1_capture(std::string_view text) {
  const auto capture = parse_capture(text);
  const Params params = merge_params(capture.view());
  std::string wire_signature;
  for (const auto& [k, v] : params) {
    if (k == "Signature") wire_signature = v;
  }
  ASSERT_FALSE(wire_signature.empty()) << text;
  EXPECT_EQ(v1_signature(capture.method, params, kCaptureSecret), wire_signature) << text;
  // The same parameters under the other verb do not verify.
  const std::string other = capture.method == "GET" ? "POST" : "GET";
  EXPECT_NE(v1_signature(other, params, kCaptureSecret), wire_signature);
}

TEST(V1Capture, PopCoreGet) {
  expect_v1_capture(testing::kPopCoreGet);
  const auto capture = parse_capture(testing::kPopCoreGet);
  EXPECT_EQ(v1_signature("GET", merge_params(capture.view()), kCaptureSecret),
            "VGYQDWEV3IQyhmoZLpJt9pNHnZ8=");
}

TEST(V1Capture, PopCorePostForm) {
  expect_v1_capture(testing::kPopCorePost);
  const auto capture = parse_capture(testing::kPopCorePost);
  EXPECT_EQ(v1_signature("POST", merge_params(capture.view()), kCaptureSecret),
            "HWSwONgBwCKCkFEixdmgUh3bZl4=");
}

TEST(V1Capture, EcsV2PostQuery) {
  expect_v1_capture(testing::kEcsV2);
  const auto capture = parse_capture(testing::kEcsV2);
  EXPECT_EQ(v1_signature("POST", merge_params(capture.view()), kCaptureSecret),
            "fO9ujDGrETiBz1YWHq2VNbDpMLA=");
}

V3Request official_v3() {
  V3Request r;
  r.method = "POST";
  r.path = "/";
  r.query = {{"ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
             {"RegionId", "cn-shanghai"}};
  r.headers = {{"host", "ecs.cn-shanghai.aliyuncs.com"},
               {"x-acs-action", "RunInstances"},
               {"x-acs-version", "2014-05-26"},
               {"x-acs-date", "2023-10-26T10:22:32Z"},
               {"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
               {"x-acs-content-sha256", sha256_hex("")}};
  return r;
}

TEST(V3, OfficialVector) {
  const V3Request r = official_v3();
  EXPECT_EQ(v3_signature(r, "YourAccessKeySecret"),
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
  EXPECT_EQ(v3_authorization(r, "YourAccessKeyId", "YourAccessKeySecret"),
            "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
            "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
            "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
}

TEST(V3, CanonicalRequestLayout) {
  const V3Request r = official_v3();
  EXPECT_EQ(
      v3_canonical_request(r),
      "POST\n/\n"
      "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n"
      "host:ecs.cn-shanghai.aliyuncs.com\n"
      "x-acs-action:RunInstances\n"
      "x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-acs-date:2023-10-26T10:22:32Z\n"
      "x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n"
      "x-acs-version:2014-05-26\n"
      "\n"
      "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(V3, HeaderNamesCaseValuesTrimmedUnsignedHeadersIgnored) {
  V3Request a = official_v3();
  V3Request b = official_v3();
  for (auto& [k, v] : b.headers) {
    std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::toupper(c); });
    v = "  " + v + "\t";
  }
  b.headers.emplace_back("User-Agent", "something");
  b.headers.emplace_back("Accept", "application/json");
  std::reverse(b.headers.begin(), b.headers.end());
  EXPECT_EQ(v3_canonical_request(a), v3_canonical_request(b));
  EXPECT_EQ(v3_signature(a, "s"), v3_signature(b, "s"));
}

TEST(V3, ContentTypeIsSignedRepeatedHeadersJoined) {
  V3Request r = official_v3();
  r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  r.headers.emplace_back("x-acs-extra", "b");
  r.headers.emplace_back("X-Acs-Extra", " a ");
  EXPECT_EQ(v3_signed_headers(r.headers),
            "content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-extra;"
            "x-acs-signature-nonce;x-acs-version");
  EXPECT_NE(v3_canonical_request(r).find("x-acs-extra:a,b\n"), std::string::npos);
  EXPECT_NE(v3_signature(r, "YourAccessKeySecret"),
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
}

TEST(V3, QueryValuesEncodedAndBodyHashed) {
  V3Request r;
  r.method = "POST";
  r.query = {{"Tag.1.Value", "a b*~!'()中"}, {"Empty", ""}};
  r.body = "x=1";
  const std::string canonical = v3_canonical_request(r);
  EXPECT_NE(canonical.find("Empty=&Tag.1.Value=a%20b%2A~%21%27%28%29%E4%B8%AD\n"),
            std::string::npos)
      << canonical;
  EXPECT_TRUE(canonical.ends_with(sha256_hex("x=1"))) << canonical;
  V3Request other = r;
  other.body = "x=2";
  EXPECT_NE(v3_signature(r, "k"), v3_signature(other, "k"));
  other = r;
  other.path = "";
  EXPECT_EQ(v3_canonical_request(other), canonical);  // an empty path is "/"
}

// The V3 capture of section 4.4: the Authorization header recomputed from the wire request.
TEST(V3Capture, EcsDefaultAuthorizationHeader) {
  const auto capture = parse_capture(testing::kEcsV3);
  V3Request r;
  r.method = capture.method;
  r.path = "/";
  const size_t q = capture.target.find('?');
  r.query = parse_query_string(std::string_view(capture.target).substr(q + 1));
  r.headers.assign(capture.headers.begin(), capture.headers.end());
  r.body = capture.body;
  EXPECT_EQ(v3_authorization(r, "testid", kCaptureSecret),
            header_value(capture.headers, "Authorization"));
}

}  // namespace
}  // namespace popcheck::core
