#pragma once
// Regression diff of two runs: what broke since the baseline, what was fixed, what still fails, and
// which failures changed their reason. Pure functions of two RunReports; the Markdown and JUnit
// renderers are pure too.
#include <string>
#include <string_view>
#include <vector>

#include "core/check/result.hpp"

namespace popcheck::reports {

// One case as it was and as it is. `before_reason`/`after_reason` are the failure reasons (one line
// per failed check, or the network error) with volatile values masked; empty for a case that did
// not fail.
struct CaseChange {
  std::string id, product, action;
  core::CaseStatus before = core::CaseStatus::passed;
  core::CaseStatus after = core::CaseStatus::passed;
  bool in_before = true, in_after = true;
  std::string before_reason, after_reason;
};

// The categories, each in the current run's order (removed cases in the baseline's order). A case
// is in exactly one of them or in none (unchanged and not failing). "Failing" means failed or
// error.
struct Diff {
  std::vector<CaseChange> new_failures;    // not failing before (passed or skipped), failing now
  std::vector<CaseChange> reason_changed;  // failing in both, for a different reason
  std::vector<CaseChange> still_failing;   // failing in both, for the same reason
  std::vector<CaseChange> fixed;           // failing before, passed now
  std::vector<CaseChange> newly_skipped;   // passed or failing before, skipped now
  std::vector<CaseChange> added;           // only in the current run (any status)
  std::vector<CaseChange> removed;         // only in the baseline
  int compared = 0;                        // cases present in both runs
};

Diff diff_reports(const core::RunReport& baseline, const core::RunReport& current);

// A regression is a new failure or a failure whose reason changed. Added cases are reported but are
// not regressions: there is nothing to compare them with.
bool regressed(const Diff& diff);

// Replaces values that change from run to run without meaning anything: UUIDs (RequestIds),
// ISO-8601 times, long hexadecimal strings (signatures, HostIds), 127.0.0.1 ports, and durations
// ("1.234s").
std::string mask_volatile(std::string_view text);

// The reason a case fails, comparable across runs: for each failed check "check at path: expected
// E, actual A" with volatile values masked; for a network error "error: message". Empty when not
// failing.
std::string failure_reason(const core::CaseResult& c);

// Markdown for a CI step summary: counts, then one table per non-empty category (at most max_rows
// rows each; the rest are counted).
std::string render_diff_markdown(const Diff& diff, const std::string& baseline_name,
                                 const std::string& current_name, size_t max_rows = 500);

// JUnit (ant schema) of the regressions: one testsuite per product and action that has any, one
// failing testcase per regression, the message saying which kind and the text the reasons before
// and after. With no regression, an empty <testsuites/>. `timestamp`/`hostname` of the current run.
std::string render_diff_junit(const Diff& diff, const core::RunReport& current);

}  // namespace popcheck::reports
