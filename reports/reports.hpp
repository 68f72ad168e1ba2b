#pragma once
// Report renderers: pure functions of a RunReport. Both render the cases in the order the report
// holds them (catalogue order), so the same run gives the same bytes whatever the parallelism was.
#include <string>

#include "core/check/result.hpp"
#include "core/error.hpp"
#include "core/model.hpp"

namespace popcheck::reports {

// JUnit XML in the Apache Ant dialect of data/schemas/junit-ant.xsd: <testsuites> holding one
// <testsuite> per product and action (in order of first appearance), one <testcase> per case. A
// failed case carries one <failure> listing expected against actual for each failed check; a
// network error an <error>; a skip a <skipped> with the reason. Each suite's <system-out> holds the
// requests and responses of its cases with credentials and signatures removed. A suite holding
// recorded cases (or any parity gap) has a "parity_gaps" property: the gaps its cases registered.
std::string render_junit(const core::RunReport& report);

// The JSON results file: {"summary": {passed, failed, skipped, errors, total, duration,
// parity_gaps}, "endpoint", "timestamp", "hostname", "cases": [{id, product, version, action, kind,
// status, duration, failures: [{check, expected, actual, path}], checks: [names of every check
// run], skip_reason?, error?, parity_gaps?: [skip paths], request?, response?}], "coverage"?}. Keys
// in that order. `coverage` (reports/coverage.hpp's to_json) is embedded when given.
std::string render_json(const core::RunReport& report, const core::ojson* coverage = nullptr);
// One case as results.json writes it (request redacted); the HTML report embeds the same object.
core::ojson case_json(const core::CaseResult& c);

// Writes DIR/junit.xml and DIR/results.json, each atomically. Returns the first error.
Expected<void> write_reports(const core::RunReport& report, const std::string& dir,
                             const core::ojson* coverage = nullptr);

}  // namespace popcheck::reports
