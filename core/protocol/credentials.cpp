#include "core/protocol/credentials.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/files.hpp"
#include "core/input_limits.hpp"

namespace popcheck::core {

namespace {

std::string env_value(const std::map<std::string, std::string>& env, std::string_view name) {
  const auto it = env.find(std::string(name));
  return it == env.end() ? std::string() : it->second;
}

// A string field of a profile; absent or null gives "", another type is an error.
Expected<std::string> string_field(const nlohmann::json& profile, const char* field,
                                   const std::string& name, const std::string& path) {
  const auto it = profile.find(field);
  if (it == profile.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    return fail("credentials.config",
                "field \"" + std::string(field) + "\" of profile '" + name + "' is not a string",
                path);
  }
  return it->get<std::string>();
}

Expected<ResolvedCredentials> from_profile(const CredentialQuery& query, const std::string& wanted,
                                           bool explicit_request) {
  const std::string& path = query.config_path;
  if (!query.config_text) {
    if (explicit_request) {
      return fail("credentials.profile",
                  "profile '" + wanted + "' was requested but the config file does not exist",
                  path);
    }
    return fail("credentials.missing",
                "no credentials: set " + std::string(kEnvAccessKeyId) + " and " +
                    std::string(kEnvAccessKeySecret) +
                    ", or configure a profile (aliyun configure)",
                path);
  }
  auto parsed = parse_json(*query.config_text, path);
  if (!parsed) {
    Error e = parsed.error();
    e.code = "credentials.config";
    e.message = "the config file is refused: " + e.message;
    return std::unexpected(std::move(e));
  }
  nlohmann::json doc = std::move(*parsed);
  if (!doc.is_object())
    return fail("credentials.config", "the config file is not a JSON object", path);
  std::string name = wanted;
  if (name.empty()) {
    const auto current = doc.find("current");
    name = (current != doc.end() && current->is_string() && !current->get<std::string>().empty())
               ? current->get<std::string>()
               : "default";
  }
  const auto profiles = doc.find("profiles");
  if (profiles != doc.end() && !profiles->is_array()) {
    return fail("credentials.config", "\"profiles\" is not an array", path);
  }
  const nlohmann::json* found = nullptr;
  std::vector<std::string> names;
  if (profiles != doc.end()) {
    for (const auto& p : *profiles) {
      if (!p.is_object()) return fail("credentials.config", "a profile is not a JSON object", path);
      const auto n = p.find("name");
      if (n == p.end() || !n->is_string()) continue;
      names.push_back(n->get<std::string>());
      if (names.back() == name && found == nullptr) found = &p;
    }
  }
  if (found == nullptr) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    return fail("credentials.profile",
                "profile '" + name + "' not found" +
                    (known.empty() ? std::string(" (the file has no profiles)")
                                   : " (profiles: " + known + ")"),
                path);
  }
  auto mode = string_field(*found, "mode", name, path);
  auto id = string_field(*found, "access_key_id", name, path);
  auto secret = string_field(*found, "access_key_secret", name, path);
  auto token = string_field(*found, "sts_token", name, path);
  auto region = string_field(*found, "region_id", name, path);
  for (const auto* field : {&mode, &id, &secret, &token, &region}) {
    if (!field->has_value()) return std::unexpected(field->error());
  }
  std::string m = mode->empty() ? (token->empty() ? "AK" : "StsToken") : *mode;
  if (m != "AK" && m != "StsToken") {
    return fail(
        "credentials.mode",
        "profile '" + name + "' has mode '" + m +
            "'; only AK and StsToken profiles are supported (the others need network calls)",
        path);
  }
  std::vector<std::string> missing;
  if (id->empty()) missing.emplace_back("access_key_id");
  if (secret->empty()) missing.emplace_back("access_key_secret");
  if (m == "StsToken" && token->empty()) missing.emplace_back("sts_token");
  if (!missing.empty()) {
    std::string list;
    for (const auto& f : missing) list += (list.empty() ? "" : ", ") + f;
    return fail("credentials.profile", "profile '" + name + "' (mode " + m + ") has no " + list,
                path);
  }
  ResolvedCredentials out;
  out.credentials.access_key_id = *id;
  out.credentials.access_key_secret = *secret;
  // An AK profile may carry a stale sts_token from an earlier mode; it is not used, as the CLI
  // does.
  if (m == "StsToken") out.credentials.security_token = *token;
  out.region_id = *region;
  out.source = "profile '" + name + "' in " + path;
  return out;
}

}  // namespace

Expected<ResolvedCredentials> resolve_credentials(const CredentialQuery& query) {
  if (!query.profile.empty()) return from_profile(query, query.profile, true);
  const std::string id = env_value(query.env, kEnvAccessKeyId);
  const std::string secret = env_value(query.env, kEnvAccessKeySecret);
  if (!id.empty() || !secret.empty()) {
    if (id.empty() || secret.empty()) {
      return fail("credentials.missing",
                  std::string(id.empty() ? kEnvAccessKeyId : kEnvAccessKeySecret) +
                      " is not set while " +
                      std::string(id.empty() ? kEnvAccessKeySecret : kEnvAccessKeyId) + " is");
    }
    ResolvedCredentials out;
    out.credentials.access_key_id = id;
    out.credentials.access_key_secret = secret;
    out.credentials.security_token = env_value(query.env, kEnvSecurityToken);
    out.source = "environment";
    return out;
  }
  return from_profile(query, env_value(query.env, kEnvProfile), false);
}

std::string default_config_path() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return {};
  return (std::filesystem::path(home) / ".aliyun" / "config.json").string();
}

Expected<ResolvedCredentials> load_credentials(const std::string& profile,
                                               const std::string& config_path) {
  CredentialQuery query;
  for (std::string_view name :
       {kEnvAccessKeyId, kEnvAccessKeySecret, kEnvSecurityToken, kEnvProfile}) {
    if (const char* v = std::getenv(std::string(name).c_str())) query.env.emplace(name, v);
  }
  query.config_path = config_path.empty() ? default_config_path() : config_path;
  query.profile = profile;
  std::error_code ec;
  if (!query.config_path.empty() && std::filesystem::exists(query.config_path, ec)) {
    auto text = read_file(query.config_path, size_t(1) << 20);
    if (!text) return std::unexpected(text.error());
    query.config_text = std::move(*text);
  }
  return resolve_credentials(query);
}

}  // namespace popcheck::core
