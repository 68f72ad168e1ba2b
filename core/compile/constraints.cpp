#include "core/compile/constraints.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "core/compile/constraint_scan.hpp"
#include "core/support/text.hpp"

// The extractor is deliberately conservative: every constraint it reports becomes a negative test case
// later, and a wrong one makes a correct service look broken. So each rule only fires on a phrasing that
// leaves no doubt, conflicting readings of the same limit cancel each other, and lists are taken whole
// or not at all.

namespace popcheck::core {

namespace {

using std::string_view;
using text::is_alnum;
using text::is_digit;
using text::is_space;

constexpr size_t npos = string_view::npos;
using namespace scan;  // NOLINT: the scanner's primitives are this file's vocabulary

// ---------------------------------------------------------------------------------------------------
// The .N structure.

bool has_n_segment(string_view name) {
  size_t start = 0;
  for (;;) {
    size_t dot = name.find('.', start);
    string_view seg = text::trim(name.substr(start, dot == npos ? npos : dot - start));
    if (seg == "N" || seg == "n") return true;
    if (dot == npos) return false;
    start = dot + 1;
  }
}

// True when the words after a count (up to the sentence end) name list members.
bool counts_members(string_view words) {
  size_t e = 0;
  while (e < words.size() && !sentence_end(words, e) && words[e] != ',') ++e;
  std::string l = text::to_lower(words.substr(0, e));
  for (string_view noun :
       {"id",   "name",    "instance", "group", "value",         "key",      "tag",
        "item", "element", "disk",     "event", "rule",          "resource", "status",
        "type", "address", "zone",     "host",  "configuration", "snapshot", "image"})
    if (l.find(noun) != npos) return true;
  return false;
}

// The range of N: "N 的取值范围：1~20", "Valid values of N: 1 to 100", "N: [1, 100]", "value range of N in
// X.N must be [1, 100]"; else an upper bound: "最多可以输入 20 个", "You can specify up to 20 IDs".
std::optional<Repeat> repeat_range(const Lowered& l) {
  string_view d = l.raw;
  for (const Hit& h :
       find_all(l,
                {"N 的取值范围", "N的取值范围", "N 取值范围", "N取值范围", "n 的取值范围",
                 "n的取值范围", "values of N", "range of N", "N:", "N：", "N is", "N must be"},
                false)) {
    if (h.pos > 0 && (is_alnum(d[h.pos - 1]) || d[h.pos - 1] == '.')) continue;
    // The range follows within a short clause ("in EventId.N must be [1, 100]").
    size_t j = skip_filler(d, h.after);
    size_t limit = std::min(d.size(), j + 48);
    while (j < limit && !is_digit(d[j]) && !sentence_end(d, j)) ++j;
    if (j >= limit || !is_digit(d[j])) continue;
    if (auto r = parse_range(d, j); r && r->lo >= 0 && r->hi <= 100000)
      return Repeat{static_cast<int>(std::max<int64_t>(r->lo, 0)), static_cast<int>(r->hi)};
  }
  for (const Hit& h :
       find_all(l,
                {"最多可以输入", "最多可输入", "最多输入", "最多可以指定", "最多可指定",
                 "最多可以传入", "最多传入", "最多支持", "specify up to", "specify at most",
                 "specify a maximum of", "up to", "at most", "a maximum of"},
                true)) {
    size_t j = skip_spaces(d, h.after);
    auto n = parse_int(d, j, false);
    if (!n || n->value <= 0 || n->value > 100000) continue;
    size_t k = skip_spaces(d, n->end);
    string_view rest = d.substr(k, 24);
    // A length limit ("最多支持 64 个字符", "up to 128 characters") is not the size of the list.
    if (rest.find("字符") != npos || rest.find("字节") != npos ||
        text::ifind(rest, "character") != npos || text::ifind(rest, "byte") != npos)
      continue;
    // A bare "up to N" bounds a list only when what it counts is a list member ("up to 20 IDs", "up
    // to 5 Load Balancer instances"), not a quantity ("up to 10,000 IOPS").
    bool bare = h.after - h.pos <= std::string_view("a maximum of").size() &&
                text::ifind(d.substr(h.pos, h.after - h.pos), "specify") == npos &&
                static_cast<unsigned char>(d[h.pos]) < 0x80;
    if (bare && !counts_members(d.substr(k, 48))) continue;
    return Repeat{1, static_cast<int>(n->value)};
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------
// Allowed values.

bool is_value_token(string_view v) {
  if (v.empty() || v.size() > 64) return false;
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E) return false;
    if (c == '|' || c == '(' || c == ')' || c == ',' || c == ';' || c == '[' || c == ']')
      return false;
  }
  return true;
}

// "disk", "VPC: a VPC", "recycle：实例进入停机不收费状态", "false（默认值）：...", "**true**: ..." -> the
// value; empty when the bullet does not start with a clean token.
std::string bullet_value(string_view content) {
  size_t cut = content.size();
  for (string_view sep : {kFullColon, string_view(":"), kFullLParen, string_view("(")}) {
    // A colon inside the token ("acs:ecs") is part of the value unless followed by a space or the end.
    size_t p = content.find(sep);
    while (p != npos && sep == ":" && p + 1 < content.size() && !is_space(content[p + 1]))
      p = content.find(sep, p + 1);
    cut = std::min(cut, p);
  }
  std::string v = text::strip_wrapping(text::trim(content.substr(0, cut)));
  // "**true**" may leave the stars when the wrap closes after the colon: "**true：**".
  if (v.starts_with("**")) v = v.substr(2);
  if (v.ends_with("**")) v.resize(v.size() - 2);
  if (v.size() >= 2 && v.front() == '`' && v.back() == '`') v = v.substr(1, v.size() - 2);
  if (!is_value_token(v)) return {};
  return v;
}

// Strips a bullet marker ("-", "*", "+", "•") and returns the content, or nullopt for a non-bullet line.
std::optional<string_view> bullet_content(string_view line) {
  line = text::trim(line);
  for (string_view m :
       {string_view("-"), string_view("*"), string_view("+"), string_view("•"), string_view("·")}) {
    if (line.starts_with(m) && line.size() > m.size() &&
        (is_space(line[m.size()]) || at(line, m.size(), "\xE3\x80\x80"))) {
      if (m == "*" && line.starts_with("**")) return std::nullopt;
      return text::trim(line.substr(m.size()));
    }
  }
  return std::nullopt;
}

bool is_note_line(string_view line) {
  line = text::trim(line);
  for (string_view n : {"**说明", "说明：", "**注意", "注意：", "**Note", "Note:", "> "})
    if (line.starts_with(n)) return true;
  return false;
}

std::vector<std::string> split_inline_values(string_view s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    std::string v = text::strip_wrapping(text::trim(cur));
    cur.clear();
    if (v.empty()) return;
    out.push_back(v);
  };
  size_t i = 0;
  while (i < s.size()) {
    bool sep = false;
    for (string_view m :
         {string_view(","), kFullComma, string_view("、"), string_view(" or "),
          string_view(" and "), string_view("或者"), string_view("和"), string_view("或")}) {
      if (at(s, i, m)) {
        flush();
        i += m.size();
        sep = true;
        break;
      }
    }
    if (!sep) cur += s[i++];
  }
  flush();
  return out;
}

std::vector<std::string> allowed_values(string_view d) {
  std::vector<std::string> lines;
  for (string_view l : text::split_lines(d)) lines.emplace_back(text::trim(l));
  for (size_t li = 0; li < lines.size(); ++li) {
    string_view line = lines[li];
    Lowered lowered_line(line);
    for (const Hit& h : find_all(lowered_line,
                                 {"取值范围", "取值", "可选值", "有效值", "Valid values",
                                  "Valid value", "Allowed values", "Optional values"},
                                 true)) {
      if (preceded_by_n(line, h.pos)) continue;
      size_t j = h.after;
      while (j < line.size() && is_space(line[j])) ++j;
      if (at(line, j, kFullColon)) {
        j += kFullColon.size();
      } else if (j < line.size() && line[j] == ':') {
        ++j;
      } else if (j != line.size()) {
        continue;
      }
      string_view rest = text::trim(line.substr(j));
      if (rest.empty()) {
        // A bullet list follows. Notes between bullets are skipped; a line that introduces another
        // list (ends with a colon) ends this one.
        std::vector<std::string> vals;
        bool ok = true;
        for (size_t k = li + 1; k < lines.size(); ++k) {
          string_view l = lines[k];
          if (l.empty()) continue;
          if (auto c = bullet_content(l)) {
            std::string v = bullet_value(*c);
            if (v.empty()) {
              ok = false;
              break;
            }
            vals.push_back(std::move(v));
            continue;
          }
          if (is_note_line(l)) continue;
          if (vals.empty()) break;
          if (l.ends_with(":") || l.ends_with(kFullColon)) break;
        }
        if (ok && !vals.empty()) return vals;
        continue;
      }
      // An inline list: "取值范围：disk、instance。", "Valid values: VPC, VSWITCH." Needs two or more
      // clean tokens ending the sentence; anything else (a range, prose) is not an enumeration.
      size_t e = 0;
      while (e < rest.size() && !sentence_end(rest, e)) ++e;
      string_view clause = rest.substr(0, e);
      auto vals = split_inline_values(clause);
      bool all_tokens = vals.size() >= 2;
      for (auto& v : vals) {
        if (v.size() >= 2 && v.front() == '`' && v.back() == '`') v = v.substr(1, v.size() - 2);
        if (!is_value_token(v) || (v.find('~') != npos)) all_tokens = false;
      }
      if (all_tokens) return vals;
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------------------------
// Length limits and numeric ranges.

// Accumulates readings of one limit; a second, different reading makes it a conflict.
struct Limit {
  std::optional<int64_t> value;
  bool conflict = false;
  void add(int64_t v) {
    if (value && *value != v) conflict = true;
    value = v;
  }
  std::optional<int64_t> get() const { return conflict ? std::nullopt : value; }
};

// True when the words after `i` (no digit, no sentence end, at most 30 bytes) reach "characters"/"字符".
bool characters_follow(string_view s, size_t i) {
  size_t limit = std::min(s.size(), i + 30);
  for (size_t k = i; k < limit; ++k) {
    if (at(s, k, "字符") ||
        ((s[k] == 'c' || s[k] == 'C') && text::ifind(s.substr(k, 9), "character") == 0))
      return true;
    if (is_digit(s[k]) || sentence_end(s, k) || s[k] == ',' || at(s, k, kFullComma)) return false;
  }
  return false;
}

bool context_has(string_view before, std::initializer_list<string_view> words) {
  for (string_view w : words)
    if (text::ifind(before, w) != npos) return true;
  return false;
}

void length_limits(string_view d, Limit& min_len, Limit& max_len) {
  for (size_t i = 0; i < d.size(); ++i) {
    if (!is_digit(d[i]) || (i > 0 && (is_alnum(d[i - 1]) || d[i - 1] == '.'))) continue;
    // The clause before the number, back to the previous sentence end.
    size_t b = i;
    while (b > 0 && i - b < 40 && !sentence_end(d, b - 1)) --b;
    string_view before = d.substr(b, i - b);
    if (auto r = parse_range(d, i)) {
      if (characters_follow(d, r->end) && !preceded_by_n(d, b) && before.find("N ") == npos &&
          before.find("N的") == npos) {
        min_len.add(r->lo);
        max_len.add(r->hi);
        i = r->end;
        continue;
      }
    }
    auto n = parse_int(d, i, false);
    if (!n) continue;
    if (characters_follow(d, n->end)) {
      if (context_has(before, {"exceed", "up to", "maximum", "at most", "no more than", "最多",
                               "超过", "最长", "最大", "不多于"}))
        max_len.add(n->value);
      else if (context_has(before, {"at least", "minimum", "至少", "最少", "不少于", "最短"}))
        min_len.add(n->value);
    }
    i = n->end;
  }
}

void numeric_range(const Lowered& l, Limit& lo, Limit& hi) {
  string_view d = l.raw;
  for (const Hit& h : find_all(l,
                               {"取值范围", "Valid values", "Value range", "value range is",
                                "The valid range", "Valid range"},
                               true)) {
    if (preceded_by_n(d, h.pos)) continue;
    size_t j = skip_filler(d, h.after);
    if (auto r = parse_range(d, j)) {
      lo.add(r->lo);
      hi.add(r->hi);
    }
  }
  for (const Hit& h : find_all(l, {"最大值", "Maximum value", "最小值", "Minimum value"}, true)) {
    size_t j = skip_filler(d, h.after);
    auto n = parse_int(d, j, true);
    if (!n || parse_range(d, j)) continue;
    bool is_max = at(d, h.pos, "最大值") || text::ifind(d.substr(h.pos, 7), "maximum") == 0;
    (is_max ? hi : lo).add(n->value);
  }
}

// ---------------------------------------------------------------------------------------------------
// Forbidden prefixes and substrings.

// Words that describe a class of characters rather than a literal ("cannot start with a digit").
bool is_descriptive_word(string_view w) {
  static constexpr std::array<string_view, 30> words = {
      "a",           "an",      "the",       "digit",     "digits",  "letter",
      "letters",     "number",  "numbers",   "hyphen",    "hyphens", "underscore",
      "underscores", "period",  "periods",   "space",     "spaces",  "character",
      "characters",  "special", "uppercase", "lowercase", "chinese", "english",
      "it",          "contain", "end",       "be",        "with",    "dot"};
  std::string l = text::to_lower(w);
  return std::find(words.begin(), words.end(), l) != words.end();
}

// Cleans one literal: quotes and backticks removed, a sentence-final period or comma dropped.
std::string clean_literal(string_view t) {
  std::string v(text::trim(t));
  for (string_view q : {"“", "”", "\"", "'", "`"}) {
    size_t p;
    while ((p = v.find(q)) != std::string::npos) v.erase(p, q.size());
  }
  while (!v.empty() && (v.back() == '.' || v.back() == ',' || v.back() == ';' || v.back() == ')'))
    v.pop_back();
  return v;
}

bool is_literal(string_view v) { return is_value_token(v) && !is_descriptive_word(v); }

// Chinese: the literals between the marker and 开头 (prefixes) or the clause end (substrings), split on
// 、 ， 和 或者 或 and spaces. All or nothing: one non-literal drops the list.
std::vector<std::string> zh_literals(string_view d, string_view marker, string_view terminator) {
  std::vector<std::string> out;
  size_t from = 0;
  for (;;) {
    size_t p = d.find(marker, from);
    if (p == npos) break;
    size_t b = p + marker.size();
    size_t e = b;
    size_t limit = std::min(d.size(), b + 160);
    if (!terminator.empty()) {
      size_t t = d.substr(b, limit - b + terminator.size()).find(terminator);
      if (t != npos) t += b;
      if (t == npos || t > limit) {
        from = b;
        continue;
      }
      e = t;
    } else {
      while (e < limit && !at(d, e, kFullStop) && !at(d, e, kFullComma) &&
             !at(d, e, kFullSemicolon) && d[e] != '\n' &&
             (d[e] != '.' || (e + 1 < d.size() && !is_space(d[e + 1]))))
        ++e;
    }
    std::vector<std::string> vals;
    bool ok = true;
    std::string cur;
    string_view seg = d.substr(b, e - b);
    auto flush = [&] {
      std::string v = clean_literal(cur);
      cur.clear();
      if (v.empty()) return;
      if (!is_literal(v)) ok = false;
      vals.push_back(std::move(v));
    };
    for (size_t i = 0; i < seg.size();) {
      bool sep = false;
      for (string_view m :
           {string_view("、"), kFullComma, string_view(","), string_view("或者"), string_view("和"),
            string_view("或"), string_view("以及"), string_view(" ")}) {
        if (at(seg, i, m)) {
          flush();
          i += m.size();
          sep = true;
          break;
        }
      }
      if (!sep) cur += seg[i++];
    }
    flush();
    if (ok)
      for (auto& v : vals)
        if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    from = e;
  }
  return out;
}

// English: "cannot start with aliyun or acs:", "cannot contain `http://` or `https://`". Literals joined
// by ",", "or", "and"; the list stops at the first word that is neither (and is empty when that word
// comes first: "cannot start with a digit").
std::vector<std::string> en_literals(const Lowered& l, std::initializer_list<string_view> markers) {
  string_view d = l.raw;
  std::vector<std::string> out;
  for (const Hit& h : find_all(l, markers, true)) {
    size_t i = h.after;
    size_t limit = std::min(d.size(), i + 160);
    std::vector<std::string> vals;
    bool expect_value = true;
    while (i < limit) {
      while (i < limit && (is_space(d[i]) || d[i] == '`')) ++i;
      size_t b = i;
      while (i < limit && !is_space(d[i]) && d[i] != '`') ++i;
      if (b == i) break;
      string_view word = d.substr(b, i - b);
      // Punctuation split off by a closing backtick ("`https://`.") ends the item or the sentence.
      if (word == "," || word == ";") {
        expect_value = true;
        continue;
      }
      if (word == "." || word == "。") break;
      bool ends_sentence = (word.ends_with(".") || word.ends_with(";")) && word != ".";
      bool ends_item = word.ends_with(",");
      std::string lw = text::to_lower(word);
      if (lw == "or" || lw == "and" || lw == "," || lw == "nor") {
        expect_value = true;
        continue;
      }
      if (!expect_value) {
        // A literal followed by a word with no connector is an adjective, not a literal
        // ("cannot contain consecutive periods"): the whole reading is dropped.
        vals.clear();
        break;
      }
      std::string v = clean_literal(word);
      if (!is_literal(v)) break;
      vals.push_back(v);
      expect_value = ends_item;
      if (ends_sentence) break;
    }
    for (auto& v : vals)
      if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

void merge_into(std::vector<std::string>& dst, const std::vector<std::string>& src) {
  for (const auto& v : src)
    if (std::find(dst.begin(), dst.end(), v) == dst.end()) dst.push_back(v);
}

bool non_empty_stated(const Lowered& l) {
  string_view d = l.raw;
  // Only the empty-string phrasings: "不能为空" / "cannot be empty" alone usually means "required
  // when ...", a condition the negative case could not reproduce.
  for (string_view m : {"不允许为空字符串", "不能为空字符串", "不可为空字符串", "不得为空字符串",
                        "不能是空字符串", "不允许是空字符串"})
    if (d.find(m) != npos) return true;
  for (string_view m :
       {"cannot be an empty string", "cannot be empty string", "can not be an empty string",
        "must not be an empty string", "cannot be set to an empty string"})
    if (l.lower.find(m) != npos) return true;
  return false;
}

}  // namespace

// The description without its bullet lines. Bullets describe values or special cases ("Key 最多支持 64
// 个字符" inside a JSON-valued parameter, "For Windows instances: 2 to 15 characters"), so limits found
// there do not bind the parameter itself.
std::string without_bullets(string_view d) {
  std::string out;
  for (string_view line : text::split_lines(d)) {
    if (bullet_content(line)) continue;
    out.append(line);
    out += '\n';
  }
  return out;
}

// Allowed values must fit the parameter's type: numbers for a numeric parameter, true/false for a
// boolean. A list of category names on a numeric parameter ("cloud：40-500") is a table of ranges.
bool values_fit_type(const std::vector<std::string>& values, const ParamType& type) {
  for (const auto& v : values) {
    if (type.numeric()) {
      size_t i = (v.size() > 1 && v[0] == '-') ? 1 : 0;
      if (i >= v.size() || !std::all_of(v.begin() + static_cast<long>(i), v.end(),
                                        [](char c) { return text::is_digit(c) || c == '.'; }))
        return false;
    } else if (type == TypeClass::boolean) {
      std::string l = text::to_lower(v);
      if (l != "true" && l != "false") return false;
    }
  }
  return true;
}

void extract_constraints(Param& p) {
  // Descriptions may still hold markdown escapes ("\[1, 20\]"); the rules read the plain text.
  const std::string full = text::unescape_markdown(p.description);
  const std::string d = without_bullets(full);
  const Lowered lowered(d);

  if (has_n_segment(p.name) && !p.repeat) {
    p.repeat = repeat_range(lowered);
    if (!p.repeat) p.repeat = Repeat{};
  }

  if (p.allowed.empty()) {
    std::vector<std::string> values = allowed_values(full);
    if (values_fit_type(values, p.type)) p.allowed = std::move(values);
  }

  Limit min_len, max_len;
  length_limits(d, min_len, max_len);
  if (!p.min_length && min_len.get()) p.min_length = min_len.get();
  if (!p.max_length && max_len.get()) p.max_length = max_len.get();
  if (p.min_length && p.max_length && *p.min_length > *p.max_length) p.min_length.reset();

  if (p.type.numeric()) {
    Limit lo, hi;
    numeric_range(lowered, lo, hi);
    if (!p.minimum && lo.get()) p.minimum = static_cast<double>(*lo.get());
    if (!p.maximum && hi.get()) p.maximum = static_cast<double>(*hi.get());
  }

  std::vector<std::string> prefixes;
  merge_into(prefixes, zh_literals(d, "不能以", "开头"));
  merge_into(prefixes, zh_literals(d, "不支持以", "开头"));
  merge_into(prefixes, zh_literals(d, "不可以", "开头"));
  merge_into(prefixes, en_literals(lowered, {"cannot start with", "can not start with",
                                             "must not start with", "cannot begin with"}));
  merge_into(p.forbidden_prefixes, prefixes);

  std::vector<std::string> subs;
  merge_into(subs, zh_literals(d, "不能包含", ""));
  merge_into(subs, zh_literals(d, "不可包含", ""));
  merge_into(subs, en_literals(lowered, {"cannot contain", "can not contain", "must not contain"}));
  merge_into(p.forbidden_substrings, subs);

  if (non_empty_stated(lowered)) p.non_empty = true;
}

}  // namespace popcheck::core
