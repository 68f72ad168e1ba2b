#pragma once
// Environment variables set for one test: each variable named is set (or, given nullopt, unset)
// while the object lives, then put back as it was.
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace popcheck::test_support {

class ScopedEnv {
 public:
  using Values = std::vector<std::pair<std::string, std::optional<std::string>>>;
  explicit ScopedEnv(const Values& values) {
    for (const auto& [name, value] : values) {
      const char* before = std::getenv(name.c_str());
      saved_.emplace_back(name, before ? std::optional<std::string>(before) : std::nullopt);
      set(name, value);
    }
  }
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) set(it->first, it->second);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  static void set(const std::string& name, const std::optional<std::string>& value) {
    if (value)
      ::setenv(name.c_str(), value->c_str(), 1);
    else
      ::unsetenv(name.c_str());
  }
  Values saved_;
};

// The variables net::proxy_from_environment reads (HTTPS_PROXY, https_proxy, HTTP_PROXY,
// http_proxy, NO_PROXY, no_proxy), all unset but those `set` gives: a test's proxy settings
// whatever the machine's.
inline ScopedEnv::Values proxy_variables(
    const std::vector<std::pair<std::string, std::string>>& set) {
  ScopedEnv::Values values;
  for (const char* name :
       {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"}) {
    std::optional<std::string> value;
    for (const auto& [n, v] : set)
      if (n == name) value = v;
    values.emplace_back(name, value);
  }
  return values;
}

}  // namespace popcheck::test_support
