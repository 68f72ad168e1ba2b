#include "core/support/url_encode.hpp"

#include <array>
#include <cstring>

namespace popcheck::core {

namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";

// RFC 3986's unreserved characters, one entry per byte: the encoder's inner loop is a table lookup.
constexpr std::array<bool, 256> kUnreserved = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[static_cast<size_t>(c)] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                                c == '~';
  }
  return t;
}();

bool is_unreserved(unsigned char c) { return kUnreserved[c]; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

char* percent_encode_to(char* out, std::string_view s) {
  // Runs of unreserved characters (most names and values are nothing else) are copied whole.
  const char* p = s.data();
  const char* const end = p + s.size();
  while (p < end) {
    const char* run = p;
    while (run < end && is_unreserved(static_cast<unsigned char>(*run))) ++run;
    std::memcpy(out, p, static_cast<size_t>(run - p));
    out += run - p;
    if (run == end) break;
    const auto c = static_cast<unsigned char>(*run);
    *out++ = '%';
    *out++ = kHexUpper[c >> 4];
    *out++ = kHexUpper[c & 0x0F];
    p = run + 1;
  }
  return out;
}

void percent_encode_append(std::string& out, std::string_view s) {
  const size_t at = out.size();
  out.resize(at + 3 * s.size());
  out.resize(static_cast<size_t>(percent_encode_to(out.data() + at, s) - out.data()));
}

std::string percent_encode(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 3);
  percent_encode_append(out, s);
  return out;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  // A '%' that does not start a valid escape is kept literally: servers and SDKs are lenient here,
  // and a decoder that rejected it would make a request unmatchable rather than merely odd.
  size_t i = 0;
  while (i < s.size() && s[i] != '%' && (s[i] != '+' || !plus_is_space)) ++i;
  if (i == s.size()) return std::string(s);  // the common case: nothing to decode
  std::string out;
  out.reserve(s.size());
  out.append(s.data(), i);
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string encode_params(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    percent_encode_append(out, name);
    out += '=';
    percent_encode_append(out, value);
  }
  return out;
}

}  // namespace popcheck::core
