#pragma once
// Reading a results.json (written by render_json in reports.hpp) back into the Result model, so
// that the regression diff, the shard merge and the HTML report work from the files a run leaves
// behind.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/check/result.hpp"
#include "core/error.hpp"

namespace popcheck::reports {

// A results file as read: the run, plus the parts of the file the Result model does not hold.
struct LoadedResults {
  core::RunReport report;
  // The "coverage" object when the file carries one (see coverage.hpp); unset otherwise.
  std::optional<nlohmann::ordered_json> coverage;
};

// Parses the text of a results file. `file` names it in errors. Unknown keys are ignored, so files
// from newer versions still read; a key of the wrong type is an error naming its JSON path
// ("$.cases[3].status"), and a syntax error names the line. Error codes: "results.parse" (not
// JSON), "results.shape" (JSON, but not a results file).
//
// The file lists every check that ran by name ("checks") and the failed ones in full ("failures");
// the checks are rebuilt in their original order with the failures matched to them by name, in
// order. When one name occurs several times (shape checks of several paths) the file does not say
// which of them failed: the first ones of that name take the failures. A file without "checks"
// gives just the failed checks. Either way, rendering the result again with render_json gives the
// same bytes.
Expected<LoadedResults> parse_results(std::string_view text, const std::string& file);

// Reads and parses a results file; errors name the file.
Expected<LoadedResults> read_results(const std::string& path);

// "passed", "failed", "skipped", "error" -> CaseStatus; anything else is unset.
std::optional<core::CaseStatus> parse_case_status(std::string_view text);

}  // namespace popcheck::reports
