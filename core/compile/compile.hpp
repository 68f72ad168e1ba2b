#pragma once
// `popcheck compile`: inputs (API reference pages and api-docs.json metadata, in any mix) ->
// contracts -> cases -> one catalogue file per action. compile_texts is pure (texts in, entries
// out); compile_files adds the reading of inputs and the writing of DIR/<product>/<Action>.json.
//
// Which source wins: a page and metadata that describe the same product/action are merged with the
// page winning (it is the reviewed, human-facing document and what the seed catalogue is built
// from); the metadata fills what the page leaves out: endpoint, a missing response tree or success
// example. Product and version: the metadata API of the page's action fixes them (candidates
// narrowed by the product the page states and by --product/--version, ranked by the product and
// version the example's host and query hint, then by shared parameter names and examples); without
// one, the page's stated product, else --product, else the host's, and the page's version, else
// --version; what is still unknown, the other pages of the same product in the compile may give
// when they agree (compile_pages.hpp, compile_batch.hpp; docs/readers.md, "Product and version").
// Two pages of one action: the first input wins and the later one is reported as a warning.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/model.hpp"

namespace popcheck::core {

// Runs body(0) .. body(n-1), each once, possibly at the same time, and returns when all are done.
using ParallelFor = std::function<void(size_t n, const std::function<void(size_t)>& body)>;

struct CompileOptions {
  std::string product;  // for pages that do not name their product (--product)
  std::string version;  // for pages that do not name their version (--version)
  // The actions of a compile are independent; given this, they are compiled through it (core has no
  // threads of its own: the caller brings them). Empty: one after another.
  ParallelFor parallel_for;
};

struct CompileInput {
  std::string path;
  std::string text;
  // Lookup-only metadata: used to fill what pages leave out, adds no actions of its own.
  bool lookup_only = false;
};

struct CompileSummary {
  size_t inputs = 0;         // inputs read (lookup-only metadata excluded)
  size_t failed_inputs = 0;  // inputs that could not be compiled
  size_t actions = 0;
  size_t params = 0;
  size_t error_rows = 0;
  std::map<std::string, size_t> cases;     // kind -> count
  std::map<std::string, size_t> products;  // product -> actions
  size_t cases_with_needs = 0;
  size_t fault_cases = 0;  // cases whose error only an injected fault produces
  size_t warnings = 0;
  size_t files_written =
      0;  // catalogue files created or changed (unchanged ones are not rewritten)
};

struct CompileResult {
  // Sorted by product, then action. compile_files leaves it empty: it writes each entry as soon as
  // it is compiled instead of holding the whole catalogue in memory.
  std::vector<CatalogueEntry> entries;
  // One per input that failed, and one per API that failed (naming product, version and action);
  // the others still compile.
  std::vector<Error> errors;
  std::vector<std::string> warnings;  // "file: what was tolerated"
  // "file: Action: ..." for each page that took its product or version from the other pages of the
  // compile (compile_batch.hpp); also among `warnings`. Shown without --warnings: they decide
  // what the page compiles to.
  std::vector<std::string> batch_notes;
  CompileSummary summary;
};

// True when the text is (meant to be) JSON metadata rather than a page: it starts with '{' or '['.
bool looks_like_metadata(std::string_view text);

CompileResult compile_texts(const std::vector<CompileInput>& inputs, const CompileOptions& options);

// Reads every input (size-limited; errors name the file), compiles, and writes each entry under
// out_dir. Write failures are reported in `errors` like input failures.
CompileResult compile_files(const std::vector<std::string>& inputs,
                            const std::vector<std::string>& lookup_metadata,
                            const std::string& out_dir, const CompileOptions& options);

// The largest catalogue file written. An action whose cases would make it larger loses negative
// cases, then error cases (its contract's warnings say how many); one whose contract alone is larger
// is reported as an error and left out.
inline constexpr size_t kMaxCatalogueFileBytes = size_t(1) << 20;

// The largest input compile_files accepts. Pages are kilobytes and api-docs.json files a few
// megabytes; anything far larger is not an API description.
inline constexpr size_t kMaxInputBytes = size_t(16) << 20;

// "5 actions (Ecs 3, Ess 1, Vpc 1), 42 params, 48 error rows; cases: 10 example, 48 error, ...".
std::string format_summary(const CompileSummary& s);

}  // namespace popcheck::core
