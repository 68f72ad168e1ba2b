#pragma once
// Text utilities shared by the document readers and the constraint extractor: UTF-8 checks, line
// splitting, trimming and the normalisation rules of docs/readers.md (markdown escapes
// removed, whitespace collapsed, one wrapping pair of ** / __ / backticks removed).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace popcheck::core::text {

// True for the ASCII whitespace characters (space, tab, CR, LF, VT, FF).
inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }

// Trims ASCII whitespace, the ideographic space (U+3000) and the no-break space (U+00A0).
std::string_view trim(std::string_view s);

// Splits on LF, dropping a CR before it. The views point into `s`.
std::vector<std::string_view> split_lines(std::string_view s);

// The byte offset of the first invalid UTF-8 sequence, or nullopt when `s` is valid UTF-8.
std::optional<size_t> find_invalid_utf8(std::string_view s);

// The 1-based line number holding byte `offset`.
int line_of(std::string_view s, size_t offset);

// Removes a markdown backslash escape before ASCII punctuation ("\*" -> "*", "\_" -> "_").
std::string unescape_markdown(std::string_view s);

// Collapses whitespace runs (line breaks included) to one space and trims the ends.
std::string collapse_whitespace(std::string_view s);

// Removes one pair of **, __ or ` that wraps the whole string (and nothing when they wrap a part).
std::string strip_wrapping(std::string_view s);

// The cell normalisation of the corpus README: unescape, collapse, trim, strip one wrapping pair.
std::string normalize_cell(std::string_view s);

// A multi-line description: markdown escapes removed, each line trimmed, runs of blank lines reduced to
// one, outer blank lines dropped. Line structure is kept because bullet lists carry meaning.
std::string normalize_block(std::string_view s);

// ASCII lower case.
std::string to_lower(std::string_view s);

// Case-insensitive ASCII search; returns npos when absent.
size_t ifind(std::string_view hay, std::string_view needle, size_t from = 0);

// True when `s` (after trimming) is one or more ASCII digits.
bool all_digits(std::string_view s);

}  // namespace popcheck::core::text
