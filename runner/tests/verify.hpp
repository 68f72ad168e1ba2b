#pragma once
// An independent server-side check of V1 and V3 signatures for the runner tests, written from
// docs/protocol.md with OpenSSL directly. It deliberately shares no code with
// core/protocol/sign.cpp, so a bug there cannot hide itself here.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace popcheck::runner::testing {

using Pairs = std::vector<std::pair<std::string, std::string>>;

inline std::string rfc3986(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char ch : s) {
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
        ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", ch);
      out += buf;
    }
  }
  return out;
}

inline std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

inline Pairs split_pairs(const std::string& s) {
  Pairs out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t amp = s.find('&', pos);
    if (amp == std::string::npos) amp = s.size();
    std::string pair = s.substr(pos, amp - pos);
    size_t eq = pair.find('=');
    if (!pair.empty())
      out.emplace_back(url_decode(pair.substr(0, eq)),
                       eq == std::string::npos ? "" : url_decode(pair.substr(eq + 1)));
    pos = amp + 1;
  }
  return out;
}

inline std::string hmac_raw(const EVP_MD* md, const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

inline std::string to_hex(const std::string& raw) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

inline std::string sha256_hex_of(const std::string& data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return to_hex(std::string(reinterpret_cast<char*>(out), sizeof out));
}

inline std::string b64(const std::string& raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()),
                          static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

struct SeenRequest {
  std::string method;
  std::string target;                               // raw path and query
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  std::string query() const {
    size_t q = target.find('?');
    return q == std::string::npos ? "" : target.substr(q + 1);
  }
  std::string path() const { return target.substr(0, target.find('?')); }
  bool form() const {
    return header("content-type").find("application/x-www-form-urlencoded") != std::string::npos;
  }
  // Every parameter: query, then form body.
  Pairs params() const {
    Pairs p = split_pairs(query());
    if (form())
      for (auto& kv : split_pairs(body)) p.push_back(kv);
    return p;
  }
};

// "" when the V1 signature is valid for secret; otherwise what is wrong.
inline std::string verify_v1(const SeenRequest& r, const std::string& key_id,
                             const std::string& secret) {
  Pairs p = r.params();
  std::string signature;
  Pairs signed_params;
  std::map<std::string, std::string> by_name;
  for (auto& [k, v] : p) {
    if (k == "Signature")
      signature = v;
    else
      signed_params.emplace_back(k, v);
    by_name[k] = v;
  }
  for (const char* required : {"AccessKeyId", "SignatureMethod", "SignatureVersion",
                               "SignatureNonce", "Timestamp", "Format", "Action", "Version"})
    if (!by_name.count(required)) return std::string("missing ") + required;
  if (by_name["AccessKeyId"] != key_id) return "wrong AccessKeyId";
  if (by_name["SignatureMethod"] != "HMAC-SHA1") return "wrong SignatureMethod";
  if (by_name["SignatureVersion"] != "1.0") return "wrong SignatureVersion";
  if (signature.empty()) return "no Signature";
  std::sort(signed_params.begin(), signed_params.end());
  std::string canonical;
  for (auto& [k, v] : signed_params)
    canonical += (canonical.empty() ? "" : "&") + rfc3986(k) + "=" + rfc3986(v);
  std::string to_sign = r.method + "&%2F&" + rfc3986(canonical);
  std::string expected = b64(hmac_raw(EVP_sha1(), secret + "&", to_sign));
  return expected == signature ? "" : "V1 signature mismatch";
}

// "" when the V3 Authorization header is valid for secret; otherwise what is wrong.
inline std::string verify_v3(const SeenRequest& r, const std::string& key_id,
                             const std::string& secret) {
  std::string auth = r.header("authorization");
  const std::string prefix = "ACS3-HMAC-SHA256 ";
  if (auth.rfind(prefix, 0) != 0) return "no ACS3-HMAC-SHA256 Authorization";
  std::map<std::string, std::string> fields;
  std::string rest = auth.substr(prefix.size());
  size_t pos = 0;
  while (pos < rest.size()) {
    size_t comma = rest.find(',', pos);
    if (comma == std::string::npos) comma = rest.size();
    std::string f = rest.substr(pos, comma - pos);
    size_t eq = f.find('=');
    if (eq != std::string::npos) fields[f.substr(0, eq)] = f.substr(eq + 1);
    pos = comma + 1;
  }
  if (fields["Credential"] != key_id) return "wrong Credential";
  std::vector<std::string> signed_headers;
  std::string sh = fields["SignedHeaders"];
  for (size_t p = 0; p <= sh.size();) {
    size_t semi = sh.find(';', p);
    if (semi == std::string::npos) semi = sh.size();
    signed_headers.push_back(sh.substr(p, semi - p));
    p = semi + 1;
  }
  for (const char* required : {"host", "x-acs-action", "x-acs-version", "x-acs-date",
                               "x-acs-signature-nonce", "x-acs-content-sha256"})
    if (std::find(signed_headers.begin(), signed_headers.end(), required) == signed_headers.end())
      return std::string("not signed: ") + required;
  if (!r.body.empty() && std::find(signed_headers.begin(), signed_headers.end(), "content-type") ==
                             signed_headers.end())
    return "content-type not signed";
  if (r.header("x-acs-content-sha256") != sha256_hex_of(r.body))
    return "wrong x-acs-content-sha256";
  Pairs q = split_pairs(r.query());
  std::sort(q.begin(), q.end());
  std::string canonical_query;
  for (auto& [k, v] : q)
    canonical_query += (canonical_query.empty() ? "" : "&") + rfc3986(k) + "=" + rfc3986(v);
  std::string canonical_headers;
  for (const auto& h : signed_headers) {
    std::string v = r.header(h);
    while (!v.empty() && v.back() == ' ') v.pop_back();
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    canonical_headers += h + ":" + v + "\n";
  }
  std::string canonical = r.method + "\n" + r.path() + "\n" + canonical_query + "\n" +
                          canonical_headers + "\n" + sh + "\n" + sha256_hex_of(r.body);
  std::string to_sign = "ACS3-HMAC-SHA256\n" + sha256_hex_of(canonical);
  std::string expected = to_hex(hmac_raw(EVP_sha256(), secret, to_sign));
  return expected == fields["Signature"] ? "" : "V3 signature mismatch";
}

}  // namespace popcheck::runner::testing
