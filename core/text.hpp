#pragma once
// Case-insensitive comparison for protocol names (header names, parameter names, Format values,
// media types). ASCII only on purpose: these names are ASCII, and the result must not depend on the
// process locale.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace popcheck::core {

constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

// Length in characters (UTF-8 code points), the unit documents count lengths in ("最多 64 个字符"):
// every byte that is not a continuation byte starts one, so invalid input still gets a length.
constexpr int64_t utf8_length(std::string_view s) {
  int64_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace popcheck::core
