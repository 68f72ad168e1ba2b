#pragma once
// Optional signature checking (--verify-signature): a thin, thread-safe shell around
// core/protocol/verify.hpp, which decides V1 or V3 and says what is wrong as the real gateway would
// (missing, unknown key, stale or malformed time, mismatch, replayed nonce).
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/protocol/verify.hpp"
#include "emulator/apis.hpp"
#include "net/http.hpp"

namespace popcheck::emulator {

class SignatureChecker {
 public:
  explicit SignatureChecker(const std::map<std::string, std::string>& keys)
      : keys_(core::key_lookup(keys)) {}

  // nullopt when the request is signed correctly with a configured key; otherwise the error to answer.
  std::optional<ApiResult> check(
      const net::HttpRequest& request,
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

 private:
  core::KeyLookup keys_;
  std::mutex mutex_;  // guards nonces_
  core::NonceCache nonces_;
};

}  // namespace popcheck::emulator
