#include "core/protocol/sign.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "core/support/text.hpp"

namespace popcheck::core {

namespace {

constexpr char kHexLower[] = "0123456789abcdef";

std::string to_hex(const unsigned char* data, size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kHexLower[data[i] >> 4]);
    out.push_back(kHexLower[data[i] & 0x0F]);
  }
  return out;
}

// HMAC with OpenSSL's one-shot function; it never fails for the digests used here, but an empty
// result is returned rather than garbage if it ever did.
std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  const unsigned char* ok =
      HMAC(md, key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &size);
  if (ok == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(out.data()), size);
}

std::string digest(const EVP_MD* md, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &size, md, nullptr) != 1) return {};
  return std::string(reinterpret_cast<const char*>(out.data()), size);
}

std::string hex(std::string_view bytes) {
  return to_hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// The parameters sorted by key in byte order. The sort is stable so that repeated names keep the
// order in which they were written, which is what a signer that walks a list would see.
Params sorted_by_key(const Params& params) {
  Params sorted = params;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return sorted;
}

bool is_signed_header(std::string_view lower_name) {
  return lower_name == "host" || lower_name == "content-type" || lower_name.starts_with("x-acs-");
}

struct CanonicalHeaders {
  std::string text;     // "name:value\n" lines
  std::string signed_;  // "name;name"
};

// `only`, when given, names (lowercase) the headers to sign instead of the default rule; a server
// verifying a request signs exactly what the client's SignedHeaders lists.
CanonicalHeaders canonical_headers(const Params& headers,
                                   const std::vector<std::string>* only = nullptr) {
  // Names are lowercased and grouped; the values of a repeated header are sorted and joined with
  // "," exactly as openapi-core's getAuthorizationHeaders does. Values are trimmed as the reference
  // signer's String.prototype.trim trims them (ASCII whitespace: header values are ASCII).
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const auto& [name, value] : headers) {
    std::string lower = text::to_lower(name);
    if (only != nullptr ? std::find(only->begin(), only->end(), lower) == only->end()
                        : !is_signed_header(lower)) {
      continue;
    }
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == lower; });
    if (it == groups.end()) {
      groups.emplace_back(std::move(lower),
                          std::vector<std::string>{std::string(text::trim_ascii(value))});
    } else {
      it->second.emplace_back(text::trim_ascii(value));
    }
  }
  std::sort(groups.begin(), groups.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (auto& [name, values] : groups) {
    std::sort(values.begin(), values.end());
    out.text += name;
    out.text += ':';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out.text += ',';
      out.text += values[i];
    }
    out.text += '\n';
    if (!out.signed_.empty()) out.signed_ += ';';
    out.signed_ += name;
  }
  return out;
}

}  // namespace

std::string canonical_query(const Params& params) {
  std::string out;
  for (const auto& [key, value] : sorted_by_key(params)) {
    if (key == "Signature") continue;
    if (!out.empty()) out += '&';
    out += percent_encode(key);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

std::string v1_string_to_sign(std::string_view method, const Params& params) {
  std::string out(method);
  out += "&%2F&";
  out += percent_encode(canonical_query(params));
  return out;
}

std::string v1_signature(std::string_view method, const Params& params, std::string_view secret) {
  std::string key(secret);
  key += '&';
  return base64_encode(hmac(EVP_sha1(), key, v1_string_to_sign(method, params)));
}

std::string v3_canonical_query(const Params& query) {
  // openapi-core's getAuthorizationQueryString: keys sorted and written raw, values RFC 3986
  // encoded, "k=" for an empty value. The keys of RPC APIs are ASCII names, so raw and encoded keys
  // agree.
  std::string out;
  for (const auto& [key, value] : sorted_by_key(query)) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

std::string v3_signed_headers(const Params& headers) { return canonical_headers(headers).signed_; }

std::string v3_canonical_request(const V3Request& r) { return v3_canonical_request(r, nullptr); }

std::string v3_canonical_request(const V3Request& r,
                                 const std::vector<std::string>* signed_headers) {
  const CanonicalHeaders headers = canonical_headers(r.headers, signed_headers);
  std::string out = r.method;
  out += '\n';
  out += r.path.empty() ? std::string("/") : r.path;
  out += '\n';
  out += v3_canonical_query(r.query);
  out += '\n';
  out += headers.text;
  out += '\n';
  out += headers.signed_;
  out += '\n';
  out += sha256_hex(r.body);
  return out;
}

std::string v3_string_to_sign(const V3Request& r) {
  return "ACS3-HMAC-SHA256\n" + sha256_hex(v3_canonical_request(r));
}

std::string v3_signature(const V3Request& r, std::string_view secret) {
  return hmac_sha256_hex(secret, v3_string_to_sign(r));
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  return hex(hmac(EVP_sha256(), key, data));
}

std::string v3_authorization(const V3Request& r, std::string_view access_key_id,
                             std::string_view secret) {
  std::string out = "ACS3-HMAC-SHA256 Credential=";
  out += access_key_id;
  out += ",SignedHeaders=";
  out += v3_signed_headers(r.headers);
  out += ",Signature=";
  out += v3_signature(r, secret);
  return out;
}

std::string sha256_hex(std::string_view data) { return hex(digest(EVP_sha256(), data)); }

std::string base64_encode(std::string_view data) {
  if (data.empty()) return {};
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string clean;
  clean.reserve(text.size() + 3);
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
  while (clean.size() % 4 != 0) clean += '=';
  if (clean.empty()) return std::string();
  std::string out(3 * clean.size() / 4 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as data bytes; take them off again.
  size_t len = static_cast<size_t>(n);
  if (clean.back() == '=') --len;
  if (clean[clean.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

}  // namespace popcheck::core
