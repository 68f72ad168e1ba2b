#include "core/compile/param_values.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/compile/names.hpp"
#include "core/support/text.hpp"

namespace popcheck::core::values {

using std::string;
using std::string_view;
using text::iequals;
using text::to_lower;

string too_large(int64_t bytes, const string& what) {
  return "its breaking value would be " +
         (bytes >= kMaxBreakingBytes * 1024 ? string("over 64 MiB")
                                            : std::to_string(bytes) + " bytes") +
         " (" + what + "), over the 64 KiB bound";
}

int64_t list_bytes(int64_t n, size_t item) {
  int64_t per = static_cast<int64_t>(item) + 8;
  return n > INT64_MAX / per ? INT64_MAX : n * per;
}

string fmt_number(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[400];  // the largest double has 309 digits
  if (v == std::trunc(v)) {
    int n = std::snprintf(buf, sizeof buf, "%.0f", v);
    return string(buf, static_cast<size_t>(n));
  }
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return string(buf, r.ptr);
}

// Below 2^53 doubles hold every integer, so an integral bound steps by one; beyond, by the next
// double, which is still a different number once printed.
std::optional<double> past(double bound, int dir) {
  double v =
      std::abs(bound) < 9007199254740992.0 ? bound + dir : std::nextafter(bound, dir * HUGE_VAL);
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::regex> compile_pattern(const Param& p) {
  if (!p.pattern || p.pattern->empty()) return std::nullopt;
  try {
    return std::regex(*p.pattern, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error&) {
    return std::nullopt;  // a pattern this engine cannot read constrains nothing here
  }
}

namespace {

bool is_integer(string_view v) {
  size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
  if (i == v.size()) return false;
  return std::all_of(v.begin() + static_cast<long>(i), v.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<double> as_number(string_view v) {
  if (v.empty() || v.size() > 400) return std::nullopt;
  string s(v);
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(d)) return std::nullopt;
  if (s.find_first_of("xXnN") != string::npos) return std::nullopt;  // hex floats, nan, inf
  return d;
}

bool matches(const std::regex& re, string_view v) {
  try {
    return std::regex_search(v.begin(), v.end(), re);
  } catch (const std::regex_error&) {
    return true;  // too complex for this engine: not a violation it can prove
  }
}

}  // namespace

std::vector<string_view> violations(const Param& p, string_view value, const std::regex* pattern) {
  std::vector<string_view> out;
  if (value.empty()) {
    if (p.non_empty) out.emplace_back("non_empty");
    return out;
  }
  const bool numeric = p.type.numeric();
  std::optional<double> number;
  if (p.type == TypeClass::integer) {
    if (is_integer(value)) number = as_number(value);
    if (!number) out.emplace_back("type");
  } else if (numeric) {
    number = as_number(value);
    if (!number) out.emplace_back("type");
  } else if (p.type == TypeClass::boolean && !iequals(value, "true") && !iequals(value, "false")) {
    out.emplace_back("type");
  }
  if (!p.allowed.empty() && std::find(p.allowed.begin(), p.allowed.end(), value) == p.allowed.end())
    out.emplace_back("allowed");
  if (p.max_length || p.min_length) {
    int64_t n = text::utf8_length(value);
    if (p.max_length && n > *p.max_length) out.emplace_back("max_length");
    if (p.min_length && n < *p.min_length) out.emplace_back("min_length");
  }
  if (numeric && number) {
    if (p.maximum && *number > *p.maximum) out.emplace_back("maximum");
    if (p.minimum && *number < *p.minimum) out.emplace_back("minimum");
  }
  if (pattern != nullptr && !matches(*pattern, value)) out.emplace_back("pattern");
  for (const auto& pre : p.forbidden_prefixes)
    if (value.starts_with(pre)) {
      out.emplace_back("forbidden_prefix");
      break;
    }
  for (const auto& sub : p.forbidden_substrings)
    if (value.find(sub) != string_view::npos) {
      out.emplace_back("forbidden_substring");
      break;
    }
  return out;
}

namespace {

// A value a request can carry as it is: it meets p's constraints, and holds no "${" (a case's
// values refer to needs that way; documents write templates such as "${yyyyMMdd}" in examples).
bool satisfies(const Param& p, string_view v, const std::optional<std::regex>& re) {
  return v.find("${") == string_view::npos && violations(p, v, re ? &*re : nullptr).empty();
}

// A typed value that meets the length limits and the pattern where one of a few plain candidates
// does.
string typed_default(const Param& p, const std::optional<std::regex>& re) {
  if (p.type.numeric()) {
    if (p.minimum) return fmt_number(*p.minimum);
    if (p.maximum && *p.maximum < 1) return fmt_number(std::floor(*p.maximum));
    return "1";
  }
  if (p.type == TypeClass::boolean) return "false";
  for (string v : {"popcheck", "1", "a", "popcheck_1", "popcheck-1"}) {
    if (p.min_length && *p.min_length > static_cast<int64_t>(v.size()) &&
        *p.min_length <= kMaxBreakingBytes)
      v += string(static_cast<size_t>(*p.min_length) - v.size(), 'a');
    if (p.max_length && *p.max_length < static_cast<int64_t>(v.size()) && *p.max_length > 0)
      v.resize(static_cast<size_t>(*p.max_length));
    if (satisfies(p, v, re)) return v;
  }
  return "popcheck";
}

}  // namespace

string default_value(const Param& p) {
  auto re = compile_pattern(p);
  // Documents sometimes pad an example with spaces (" cn-hangzhou").
  string example(text::trim(p.example));
  if (!example.empty()) {
    if (satisfies(p, example, re)) return example;
    // Documents mask digits of ids and numbers: "123****" is a number whose last digits are hidden.
    if (example.find('*') != string::npos && p.type.numeric()) {
      string digits = example;
      std::replace(digits.begin(), digits.end(), '*', '0');
      if (satisfies(p, digits, re)) return digits;
    }
  }
  for (const auto& a : p.allowed)
    if (satisfies(p, a, re)) return a;
  if (p.name == "RegionId" && example.empty()) return "cn-hangzhou";
  // An example that breaks a constraint no plain value meets either stays: the contract is
  // inconsistent, and its example is the best guess of what the service takes.
  string typed = typed_default(p, re);
  if (!example.empty() && !satisfies(p, typed, re)) return example;
  if (!p.allowed.empty() && !satisfies(p, typed, re)) return p.allowed.front();
  return typed;
}

string nth_value(const Param& p, int i) {
  string v = default_value(p);
  if (i <= 1 || p.type.numeric() || !p.allowed.empty()) return v;
  // Documented examples mask ids ("vpc-bp16qjewdsunr41m1****"); the mask becomes the item number so
  // that every item is a well-formed, distinct value.
  if (auto star = v.find("****"); star != string::npos) {
    string n = std::to_string(i);
    v.replace(star, 4, string(n.size() < 4 ? 4 - n.size() : 0, '0') + n);
    return v;
  }
  string s = v + std::to_string(i);
  if (p.max_length && static_cast<int64_t>(s.size()) > *p.max_length)
    s = s.substr(s.size() - static_cast<size_t>(*p.max_length));
  return s;
}

string missing_id(const string& example) {
  auto dash = example.find('-');
  string prefix = dash != string::npos && dash <= 6 ? example.substr(0, dash + 1) : string();
  return prefix + "popcheck0missing0000";
}

string missing_value(const Param& p, const string& example) {
  string first = missing_id(example);
  auto re = compile_pattern(p);
  std::vector<string> tries = {first, "popcheck0missing0000"};
  size_t digits = std::max<size_t>(6, std::min<size_t>(example.size(), 18));
  tries.emplace_back(digits, '7');
  if (p.max_length && *p.max_length > 0 && *p.max_length < static_cast<int64_t>(first.size()))
    tries.push_back(first.substr(0, static_cast<size_t>(*p.max_length)));
  if (p.min_length && *p.min_length > static_cast<int64_t>(first.size()) &&
      *p.min_length <= kMaxBreakingBytes)
    tries.push_back(first + string(static_cast<size_t>(*p.min_length) - first.size(), '0'));
  for (const auto& v : tries)
    if (satisfies(p, v, re)) return v;
  return first;
}

std::optional<string> pattern_breaker(const Param& p) {
  auto re = compile_pattern(p);
  if (!re) return std::nullopt;
  for (const char* v : {"popcheck pattern!", "!", "0", "a", " ", "popcheck-1_A.b"})
    if (!matches(*re, v)) return string(v);
  return std::nullopt;
}

std::optional<std::pair<string, string>> breaking_value(const Param& p) {
  using Pair = std::pair<string, string>;
  string ex = default_value(p);
  if (p.name == "RegionId") return Pair{"popcheck-nowhere-1", "allowed"};
  if (!p.allowed.empty()) return Pair{"popcheck-unsupported", "allowed"};
  if (!p.forbidden_prefixes.empty())
    return Pair{p.forbidden_prefixes.front() + ex, "forbidden_prefix"};
  if (!p.forbidden_substrings.empty())
    return Pair{ex + p.forbidden_substrings.front(), "forbidden_substring"};
  if (p.max_length && *p.max_length < kMaxBreakingBytes)
    return Pair{string(static_cast<size_t>(*p.max_length) + 1, 'a'), "max_length"};
  if (p.type.numeric()) {
    if (auto v = p.maximum ? past(*p.maximum, 1) : std::nullopt)
      return Pair{fmt_number(*v), "maximum"};
    if (auto v = p.minimum ? past(*p.minimum, -1) : std::nullopt)
      return Pair{fmt_number(*v), "minimum"};
    return Pair{"popcheck-not-a-number", "type"};
  }
  if (p.type == TypeClass::boolean) return Pair{"popcheck-not-a-boolean", "type"};
  if (p.non_empty) return Pair{"", "non_empty"};
  if (p.min_length && *p.min_length > 1 && *p.min_length <= kMaxBreakingBytes)
    return Pair{string(static_cast<size_t>(*p.min_length) - 1, 'a'), "min_length"};
  if (auto v = pattern_breaker(p)) return Pair{*v, "pattern"};
  return std::nullopt;
}

}  // namespace popcheck::core::values
