// Credential resolution (environment, aliyun CLI profiles) and redaction of secrets from text.
#include "core/protocol/credentials.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/protocol/tests/capture.hpp"

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
  const auto dir =
      std::filesystem::temp_directory_path() / ("popcheck-cred-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "config.json").string();
  { std::ofstream(path) << kConfig; }
  // The explicit profile makes the result independent of the test process's environment.
  auto r = load_credentials("sts", path);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->credentials.access_key_id, "STS.id");
  r = load_credentials("sts", (dir / "absent.json").string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "credentials.profile");
  std::filesystem::remove_all(dir);
}

Credentials sample() { return {"LTAI5tExampleId", "Ex4mpleSecret/+=", "STS.tok+en/="}; }

TEST(Redact, RemovesKeyIdSecretTokenRawAndEncoded) {
  const std::string text =
      "id=LTAI5tExampleId secret=Ex4mpleSecret/+= enc=Ex4mpleSecret%2F%2B%3D "
      "token=STS.tok%2Ben%2F%3D raw STS.tok+en/= end";
  const std::string out = redact(text, sample());
  for (const char* leak : {"LTAI5tExampleId", "Ex4mpleSecret", "STS.tok"}) {
    EXPECT_EQ(out.find(leak), std::string::npos) << leak << " in " << out;
  }
  EXPECT_NE(out.find(" end"), std::string::npos);
}

TEST(Redact, MasksSignaturesWhoeverMadeThem) {
  const auto capture = testing::parse_capture(testing::kPopCoreGet);
  std::string out = redact(capture.target);
  EXPECT_EQ(out.find("VGYQDWEV3IQyhmoZLpJt9pNHnZ8"), std::string::npos) << out;
  EXPECT_EQ(out.find("testid"), std::string::npos) << out;
  // The rest of the request stays readable.
  EXPECT_NE(out.find("SignatureNonce=a7e29f182614a7906db3daef70a67901"), std::string::npos) << out;
  EXPECT_NE(out.find("SignatureMethod=HMAC-SHA1"), std::string::npos) << out;
  EXPECT_NE(out.find("InstanceId.2=i-def"), std::string::npos) << out;

  out = redact(testing::kEcsV3);
  EXPECT_EQ(out.find("3ffaa4bb7227fc6b"), std::string::npos) << out;
  EXPECT_EQ(out.find("Credential=testid"), std::string::npos) << out;
  EXPECT_NE(out.find("SignedHeaders=host;x-acs-action"), std::string::npos) << out;

  out = redact(R"({"Signature": "abc+/=", "AccessKeyId":"k1", "x-acs-security-token": "t"})");
  EXPECT_EQ(out, R"({"Signature": "***", "AccessKeyId":"***", "x-acs-security-token": "***"})");
  out = redact("x-acs-security-token: STS.x+y/=\nx-acs-accesskey-id: STS.id\nhost: h");
  EXPECT_EQ(out, "x-acs-security-token: ***\nx-acs-accesskey-id: ***\nhost: h");
}

TEST(Redact, MasksCliConfigFields) {
  const std::string out = redact(kConfig);
  for (const char* leak : {"LTAIdefault", "secretD", "LTAIwork", "STS.tok+en/=", "stale"}) {
    EXPECT_EQ(out.find(leak), std::string::npos) << leak << " in " << out;
  }
  EXPECT_NE(out.find("\"region_id\": \"cn-hangzhou\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"name\": \"default\""), std::string::npos) << out;
}

TEST(Redact, LeavesOrdinaryTextAlone) {
  const std::string text = "DeleteInstances RegionId=cn-hangzhou x-signature-nonce: n";
  EXPECT_EQ(redact(text, {}), text);
}

TEST(RedactParams, MasksCredentialAndSignatureValues) {
  const Params p = {{"Action", "A"},           {"AccessKeyId", "id"},
                    {"Signature", "s"},        {"SecurityToken", "t"},
                    {"authorization", "ACS3"}, {"X-Acs-Security-Token", "t"},
                    {"SignatureNonce", "n"}};
  const Params expected = {{"Action", "A"},          {"AccessKeyId", "***"},
                           {"Signature", "***"},     {"SecurityToken", "***"},
                           {"authorization", "***"}, {"X-Acs-Security-Token", "***"},
                           {"SignatureNonce", "n"}};
  EXPECT_EQ(redact_params(p), expected);
  EXPECT_TRUE(is_secret_name("x-acs-accesskey-id"));
  EXPECT_FALSE(is_secret_name("SignatureMethod"));
}

}  // namespace
}  // namespace popcheck::core
