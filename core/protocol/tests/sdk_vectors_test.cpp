// Cross-check against an independent implementation: the vectors that tests/e2e/lib/sdk_signatures.cjs
// produces with the real Node SDKs' own signing helpers and on-the-wire requests. The file is named
// by POPCHECK_SDK_VECTORS; tests/e2e/sdk_signatures.test.mjs generates a fresh random set and runs these
// tests on it. Without the variable there is nothing to compare against and the tests are skipped.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/protocol/credentials.hpp"
#include "core/protocol/normalize.hpp"
#include "core/protocol/redact.hpp"
#include "core/protocol/sign.hpp"
#include "core/protocol/verify.hpp"

namespace popcheck::core {
namespace {

using nlohmann::json;

class SdkVectors : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* path = std::getenv("POPCHECK_SDK_VECTORS");
    if (path == nullptr || *path == '\0') {
      GTEST_SKIP()
          << "POPCHECK_SDK_VECTORS is not set: run tests/e2e/sdk_signatures.test.mjs, which "
             "generates vectors with the Node SDKs and runs these tests on them";
    }
    // From here on a problem with the file is a failure, not a skip: it was asked for.
    std::ifstream in(path);
    ASSERT_TRUE(in) << "cannot open " << path;
    std::stringstream text;
    text << in.rdbuf();
    vectors_ = json::parse(text.str(), nullptr, false);
    ASSERT_FALSE(vectors_.is_discarded()) << path << " is not valid JSON";
    where_ = std::string(path) + " (seed " + vectors_.value("seed", json()).dump() + ")";
  }

  static Params pairs(const json& j) {
    Params out;
    for (const auto& p : j)
      out.emplace_back(p.at(0).get<std::string>(), p.at(1).get<std::string>());
    return out;
  }

  json vectors_;
  std::string where_;
};

TEST_F(SdkVectors, V1SignaturesOfGetRPCSignature) {
  const json& list = vectors_.at("v1");
  ASSERT_FALSE(list.empty()) << where_;
  for (size_t i = 0; i < list.size(); ++i) {
    const json& v = list[i];
    EXPECT_EQ(v1_signature(v.at("method").get<std::string>(), pairs(v.at("params")),
                           v.at("secret").get<std::string>()),
              v.at("signature").get<std::string>())
        << where_ << " v1[" << i << "] from " << v.at("source").get<std::string>() << ": "
        << v.at("params").dump();
  }
}

TEST_F(SdkVectors, V3AuthorizationOfGetAuthorization) {
  const json& list = vectors_.at("v3");
  ASSERT_FALSE(list.empty()) << where_;
  for (size_t i = 0; i < list.size(); ++i) {
    const json& v = list[i];
    V3Request r;
    r.method = v.at("method").get<std::string>();
    r.path = v.at("path").get<std::string>();
    r.query = pairs(v.at("query"));
    r.headers = pairs(v.at("headers"));
    r.body = v.at("body").get<std::string>();
    EXPECT_EQ(v3_authorization(r, v.at("access_key_id").get<std::string>(),
                               v.at("secret").get<std::string>()),
              v.at("authorization").get<std::string>())
        << where_ << " v3[" << i << "] from " << v.at("source").get<std::string>() << "\n"
        << v3_canonical_request(r);
  }
}

TEST_F(SdkVectors, WireRequestsVerifyNormaliseAndRedact) {
  const json& list = vectors_.at("wire");
  ASSERT_FALSE(list.empty()) << where_;
  for (size_t i = 0; i < list.size(); ++i) {
    const json& v = list[i];
    const std::string sdk = v.at("sdk").get<std::string>();
    const std::string method = v.at("method").get<std::string>();
    const std::string target = v.at("target").get<std::string>();
    const std::string body = v.at("body").get<std::string>();
    const Params header_pairs = pairs(v.at("headers"));
    const Headers headers(header_pairs.begin(), header_pairs.end());
    const HttpRequestView request{method, target, &headers, body};
    const std::string id = v.at("access_key_id").get<std::string>();
    const std::string secret = v.at("secret").get<std::string>();
    const std::string context = where_ + " wire[" + std::to_string(i) + "] " + sdk + ": " + method +
                                " " + target + "\n" + body;

    // The request's own time is "now": the check is about the signature, not the clock.
    const Params merged = merge_params(request);
    std::string time = header_value(headers, "x-acs-date");
    for (const auto& [k, value] : merged) {
      if (k == "Timestamp") time = value;
    }
    const auto now = parse_iso8601_utc(time);
    ASSERT_TRUE(now) << context;
    const VerifyOutcome outcome =
        verify_request(request, key_lookup({{id, secret}}), *now, nullptr);
    EXPECT_TRUE(outcome.ok()) << to_string(outcome.status) << ": " << outcome.detail << "\n"
                              << outcome.string_to_sign << "\n"
                              << context;
    // Wrong secret: refused.
    EXPECT_EQ(verify_request(request, key_lookup({{id, secret + "x"}}), *now, nullptr).status,
              VerifyStatus::signature_mismatch)
        << context;

    // Every API parameter the SDK was given reaches the server decoded, whatever the wire form.
    const auto match = match_params(merged);
    for (const auto& [k, value] : pairs(v.at("params"))) {
      const auto it = match.find(k);
      ASSERT_NE(it, match.end()) << k << " missing\n" << context;
      EXPECT_EQ(it->second, value) << k << "\n" << context;
    }

    // Nothing secret survives redaction of the whole request.
    std::string text = method + " " + target + "\n";
    for (const auto& [k, value] : headers) text += k + ": " + value + "\n";
    text += "\n" + body;
    Credentials credentials{id, secret, v.value("security_token", std::string())};
    const std::string redacted = Redactor(credentials).text(text);
    EXPECT_EQ(redacted.find(id), std::string::npos) << redacted;
    if (!credentials.security_token.empty()) {
      EXPECT_EQ(redacted.find(credentials.security_token), std::string::npos) << redacted;
      EXPECT_EQ(redacted.find(percent_encode(credentials.security_token)), std::string::npos)
          << redacted;
    }
    for (const auto& [k, value] : merged) {
      if (k == "Signature") {
        EXPECT_EQ(redacted.find(percent_encode(value)), std::string::npos) << redacted;
      }
    }
    const std::string authorization = header_value(headers, "authorization");
    if (const size_t sig = authorization.find("Signature="); sig != std::string::npos) {
      EXPECT_EQ(redacted.find(authorization.substr(sig + 10)), std::string::npos) << redacted;
    }
  }
}

}  // namespace
}  // namespace popcheck::core
