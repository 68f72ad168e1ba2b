#include "core/check/snapshot.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <pugixml.hpp>
#include <regex>

#include "core/input_limits.hpp"

namespace popcheck::core {

namespace {

using core::ojson;

// A comparison stops listing differences after this many: one broken array would otherwise
// produce a failure per element. The rest are counted in one more result.
constexpr size_t kMaxDifferences = 20;

// Id prefixes and the kinds they name. The same table turns a reference's kind back into the
// prefix an answer's id must carry.
constexpr std::array<std::pair<std::string_view, std::string_view>, 24> kIdKinds = {{
    {"i", "instance"},
    {"d", "disk"},
    {"s", "snapshot"},
    {"m", "image"},
    {"sg", "security-group"},
    {"vpc", "vpc"},
    {"vsw", "vswitch"},
    {"vtb", "route-table"},
    {"rtb", "route-table-v2"},
    {"eip", "eip"},
    {"vpn", "vpn-gateway"},
    {"ngw", "nat-gateway"},
    {"eni", "network-interface"},
    {"asg", "scaling-group"},
    {"asa", "scaling-activity"},
    {"asc", "scaling-configuration"},
    {"asr", "scaling-rule"},
    {"lb", "load-balancer"},
    {"rm", "db-instance"},
    {"dh", "dedicated-host"},
    {"lt", "launch-template"},
    {"sp", "snapshot-policy"},
    {"kp", "key-pair"},
    {"fault", "fault"},
}};

std::string prefix_of_kind(std::string_view kind) {
  for (const auto& [p, k] : kIdKinds)
    if (k == kind) return std::string(p);
  if (kind.starts_with("other-")) kind.remove_prefix(6);  // see id_kind
  return std::string(kind);
}

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

const std::regex& token_re() {
  static const std::regex re(R"(<(request-id|timestamp|uuid|([a-z][a-z0-9-]*)-id:[0-9]+)>)");
  return re;
}

enum class Found { none, timestamp, uuid, id };

// Small matchers of the value shapes (hand-written: they run at every word start of every string
// of a body, where std::regex costs microseconds each). Each returns the length matched at s[i],
// or 0.
bool digits(std::string_view s, size_t i, size_t n) {
  if (i + n > s.size()) return false;
  for (size_t k = i; k < i + n; ++k)
    if (!std::isdigit(static_cast<unsigned char>(s[k]))) return false;
  return true;
}
bool hex(std::string_view s, size_t i, size_t n) {
  if (i + n > s.size()) return false;
  for (size_t k = i; k < i + n; ++k)
    if (!std::isxdigit(static_cast<unsigned char>(s[k]))) return false;
  return true;
}
bool at_char(std::string_view s, size_t i, char c) { return i < s.size() && s[i] == c; }

// YYYY-MM-DDThh:mm[:ss[.fraction]][Z|+hh[:]mm|-hh[:]mm]
size_t timestamp_length(std::string_view s, size_t i) {
  size_t p = i;
  if (!digits(s, p, 4) || !at_char(s, p + 4, '-') || !digits(s, p + 5, 2) ||
      !at_char(s, p + 7, '-') || !digits(s, p + 8, 2) || !at_char(s, p + 10, 'T') ||
      !digits(s, p + 11, 2) || !at_char(s, p + 13, ':') || !digits(s, p + 14, 2))
    return 0;
  p += 16;
  if (at_char(s, p, ':') && digits(s, p + 1, 2)) {
    p += 3;
    if (at_char(s, p, '.') && digits(s, p + 1, 1)) {
      p += 1;
      while (digits(s, p, 1)) ++p;
    }
  }
  if (at_char(s, p, 'Z')) {
    ++p;
  } else if ((at_char(s, p, '+') || at_char(s, p, '-')) && digits(s, p + 1, 2)) {
    if (digits(s, p + 3, 2))
      p += 5;
    else if (at_char(s, p + 3, ':') && digits(s, p + 4, 2))
      p += 6;
  }
  return p - i;
}

// 8-4-4-4-12 hexadecimal digits.
size_t uuid_length(std::string_view s, size_t i) {
  size_t p = i;
  for (size_t n : {8, 4, 4, 4, 12}) {
    if (p != i && !at_char(s, p++, '-')) return 0;
    if (!hex(s, p, n)) return 0;
    p += n;
  }
  return p - i;
}

// 1-5 lowercase letters, '-', lowercase letters and digits with at least one digit.
size_t id_length(std::string_view s, size_t i) {
  size_t p = i;
  while (p < s.size() && p - i < 6 && std::islower(static_cast<unsigned char>(s[p]))) ++p;
  if (p == i || p - i > 5 || !at_char(s, p, '-')) return 0;
  ++p;
  size_t start = p;
  bool digit = false;
  while (p < s.size() && (std::islower(static_cast<unsigned char>(s[p])) ||
                          std::isdigit(static_cast<unsigned char>(s[p])))) {
    digit = digit || std::isdigit(static_cast<unsigned char>(s[p]));
    ++p;
  }
  return p > start && digit ? p - i : 0;
}

// What starts at s[i] (a word start), and its length. Each match must end at a word boundary.
std::pair<Found, size_t> match_at(std::string_view s, size_t i) {
  auto ends_word = [&](size_t end, bool dash_glues) {
    if (end >= s.size()) return true;
    char c = s[end];
    if (c == '-') return !dash_glues;
    return std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_';
  };
  if (size_t n = timestamp_length(s, i); n > 0 && ends_word(i + n, false))
    return {Found::timestamp, n};
  if (size_t n = uuid_length(s, i); n > 0 && ends_word(i + n, true)) return {Found::uuid, n};
  if (size_t n = id_length(s, i); n > 0 && ends_word(i + n, true)) return {Found::id, n};
  return {Found::none, 0};
}

// Calls on_text for literal runs and on_found for each volatile value, in order.
template <class Text, class Hit>
void scan(std::string_view s, Text on_text, Hit on_found) {
  size_t literal = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (i == 0 || !word_char(s[i - 1])) {
      auto [kind, len] = match_at(s, i);
      if (kind != Found::none) {
        if (i > literal) on_text(s.substr(literal, i - literal));
        on_found(kind, s.substr(i, len));
        i += len;
        literal = i;
        continue;
      }
    }
    ++i;
  }
  if (literal < s.size()) on_text(s.substr(literal));
}

ojson element_tree(pugi::xml_node n) {
  bool children = false;
  for (auto c : n.children())
    if (c.type() == pugi::node_element) children = true;
  if (!children) return std::string(n.text().get());
  ojson o = ojson::object();
  for (auto c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    ojson value = element_tree(c);
    auto it = o.find(c.name());
    if (it == o.end()) {
      o[c.name()] = std::move(value);
    } else {
      // A repeated name: the values so far become an array (element values are never arrays
      // themselves, so an array here always means "repeated").
      if (!it->is_array()) *it = ojson::array({std::move(*it)});
      it->push_back(std::move(value));
    }
  }
  return o;
}

std::string kind_name(const ojson& v) {
  switch (v.type()) {
    case ojson::value_t::object:
      return "object";
    case ojson::value_t::array:
      return "array";
    case ojson::value_t::string:
      return "string";
    case ojson::value_t::boolean:
      return "boolean";
    case ojson::value_t::number_integer:
    case ojson::value_t::number_unsigned:
      return "integer";
    case ojson::value_t::number_float:
      return "number";
    case ojson::value_t::null:
      return "null";
    default:
      return "unknown";
  }
}

// A value for a report line: JSON text, shortened so that one difference stays one line.
std::string show(const ojson& v) {
  std::string s = v.dump(-1, ' ', false, ojson::error_handler_t::replace);
  if (s.size() > 200) s = s.substr(0, 197) + "...";
  return s;
}

// Path segments: "Items.Item[0].Name" -> Items, Item, [0], Name.
std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  if (path.starts_with("$.")) path.remove_prefix(2);
  if (path == "$") return out;
  std::string cur;
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '.') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else if (c == '[') {
      if (!cur.empty()) out.push_back(std::move(cur));
      size_t close = path.find(']', i);
      if (close == std::string_view::npos) close = path.size() - 1;
      out.emplace_back(path.substr(i, close - i + 1));
      cur.clear();
      i = close;
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

class Comparer {
 public:
  explicit Comparer(const SnapshotOptions& options) : options_(options) {
    for (const auto& [ref, value] : options.refs) {
      ref_to_value_[ref] = value;
      value_to_ref_[value] = ref;
    }
  }

  void value(const ojson& expected, const ojson& actual, const std::string& path) {
    if (expected.is_string() && actual.is_string()) {
      string_value(expected.get<std::string>(), actual.get<std::string>(), path);
      return;
    }
    if (kind_name(expected) != kind_name(actual)) {
      differ(path, kind_name(expected) + " " + show(expected),
             kind_name(actual) + " " + show(actual));
      return;
    }
    if (expected.is_object()) {
      object(expected, actual, path);
    } else if (expected.is_array()) {
      if (expected.size() != actual.size())
        differ(path, std::to_string(expected.size()) + " items",
               std::to_string(actual.size()) + " items");
      for (size_t i = 0; i < std::min(expected.size(), actual.size()); ++i)
        at(expected[i], actual[i], path + "[" + std::to_string(i) + "]");
    } else if (expected != actual) {
      differ(path, show(expected), show(actual));
    }
  }

  // One node after the skip list has had its say.
  void at(const ojson& expected, const ojson& actual, const std::string& path) {
    if (skipped(path)) return;
    value(expected, actual, path);
  }

  void object(const ojson& expected, const ojson& actual, const std::string& path) {
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      if (path.empty() && options_.owned.contains(it.key())) continue;
      std::string p = path.empty() ? it.key() : path + "." + it.key();
      if (skipped(p)) continue;
      auto found = actual.find(it.key());
      if (found == actual.end())
        differ(p, show(it.value()), "missing");
      else
        value(it.value(), *found, p);
    }
    for (auto it = actual.begin(); it != actual.end(); ++it) {
      if (expected.contains(it.key())) continue;
      if (path.empty() && options_.owned.contains(it.key())) continue;
      std::string p = path.empty() ? it.key() : path + "." + it.key();
      if (skipped(p)) continue;
      differ(p, "absent", show(it.value()));
    }
  }

  SnapshotComparison finish() && {
    if (count_ > out_.differences.size())
      out_.differences.push_back(
          {"snapshot", false, "",
           std::to_string(count_ - out_.differences.size()) + " more differences", ""});
    return std::move(out_);
  }

 private:
  bool skipped(const std::string& path) {
    for (const auto& pattern : options_.skip)
      if (path_selected(pattern, path)) {
        out_.skipped.push_back(path);
        return true;
      }
    return false;
  }

  void differ(std::string path, std::string expected, std::string actual) {
    ++count_;
    if (out_.differences.size() < kMaxDifferences)
      out_.differences.push_back(
          {"snapshot", false, std::move(expected), std::move(actual), std::move(path)});
  }

  // The length of the value of `token`'s kind that starts at actual[pos], or npos. The values are
  // found as the normaliser found them (match_at), so a recorded string and its snapshot agree on
  // where each volatile value begins and ends.
  static size_t value_at(const std::string& token, std::string_view actual, size_t pos,
                         bool whole) {
    constexpr size_t none = std::string_view::npos;
    if (token == "<request-id>") {
      if (whole) return actual.empty() ? none : actual.size();
      size_t end = pos;
      while (end < actual.size() &&
             (std::isalnum(static_cast<unsigned char>(actual[end])) || actual[end] == '-'))
        ++end;
      return end > pos ? end - pos : none;
    }
    if (pos >= actual.size() || (pos > 0 && word_char(actual[pos - 1]))) return none;
    auto [kind, len] = match_at(actual, pos);
    if (token == "<timestamp>") return kind == Found::timestamp ? len : none;
    if (token == "<uuid>") return kind == Found::uuid ? len : none;
    if (kind != Found::id) return none;
    // "<instance-id:1>": the id's prefix must be the one of its kind.
    std::string_view t = token;
    std::string_view ref_kind = t.substr(1, t.rfind("-id:") - 1);
    std::string_view value = actual.substr(pos, len);
    return value.substr(0, value.find('-')) == prefix_of_kind(ref_kind) ? len : none;
  }

  void string_value(const std::string& expected, const std::string& actual,
                    const std::string& path) {
    if (expected.find('<') == std::string::npos) {  // no token: the common case, kept cheap
      if (expected != actual) differ(path, show(expected), show(actual));
      return;
    }
    // Literal runs between tokens, and the tokens.
    std::vector<std::string> literals, tokens;
    size_t at = 0;
    for (std::sregex_iterator it(expected.begin(), expected.end(), token_re()), end; it != end;
         ++it) {
      auto pos = static_cast<size_t>(it->position(0));
      literals.push_back(expected.substr(at, pos - at));
      tokens.push_back(it->str(0));
      at = pos + static_cast<size_t>(it->length(0));
    }
    literals.push_back(expected.substr(at));
    if (tokens.empty()) {
      if (expected != actual) differ(path, show(expected), show(actual));
      return;
    }
    bool whole = tokens.size() == 1 && expected == tokens.front();
    // Literal, value, literal, value, ..., literal: each literal exactly, each value of its kind.
    std::vector<std::string> values;
    std::string_view rest = actual;
    size_t pos = 0;
    bool matched = true;
    for (size_t i = 0; i < tokens.size() && matched; ++i) {
      if (!rest.substr(pos).starts_with(literals[i])) {
        matched = false;
        break;
      }
      pos += literals[i].size();
      size_t len = value_at(tokens[i], rest, pos, whole);
      if (len == std::string_view::npos) {
        matched = false;
        break;
      }
      values.emplace_back(rest.substr(pos, len));
      pos += len;
    }
    if (!matched || rest.substr(pos) != literals.back()) {
      differ(path, show(expected), show(actual));
      return;
    }
    for (size_t i = 0; i < tokens.size(); ++i) {
      const std::string& token = tokens[i];
      if (token.find("-id:") == std::string::npos) continue;  // only references bind
      const std::string& value = values[i];
      auto bound = ref_to_value_.find(token);
      if (bound != ref_to_value_.end()) {
        if (bound->second != value)
          differ(path, token + " (bound to " + bound->second + ")", show(actual));
        continue;
      }
      auto taken = value_to_ref_.find(value);
      if (taken != value_to_ref_.end()) {
        differ(path, token + " (another id than " + taken->second + ")", show(actual));
        continue;
      }
      ref_to_value_[token] = value;
      value_to_ref_[value] = token;
    }
  }

  const SnapshotOptions& options_;
  std::map<std::string, std::string> ref_to_value_, value_to_ref_;
  SnapshotComparison out_;
  size_t count_ = 0;
};

}  // namespace

Expected<ojson> body_tree(std::string_view body, bool xml) {
  if (xml) {
    pugi::xml_document doc;
    // Within the input limits: element_tree and every later walk of the tree recurse.
    if (auto loaded = core::load_xml(doc, body, "response body"); !loaded)
      return fail("snapshot.parse", loaded.error().message);
    if (!doc.document_element()) return fail("snapshot.parse", "an XML document without a root");
    ojson tree = element_tree(doc.document_element());
    if (!tree.is_object()) tree = ojson::object();  // a root without child elements
    return tree;
  }
  auto j = core::parse_ordered_json(body, "response body");
  if (!j) return fail("snapshot.parse", j.error().message);
  return std::move(*j);
}

std::string id_kind(std::string_view prefix) {
  for (const auto& [p, k] : kIdKinds)
    if (p == prefix) return std::string(k);
  // An unknown prefix that happens to spell a known kind ("disk-1a" is not a "d-" disk) gets a
  // kind of its own, so that its references never mix with that kind's.
  for (const auto& [p, k] : kIdKinds)
    if (k == prefix) return "other-" + std::string(prefix);
  return std::string(prefix);
}

std::string Normaliser::reference(std::string_view id) {
  if (auto it = refs_.find(id); it != refs_.end()) return it->second;
  std::string kind = id_kind(id.substr(0, id.find('-')));
  int n = ++counters_[kind];
  std::string ref = "<" + kind + "-id:" + std::to_string(n) + ">";
  refs_.emplace(std::string(id), ref);
  return ref;
}

std::string Normaliser::normalise_text(std::string_view text) {
  std::string out;
  scan(
      text, [&](std::string_view literal) { out += literal; },
      [&](Found kind, std::string_view value) {
        if (kind == Found::timestamp)
          out += "<timestamp>";
        else if (kind == Found::uuid)
          out += "<uuid>";
        else
          out += reference(value);
      });
  return out;
}

std::vector<std::pair<std::string, std::string>> Normaliser::references_in(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  scan(
      text, [](std::string_view) {},
      [&](Found kind, std::string_view value) {
        if (kind != Found::id) return;
        std::string id(value);
        if (std::none_of(out.begin(), out.end(), [&](const auto& p) { return p.first == id; }))
          out.emplace_back(id, reference(id));
      });
  return out;
}

ojson Normaliser::normalise(const ojson& tree) { return normalise(tree, false); }

ojson Normaliser::normalise(const ojson& tree, bool request_id_key) {
  if (tree.is_string()) {
    if (request_id_key) return "<request-id>";
    return normalise_text(tree.get_ref<const std::string&>());
  }
  if (tree.is_object()) {
    ojson out = ojson::object();
    for (auto it = tree.begin(); it != tree.end(); ++it)
      out[it.key()] = normalise(it.value(), it.key() == "RequestId");
    return out;
  }
  if (tree.is_array()) {
    ojson out = ojson::array();
    for (const auto& v : tree) out.push_back(normalise(v, request_id_key));
    return out;
  }
  return tree;
}

std::string message_template(std::string_view normalised) {
  std::string s(normalised);
  return std::regex_replace(s, token_re(), "%s");
}

bool path_selected(std::string_view pattern, std::string_view path) {
  auto want = segments(pattern);
  auto have = segments(path);
  if (want.empty() || want.size() > have.size()) return false;
  for (size_t i = 0; i < want.size(); ++i) {
    const std::string& w = want[i];
    const std::string& h = have[i];
    bool w_index = w.starts_with('[');
    bool h_index = h.starts_with('[');
    if (w_index != h_index) return false;
    if (w == "*" || w == "[*]") continue;
    if (w != h) return false;
  }
  return true;
}

SnapshotComparison compare_snapshot(const ojson& snapshot, const ojson& actual,
                                    const SnapshotOptions& options) {
  Comparer c(options);
  c.value(snapshot, actual, "");
  return std::move(c).finish();
}

}  // namespace popcheck::core
