#include "emulator/signature.hpp"

#include <ctime>

#include <openssl/crypto.h>

#include "core/protocol/normalize.hpp"
#include "core/protocol/sign.hpp"

namespace popcheck::emulator {

namespace {

// V1 timestamps are valid for 31 minutes (protocol.md 1.2), V3 dates for 15 (protocol.md 2.4).
constexpr auto kV1Window = std::chrono::minutes(31);
constexpr auto kV3Window = std::chrono::minutes(15);

std::optional<std::chrono::system_clock::time_point> parse_utc(const std::string& s) {
  std::tm tm{};
  int y, mo, d, h, mi, sec;
  char z = 0;
  if (s.size() != 20 || std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi,
                                    &sec, &z) != 7 || z != 'Z') {
    return std::nullopt;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

bool same(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

const std::string* param(const core::Params& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::optional<ApiResult> check_time(const std::string& stamp, std::chrono::minutes window,
                                    std::chrono::system_clock::time_point now) {
  auto t = parse_utc(stamp);
  if (!t) {
    return api_error(400, "InvalidTimeStamp.Format",
                     "Specified time stamp or date header is not in the yyyy-MM-ddTHH:mm:ssZ format.");
  }
  if (*t < now - window || *t > now + window) {
    return api_error(400, "InvalidTimeStamp.Expired",
                     "Specified time stamp or date header is expired.");
  }
  return std::nullopt;
}

ApiResult unknown_key() {
  return api_error(400, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
}

ApiResult mismatch() {
  return api_error(403, "SignatureDoesNotMatch",
                   "Specified signature is not matched with our calculation.");
}

ApiResult nonce_used() {
  return api_error(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
}

// "k=v, k=v" fields of an ACS3 Authorization value.
std::map<std::string, std::string> auth_fields(const std::string& value) {
  std::map<std::string, std::string> out;
  size_t pos = value.find(' ');
  std::string rest = pos == std::string::npos ? "" : value.substr(pos + 1);
  size_t start = 0;
  while (start < rest.size()) {
    size_t end = rest.find(',', start);
    if (end == std::string::npos) end = rest.size();
    std::string item = rest.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    if (auto eq = item.find('='); eq != std::string::npos) out[item.substr(0, eq)] = item.substr(eq + 1);
    start = end + 1;
  }
  return out;
}

}  // namespace

bool NonceCache::fresh(const std::string& nonce) {
  std::lock_guard lock(mutex_);
  if (!seen_.insert(nonce).second) return false;
  order_.push_back(nonce);
  if (order_.size() > kCapacity) {
    seen_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

std::optional<ApiResult> check_signature(const net::HttpRequest& request, const core::Params& params,
                                         const std::map<std::string, std::string>& keys,
                                         NonceCache& nonces,
                                         std::chrono::system_clock::time_point now) {
  std::string authorization = core::header_value(request.headers, "Authorization");
  if (authorization.starts_with("ACS3-HMAC-SHA256")) {
    auto fields = auth_fields(authorization);
    auto key = keys.find(fields["Credential"]);
    if (key == keys.end()) return unknown_key();
    if (auto e = check_time(core::header_value(request.headers, "x-acs-date"), kV3Window, now)) {
      return e;
    }
    core::V3Request v3;
    v3.method = request.method;
    std::string_view target = request.target;
    size_t q = target.find('?');
    v3.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) {
      std::string_view query = target.substr(q + 1);
      size_t start = 0;
      while (start <= query.size()) {
        size_t end = query.find('&', start);
        if (end == std::string_view::npos) end = query.size();
        std::string_view pair = query.substr(start, end - start);
        if (!pair.empty()) {
          size_t eq = pair.find('=');
          v3.query.emplace_back(core::percent_decode(pair.substr(0, eq)),
                                eq == std::string_view::npos ? std::string()
                                                             : core::percent_decode(pair.substr(eq + 1)));
        }
        start = end + 1;
      }
    }
    for (const auto& h : request.headers) v3.headers.push_back(h);
    v3.body = request.body;
    if (!same(core::v3_signature(v3, key->second), fields["Signature"])) return mismatch();
    if (!nonces.fresh(core::header_value(request.headers, "x-acs-signature-nonce"))) {
      return nonce_used();
    }
    return std::nullopt;
  }

  const std::string* signature = param(params, "Signature");
  if (signature == nullptr || signature->empty()) return missing_parameter("Signature");
  const std::string* access_key = param(params, "AccessKeyId");
  if (access_key == nullptr || access_key->empty()) return missing_parameter("AccessKeyId");
  auto key = keys.find(*access_key);
  if (key == keys.end()) return unknown_key();
  const std::string* method = param(params, "SignatureMethod");
  if (method != nullptr && *method != "HMAC-SHA1") {
    return api_error(400, "InvalidSignatureMethod.Malformed",
                     "Specified signature method is not supported; use HMAC-SHA1.");
  }
  const std::string* stamp = param(params, "Timestamp");
  if (stamp == nullptr || stamp->empty()) return missing_parameter("Timestamp");
  if (auto e = check_time(*stamp, kV1Window, now)) return e;
  if (!same(core::v1_signature(request.method, params, key->second), *signature)) return mismatch();
  const std::string* nonce = param(params, "SignatureNonce");
  if (nonce == nullptr || nonce->empty()) return missing_parameter("SignatureNonce");
  if (!nonces.fresh(*nonce)) return nonce_used();
  return std::nullopt;
}

}  // namespace popcheck::emulator
