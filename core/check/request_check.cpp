#include "core/check/request_check.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <ranges>
#include <set>

#include "core/protocol/redact.hpp"
#include "core/support/text.hpp"

// Conservative by design, like the constraint extractor: every rule here only fires on a reading
// of the contract that leaves no doubt, because a false violation makes a correct SDK look broken.
// So numbers are only range-checked where the document types them as numbers, "allowed" lists of
// Id parameters (which are examples, not sets) are ignored, prefixes compare case-sensitively, and
// an invalid documented regular expression disables that one check instead of guessing.

namespace popcheck::core {

namespace {

using std::string;
using std::string_view;

constexpr size_t kMaxPatternInput = 4096;
constexpr size_t kMaxShown = 80;

using core::text::iequals;

string lower(string_view s) { return core::text::to_lower(s); }

bool all_digits(string_view s) { return core::text::digits_only(s); }

std::vector<string> split_dots(string_view name) {
  std::vector<string> out;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    out.emplace_back(
        name.substr(start, dot == string_view::npos ? string_view::npos : dot - start));
    if (dot == string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

string join(const std::vector<string>& segs, size_t from, size_t to) {
  string out;
  for (size_t i = from; i < to && i < segs.size(); ++i) {
    if (!out.empty()) out += '.';
    out += segs[i];
  }
  return out;
}

bool integer_text(string_view v) {
  string_view digits = v.starts_with('-') ? v.substr(1) : v;
  if (!all_digits(digits)) return false;
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc() && ptr == v.data() + v.size();
}

std::optional<double> number_value(string_view v) {
  // Decimal notation only: strtod would also take hex, "inf" and "nan", which no API documents.
  size_t i = 0;
  if (i < v.size() && v[i] == '-') ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i, ++int_digits;
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return std::nullopt;
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != v.size()) return std::nullopt;
  double out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || ptr != v.data() + v.size() || !std::isfinite(out)) return std::nullopt;
  return out;
}

string fmt_number(double v) {
  if (std::abs(v) < 9e15 && v == std::floor(v)) return std::to_string(static_cast<int64_t>(v));
  string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// Parameters whose values must not reach a report: the credential names of the one list, and
// names that announce a secret of the API itself (RunInstances' Password, KeyPair secrets).
bool sensitive(string_view name) { return core::is_sensitive_name(name); }

string shown(string_view name, string_view value) {
  if (sensitive(name)) return string(core::kRedacted);
  string out = "\"" + printable(value, kMaxShown) + "\"";
  if (value.size() > kMaxShown)
    out += " (" + std::to_string(core::text::utf8_length(value)) + " characters)";
  return out;
}

string list_text(const std::vector<string>& values) {
  string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i == 8) {
      out += ", ... (" + std::to_string(values.size()) + " values)";
      break;
    }
    out += (i ? ", " : "") + values[i];
  }
  return out;
}

bool id_like(const std::vector<RequestRules::Segment>& segs) {
  for (const auto& seg : std::views::reverse(segs)) {
    if (seg.placeholder) continue;
    const string& last = seg.text;
    return last.ends_with("Id") || last.ends_with("Ids") || last.ends_with("ID");
  }
  return false;
}

// One request parameter matched to a rule.
struct Match {
  const RequestRules::Rule* rule = nullptr;
  std::vector<size_t> placeholder_at;  // positions of the name's segments that were indices
  bool sub_name = false;               // below an Object-like rule
};

// Whether `segs` (a request name) is an instance of the rule; fills `m` when it is.
bool match_rule(const RequestRules::Rule& r, const std::vector<string>& segs, bool ignore_case,
                Match& m) {
  m = Match{};
  m.rule = &r;
  const auto& pat = r.segments;
  size_t n = pat.size();
  if (segs.size() < n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (pat[i].placeholder) {
      if (!all_digits(segs[i])) return false;
      m.placeholder_at.push_back(i);
    } else if (ignore_case ? !iequals(pat[i].text, segs[i]) : pat[i].text != segs[i]) {
      return false;
    }
  }
  if (segs.size() == n) return true;
  if (r.bare_list && segs.size() == n + 1 && all_digits(segs[n])) {
    m.placeholder_at.push_back(n);
    return true;
  }
  if (r.container) {
    size_t at = n;
    // An Object-like list without .N in its name ("Configuration") may still carry an index.
    if (r.bare_list && at < segs.size() && all_digits(segs[at])) m.placeholder_at.push_back(at++);
    if (at < segs.size()) {
      m.sub_name = true;
      return true;
    }
  }
  return false;
}

// The report order of a check name.
size_t check_rank(string_view check) {
  const auto& names = request_check_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == check) return i;
  return names.size();
}

// What each check promises when it finds nothing, in request_check_names() order.
constexpr std::array<string_view, 10> kPassText = {"only documented and common parameters",
                                                   "every required parameter",
                                                   "lists numbered 1..n within their maximum",
                                                   "values of the documented types",
                                                   "values within the documented sets",
                                                   "numbers within the documented range",
                                                   "lengths within the documented limits",
                                                   "no forbidden prefix",
                                                   "no forbidden substring",
                                                   "values matching the documented patterns"};

// The check results of one request, put in report order at the end.
class Collector {
 public:
  void fail(const char* check, string path, string expected, string actual) {
    failures_.push_back({check, false, std::move(expected), std::move(actual), std::move(path)});
  }
  std::vector<CheckResult> finish() && {
    const auto& names = request_check_names();
    std::vector<CheckResult> out;
    out.reserve(names.size() + failures_.size());
    std::stable_sort(failures_.begin(), failures_.end(), [](const auto& a, const auto& b) {
      return check_rank(a.check) < check_rank(b.check);
    });
    size_t f = 0;
    for (size_t i = 0; i < names.size(); ++i) {
      bool any = false;
      for (; f < failures_.size() && check_rank(failures_[f].check) == i; ++f) {
        out.push_back(std::move(failures_[f]));
        any = true;
      }
      if (!any) out.push_back({names[i], true, string(kPassText[i]), "ok", ""});
    }
    return out;
  }

 private:
  std::vector<CheckResult> failures_;
};

// The indices of one list in one request: "Tag" -> {1, 2}; "A.2.B" -> {1} for nested lists.
struct Group {
  string key;
  std::optional<int> max;
  std::set<int64_t> indices;
};

}  // namespace

string printable(string_view text, size_t max) {
  string out;
  size_t end = std::min(text.size(), max);
  // Cut on a character boundary.
  if (end < text.size())
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (end < text.size()) out += "...";
  return out;
}

bool is_common_param(string_view name) {
  static const std::set<string, std::less<>> names = {
      "Action",        "Version",         "Format",           "AccessKeyId",
      "Signature",     "SignatureMethod", "SignatureVersion", "SignatureNonce",
      "SignatureType", "Timestamp",       "SecurityToken",    "BearerToken"};
  return names.contains(name);
}

const std::vector<string>& request_check_names() {
  static const std::vector<string> names = {"unknown-parameter",
                                            "missing-required",
                                            "repeat-numbering",
                                            "type",
                                            "allowed-values",
                                            "range",
                                            "length",
                                            "forbidden-prefix",
                                            "forbidden-substring",
                                            "pattern"};
  return names;
}

RequestRules::RequestRules(const core::Contract& contract) : action_(contract.action) {
  // `field`: a row of a further table, or a field the page documents for a parameter
  // (Param::fields), checked below an Object-like parameter's items.
  auto add = [&](const core::Param& p, bool field) {
    if (p.name.empty()) return;
    Rule r;
    r.param = p;
    for (auto& seg : split_dots(p.name)) r.segments.push_back({seg, seg == "N" || seg == "n"});
    r.container = p.type == core::TypeClass::object;
    r.bare_list = (p.type == core::TypeClass::list || r.container) &&
                  std::none_of(r.segments.begin(), r.segments.end(),
                               [](const Segment& s) { return s.placeholder; });
    r.id_like = id_like(r.segments);
    if (p.pattern) {
      try {
        r.pattern.emplace(*p.pattern, std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        warnings_.push_back("the pattern of " + p.name +
                            " is not a regular expression: " + *p.pattern);
      }
    }
    (field ? fields_ : rules_).push_back(std::move(r));
  };
  for (const auto& p : contract.params) {
    add(p, p.table > 0);
    for (const auto& f : p.fields) add(f, true);
  }
  // A parameter documented twice in different case ("Tag.N.Key", "Tag.N.key") is a deprecated
  // spelling: both are accepted, and either satisfies a requirement.
  std::map<string, std::pair<string, size_t>> canonical;  // lower-case name -> (first, variant)
  for (auto& r : rules_) {
    string l = lower(r.param.name);
    auto [it, inserted] = canonical.try_emplace(l, r.param.name, variants_);
    if (inserted) ++variants_;
    if (r.param.name < it->second.first) it->second.first = r.param.name;
    r.variant = it->second.second;
  }
  for (auto& r : rules_) r.shadowed = canonical[lower(r.param.name)].first != r.param.name;
  for (size_t i = 0; i < rules_.size(); ++i)
    by_first_[rules_[i].segments.front().text].push_back(i);
}

std::vector<CheckResult> RequestRules::check(const core::Params& merged) const {
  Collector out;
  std::vector<Match> matches;  // per matched request parameter, in request order
  std::vector<std::vector<string>> matched_segs;
  std::vector<char> satisfied(variants_, 0);  // by Rule::variant: some parameter instantiates it

  // Value checks of one value against one documented parameter.
  auto check_value = [&](const Rule& rule, const string& name, const string& value) {
    const core::Param& p = rule.param;
    const string& t = p.type.spelling();
    const core::TypeClass cls = p.type.cls();
    bool type_ok = true;
    bool numeric = p.type.numeric();
    if (cls == core::TypeClass::integer && !integer_text(value)) {
      type_ok = false;
      out.fail("type", name, "an integer (" + t + ")", shown(name, value));
    } else if (cls == core::TypeClass::boolean && !iequals(value, "true") &&
               !iequals(value, "false")) {
      type_ok = false;
      out.fail("type", name, "true or false (" + t + ")", shown(name, value));
    } else if (cls == core::TypeClass::number && !number_value(value)) {
      type_ok = false;
      out.fail("type", name, "a number (" + t + ")", shown(name, value));
    }
    if (!p.allowed.empty() && !rule.id_like && type_ok) {
      bool ci = cls == core::TypeClass::boolean;
      bool found = std::any_of(p.allowed.begin(), p.allowed.end(), [&](const string& a) {
        return ci ? iequals(a, value) : a == value;
      });
      // Numbers compare by value: "1.0" is the documented "1".
      if (!found && numeric)
        if (auto v = number_value(value))
          found = std::any_of(p.allowed.begin(), p.allowed.end(), [&](const string& a) {
            auto av = number_value(a);
            return av && *av == *v;
          });
      if (!found)
        out.fail("allowed-values", name, "one of " + list_text(p.allowed), shown(name, value));
    }
    if (numeric && type_ok && (p.minimum || p.maximum)) {
      if (auto v = number_value(value)) {
        bool low = p.minimum && *v < *p.minimum;
        bool high = p.maximum && *v > *p.maximum;
        if (low || high) {
          string want = p.minimum && p.maximum
                            ? "between " + fmt_number(*p.minimum) + " and " + fmt_number(*p.maximum)
                        : p.minimum ? "at least " + fmt_number(*p.minimum)
                                    : "at most " + fmt_number(*p.maximum);
          out.fail("range", name, want, shown(name, value));
        }
      }
    }
    if (p.non_empty && value.empty()) {
      out.fail("length", name, "a non-empty value", "an empty value");
    } else if (p.min_length || p.max_length) {
      int64_t len = core::text::utf8_length(value);
      if ((p.min_length && len < *p.min_length) || (p.max_length && len > *p.max_length)) {
        string want = p.min_length && p.max_length
                          ? std::to_string(*p.min_length) + " to " + std::to_string(*p.max_length) +
                                " characters"
                      : p.min_length ? "at least " + std::to_string(*p.min_length) + " characters"
                                     : "at most " + std::to_string(*p.max_length) + " characters";
        out.fail("length", name, want, std::to_string(len) + " characters");
      }
    }
    for (const auto& pre : p.forbidden_prefixes)
      if (!pre.empty() && value.starts_with(pre)) {
        out.fail("forbidden-prefix", name, "a value not starting with \"" + pre + "\"",
                 shown(name, value));
        break;
      }
    for (const auto& sub : p.forbidden_substrings)
      if (!sub.empty() && value.find(sub) != string::npos) {
        out.fail("forbidden-substring", name, "a value without \"" + sub + "\"",
                 shown(name, value));
        break;
      }
    if (rule.pattern && value.size() <= kMaxPatternInput &&
        !std::regex_search(value, *rule.pattern))
      out.fail("pattern", name, "a value matching " + *p.pattern, shown(name, value));
  };

  std::vector<Group> groups;  // few per request: a linear search beats hashing
  auto group = [&](string key) -> Group& {
    for (auto& g : groups)
      if (g.key == key) return g;
    groups.push_back(Group{std::move(key), std::nullopt, {}});
    return groups.back();
  };
  auto find_group = [&](const string& key) -> const Group* {
    for (const auto& g : groups)
      if (g.key == key) return &g;
    return nullptr;
  };

  for (const auto& [name, value] : merged) {
    if (is_common_param(name)) {
      if (name == "Format" && !iequals(value, "JSON") && !iequals(value, "XML"))
        out.fail("allowed-values", name, "JSON or XML", shown(name, value));
      continue;
    }
    std::vector<string> segs = split_dots(name);
    Match m;
    bool found = false;
    // Exact spellings first, so that a literal "Filter.1.Key" wins over any pattern. A name's
    // first segment is never an index, so only the rules sharing it can match.
    auto candidates = by_first_.find(segs.front());
    if (candidates != by_first_.end()) {
      for (size_t i : candidates->second)
        if (match_rule(rules_[i], segs, false, m) && m.placeholder_at.empty() && !m.sub_name) {
          found = true;
          break;
        }
      if (!found)
        for (size_t i : candidates->second)
          if (match_rule(rules_[i], segs, false, m)) {
            found = true;
            break;
          }
    }
    // RegionId is an API parameter that every RPC action takes (docs/protocol.md 1.2) even where an
    // older page leaves it out of its table; documented, it is checked like any other.
    if (!found && name == "RegionId") continue;
    if (!found) {
      string hint;
      Match ci;
      for (const auto& r : rules_)
        if (match_rule(r, segs, true, ci)) {
          hint = " (documented as " + r.param.name + ")";
          break;
        }
      string shown_name = printable(name, kMaxShown);
      out.fail("unknown-parameter", shown_name,
               "a parameter documented for " + action_ + " or a common parameter",
               shown_name + "=" + shown(name, value) + hint);
      continue;
    }
    satisfied[m.rule->variant] = 1;
    // Indices: each must be a positive integer without leading zeros; the list it numbers is the
    // name up to that index.
    for (size_t k = 0; k < m.placeholder_at.size(); ++k) {
      size_t at = m.placeholder_at[k];
      const string& idx = segs[at];
      int64_t n = 0;
      auto [ptr, ec] = std::from_chars(idx.data(), idx.data() + idx.size(), n);
      bool canonical =
          ec == std::errc() && ptr == idx.data() + idx.size() && n >= 1 && idx[0] != '0';
      string key = join(segs, 0, at);
      if (!canonical) {
        out.fail("repeat-numbering", name,
                 "a positive index without leading zeros (" + key + ".1, " + key + ".2, ...)",
                 "index " + idx);
        continue;
      }
      Group& g = group(std::move(key));
      if (k == 0 && m.rule->param.repeat && m.rule->param.repeat->max)
        g.max = g.max ? std::min(*g.max, *m.rule->param.repeat->max) : *m.rule->param.repeat->max;
      g.indices.insert(n);
    }
    if (m.sub_name) {
      // A field of a structure documented in a further table ("Configuration.1.ZoneId").
      const string& last = segs.back();
      for (const auto& f : fields_)
        if (!f.segments.empty() && f.segments.back().text == last) {
          check_value(f, name, value);
          break;
        }
    } else if (!m.rule->container) {
      check_value(*m.rule, name, value);
    }
    matches.push_back(m);
    matched_segs.push_back(std::move(segs));
  }

  // Numbering of every list the request numbers.
  for (const auto& g : groups) {
    if (g.indices.empty()) continue;
    int64_t first = *g.indices.begin(), last = *g.indices.rbegin();
    if (first != 1) {
      out.fail("repeat-numbering", g.key + ".N", g.key + ".1 first (numbering starts at 1)",
               "first item " + g.key + "." + std::to_string(first));
    } else if (static_cast<int64_t>(g.indices.size()) != last) {
      std::vector<string> gaps;
      int64_t expect = 1;
      for (int64_t i : g.indices) {
        for (; expect < i && gaps.size() < 5; ++expect)
          gaps.push_back(g.key + "." + std::to_string(expect));
        expect = i + 1;
      }
      out.fail("repeat-numbering", g.key + ".N",
               "contiguous numbering " + g.key + ".1.." + g.key + "." + std::to_string(last),
               "missing " + list_text(gaps));
    }
    if (g.max && last > *g.max)
      out.fail("repeat-numbering", g.key + ".N", "at most " + std::to_string(*g.max) + " items",
               g.key + "." + std::to_string(last));
  }

  // Required parameters.
  bool has_version = std::any_of(merged.begin(), merged.end(),
                                 [](const auto& kv) { return kv.first == "Version"; });
  if (!has_version) out.fail("missing-required", "Version", "Version (required)", "absent");
  std::vector<char> reported(variants_, 0);
  for (const auto& r : rules_) {
    const core::Param& p = r.param;
    if (!p.required || is_common_param(p.name)) continue;
    if (!satisfied[r.variant]) {
      if (!reported[r.variant]) {
        reported[r.variant] = 1;
        out.fail("missing-required", p.name, p.name + " (required)", "absent");
      }
      continue;
    }
    // A required member of a list of structures ("Tag.N.Key" required): every item the request
    // sends must have it.
    auto first_ph = std::find_if(r.segments.begin(), r.segments.end(),
                                 [](const Segment& s) { return s.placeholder; });
    if (first_ph == r.segments.end() || first_ph + 1 == r.segments.end()) continue;
    size_t at = static_cast<size_t>(first_ph - r.segments.begin());
    std::vector<string> prefix;
    for (size_t i = 0; i < at; ++i) prefix.push_back(r.segments[i].text);
    const Group* g = find_group(join(prefix, 0, prefix.size()));
    if (!g) continue;
    for (int64_t idx : g->indices) {
      string index = std::to_string(idx);
      bool has = false;
      for (size_t i = 0; i < matches.size() && !has; ++i) {
        const Match& m = matches[i];
        has = m.rule->variant == r.variant && !m.placeholder_at.empty() &&
              m.placeholder_at[0] == at && matched_segs[i][at] == index;
      }
      if (has) continue;
      string concrete;
      bool first = true;
      for (const auto& s : r.segments) {
        if (!concrete.empty()) concrete += '.';
        concrete += s.placeholder ? (first ? index : string("1")) : s.text;
        if (s.placeholder) first = false;
      }
      out.fail("missing-required", concrete, concrete + " (required in every item)", "absent");
    }
  }
  return std::move(out).finish();
}

std::vector<CheckResult> check_request(const core::Contract& contract, const core::Params& merged) {
  return RequestRules(contract).check(merged);
}

}  // namespace popcheck::core
