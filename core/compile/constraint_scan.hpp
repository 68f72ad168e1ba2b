#pragma once
// The scanner the constraint rules (constraints.cpp) read prose with: fixed punctuation, the filler
// between a keyword and its value, integers and ranges ("1~20", "[1, 100]"), sentence ends, and every
// occurrence of a set of markers. Internal to the compile module.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace popcheck::core::scan {

using std::string_view;

// UTF-8 spellings of the punctuation that matters here.
inline constexpr string_view kFullColon = "：";
inline constexpr string_view kFullComma = "，";
inline constexpr string_view kFullStop = "。";
inline constexpr string_view kFullSemicolon = "；";
inline constexpr string_view kFullTilde = "～";
inline constexpr string_view kFullLParen = "（";
inline constexpr string_view kFullLBracket = "【";

// True when `what` starts at s[i].
bool at(string_view s, size_t i, string_view what);
// Skips what may sit between a keyword and its value: spaces, colons, "为"/"是", opening brackets.
size_t skip_filler(string_view s, size_t i);
size_t skip_spaces(string_view s, size_t i);

// An integer at i (an optional leading minus sign, then up to 15 digits).
struct Int {
  int64_t value;
  size_t end;
};
std::optional<Int> parse_int(string_view s, size_t i, bool allow_sign);

// "1~20", "1 ～ 20", "1-10", "1 to 100", "1 至 30", "[1, 100]" at i. Returns lo, hi and the end.
struct Range {
  int64_t lo, hi;
  size_t end;
};
std::optional<Range> parse_range(string_view s, size_t i);

// True when position i ends a sentence: "。", "；", ". " / "." at the end, a line break.
bool sentence_end(string_view s, size_t i);
// True when the text just before `pos` names the N of a ".N" parameter ("N 的", "N的", "of N").
bool preceded_by_n(string_view s, size_t pos);

// Every occurrence of any marker, in text order, each with the offset just after it.
struct Hit {
  size_t pos, after;
};
// A text with its ASCII-lowered copy: lowering keeps byte offsets, so one copy made per description
// serves every case-insensitive marker search (std::string::find is far faster than a
// character-by-character case-insensitive search).
struct Lowered {
  string_view raw;
  std::string lower;
  explicit Lowered(string_view s);
};
std::vector<Hit> find_all(const Lowered& s, std::initializer_list<string_view> markers,
                          bool case_insensitive);

}  // namespace popcheck::core::scan
