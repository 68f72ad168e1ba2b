#include "core/support/text.hpp"

#include <algorithm>

namespace popcheck::core::text {

namespace {

// Length of a leading ideographic space (E3 80 80) or no-break space (C2 A0) at `i`, 0 otherwise.
size_t wide_space_at(std::string_view s, size_t i) {
  if (i + 3 <= s.size() && static_cast<unsigned char>(s[i]) == 0xE3 &&
      static_cast<unsigned char>(s[i + 1]) == 0x80 && static_cast<unsigned char>(s[i + 2]) == 0x80)
    return 3;
  if (i + 2 <= s.size() && static_cast<unsigned char>(s[i]) == 0xC2 &&
      static_cast<unsigned char>(s[i + 1]) == 0xA0)
    return 2;
  return 0;
}

// Length of a wide space ending at `end` (exclusive), 0 otherwise.
size_t wide_space_before(std::string_view s, size_t end) {
  if (end >= 3 && wide_space_at(s, end - 3) == 3) return 3;
  if (end >= 2 && wide_space_at(s, end - 2) == 2) return 2;
  return 0;
}

bool is_ascii_punct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

}  // namespace

bool digits_only(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

bool all_digits(std::string_view s) { return digits_only(trim(s)); }

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_upper(c);
  return out;
}

size_t ifind(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (iequals(hay.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

std::string_view trim_ascii(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  for (;;) {
    if (b < e && is_space(s[b])) {
      ++b;
    } else if (size_t w = wide_space_at(s, b); w && b + w <= e) {
      b += w;
    } else {
      break;
    }
  }
  for (;;) {
    if (e > b && is_space(s[e - 1])) {
      --e;
    } else if (size_t w = wide_space_before(s, e); w && e - w >= b) {
      e -= w;
    } else {
      break;
    }
  }
  return s.substr(b, e - b);
}

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  for (size_t i = 0; i < s.size();) {
    if (is_space(s[i])) {
      pending = true;
      ++i;
      continue;
    }
    if (size_t w = wide_space_at(s, i)) {
      pending = true;
      i += w;
      continue;
    }
    if (pending && !out.empty()) out += ' ';
    pending = false;
    out += s[i++];
  }
  return out;
}

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    std::string_view line = s.substr(start, nl == std::string_view::npos ? nl : nl - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    out.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

int line_of(std::string_view s, size_t offset) {
  offset = std::min(offset, s.size());
  return 1 + static_cast<int>(std::count(s.begin(), s.begin() + static_cast<long>(offset), '\n'));
}

Utf8Char decode_utf8(std::string_view s, size_t at) {
  if (at >= s.size()) return {};
  const auto c = static_cast<unsigned char>(s[at]);
  if (c < 0x80) return {c, 1};
  size_t length;
  char32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    cp = c & 0x07;
  } else {
    return {};  // a continuation byte, C0 and C1 (always overlong), or F5 and above
  }
  if (at + length > s.size()) return {};
  for (size_t k = 1; k < length; ++k) {
    const auto cc = static_cast<unsigned char>(s[at + k]);
    if ((cc & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((length == 3 && cp < 0x800) || (length == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return {};
  return {cp, length};
}

std::optional<size_t> find_invalid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t length = decode_utf8(s, i).length;
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

std::string unescape_markdown(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && is_ascii_punct(s[i + 1])) ++i;
    out += s[i];
  }
  return out;
}

std::string strip_wrapping(std::string_view s) {
  for (std::string_view mark : {"**", "__", "`"}) {
    if (s.size() > 2 * mark.size() && s.starts_with(mark) && s.ends_with(mark)) {
      std::string_view inner = s.substr(mark.size(), s.size() - 2 * mark.size());
      if (inner.find(mark) == std::string_view::npos) return std::string(trim(inner));
    }
  }
  return std::string(s);
}

std::string normalize_cell(std::string_view s) {
  return strip_wrapping(collapse_whitespace(unescape_markdown(s)));
}

std::string normalize_block(std::string_view s) {
  std::string unescaped = unescape_markdown(s);
  std::string out;
  bool blank_pending = false;
  for (std::string_view line : split_lines(unescaped)) {
    std::string_view t = trim(line);
    if (t.empty()) {
      blank_pending = !out.empty();
      continue;
    }
    if (!out.empty()) out += blank_pending ? "\n\n" : "\n";
    blank_pending = false;
    out += t;
  }
  return out;
}

}  // namespace popcheck::core::text
