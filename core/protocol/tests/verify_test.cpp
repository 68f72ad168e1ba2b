// Server-side verification: requests signed by this signer and the SDK captures of
// docs/protocol.md section 4.4 verify; every kind of defect gives its own outcome and error.
#include "core/protocol/verify.hpp"

#include <gtest/gtest.h>

#include "core/protocol/sign.hpp"
#include "core/protocol/tests/capture.hpp"

namespace popcheck::core {
namespace {

using namespace std::chrono_literals;
using testing::parse_capture;

std::chrono::sys_seconds at(std::string_view iso) {
  const auto t = parse_iso8601_utc(iso);
  EXPECT_TRUE(t) << iso;
  return t.value_or(std::chrono::sys_seconds{});
}

const std::chrono::sys_seconds kNow = at("2026-11-23T15:00:00Z");

KeyLookup test_keys() { return key_lookup({{"testid", "testsecret"}, {"other", "othersecret"}}); }

// A V1 request built and signed here, as GET (query), POST form or POST with everything in the
// query.
struct V1Builder {
  std::string method = "GET";
  bool form = false;
  Params params = {{"Action", "DeleteInstances"}, {"Version", "2014-05-26"}, {"Format", "JSON"},
                   {"RegionId", "cn-hangzhou"},   {"InstanceId.1", "i-abc"}, {"Force", "true"},
                   {"Tag.1.Value", "a b*~!'()中"}};
  std::string id = "testid", secret = "testsecret", nonce = "n-1";
  std::chrono::sys_seconds time = kNow;

  testing::CapturedRequest build() const {
    Params p = params;
    p.emplace_back("AccessKeyId", id);
    p.emplace_back("SignatureMethod", "HMAC-SHA1");
    p.emplace_back("SignatureVersion", "1.0");
    p.emplace_back("SignatureNonce", nonce);
    p.emplace_back("Timestamp", format_iso8601_utc(time));
    p.emplace_back("Signature", v1_signature(method, p, secret));
    std::string encoded;
    for (const auto& [k, v] : p) {
      encoded += (encoded.empty() ? "" : "&") + percent_encode(k) + "=" + percent_encode(v);
    }
    testing::CapturedRequest r;
    r.method = method;
    r.headers = {{"Host", "127.0.0.1:18080"}, {"x-acs-action", "DeleteInstances"}};
    if (form) {
      r.target = "/";
      r.body = encoded;
      r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
    } else {
      r.target = "/?" + encoded;
    }
    return r;
  }
};

// A V3 request built and signed here.
struct V3Builder {
  std::string method = "POST";
  Params query = {
      {"RegionId", "cn-hangzhou"}, {"InstanceId.1", "i-abc"}, {"Tag.1.Value", "a b*!()中"}};
  std::string body;
  std::string id = "testid", secret = "testsecret", nonce = "v3-nonce";
  std::chrono::sys_seconds time = kNow;
  Params extra_headers;

  testing::CapturedRequest build() const {
    V3Request r;
    r.method = method;
    r.query = query;
    r.body = body;
    r.headers = {{"host", "127.0.0.1:18080"},
                 {"x-acs-action", "DeleteInstances"},
                 {"x-acs-version", "2014-05-26"},
                 {"x-acs-date", format_iso8601_utc(time)},
                 {"x-acs-signature-nonce", nonce},
                 {"x-acs-content-sha256", sha256_hex(body)},
                 {"user-agent", "test"}};
    r.headers.insert(r.headers.end(), extra_headers.begin(), extra_headers.end());
    testing::CapturedRequest out;
    out.method = method;
    out.target = "/";
    for (size_t i = 0; i < query.size(); ++i) {
      out.target += (i == 0 ? "?" : "&") + query[i].first + "=" + percent_encode(query[i].second);
    }
    out.headers.assign(r.headers.begin(), r.headers.end());
    out.headers.emplace_back("Authorization", v3_authorization(r, id, secret));
    out.body = body;
    return out;
  }
};

VerifyOutcome verify(const testing::CapturedRequest& r, NonceCache* nonces = nullptr,
                     std::chrono::sys_seconds now = kNow) {
  return verify_request(r.view(), test_keys(), now, nonces);
}

TEST(Verify, OwnV1RequestsInEveryShape) {
  V1Builder get;
  auto o = verify(get.build());
  EXPECT_TRUE(o.ok()) << to_string(o.status) << ": " << o.detail;
  EXPECT_EQ(o.scheme, SignatureScheme::v1);
  EXPECT_EQ(o.access_key_id, "testid");
  V1Builder form;
  form.method = "POST";
  form.form = true;
  o = verify(form.build());
  EXPECT_TRUE(o.ok()) << to_string(o.status) << ": " << o.detail;
  V1Builder post_query;
  post_query.method = "POST";
  o = verify(post_query.build());
  EXPECT_TRUE(o.ok()) << to_string(o.status) << ": " << o.detail;
  EXPECT_FALSE(verify_error(o));
}

TEST(Verify, OwnV3Request) {
  V3Builder b;
  auto o = verify(b.build());
  EXPECT_TRUE(o.ok()) << to_string(o.status) << ": " << o.detail;
  EXPECT_EQ(o.scheme, SignatureScheme::v3);
  b.body = "A=1&B=2";
  b.extra_headers = {{"content-type", "application/x-www-form-urlencoded"}};
  o = verify(b.build());
  EXPECT_TRUE(o.ok()) << to_string(o.status) << ": " << o.detail;
}

TEST(Verify, SdkCapturesVerify) {
  NonceCache nonces;
  struct Case {
    std::string_view text;
    const char* time;
    SignatureScheme scheme;
  };
  for (const Case& c : {Case{testing::kPopCoreGet, "2026-11-23T14:54:01Z", SignatureScheme::v1},
                        Case{testing::kPopCorePost, "2026-11-23T14:54:02Z", SignatureScheme::v1},
                        Case{testing::kEcsV2, "2026-11-23T14:54:02Z", SignatureScheme::v1},
                        Case{testing::kEcsV3, "2026-11-23T14:54:02Z", SignatureScheme::v3}}) {
    const auto r = parse_capture(c.text);
    const auto o = verify(r, &nonces, at(c.time) + 5s);
    EXPECT_TRUE(o.ok()) << to_string(o.status) << ": " << o.detail << "\n" << c.text;
    EXPECT_EQ(o.scheme, c.scheme);
    // Replaying the captured request is refused.
    EXPECT_EQ(verify(r, &nonces, at(c.time) + 6s).status, VerifyStatus::nonce_reused);
  }
}

TEST(Verify, TamperedV1ParameterIsAMismatch) {
  auto r = parse_capture(testing::kPopCoreGet);
  r.target.replace(r.target.find("i-def"), 5, "i-xyz");
  const auto o = verify(r, nullptr, at("2026-11-23T14:54:01Z"));
  EXPECT_EQ(o.status, VerifyStatus::signature_mismatch);
  EXPECT_NE(o.string_to_sign.find("GET&%2F&"), std::string::npos);
  EXPECT_NE(o.string_to_sign.find("i-xyz"), std::string::npos);
  const auto e = verify_error(o);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 400);
  EXPECT_EQ(e->code, "SignatureDoesNotMatch");
  EXPECT_EQ(e->message, "Specified signature is not matched with our calculation.");
}

TEST(Verify, MethodIsPartOfTheV1Signature) {
  auto r = V1Builder{}.build();
  r.method = "POST";
  EXPECT_EQ(verify(r).status, VerifyStatus::signature_mismatch);
}

TEST(Verify, WrongSecretIsAMismatch) {
  V1Builder b;
  b.secret = "not-the-secret";
  EXPECT_EQ(verify(b.build()).status, VerifyStatus::signature_mismatch);
  V3Builder v3;
  v3.secret = "not-the-secret";
  const auto o = verify(v3.build());
  EXPECT_EQ(o.status, VerifyStatus::signature_mismatch);
  EXPECT_TRUE(o.string_to_sign.starts_with("POST\n/\n")) << o.string_to_sign;
}

TEST(Verify, UnknownAccessKey) {
  V1Builder b;
  b.id = "nobody";
  auto o = verify(b.build());
  EXPECT_EQ(o.status, VerifyStatus::unknown_access_key);
  EXPECT_EQ(o.access_key_id, "nobody");
  auto e = verify_error(o);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 404);
  EXPECT_EQ(e->code, "InvalidAccessKeyId.NotFound");
  EXPECT_EQ(e->message, "Specified access key is not found.");
  V3Builder v3;
  v3.id = "nobody";
  EXPECT_EQ(verify(v3.build()).status, VerifyStatus::unknown_access_key);
  // The other known key verifies with its own secret.
  b.id = "other";
  b.secret = "othersecret";
  EXPECT_TRUE(verify(b.build()).ok());
}

TEST(Verify, MissingSignatureAndParameters) {
  testing::CapturedRequest unsigned_request{"GET", "/?Action=DescribeRegions&Format=JSON", {}, ""};
  auto o = verify(unsigned_request);
  EXPECT_EQ(o.status, VerifyStatus::missing_signature);
  auto e = verify_error(o);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "MissingParameter");
  EXPECT_NE(e->message.find("\"Signature\""), std::string::npos);

  for (std::string_view name : {"Timestamp", "SignatureNonce", "AccessKeyId"}) {
    auto r = V1Builder{}.build();
    const size_t start = r.target.find(std::string(name) + "=");
    ASSERT_NE(start, std::string::npos);
    const size_t end = r.target.find('&', start);
    r.target.erase(start, end - start + 1);
    o = verify(r);
    EXPECT_EQ(o.status, VerifyStatus::missing_parameter) << name;
    EXPECT_EQ(o.detail, name);
    e = verify_error(o);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "MissingParameter");
    EXPECT_NE(e->message.find(std::string(name)), std::string::npos);
  }
  auto v3 = V3Builder{}.build();
  std::erase_if(v3.headers, [](const auto& h) { return h.first == "x-acs-date"; });
  o = verify(v3);
  EXPECT_EQ(o.status, VerifyStatus::missing_parameter);
  EXPECT_EQ(o.detail, "x-acs-date");
}

TEST(Verify, UnsupportedMethodOrMalformedAuthorizationIsIncomplete) {
  V1Builder b;
  auto r = b.build();
  r.target.replace(r.target.find("HMAC-SHA1"), 9, "HMAC-SHA256");
  auto o = verify(r);
  EXPECT_EQ(o.status, VerifyStatus::incomplete_signature);
  EXPECT_EQ(verify_error(o)->code, "IncompleteSignature");

  auto v3 = V3Builder{}.build();
  for (auto& [k, v] : v3.headers) {
    if (k == "Authorization") v.replace(0, 16, "ACS3-HMAC-SM3");
  }
  EXPECT_EQ(verify(v3).status, VerifyStatus::incomplete_signature);
  for (auto& [k, v] : v3.headers) {
    if (k == "Authorization") v = "ACS3-HMAC-SHA256 Credential=testid";
  }
  EXPECT_EQ(verify(v3).status, VerifyStatus::incomplete_signature);
}

TEST(Verify, TimestampWindow) {
  V1Builder b;
  b.time = kNow - 16min;
  auto o = verify(b.build());
  EXPECT_EQ(o.status, VerifyStatus::timestamp_expired);
  auto e = verify_error(o);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "InvalidTimeStamp.Expired");
  EXPECT_EQ(e->message, "Specified time stamp or date value is expired.");
  b.time = kNow + 16min;
  EXPECT_EQ(verify(b.build()).status, VerifyStatus::timestamp_expired);
  b.time = kNow - 14min;
  EXPECT_TRUE(verify(b.build()).ok());
  // A strict server refuses any future time.
  b.time = kNow + 1s;
  VerifyOptions strict;
  strict.max_future = 0s;
  EXPECT_EQ(verify_request(b.build().view(), test_keys(), kNow, nullptr, strict).status,
            VerifyStatus::timestamp_expired);

  V3Builder v3;
  v3.time = kNow - 16min;
  EXPECT_EQ(verify(v3.build()).status, VerifyStatus::timestamp_expired);
  v3.time = kNow - 14min;
  EXPECT_TRUE(verify(v3.build()).ok());
}

TEST(Verify, MalformedTimestamp) {
  auto r = V1Builder{}.build();
  const std::string encoded = percent_encode(format_iso8601_utc(kNow));
  r.target.replace(r.target.find(encoded), encoded.size(), "2026-11-23%2015%3A00%3A00");
  const auto o = verify(r);
  EXPECT_EQ(o.status, VerifyStatus::timestamp_malformed);
  EXPECT_EQ(verify_error(o)->code, "InvalidTimeStamp.Format");
}

TEST(Verify, NonceReuseAndRejectedRequestsDoNotBurnNonces) {
  NonceCache nonces;
  V1Builder b;
  b.secret = "wrong";
  EXPECT_EQ(verify(b.build(), &nonces).status, VerifyStatus::signature_mismatch);
  EXPECT_EQ(nonces.size(), 0u);
  b.secret = "testsecret";
  EXPECT_TRUE(verify(b.build(), &nonces).ok());
  auto o = verify(b.build(), &nonces);
  EXPECT_EQ(o.status, VerifyStatus::nonce_reused);
  auto e = verify_error(o);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "SignatureNonceUsed");
  EXPECT_EQ(e->message, "Specified signature nonce was used already.");
  // Nonces are per AccessKeyId, and a fresh nonce passes.
  b.id = "other";
  b.secret = "othersecret";
  EXPECT_TRUE(verify(b.build(), &nonces).ok());
  b.nonce = "n-2";
  EXPECT_TRUE(verify(b.build(), &nonces).ok());
  // Without a cache there is no replay check.
  EXPECT_TRUE(verify(b.build(), nullptr).ok());

  V3Builder v3;
  EXPECT_TRUE(verify(v3.build(), &nonces).ok());
  EXPECT_EQ(verify(v3.build(), &nonces).status, VerifyStatus::nonce_reused);
}

TEST(Verify, V3SignsOnlyWhatSignedHeadersLists) {
  auto r = V3Builder{}.build();
  // Unsigned headers may change on the way (a proxy rewriting user-agent, adding accept).
  for (auto& [k, v] : r.headers) {
    if (k == "user-agent") v = "rewritten";
  }
  r.headers.emplace_back("accept", "application/json");
  r.headers.emplace_back("x-acs-added-by-proxy", "1");
  EXPECT_TRUE(verify(r).ok());
  // Signed ones may not.
  for (auto& [k, v] : r.headers) {
    if (k == "x-acs-action") v = "RemoveTags";
  }
  EXPECT_EQ(verify(r).status, VerifyStatus::signature_mismatch);
}

TEST(Verify, V3QueryAndBodyAreSigned) {
  auto r = V3Builder{}.build();
  r.target += "&Extra=1";
  EXPECT_EQ(verify(r).status, VerifyStatus::signature_mismatch);
  V3Builder b;
  b.body = "A=1";
  r = b.build();
  r.body = "A=2";
  auto o = verify(r);
  EXPECT_EQ(o.status, VerifyStatus::signature_mismatch);
  EXPECT_NE(o.detail.find("x-acs-content-sha256"), std::string::npos);
  // Without the hash header the body still counts through the canonical request.
  std::erase_if(r.headers, [](const auto& h) { return h.first == "x-acs-content-sha256"; });
  EXPECT_EQ(verify(r).status, VerifyStatus::signature_mismatch);
}

TEST(Verify, TeaWireEncodingOfReservedCharactersVerifies) {
  // The tea SDKs put '*', '!', '(' and ')' raw on the wire and sign the RFC 3986 form.
  V3Builder b;
  auto r = b.build();
  const std::string encoded = percent_encode("a b*!()中");
  r.target.replace(r.target.find(encoded), encoded.size(), "a%20b*!()%E4%B8%AD");
  EXPECT_TRUE(verify(r).ok());
}

TEST(Verify, AbsoluteFormTargetsAsAForwardProxySeesThem) {
  auto v3 = V3Builder{}.build();
  v3.target = "http://127.0.0.1:18080" + v3.target;
  EXPECT_TRUE(verify(v3).ok());
  auto v1 = V1Builder{}.build();
  v1.target = "http://ecs.aliyuncs.com" + v1.target;
  EXPECT_TRUE(verify(v1).ok());
  // Without a path the path is "/".
  auto bare = V3Builder{}.build();
  bare.target = "http://127.0.0.1:18080" + bare.target.substr(1);
  EXPECT_TRUE(verify(bare).ok()) << bare.target;
}

TEST(NonceCacheTest, BoundedAndExpiring) {
  NonceCache cache(2, 60s);
  EXPECT_TRUE(cache.insert("k", "a", kNow));
  EXPECT_FALSE(cache.insert("k", "a", kNow));
  EXPECT_TRUE(cache.insert("k2", "a", kNow));  // per key
  EXPECT_TRUE(cache.insert("k", "b", kNow));   // evicts the oldest (k, a)
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.contains("k", "a"));
  EXPECT_TRUE(cache.contains("k", "b"));
  EXPECT_TRUE(cache.insert("k", "c", kNow + 61s));  // everything older than the ttl is gone
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_FALSE(cache.contains("k", "b"));
}

TEST(Iso8601, ParseAndFormat) {
  const auto t = parse_iso8601_utc("2016-02-23T12:46:24Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->time_since_epoch().count(), 1456231584);
  EXPECT_EQ(format_iso8601_utc(*t), "2016-02-23T12:46:24Z");
  EXPECT_EQ(format_iso8601_utc(std::chrono::sys_seconds{}), "1970-01-01T00:00:00Z");
  for (const char* bad : {"2016-02-23T12:46:24", "2016-02-23 12:46:24Z", "2016-02-30T12:46:24Z",
                          "2016-13-01T00:00:00Z", "2016-02-23T24:00:00Z",
                          "2016-02-23T12:46:24.123Z", "", "x016-02-23T12:46:24Z"}) {
    EXPECT_FALSE(parse_iso8601_utc(bad)) << bad;
  }
}

}  // namespace
}  // namespace popcheck::core
