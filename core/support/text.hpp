#pragma once
// Text helpers, written once for every layer: ASCII character classes and case, trimming, lines,
// UTF-8 validity, and the cell and block normalisation the document readers apply
// (docs/readers.md).
//
// Protocol names (header names, parameter names, Format values, media types) are ASCII, so case is
// ASCII only on purpose: a result never depends on the process locale. Nothing here knows the
// protocol or the model; everything is a pure function of its arguments.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace popcheck::core::text {

// --- Character classes (ASCII) ---

// True for the six ASCII whitespace characters (space, tab, CR, LF, VT, FF): C's isspace in the
// "C" locale.
constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }

// True when `s` is one or more ASCII digits and nothing else.
bool digits_only(std::string_view s);
// digits_only(trim(s)): a number in a document cell may carry spaces around it.
bool all_digits(std::string_view s);

// --- Case (ASCII) ---

constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr char ascii_upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// Equal but for ASCII case.
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// ASCII lower and upper case; every other byte unchanged.
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);

// The first position at or after `from` where `needle` occurs ignoring ASCII case; npos when
// absent.
size_t ifind(std::string_view hay, std::string_view needle, size_t from = 0);
// Whether `needle` occurs in `hay` ignoring ASCII case (an empty needle always does).
inline bool icontains(std::string_view hay, std::string_view needle) {
  return ifind(hay, needle) != std::string_view::npos;
}
// Whether `s` starts with `prefix` ignoring ASCII case.
constexpr bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// --- Trimming ---

// Removes the six ASCII whitespace characters (is_space) from both ends: protocol values, flags,
// configuration lines.
std::string_view trim_ascii(std::string_view s);

// Removes ASCII whitespace, the ideographic space (U+3000) and the no-break space (U+00A0) from
// both ends: text taken from documents, where both wide spaces are common.
std::string_view trim(std::string_view s);

// Collapses runs of whitespace (line breaks and the two wide spaces included) to one space and
// drops it at both ends.
std::string collapse_whitespace(std::string_view s);

// --- Lines ---

// Splits on LF, dropping a CR before it; a final line without LF is kept, an empty last one is not.
// The views point into `s`.
std::vector<std::string_view> split_lines(std::string_view s);

// The 1-based line number holding byte `offset` (the last line's for an offset past the end).
int line_of(std::string_view s, size_t offset);

// --- UTF-8 ---

// One decoded character: its code point and the length of its encoding. `length` is 0 when the
// bytes at the position are not one well-formed character: a bad lead or continuation byte, a
// sequence cut by the end, an overlong form, a surrogate (U+D800..U+DFFF) or a value above
// U+10FFFF.
struct Utf8Char {
  char32_t code_point = 0;
  size_t length = 0;
};
Utf8Char decode_utf8(std::string_view s, size_t at);

// The byte offset of the first invalid UTF-8 sequence, or nullopt when `s` is valid UTF-8.
std::optional<size_t> find_invalid_utf8(std::string_view s);

// Length in characters (UTF-8 code points), the unit documents count lengths in ("最多 64 个字符"):
// every byte that is not a continuation byte starts one, so invalid input still gets a length.
constexpr int64_t utf8_length(std::string_view s) {
  int64_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

// --- Document text (docs/readers.md) ---

// Removes a markdown backslash escape before ASCII punctuation ("\*" -> "*", "\_" -> "_").
std::string unescape_markdown(std::string_view s);

// Removes one pair of **, __ or ` that wraps the whole string (and nothing when they wrap a part),
// trimming what was inside.
std::string strip_wrapping(std::string_view s);

// A table cell: unescape_markdown, collapse_whitespace, strip_wrapping.
std::string normalize_cell(std::string_view s);

// A multi-line description: markdown escapes removed, each line trimmed, runs of blank lines
// reduced to one, outer blank lines dropped. Line structure is kept because bullet lists carry
// meaning.
std::string normalize_block(std::string_view s);

}  // namespace popcheck::core::text
