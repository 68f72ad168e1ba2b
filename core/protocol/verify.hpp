#pragma once
// Server-side signature verification (the emulator's --verify-signature): decide whether a request
// is V1 (Signature parameter) or V3 (Authorization: ACS3-HMAC-SHA256 ...), recompute the signature
// with the secret of its AccessKeyId and say what is wrong, if anything, as the real API would.
//
// STS tokens (SecurityToken, x-acs-security-token) are accepted as sent: there is no STS to ask,
// and the signature already covers them.
//
// core has no clock and no shared state: the caller passes the current time and owns the nonce
// cache (and serialises access to it when it serves several threads).
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/protocol/normalize.hpp"

namespace popcheck::core {

enum class SignatureScheme { none, v1, v3 };

enum class VerifyStatus {
  ok,
  missing_signature,     // neither a Signature parameter nor an Authorization header
  missing_parameter,     // a required signing parameter or header is absent (detail names it)
  incomplete_signature,  // malformed Authorization, unsupported algorithm, method or version
  unknown_access_key,    // the key lookup does not know the AccessKeyId
  timestamp_malformed,   // Timestamp / x-acs-date is not yyyy-MM-ddTHH:mm:ssZ
  timestamp_expired,     // outside the accepted window around `now`
  signature_mismatch,    // recomputed signature differs
  nonce_reused,          // the SignatureNonce was already seen for this AccessKeyId
};

std::string_view to_string(VerifyStatus status);

struct VerifyOutcome {
  VerifyStatus status = VerifyStatus::ok;
  SignatureScheme scheme = SignatureScheme::none;
  std::string access_key_id;  // as sent; empty when absent
  // One sentence for server logs: which parameter is missing, which part differs. Never a secret or
  // a signature; it may name the AccessKeyId, so pass it through redact() before writing a fixture.
  std::string detail;
  // On signature_mismatch: what the server signed (V1 StringToSign or V3 canonical request), the
  // way the real API reports "server string to sign is: ..." to help a client author. It contains
  // the AccessKeyId of V1 requests.
  std::string string_to_sign;

  bool ok() const { return status == VerifyStatus::ok; }
};

// The error response the real API gives for an outcome (status, Code, Message). Choices, in the
// absence of a complete official table (docs/protocol.md section 3 lists some codes):
//  - signature_mismatch: 400 SignatureDoesNotMatch "Specified signature is not matched with our
//    calculation." (what the ECS gateway and the SDKs' captured errors show; the ESS status table
//    puts it under 403, which the emulator does not follow).
//  - unknown_access_key: 404 InvalidAccessKeyId.NotFound "Specified access key is not found." (the
//    message is quoted verbatim in docs/protocol.md section 3; 404 is what the gateway answers,
//    while the ESS table lists it under 400).
//  - missing_signature / missing_parameter: 400 MissingParameter with the API's usual sentence,
//    The input parameter "Signature" that is mandatory for processing this request is not supplied.
//  - incomplete_signature: 400 IncompleteSignature "The request signature does not conform to
//  Aliyun
//    standards." (the ECS documents' own error example).
//  - timestamp_malformed: 400 InvalidTimeStamp.Format "Specified time stamp or date value is not
//  well
//    formatted."
//  - timestamp_expired: 400 InvalidTimeStamp.Expired "Specified time stamp or date value is
//  expired."
//  - nonce_reused: 400 SignatureNonceUsed "Specified signature nonce was used already."
struct VerifyError {
  int status = 400;
  std::string code;
  std::string message;
};
std::optional<VerifyError> verify_error(const VerifyOutcome& outcome);

// Remembers the (AccessKeyId, nonce) pairs of accepted requests. Bounded: beyond `capacity` the
// oldest entries are forgotten, and entries older than `ttl` are dropped as time passes, since a
// replay of such a request fails the timestamp check anyway. For that to hold, ttl must be at least
// VerifyOptions::max_age + max_future (30 minutes by default; the default ttl is 31). Not
// thread-safe: a server that verifies on several threads guards it with a mutex.
class NonceCache {
 public:
  explicit NonceCache(size_t capacity = 65536, std::chrono::seconds ttl = std::chrono::minutes(31));
  // True when the pair was not seen yet (and records it); false when it is a reuse.
  bool insert(std::string_view access_key_id, std::string_view nonce, std::chrono::sys_seconds now);
  bool contains(std::string_view access_key_id, std::string_view nonce) const;
  size_t size() const { return order_.size(); }

 private:
  void expire(std::chrono::sys_seconds now);
  size_t capacity_;
  std::chrono::seconds ttl_;
  std::deque<std::pair<std::chrono::sys_seconds, std::string>> order_;
  std::unordered_set<std::string> seen_;
};

// AccessKeyId -> secret; nullopt for an unknown key.
using KeyLookup = std::function<std::optional<std::string>(std::string_view access_key_id)>;
KeyLookup key_lookup(std::map<std::string, std::string> keys);

struct VerifyOptions {
  // Accepted distance between the request's time and `now`: 15 minutes each way, the V3 documented
  // window (docs/protocol.md 2.4), applied to V1 Timestamp as well. The future side absorbs clock
  // skew between client and server; set it to 0 to refuse any future time.
  std::chrono::seconds max_age = std::chrono::minutes(15);
  std::chrono::seconds max_future = std::chrono::minutes(15);
};

// Verifies one request. Checks run in this order: signature present, required parameters present,
// AccessKeyId known, time well-formed and within the window, signature equal, nonce unused. The
// nonce is recorded only for requests that pass every other check, so a rejected request does not
// burn its nonce. `nonces` may be null to skip the replay check.
VerifyOutcome verify_request(const HttpRequestView& request, const KeyLookup& keys,
                             std::chrono::sys_seconds now, NonceCache* nonces,
                             const VerifyOptions& options = {});

// "2016-02-23T12:46:24Z" -> time point; nullopt unless it has exactly that shape and is a real
// date.
std::optional<std::chrono::sys_seconds> parse_iso8601_utc(std::string_view text);
// The reverse, as SDKs write Timestamp and x-acs-date.
std::string format_iso8601_utc(std::chrono::sys_seconds t);

}  // namespace popcheck::core
