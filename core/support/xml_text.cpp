#include "core/support/xml_text.hpp"

#include "core/support/text.hpp"

namespace popcheck::core::text {

namespace {

bool xml_admits(char32_t cp) {
  if (cp < 0x20) return cp == 0x9 || cp == 0xA || cp == 0xD;
  return cp != 0xFFFE && cp != 0xFFFF;
}

}  // namespace

std::string xml_safe(std::string_view s) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const Utf8Char ch = decode_utf8(s, i);
    if (ch.length == 0 || !xml_admits(ch.code_point)) {
      out += kReplacement;
      ++i;
    } else {
      out.append(s.substr(i, ch.length));
      i += ch.length;
    }
  }
  return out;
}

}  // namespace popcheck::core::text
