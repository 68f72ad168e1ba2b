// Credential resolution (environment, aliyun CLI profiles).
#include "core/protocol/credentials.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/files.hpp"

namespace popcheck::core {
namespace {

// Made-up values in the shape of real ones; none of them is a real credential.
constexpr const char* kConfig = R"({
  "current": "work",
  "profiles": [
    {"name": "default", "mode": "AK", "access_key_id": "LTAIdefault",
     "access_key_secret": "secretD", "region_id": "cn-hangzhou"},
    {"name": "work", "mode": "AK", "access_key_id": "LTAIwork", "access_key_secret": "secretW",
     "sts_token": "stale", "region_id": "cn-beijing"},
    {"name": "sts", "mode": "StsToken", "access_key_id": "STS.id", "access_key_secret": "secretS",
     "sts_token": "STS.tok+en/=", "region_id": "eu-central-1"},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "a", "access_key_secret": "b"},
    {"name": "broken", "mode": "StsToken", "access_key_id": "a", "access_key_secret": "b"},
    {"name": "nomode", "access_key_id": "x", "access_key_secret": "y", "sts_token": "z"}
  ]
})";

CredentialQuery query_with(std::map<std::string, std::string> env, std::string profile = {}) {
  CredentialQuery q;
  q.env = std::move(env);
  q.config_text = kConfig;
  q.config_path = "/home/u/.aliyun/config.json";
  q.profile = std::move(profile);
  return q;
}

TEST(Credentials, EnvironmentWinsWhenNoProfileIsRequested) {
  const auto r = resolve_credentials(query_with({{"ALIBABA_CLOUD_ACCESS_KEY_ID", "envid"},
                                                 {"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "envsecret"},
                                                 {"ALIBABA_CLOUD_SECURITY_TOKEN", "envtoken"}}));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->credentials.access_key_id, "envid");
  EXPECT_EQ(r->credentials.access_key_secret, "envsecret");
  EXPECT_EQ(r->credentials.security_token, "envtoken");
  EXPECT_EQ(r->source, "environment");
}

TEST(Credentials, HalfSetEnvironmentIsAnError) {
  const auto r = resolve_credentials(query_with({{"ALIBABA_CLOUD_ACCESS_KEY_ID", "envid"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "credentials.missing");
  EXPECT_NE(r.error().message.find("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), std::string::npos);
}

TEST(Credentials, ExplicitProfileBeatsEnvironment) {
  const auto r = resolve_credentials(query_with(
      {{"ALIBABA_CLOUD_ACCESS_KEY_ID", "envid"}, {"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "envsecret"}},
      "default"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->credentials.access_key_id, "LTAIdefault");
  EXPECT_EQ(r->region_id, "cn-hangzhou");
  EXPECT_EQ(r->source, "profile 'default' in /home/u/.aliyun/config.json");
}

TEST(Credentials, CurrentProfileThenEnvProfileThenDefault) {
  auto r = resolve_credentials(query_with({}));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->credentials.access_key_id, "LTAIwork");
  // An AK profile's leftover sts_token is not used.
  EXPECT_EQ(r->credentials.security_token, "");
  r = resolve_credentials(query_with({{"ALIBABA_CLOUD_PROFILE", "sts"}}));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->credentials.security_token, "STS.tok+en/=");
  EXPECT_EQ(r->region_id, "eu-central-1");
  CredentialQuery q = query_with({});
  q.config_text =
      R"({"profiles":[{"name":"default","access_key_id":"i","access_key_secret":"s"}]})";
  r = resolve_credentials(q);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->credentials.access_key_id, "i");
}

TEST(Credentials, ModeInferredFromToken) {
  const auto r = resolve_credentials(query_with({}, "nomode"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->credentials.security_token, "z");
}

TEST(Credentials, MissingProfileNamesProfileFileAndKnownProfiles) {
  const auto r = resolve_credentials(query_with({}, "nosuch"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "credentials.profile");
  EXPECT_EQ(r.error().file, "/home/u/.aliyun/config.json");
  EXPECT_NE(r.error().message.find("'nosuch'"), std::string::npos);
  EXPECT_NE(r.error().message.find("default, work, sts"), std::string::npos);
  EXPECT_NE(r.error().to_string().find("/home/u/.aliyun/config.json"), std::string::npos);
}

TEST(Credentials, UnsupportedModeAndIncompleteProfile) {
  auto r = resolve_credentials(query_with({}, "role"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "credentials.mode");
  EXPECT_NE(r.error().message.find("RamRoleArn"), std::string::npos);
  r = resolve_credentials(query_with({}, "broken"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "credentials.profile");
  EXPECT_NE(r.error().message.find("sts_token"), std::string::npos);
}

TEST(Credentials, MalformedFileNamesFileAndLine) {
  CredentialQuery q = query_with({}, "default");
  q.config_text = "{\n  \"profiles\": [\n    {\"name\": \"default\",}\n  ]\n}";
  auto r = resolve_credentials(q);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "credentials.config");
  EXPECT_EQ(r.error().file, "/home/u/.aliyun/config.json");
  EXPECT_EQ(r.error().line, 3);
  q.config_text = R"({"profiles": {"name": "default"}})";
  r = resolve_credentials(q);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "credentials.config");
  q.config_text = R"({"profiles": [{"name": "default", "access_key_id": 12}]})";
  r = resolve_credentials(q);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "credentials.config");
  EXPECT_NE(r.error().message.find("access_key_id"), std::string::npos);
  q.config_text = "[]";
  EXPECT_FALSE(resolve_credentials(q));
}

TEST(Credentials, NothingConfigured) {
  CredentialQuery q;
  q.config_path = "/nowhere/config.json";
  auto r = resolve_credentials(q);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "credentials.missing");
  EXPECT_NE(r.error().message.find("ALIBABA_CLOUD_ACCESS_KEY_ID"), std::string::npos);
  q.profile = "default";
  r = resolve_credentials(q);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "credentials.profile");
}

TEST(Credentials, LoaderReadsTheNamedFile) {
  test_support::TempDir dir;
  const auto path = (dir / "config.json").string();
  { std::ofstream(path) << kConfig; }
  // The explicit profile makes the result independent of the test process's environment.
  auto r = load_credentials("sts", path);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->credentials.access_key_id, "STS.id");
  r = load_credentials("sts", (dir / "absent.json").string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "credentials.profile");
}

}  // namespace
}  // namespace popcheck::core
