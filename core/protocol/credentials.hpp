#pragma once
// Credentials as Alibaba Cloud's own tools take them: the ALIBABA_CLOUD_* environment variables or
// a named profile of the aliyun CLI's ~/.aliyun/config.json. The resolution is a pure function of
// its inputs so that it can be tested without touching the real environment; load_credentials is
// the thin shell that reads the process environment and the file.
//
// Secrets must never reach a fixture, a report or a log: core/protocol/redact.hpp exists for that.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/model.hpp"
#include "core/protocol/sign.hpp"

namespace popcheck::core {

inline constexpr std::string_view kEnvAccessKeyId = "ALIBABA_CLOUD_ACCESS_KEY_ID";
inline constexpr std::string_view kEnvAccessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
inline constexpr std::string_view kEnvSecurityToken = "ALIBABA_CLOUD_SECURITY_TOKEN";
// The profile to use when none is named explicitly (the variable the Alibaba credentials SDKs
// read).
inline constexpr std::string_view kEnvProfile = "ALIBABA_CLOUD_PROFILE";

struct ResolvedCredentials {
  Credentials credentials;
  std::string region_id;  // the profile's region_id; empty from the environment
  // Where they came from, for messages: "environment" or "profile 'default' in
  // /home/u/.aliyun/...".
  std::string source;
};

struct CredentialQuery {
  std::map<std::string, std::string> env;  // the environment variables that matter (others ignored)
  // The text of the config file, or nullopt when the file does not exist.
  std::optional<std::string> config_text;
  std::string config_path;  // for messages only
  std::string profile;      // explicitly requested profile (--profile); empty: not requested
};

// Resolution order:
//  1. An explicitly requested profile: that profile from the config file, or an error.
//  2. ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (+
//  ALIBABA_CLOUD_SECURITY_TOKEN).
//     One of the two without the other is an error rather than a silent fallback to a profile.
//  3. The profile named by ALIBABA_CLOUD_PROFILE, else the file's "current", else "default".
// Profiles of mode "AK" need access_key_id and access_key_secret; "StsToken" also sts_token. A
// missing mode is inferred (StsToken when sts_token is set). Other modes (RamRoleArn, EcsRamRole,
// ...) need network calls and are reported as unsupported. Error codes: credentials.missing,
// credentials.profile, credentials.config, credentials.mode.
Expected<ResolvedCredentials> resolve_credentials(const CredentialQuery& query);

// ~/.aliyun/config.json from $HOME ("" when HOME is unset).
std::string default_config_path();
// Reads the process environment and the config file (default_config_path() when config_path is
// empty), then resolves. A file that exists but cannot be read is an io.read error naming it.
Expected<ResolvedCredentials> load_credentials(const std::string& profile = {},
                                               const std::string& config_path = {});

}  // namespace popcheck::core
