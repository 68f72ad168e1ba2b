#include "core/compile/text.hpp"

#include <algorithm>

namespace popcheck::core::text {

namespace {

// Length of a leading ideographic space (E3 80 80) or no-break space (C2 A0), 0 otherwise.
size_t wide_space_at(std::string_view s, size_t i) {
  if (i + 3 <= s.size() && static_cast<unsigned char>(s[i]) == 0xE3 &&
      static_cast<unsigned char>(s[i + 1]) == 0x80 && static_cast<unsigned char>(s[i + 2]) == 0x80)
    return 3;
  if (i + 2 <= s.size() && static_cast<unsigned char>(s[i]) == 0xC2 &&
      static_cast<unsigned char>(s[i + 1]) == 0xA0)
    return 2;
  return 0;
}

// Length of a trailing wide space ending at `end` (exclusive), 0 otherwise.
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

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) {
      if (start < s.size()) {
        std::string_view line = s.substr(start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.push_back(line);
      }
      break;
    }
    std::string_view line = s.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    start = nl + 1;
  }
  return out;
}

std::optional<size_t> find_invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned int cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and code points above U+10FFFF are invalid.
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return std::nullopt;
}

int line_of(std::string_view s, size_t offset) {
  offset = std::min(offset, s.size());
  return 1 + static_cast<int>(std::count(s.begin(), s.begin() + static_cast<long>(offset), '\n'));
}

std::string unescape_markdown(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && is_ascii_punct(s[i + 1])) {
      out += s[i + 1];
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
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
  std::string un = unescape_markdown(s);
  std::string out;
  bool blank_pending = false;
  for (std::string_view line : split_lines(un)) {
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

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

size_t ifind(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(hay[i + k]) == lower(needle[k])) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

bool all_digits(std::string_view s) {
  s = trim(s);
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), is_digit);
}

}  // namespace popcheck::core::text
