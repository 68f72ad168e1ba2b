#pragma once
// Case-insensitive comparison for protocol names (header names, parameter names, Format values,
// media types). ASCII only on purpose: these names are ASCII, and the result must not depend on the
// process locale.
#include <algorithm>
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

}  // namespace popcheck::core
