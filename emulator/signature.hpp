#pragma once
// Optional signature checking (--verify-signature): V1 (HMAC-SHA1 over the parameters) and V3
// (ACS3-HMAC-SHA256 over the canonical request), with the gateway's errors for a missing, unknown,
// stale, replayed or wrong signature.
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "core/model.hpp"
#include "emulator/apis.hpp"
#include "net/http.hpp"

namespace popcheck::emulator {

// Nonces seen recently; a nonce may be used once (the gateway answers SignatureNonceUsed after that).
class NonceCache {
 public:
  // True the first time a nonce is offered; false when it was seen before.
  bool fresh(const std::string& nonce);

 private:
  static constexpr size_t kCapacity = 100000;
  std::mutex mutex_;
  std::set<std::string> seen_;
  std::deque<std::string> order_;
};

// nullopt when the request is signed correctly with one of `keys` (AccessKeyId -> secret);
// otherwise the error to answer.
std::optional<ApiResult> check_signature(const net::HttpRequest& request, const core::Params& params,
                                         const std::map<std::string, std::string>& keys,
                                         NonceCache& nonces,
                                         std::chrono::system_clock::time_point now =
                                             std::chrono::system_clock::now());

}  // namespace popcheck::emulator
