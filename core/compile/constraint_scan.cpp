#include "core/compile/constraint_scan.hpp"

#include <algorithm>
#include <array>

#include "core/support/text.hpp"

namespace popcheck::core::scan {

using text::is_alnum;
using text::is_digit;
using text::is_space;

constexpr size_t npos = string_view::npos;

Lowered::Lowered(string_view s) : raw(s), lower(text::to_lower(s)) {}

bool at(string_view s, size_t i, string_view what) {
  return i < s.size() && s[i] == what[0] && s.compare(i, what.size(), what) == 0;
}

// Skips what may sit between a keyword and its value: spaces, colons, "为"/"是", opening brackets.
size_t skip_filler(string_view s, size_t i) {
  static constexpr std::array<string_view, 9> fillers = {
      kFullColon, "为", "是", kFullLParen, kFullLBracket, "：", "\xE3\x80\x80", "［", "\xC2\xA0"};
  for (;;) {
    if (i >= s.size()) return i;
    char c = s[i];
    if (is_space(c) || c == ':' || c == '[' || c == '(' || c == '`') {
      ++i;
      continue;
    }
    bool moved = false;
    for (string_view f : fillers)
      if (at(s, i, f)) {
        i += f.size();
        moved = true;
        break;
      }
    if (!moved) return i;
  }
}

size_t skip_spaces(string_view s, size_t i) {
  while (i < s.size() && (is_space(s[i]) || s[i] == '`')) ++i;
  return i;
}

// An integer at i (an optional leading minus sign, then up to 15 digits).
std::optional<Int> parse_int(string_view s, size_t i, bool allow_sign) {
  bool neg = false;
  if (allow_sign && i < s.size() && s[i] == '-' && i + 1 < s.size() && is_digit(s[i + 1])) {
    neg = true;
    ++i;
  }
  size_t b = i;
  int64_t v = 0;
  while (i < s.size() && is_digit(s[i]) && i - b < 15) v = v * 10 + (s[i++] - '0');
  if (i == b || (i < s.size() && is_digit(s[i]))) return std::nullopt;
  // "10,000" is a quantity written with a thousands separator, never a bound we can use.
  if (i + 3 < s.size() && s[i] == ',' && is_digit(s[i + 1]) && is_digit(s[i + 2]) &&
      is_digit(s[i + 3]))
    return std::nullopt;
  // A decimal number ("0.5") is not an integer limit.
  if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) return std::nullopt;
  return Int{neg ? -v : v, i};
}

// "1~20", "1 ～ 20", "1-10", "1 to 100", "1 至 30", "[1, 100]" at i. Returns lo, hi and the end.
std::optional<Range> parse_range(string_view s, size_t i) {
  auto lo = parse_int(s, i, true);
  if (!lo) return std::nullopt;
  size_t j = skip_spaces(s, lo->end);
  // A comma separates the bounds only inside brackets ("[1, 100]"); "0, 1, 2" is a list of values.
  bool bracketed =
      i > 0 && (s[i - 1] == '[' || (i >= 3 && (at(s, i - 3, "［") || at(s, i - 3, "【"))));
  static constexpr std::array<string_view, 10> seps = {"~",   kFullTilde, "-",  "–", "—",
                                                       "to ", "至",       "到", ",", kFullComma};
  bool found = false;
  for (string_view sep : seps)
    if ((sep != "," && sep != kFullComma) || bracketed)
      if (at(s, j, sep)) {
        j += sep.size();
        found = true;
        break;
      }
  if (!found) return std::nullopt;
  j = skip_spaces(s, j);
  auto hi = parse_int(s, j, true);
  if (!hi || hi->value < lo->value) return std::nullopt;
  size_t end = hi->end;
  if (end < s.size() && (s[end] == ']' || s[end] == ')')) ++end;
  return Range{lo->value, hi->value, end};
}

// True when position i ends a sentence: "。", "；", ". " / "." at the end, a line break.
bool sentence_end(string_view s, size_t i) {
  if (i >= s.size()) return true;
  if (s[i] == '\n' || s[i] == ';') return true;
  if (at(s, i, kFullStop) || at(s, i, kFullSemicolon)) return true;
  if (s[i] == '.' && (i + 1 >= s.size() || is_space(s[i + 1]))) return true;
  return false;
}

// True when the text just before `pos` names the N of a ".N" parameter ("N 的", "N的", "of N").
bool preceded_by_n(string_view s, size_t pos) {
  string_view before = s.substr(0, pos);
  while (!before.empty() && is_space(before.back())) before.remove_suffix(1);
  for (string_view tail : {"N 的", "N的", "N", "n 的", "n的"})
    if (before.ends_with(tail)) {
      size_t b = before.size() - tail.size();
      return b == 0 || !is_alnum(before[b - 1]);
    }
  return false;
}

// Every occurrence of any marker, in text order, each with the offset just after it.

std::vector<Hit> find_all(const Lowered& s, std::initializer_list<string_view> markers,
                          bool case_insensitive) {
  std::vector<Hit> hits;
  string_view hay = case_insensitive ? string_view(s.lower) : s.raw;
  for (string_view marker : markers) {
    std::string lm = case_insensitive ? text::to_lower(marker) : std::string(marker);
    string_view m = lm;
    size_t from = 0;
    for (;;) {
      size_t p = hay.find(m, from);
      if (p == npos) break;
      hits.push_back({p, p + m.size()});
      from = p + m.size();
    }
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.pos < b.pos; });
  return hits;
}

}  // namespace popcheck::core::scan
