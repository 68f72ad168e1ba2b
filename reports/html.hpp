#pragma once
// The HTML report: one self-contained file (inline CSS and JavaScript, no network asset) that
// people open from a CI artifact. The run is embedded as JSON in a <script type="application/json">
// block and rendered by plain JavaScript: the summary, a table per product and action, coverage,
// and each failure with expected against actual and the redacted request and response. Rows are
// rendered in chunks as the reader scrolls, so a run of the whole catalogue (10,000+ cases) opens
// and filters without freezing the browser.
#include <string>

#include "core/check/result.hpp"
#include "reports/coverage.hpp"

namespace popcheck::reports {

struct HtmlOptions {
  std::string title = "popcheck report";
  std::string source;  // the results file the report was made from, shown in the header
};

// `coverage` may be null (no catalogue given and none in the results file).
std::string render_html(const core::RunReport& report, const core::ojson* coverage,
                        const HtmlOptions& options = {});

// The JSON embedded in the page, exposed for tests: {"title", "source", "endpoint", "timestamp",
// "summary": {passed, failed, skipped, errors, total, duration}, "cases": [...], "coverage":
// {...}|null}. Requests are redacted again here, whatever the caller did.
core::ojson html_data(const core::RunReport& report, const core::ojson* coverage,
                      const HtmlOptions& options = {});

// Text safe inside <script type="application/json">: the JSON with '<', '>', '&', U+2028 and U+2029
// written as \u escapes. They can only occur inside JSON strings, where the escapes mean the same
// characters, so JSON.parse gives back the same value while "</script>" or "<!--" can never appear.
std::string script_safe_json(const core::ojson& data);

}  // namespace popcheck::reports
