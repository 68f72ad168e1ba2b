#pragma once
// Coverage of a run: for each action, which documented error codes a case exercised, which example
// cases ran, and what was skipped and why. A pure function of the run and the catalogue (the
// contracts and their cases, as core::load_catalogue reads them).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/check/result.hpp"
#include "core/model.hpp"

namespace popcheck::reports {

// What happened to one documented error code, best first: passed (an error case of that code ran
// and passed), failed (ran, none passed), error (sent, no answer), skipped (its cases were skipped),
// not_run (the catalogue has a case for it but the run did not include it: another shard or a
// selection), no_case (the catalogue generated no case for it).
enum class CodeState { passed, failed, error, skipped, not_run, no_case };
// As the JSON and the reports spell it: "passed", "failed", "error", "skipped", "not-run",
// "no-case".
std::string_view to_string(CodeState s);

struct ErrorCodeCoverage {
  std::string code;
  std::optional<int> http;
  bool documented = true;  // false: a case of the run expects a code the contract does not list
  CodeState state = CodeState::no_case;
  std::vector<std::string> cases;  // ids of the run's error cases for this code
};

struct SkipEntry {
  std::string id;
  std::string reason;
};

// The figures of error codes and example cases, of one action and summed in the totals.
struct CodeAndExampleCounts {
  int codes_documented = 0;     // distinct documented codes
  int codes_exercised = 0;      // documented codes whose state is passed or failed
  int codes_passed = 0;         // documented codes whose state is passed
  int examples_documented = 0;  // example cases in the catalogue
  int examples_run = 0;         // example cases that ran (passed or failed)
  int examples_passed = 0;

  CodeAndExampleCounts& operator+=(const CodeAndExampleCounts& other);
};

struct ActionCoverage : CodeAndExampleCounts {
  std::string product, version, action;
  bool documented = false;  // the catalogue holds this action's contract
  std::vector<ErrorCodeCoverage>
      errors;           // documented codes in document order, then undocumented ones
  int cases_run = 0;    // cases of the action that ran (passed or failed), any kind
  int cases_total = 0;  // cases of the action in the run, any status
  std::vector<SkipEntry> skips;
};

struct CoverageTotals : CodeAndExampleCounts {
  int actions_documented = 0, actions_run = 0;
  int skipped = 0;
};

struct Coverage {
  bool catalogue = false;  // whether contracts were given; without them "documented" figures are 0
  CoverageTotals totals;
  std::vector<ActionCoverage> actions;  // sorted by product, then action
};

// The code an error case expects: from its catalogue case when known, else from a failed "code"
// check. Cases of the run that the catalogue does not hold still count (for example cases recorded
// later).
Coverage compute_coverage(const core::RunReport& report,
                          const std::vector<core::CatalogueEntry>& catalogue);

// {"catalogue", "totals": {...}, "actions": [{"product", "version", "action", "documented",
//  "codes_documented", "codes_exercised", "codes_passed", "examples_documented", "examples_run",
//  "examples_passed", "cases_run", "cases_total", "errors": [{"code", "http"?, "documented",
//  "state", "cases"}], "skips": [{"id", "reason"}]}]}. Keys in that order.
core::ojson to_json(const Coverage& coverage);

// Markdown of a coverage object (the to_json form, so that coverage embedded in a results file
// renders too): the totals, then the actions whose documented error codes or examples are not all
// exercised, least covered first (at most max_rows; the rest are counted).
std::string render_coverage_markdown(const core::ojson& coverage, size_t max_rows = 100);

}  // namespace popcheck::reports
