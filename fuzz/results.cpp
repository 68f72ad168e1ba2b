// Fuzz target: a results.json through parse_results (reports/results_io.hpp), which the regression
// diff, the shard merge and the HTML report read. A file that parses renders (render_json) to a file
// that parses again to the same rendering.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/check.hpp"
#include "reports/reports.hpp"
#include "reports/results_io.hpp"

using namespace popcheck;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto loaded = reports::parse_results(std::string_view(reinterpret_cast<const char*>(data), size),
                                       "fuzz-results.json");
  if (!loaded) return 0;
  const auto* coverage = loaded->coverage ? &*loaded->coverage : nullptr;
  const std::string text = reports::render_json(loaded->report, coverage);
  auto again = reports::parse_results(text, "rendered.json");
  fuzz::require(again.has_value(), "a rendered results file parses");
  const auto* coverage2 = again->coverage ? &*again->coverage : nullptr;
  fuzz::require(reports::render_json(again->report, coverage2) == text,
                "render_json(parse_results(render_json(r))) == render_json(r)");
  return 0;
}
