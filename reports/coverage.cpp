#include "reports/coverage.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

namespace popcheck::reports {

namespace {

using check::CaseStatus;

// Position of a state in the order documented in coverage.hpp: lower is better.
int rank(const std::string& state) {
  static const char* order[] = {"passed", "failed", "error", "skipped", "not-run", "no-case"};
  for (int i = 0; i < 6; ++i)
    if (state == order[i]) return i;
  return 6;
}

bool ran(CaseStatus s) { return s == CaseStatus::passed || s == CaseStatus::failed; }

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

Coverage compute_coverage(const check::RunReport& report,
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
      a.errors.push_back(ErrorCodeCoverage{row.code, row.http, true, "no-case", {}});
    }
    for (const auto& c : e.cases) {
      catalogue_cases.emplace(c.id, &c);
      if (c.kind == core::CaseKind::example) ++a.examples_documented;
      if (c.kind == core::CaseKind::error && c.expect.code)
        if (auto* code = find_code(a, *c.expect.code); code && code->state == "no-case")
          code->state = "not-run";
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
      a.errors.push_back(ErrorCodeCoverage{code, std::nullopt, false, "not-run", {}});
      entry = &a.errors.back();
    }
    entry->cases.push_back(c.id);
    std::string state = check::to_string(c.status);
    if (rank(state) < rank(entry->state)) entry->state = state;
  }

  for (auto& [key, a] : actions) {
    for (const auto& e : a.errors) {
      if (!e.documented) continue;
      ++a.codes_documented;
      if (e.state == "passed" || e.state == "failed") ++a.codes_exercised;
      if (e.state == "passed") ++a.codes_passed;
    }
    auto& t = out.totals;
    t.actions_documented += a.documented;
    t.actions_run += a.cases_run > 0;
    t.codes_documented += a.codes_documented;
    t.codes_exercised += a.codes_exercised;
    t.codes_passed += a.codes_passed;
    t.examples_documented += a.examples_documented;
    t.examples_run += a.examples_run;
    t.examples_passed += a.examples_passed;
    t.skipped += static_cast<int>(a.skips.size());
    out.actions.push_back(std::move(a));
  }
  return out;
}

core::ojson to_json(const Coverage& coverage) {
  using core::ojson;
  const auto& t = coverage.totals;
  ojson j;
  j["catalogue"] = coverage.catalogue;
  j["totals"] = ojson{{"actions_documented", t.actions_documented},
                      {"actions_run", t.actions_run},
                      {"codes_documented", t.codes_documented},
                      {"codes_exercised", t.codes_exercised},
                      {"codes_passed", t.codes_passed},
                      {"examples_documented", t.examples_documented},
                      {"examples_run", t.examples_run},
                      {"examples_passed", t.examples_passed},
                      {"skipped", t.skipped}};
  ojson actions = ojson::array();
  for (const auto& a : coverage.actions) {
    ojson o;
    o["product"] = a.product;
    o["version"] = a.version;
    o["action"] = a.action;
    o["documented"] = a.documented;
    o["codes_documented"] = a.codes_documented;
    o["codes_exercised"] = a.codes_exercised;
    o["codes_passed"] = a.codes_passed;
    o["examples_documented"] = a.examples_documented;
    o["examples_run"] = a.examples_run;
    o["examples_passed"] = a.examples_passed;
    o["cases_run"] = a.cases_run;
    o["cases_total"] = a.cases_total;
    ojson errors = ojson::array();
    for (const auto& e : a.errors) {
      ojson x;
      x["code"] = e.code;
      if (e.http) x["http"] = *e.http;
      x["documented"] = e.documented;
      x["state"] = e.state;
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
    std::string v = it != o.end() && it->is_string() ? it->get<std::string>() : "";
    std::string out;
    for (char c : v) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
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
