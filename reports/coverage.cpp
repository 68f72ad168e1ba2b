#include "reports/coverage.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "reports/escape.hpp"

namespace popcheck::reports {

namespace {

using core::CaseStatus;

bool ran(CaseStatus s) { return s == CaseStatus::passed || s == CaseStatus::failed; }

// The state of a code one case of the run gives it.
CodeState state_of(CaseStatus s) {
  switch (s) {
    case CaseStatus::passed:
      return CodeState::passed;
    case CaseStatus::failed:
      return CodeState::failed;
    case CaseStatus::error:
      return CodeState::error;
    case CaseStatus::skipped:
      return CodeState::skipped;
  }
  return CodeState::error;
}

using Key = std::pair<std::string, std::string>;  // product, action

ActionCoverage& action_of(std::map<Key, ActionCoverage>& actions, const std::string& product,
                          const std::string& action, const std::string& version) {
  auto& a = actions[{product, action}];
  if (a.action.empty()) {
    a.product = product;
    a.action = action;
    a.version = version;
  }
  return a;
}

ErrorCodeCoverage* find_code(ActionCoverage& a, const std::string& code) {
  for (auto& e : a.errors)
    if (e.code == code) return &e;
  return nullptr;
}

}  // namespace

std::string_view to_string(CodeState s) {
  static constexpr std::string_view kNames[] = {"passed",  "failed",  "error",
                                                "skipped", "not-run", "no-case"};
  return kNames[static_cast<size_t>(s)];
}

Coverage compute_coverage(const core::RunReport& report,
                          const std::vector<core::CatalogueEntry>& catalogue) {
  Coverage out;
  out.catalogue = !catalogue.empty();
  std::map<Key, ActionCoverage> actions;
  // Catalogue cases by id: the code an error case expects lives there.
  std::unordered_map<std::string, const core::Case*> catalogue_cases;

  for (const auto& e : catalogue) {
    auto& a = action_of(actions, e.contract.product, e.contract.action, e.contract.version);
    a.documented = true;
    // Rows may repeat a code (one per HTTP status or message variant); a code is covered once.
    for (const auto& row : e.contract.errors) {
      if (row.code.empty() || find_code(a, row.code)) continue;
      a.errors.push_back(ErrorCodeCoverage{row.code, row.http, true, CodeState::no_case, {}});
    }
    for (const auto& c : e.cases) {
      catalogue_cases.emplace(c.id, &c);
      if (c.kind == core::CaseKind::example) ++a.examples_documented;
      if (c.kind == core::CaseKind::error && c.expect.code)
        if (auto* code = find_code(a, *c.expect.code); code && code->state == CodeState::no_case)
          code->state = CodeState::not_run;
    }
  }

  for (const auto& c : report.cases) {
    auto& a = action_of(actions, c.product, c.action, c.version);
    ++a.cases_total;
    if (ran(c.status)) ++a.cases_run;
    if (c.status == CaseStatus::skipped) a.skips.push_back(SkipEntry{c.id, c.skip_reason});
    if (c.kind == core::CaseKind::example && ran(c.status)) {
      ++a.examples_run;
      if (c.status == CaseStatus::passed) ++a.examples_passed;
    }
    if (c.kind != core::CaseKind::error) continue;
    std::string code;
    if (auto it = catalogue_cases.find(c.id);
        it != catalogue_cases.end() && it->second->expect.code)
      code = *it->second->expect.code;
    if (code.empty())
      for (const auto& check : c.checks)
        if (check.check == "code" && !check.passed) code = check.expected;
    if (code.empty()) continue;  // an error case whose code cannot be known (passed, no catalogue)
    auto* entry = find_code(a, code);
    if (!entry) {
      a.errors.push_back(ErrorCodeCoverage{code, std::nullopt, false, CodeState::not_run, {}});
      entry = &a.errors.back();
    }
    entry->cases.push_back(c.id);
    // The best state any of its cases gives (CodeState is declared best first).
    entry->state = std::min(entry->state, state_of(c.status));
  }

  for (auto& [key, a] : actions) {
    for (const auto& e : a.errors) {
      if (!e.documented) continue;
      ++a.codes_documented;
      if (e.state == CodeState::passed || e.state == CodeState::failed) ++a.codes_exercised;
      if (e.state == CodeState::passed) ++a.codes_passed;
    }
    auto& t = out.totals;
    t.actions_documented += a.documented;
    t.actions_run += a.cases_run > 0;
    t += a;
    t.skipped += static_cast<int>(a.skips.size());
    out.actions.push_back(std::move(a));
  }
  return out;
}

namespace {

// The counts with their JSON keys, in the order to_json writes them.
using Count = int CodeAndExampleCounts::*;
constexpr std::pair<const char*, Count> kCounts[] = {
    {"codes_documented", &CodeAndExampleCounts::codes_documented},
    {"codes_exercised", &CodeAndExampleCounts::codes_exercised},
    {"codes_passed", &CodeAndExampleCounts::codes_passed},
    {"examples_documented", &CodeAndExampleCounts::examples_documented},
    {"examples_run", &CodeAndExampleCounts::examples_run},
    {"examples_passed", &CodeAndExampleCounts::examples_passed}};

void write_counts(core::ojson& o, const CodeAndExampleCounts& c) {
  for (const auto& [key, count] : kCounts) o[key] = c.*count;
}

}  // namespace

CodeAndExampleCounts& CodeAndExampleCounts::operator+=(const CodeAndExampleCounts& other) {
  for (const auto& [key, count] : kCounts) this->*count += other.*count;
  return *this;
}

core::ojson to_json(const Coverage& coverage) {
  using core::ojson;
  const auto& t = coverage.totals;
  ojson j;
  j["catalogue"] = coverage.catalogue;
  ojson totals{{"actions_documented", t.actions_documented}, {"actions_run", t.actions_run}};
  write_counts(totals, t);
  totals["skipped"] = t.skipped;
  j["totals"] = std::move(totals);
  ojson actions = ojson::array();
  for (const auto& a : coverage.actions) {
    ojson o;
    o["product"] = a.product;
    o["version"] = a.version;
    o["action"] = a.action;
    o["documented"] = a.documented;
    write_counts(o, a);
    o["cases_run"] = a.cases_run;
    o["cases_total"] = a.cases_total;
    ojson errors = ojson::array();
    for (const auto& e : a.errors) {
      ojson x;
      x["code"] = e.code;
      if (e.http) x["http"] = *e.http;
      x["documented"] = e.documented;
      x["state"] = std::string(to_string(e.state));
      x["cases"] = e.cases;
      errors.push_back(std::move(x));
    }
    o["errors"] = std::move(errors);
    ojson skips = ojson::array();
    for (const auto& s : a.skips) skips.push_back(ojson{{"id", s.id}, {"reason", s.reason}});
    o["skips"] = std::move(skips);
    actions.push_back(std::move(o));
  }
  j["actions"] = std::move(actions);
  return j;
}

std::string render_coverage_markdown(const core::ojson& coverage, size_t max_rows) {
  auto num = [](const core::ojson& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_number_integer() ? it->get<int>() : 0;
  };
  auto str = [](const core::ojson& o, const char* key) {
    auto it = o.find(key);
    return markdown_cell(it != o.end() && it->is_string() ? it->get<std::string>() : "");
  };
  std::ostringstream out;
  core::ojson totals = coverage.value("totals", core::ojson::object());
  out << "### Coverage\n\n";
  if (!coverage.value("catalogue", false))
    out << "No catalogue was given: documented figures are 0.\n\n";
  out << "| | Exercised | Documented |\n|---|---:|---:|\n"
      << "| Error codes (passed " << num(totals, "codes_passed") << ") | "
      << num(totals, "codes_exercised") << " | " << num(totals, "codes_documented") << " |\n"
      << "| Example cases (passed " << num(totals, "examples_passed") << ") | "
      << num(totals, "examples_run") << " | " << num(totals, "examples_documented") << " |\n"
      << "| Actions | " << num(totals, "actions_run") << " | " << num(totals, "actions_documented")
      << " |\n\nSkipped cases: " << num(totals, "skipped") << ".\n";
  // The actions with gaps, least covered first (by the share of documented codes and examples run).
  std::vector<const core::ojson*> gaps;
  if (auto it = coverage.find("actions"); it != coverage.end() && it->is_array())
    for (const auto& a : *it)
      if (num(a, "codes_exercised") < num(a, "codes_documented") ||
          num(a, "examples_run") < num(a, "examples_documented"))
        gaps.push_back(&a);
  auto share = [&](const core::ojson* a) {
    int d = num(*a, "codes_documented") + num(*a, "examples_documented");
    return d ? double(num(*a, "codes_exercised") + num(*a, "examples_run")) / d : 1.0;
  };
  std::stable_sort(gaps.begin(), gaps.end(),
                   [&](const core::ojson* a, const core::ojson* b) { return share(a) < share(b); });
  if (gaps.empty()) return out.str();
  out << "\n| Action | Error codes exercised | Examples run | Skipped |\n|---|---:|---:|---:|\n";
  size_t n = 0;
  for (const auto* a : gaps) {
    if (n++ == max_rows) break;
    size_t skips = a->contains("skips") && (*a)["skips"].is_array() ? (*a)["skips"].size() : 0;
    out << "| " << str(*a, "product") << "." << str(*a, "action") << " | "
        << num(*a, "codes_exercised") << " / " << num(*a, "codes_documented") << " | "
        << num(*a, "examples_run") << " / " << num(*a, "examples_documented") << " | " << skips
        << " |\n";
  }
  if (gaps.size() > max_rows) out << "\n... and " << gaps.size() - max_rows << " more.\n";
  return out.str();
}

}  // namespace popcheck::reports
