// Tables that describe the fields of one JSON-valued request parameter (tables.hpp: attach_fields).
// Pages write them under the parameter table, labelled by a heading ("Sources各字段含义"), a line
// of text ("Sources参数", "The following table describes the Configuration data type") or only a
// bullet naming a variant ("-   PING"). Read as parameters they would be top-level and some
// required, which no request ever sends; attached to their parameter they say what its value holds.
#include <algorithm>
#include <set>

#include "core/compile/tables.hpp"
#include "core/input_limits.hpp"
#include "core/support/text.hpp"

namespace popcheck::core::doc {

namespace {

using std::string_view;
constexpr size_t npos = string_view::npos;

// The keys of a JSON object example, or of the objects of a JSON array example.
std::set<std::string> example_keys(const std::string& example) {
  std::set<std::string> keys;
  string_view t = text::trim(example);
  if (t.empty() || (t.front() != '{' && t.front() != '[')) return keys;
  auto j = parse_ordered_json(t, "example");
  if (!j) return keys;
  auto add = [&](const ojson& o) {
    if (o.is_object())
      for (auto it = o.begin(); it != o.end(); ++it) keys.insert(it.key());
  };
  if (j->is_array())
    for (const auto& o : *j) add(o);
  else
    add(*j);
  return keys;
}

// "Configuration.N" -> "Configuration", "Tag.N.Key" -> "Tag.N.Key" (only a trailing .N goes).
std::string base_name(const std::string& name) {
  for (string_view suffix : {".N", ".n"})
    if (name.size() > suffix.size() && name.ends_with(suffix))
      return name.substr(0, name.size() - suffix.size());
  return name;
}

bool word_char(char c) { return text::is_alnum(c) || c == '_' || c == '.'; }

// Where `word` first stands in `label` as a whole word; npos when it does not.
size_t find_word(string_view label, string_view word) {
  if (word.empty()) return npos;
  for (size_t p = label.find(word); p != npos; p = label.find(word, p + 1)) {
    bool left = p == 0 || !word_char(label[p - 1]);
    size_t e = p + word.size();
    bool right = e >= label.size() || !word_char(label[e]);
    if (left && right) return p;
  }
  return npos;
}

std::optional<size_t> owner_by_example(const std::vector<Param>& params, const Table& t) {
  std::set<std::string> names;
  int name = t.col(Role::Name);
  for (const auto& row : t.rows) names.insert(strip_depth(cell(row, name)).first);
  std::optional<size_t> best;
  size_t best_hits = 0;
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].depth != 0) continue;
    size_t hits = 0;
    for (const auto& k : example_keys(params[i].example)) hits += names.count(k);
    if (hits > best_hits) {
      best_hits = hits;
      best = i;
    }
  }
  return best;
}

std::optional<size_t> owner_by_label(const std::vector<Param>& params, string_view label) {
  std::optional<size_t> best;
  size_t best_at = npos;
  for (size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    if (p.depth != 0 || p.name == "Action") continue;
    size_t at = find_word(label, base_name(p.name));
    if (at == npos && !p.type.scalar()) at = find_word(label, p.type.spelling());
    if (at < best_at) {
      best_at = at;
      best = i;
    }
  }
  return best;
}

std::string first_line(string_view s) {
  std::string l = text::collapse_whitespace(s.substr(0, s.find('\n')));
  return l.size() > 80 ? l.substr(0, 77) + "..." : l;
}

}  // namespace

void attach_fields(std::vector<Param>& params, const std::vector<std::string>& first_header,
                   std::vector<FieldTable>& tables, std::vector<std::string>& warnings) {
  std::optional<size_t> previous;
  std::vector<Param> continued;
  for (auto& ft : tables) {
    const Table& t = ft.table;
    std::optional<size_t> owner = owner_by_example(params, t);
    if (!owner) owner = owner_by_label(params, ft.label);
    if (!owner && ft.in_request && t.header != first_header) owner = previous;
    if (owner) {
      Param& p = params[*owner];
      for (const auto& row : t.rows) p.fields.push_back(param_from_row(t, row, warnings));
      previous = owner;
      continue;
    }
    if (ft.in_request && t.header == first_header) {
      // The parameter table broken in two by a note: the second part continues it.
      for (const auto& row : t.rows) {
        Param p = param_from_row(t, row, warnings);
        p.table = ft.ordinal;
        continued.push_back(std::move(p));
      }
      continue;
    }
    if (ft.in_request)
      warnings.push_back("line " + std::to_string(t.line + 1) +
                         ": a table of parameter fields names no parameter of the page (label '" +
                         first_line(ft.label) + "'); its " + std::to_string(t.rows.size()) +
                         " rows are not read as request parameters");
  }
  params.insert(params.end(), continued.begin(), continued.end());
}

}  // namespace popcheck::core::doc
