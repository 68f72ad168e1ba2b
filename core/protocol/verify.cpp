#include "core/protocol/verify.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <vector>

#include "core/protocol/sign.hpp"
#include "core/support/text.hpp"
#include "core/support/utc_time.hpp"

namespace popcheck::core {

namespace {

using text::to_lower;
using text::trim_ascii;

constexpr std::string_view kV3Algorithm = "ACS3-HMAC-SHA256";

// Compares two signatures without leaking through timing where they first differ.
bool same_signature(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

VerifyOutcome outcome(VerifyStatus status, SignatureScheme scheme, std::string id,
                      std::string detail) {
  VerifyOutcome o;
  o.status = status;
  o.scheme = scheme;
  o.access_key_id = std::move(id);
  o.detail = std::move(detail);
  return o;
}

// The time checks shared by V1 and V3; nullopt when the time is acceptable.
std::optional<VerifyOutcome> check_time(std::string_view name, std::string_view value,
                                        SignatureScheme scheme, const std::string& id,
                                        std::chrono::sys_seconds now,
                                        const VerifyOptions& options) {
  const auto t = parse_iso8601_utc(value);
  if (!t) {
    return outcome(VerifyStatus::timestamp_malformed, scheme, id,
                   std::string(name) + " \"" + std::string(value) +
                       "\" is not in the form yyyy-MM-ddTHH:mm:ssZ");
  }
  if (*t < now - options.max_age) {
    return outcome(VerifyStatus::timestamp_expired, scheme, id,
                   std::string(name) + " " + std::string(value) + " is older than " +
                       std::to_string(options.max_age.count()) + " s");
  }
  if (*t > now + options.max_future) {
    return outcome(VerifyStatus::timestamp_expired, scheme, id,
                   std::string(name) + " " + std::string(value) + " is in the future");
  }
  return std::nullopt;
}

struct SplitTarget {
  std::string_view path;
  std::string_view query;
};

SplitTarget split_target(std::string_view target) {
  if (const size_t hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  std::string_view query;
  if (const size_t q = target.find('?'); q != std::string_view::npos) {
    query = target.substr(q + 1);
    target = target.substr(0, q);
  }
  // A forward proxy receives the absolute form "http://host:port/path"; the path is what was
  // signed.
  if (const size_t scheme = target.find("://");
      !target.starts_with('/') && scheme != std::string_view::npos) {
    const size_t slash = target.find('/', scheme + 3);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  return {target, query};
}

VerifyOutcome verify_v1(const HttpRequestView& request, const Headers& headers,
                        const KeyLookup& keys, std::chrono::sys_seconds now, NonceCache* nonces,
                        const VerifyOptions& options) {
  constexpr auto kScheme = SignatureScheme::v1;
  // The signed parameters are exactly the query and the form body; merge_params would also add
  // Action/Version from headers, which a V1 client never signs.
  Params params = parse_query_string(split_target(request.target).query);
  if (!request.body.empty() && is_form_content_type(header_value(headers, "content-type"))) {
    Params form = parse_query_string(request.body);
    params.insert(params.end(), form.begin(), form.end());
  }
  const std::string* id = find_param(params, "AccessKeyId");
  const std::string key_id = id != nullptr ? *id : std::string();
  for (std::string_view required : {"Signature", "AccessKeyId", "SignatureMethod",
                                    "SignatureVersion", "SignatureNonce", "Timestamp"}) {
    const std::string* v = find_param(params, required);
    if (v == nullptr || v->empty()) {
      return outcome(VerifyStatus::missing_parameter, kScheme, key_id, std::string(required));
    }
  }
  if (*find_param(params, "SignatureMethod") != "HMAC-SHA1") {
    return outcome(VerifyStatus::incomplete_signature, kScheme, key_id,
                   "SignatureMethod \"" + *find_param(params, "SignatureMethod") +
                       "\" is not supported (HMAC-SHA1)");
  }
  if (*find_param(params, "SignatureVersion") != "1.0") {
    return outcome(VerifyStatus::incomplete_signature, kScheme, key_id,
                   "SignatureVersion \"" + *find_param(params, "SignatureVersion") +
                       "\" is not supported (1.0)");
  }
  const auto secret = keys ? keys(key_id) : std::nullopt;
  if (!secret) {
    return outcome(VerifyStatus::unknown_access_key, kScheme, key_id, "AccessKeyId is not known");
  }
  if (auto bad = check_time("Timestamp", *find_param(params, "Timestamp"), kScheme, key_id, now,
                            options)) {
    return *bad;
  }
  const std::string expected = v1_signature(request.method, params, *secret);
  if (!same_signature(expected, *find_param(params, "Signature"))) {
    auto o = outcome(
        VerifyStatus::signature_mismatch, kScheme, key_id,
        "the V1 signature does not match the " + std::string(request.method) + " string to sign");
    o.string_to_sign = v1_string_to_sign(request.method, params);
    return o;
  }
  if (nonces != nullptr && !nonces->insert(key_id, *find_param(params, "SignatureNonce"), now)) {
    return outcome(VerifyStatus::nonce_reused, kScheme, key_id, "SignatureNonce was used already");
  }
  return outcome(VerifyStatus::ok, kScheme, key_id, {});
}

struct Authorization {
  std::string algorithm, credential, signature;
  std::vector<std::string> signed_headers;  // lowercase
};

std::optional<Authorization> parse_authorization(std::string_view value) {
  value = trim_ascii(value);
  const size_t space = value.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  Authorization a;
  a.algorithm = std::string(value.substr(0, space));
  std::string_view rest = value.substr(space + 1);
  bool has_headers = false;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view part = trim_ascii(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = trim_ascii(part.substr(0, eq));
    const std::string_view v = trim_ascii(part.substr(eq + 1));
    if (key == "Credential") {
      a.credential = std::string(v);
    } else if (key == "Signature") {
      a.signature = to_lower(v);
    } else if (key == "SignedHeaders") {
      has_headers = true;
      size_t pos = 0;
      while (pos <= v.size()) {
        size_t end = v.find(';', pos);
        if (end == std::string_view::npos) end = v.size();
        if (end > pos) a.signed_headers.push_back(to_lower(trim_ascii(v.substr(pos, end - pos))));
        pos = end + 1;
      }
    }
  }
  if (a.credential.empty() || a.signature.empty() || !has_headers) return std::nullopt;
  return a;
}

VerifyOutcome verify_v3(const HttpRequestView& request, const Headers& headers,
                        std::string_view authorization, const KeyLookup& keys,
                        std::chrono::sys_seconds now, NonceCache* nonces,
                        const VerifyOptions& options) {
  constexpr auto kScheme = SignatureScheme::v3;
  const auto auth = parse_authorization(authorization);
  if (!auth) {
    return outcome(VerifyStatus::incomplete_signature, kScheme, {},
                   "the Authorization header lacks Credential, SignedHeaders or Signature");
  }
  const std::string& key_id = auth->credential;
  if (auth->algorithm != kV3Algorithm) {
    return outcome(VerifyStatus::incomplete_signature, kScheme, key_id,
                   "signature algorithm \"" + auth->algorithm + "\" is not supported (" +
                       std::string(kV3Algorithm) + ")");
  }
  for (std::string_view required : {"x-acs-date", "x-acs-signature-nonce"}) {
    if (trim_ascii(header_value(headers, required)).empty()) {
      return outcome(VerifyStatus::missing_parameter, kScheme, key_id, std::string(required));
    }
  }
  const auto secret = keys ? keys(key_id) : std::nullopt;
  if (!secret) {
    return outcome(VerifyStatus::unknown_access_key, kScheme, key_id, "AccessKeyId is not known");
  }
  const std::string date(trim_ascii(header_value(headers, "x-acs-date")));
  if (auto bad = check_time("x-acs-date", date, kScheme, key_id, now, options)) return *bad;

  const std::string body_hash = sha256_hex(request.body);
  const std::string claimed_hash =
      to_lower(trim_ascii(header_value(headers, "x-acs-content-sha256")));
  if (!claimed_hash.empty() && claimed_hash != body_hash) {
    return outcome(VerifyStatus::signature_mismatch, kScheme, key_id,
                   "x-acs-content-sha256 is not the SHA-256 of the body");
  }
  const SplitTarget target = split_target(request.target);
  V3Request r;
  r.method = std::string(request.method);
  r.path = target.path.empty() ? std::string("/") : std::string(target.path);
  r.query = parse_query_string(target.query);
  r.headers.assign(headers.begin(), headers.end());
  r.body = std::string(request.body);
  const std::string canonical = v3_canonical_request(r, &auth->signed_headers);
  const std::string expected =
      hmac_sha256_hex(*secret, std::string(kV3Algorithm) + "\n" + sha256_hex(canonical));
  if (!same_signature(expected, auth->signature)) {
    auto o = outcome(VerifyStatus::signature_mismatch, kScheme, key_id,
                     "the V3 signature does not match the canonical request");
    o.string_to_sign = canonical;
    return o;
  }
  const std::string nonce(trim_ascii(header_value(headers, "x-acs-signature-nonce")));
  if (nonces != nullptr && !nonces->insert(key_id, nonce, now)) {
    return outcome(VerifyStatus::nonce_reused, kScheme, key_id,
                   "x-acs-signature-nonce was used already");
  }
  return outcome(VerifyStatus::ok, kScheme, key_id, {});
}

std::string nonce_key(std::string_view id, std::string_view nonce) {
  std::string key(id);
  key.push_back('\0');
  key.append(nonce);
  return key;
}

}  // namespace

std::string_view to_string(VerifyStatus status) {
  switch (status) {
    case VerifyStatus::ok:
      return "ok";
    case VerifyStatus::missing_signature:
      return "missing_signature";
    case VerifyStatus::missing_parameter:
      return "missing_parameter";
    case VerifyStatus::incomplete_signature:
      return "incomplete_signature";
    case VerifyStatus::unknown_access_key:
      return "unknown_access_key";
    case VerifyStatus::timestamp_malformed:
      return "timestamp_malformed";
    case VerifyStatus::timestamp_expired:
      return "timestamp_expired";
    case VerifyStatus::signature_mismatch:
      return "signature_mismatch";
    case VerifyStatus::nonce_reused:
      return "nonce_reused";
  }
  return "unknown";
}

std::optional<VerifyError> verify_error(const VerifyOutcome& o) {
  auto missing = [](std::string_view name) {
    return VerifyError{400, "MissingParameter",
                       "The input parameter \"" + std::string(name) +
                           "\" that is mandatory for processing this request is not supplied."};
  };
  switch (o.status) {
    case VerifyStatus::ok:
      return std::nullopt;
    case VerifyStatus::missing_signature:
      return missing(o.scheme == SignatureScheme::v3 ? "Authorization" : "Signature");
    case VerifyStatus::missing_parameter:
      return missing(o.detail);
    case VerifyStatus::incomplete_signature:
      return VerifyError{400, "IncompleteSignature",
                         "The request signature does not conform to Aliyun standards."};
    case VerifyStatus::unknown_access_key:
      return VerifyError{404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."};
    case VerifyStatus::timestamp_malformed:
      return VerifyError{400, "InvalidTimeStamp.Format",
                         "Specified time stamp or date value is not well formatted."};
    case VerifyStatus::timestamp_expired:
      return VerifyError{400, "InvalidTimeStamp.Expired",
                         "Specified time stamp or date value is expired."};
    case VerifyStatus::signature_mismatch:
      return VerifyError{400, "SignatureDoesNotMatch",
                         "Specified signature is not matched with our calculation."};
    case VerifyStatus::nonce_reused:
      return VerifyError{400, "SignatureNonceUsed", "Specified signature nonce was used already."};
  }
  return std::nullopt;
}

NonceCache::NonceCache(size_t capacity, std::chrono::seconds ttl)
    : capacity_(capacity == 0 ? 1 : capacity), ttl_(ttl) {}

void NonceCache::expire(std::chrono::sys_seconds now) {
  while (!order_.empty() && order_.front().first + ttl_ < now) {
    seen_.erase(order_.front().second);
    order_.pop_front();
  }
}

bool NonceCache::insert(std::string_view access_key_id, std::string_view nonce,
                        std::chrono::sys_seconds now) {
  expire(now);
  std::string key = nonce_key(access_key_id, nonce);
  if (seen_.contains(key)) return false;
  seen_.insert(key);
  order_.emplace_back(now, std::move(key));
  while (order_.size() > capacity_) {
    seen_.erase(order_.front().second);
    order_.pop_front();
  }
  return true;
}

bool NonceCache::contains(std::string_view access_key_id, std::string_view nonce) const {
  return seen_.contains(nonce_key(access_key_id, nonce));
}

KeyLookup key_lookup(std::map<std::string, std::string> keys) {
  return [keys = std::move(keys)](std::string_view id) -> std::optional<std::string> {
    const auto it = keys.find(std::string(id));
    if (it == keys.end()) return std::nullopt;
    return it->second;
  };
}

VerifyOutcome verify_request(const HttpRequestView& request, const KeyLookup& keys,
                             std::chrono::sys_seconds now, NonceCache* nonces,
                             const VerifyOptions& options) {
  static const Headers kNoHeaders;
  const Headers& headers = request.headers != nullptr ? *request.headers : kNoHeaders;
  const std::string authorization = header_value(headers, "authorization");
  if (!trim_ascii(authorization).empty()) {
    return verify_v3(request, headers, authorization, keys, now, nonces, options);
  }
  // V1 carries the signature as a parameter; look for it before deciding that the request is
  // unsigned.
  const Params merged = merge_params(request);
  if (find_param(merged, "Signature") == nullptr) {
    const std::string* id = find_param(merged, "AccessKeyId");
    return outcome(VerifyStatus::missing_signature, SignatureScheme::none,
                   id != nullptr ? *id : std::string(),
                   "no Signature parameter or Authorization header");
  }
  return verify_v1(request, headers, keys, now, nonces, options);
}

std::optional<std::chrono::sys_seconds> parse_iso8601_utc(std::string_view s) {
  // yyyy-MM-ddTHH:mm:ssZ, exactly 20 characters.
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z') {
    return std::nullopt;
  }
  auto num = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
            se = num(17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0 || h > 23 || mi > 59 || se > 59) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y),
                                        std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(se);
}

std::string format_iso8601_utc(std::chrono::sys_seconds t) { return format_utc(t); }

}  // namespace popcheck::core
