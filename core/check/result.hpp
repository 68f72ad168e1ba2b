#pragma once
// The Result model: what running one case produced. The runner fills it, the report renderers read
// it; both depend on this header only, so reports never see runner internals.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/http.hpp"
#include "core/model.hpp"

namespace popcheck::core {

// One check of one exchange. `path` locates the value in the body ("Regions.Region[0].RegionId")
// where the check is about a part of the body; it is empty for status, Content-Type and the like.
struct CheckResult {
  std::string
      check;  // stable name: "status", "content-type", "parse", "root", "shape", "code", ...
  bool passed = true;
  std::string expected;
  std::string actual;
  std::string path;
};

enum class CaseStatus {
  passed,   // every check passed
  failed,   // at least one check failed
  skipped,  // not run: a need could not be met (skip_reason says which)
  error,    // run but no HTTP answer came back (network failure after retries)
};

std::string to_string(CaseStatus s);

struct CaseResult {
  std::string id, product, version, action, description;
  // The case's kind; nothing when a results file read back does not say.
  std::optional<core::CaseKind> kind;
  CaseStatus status = CaseStatus::passed;
  std::vector<CheckResult> checks;  // every check that ran, passed or not, in a fixed order
  std::string skip_reason;          // with CaseStatus::skipped
  std::string error;                // with CaseStatus::error: what went wrong on the network
  // The request as sent, its target in absolute form (scheme://host[:port]/path?query), and the
  // response as received, with credentials already removed (see core/protocol/redact.hpp).
  bool sent = false;  // whether a request went out (request/response are meaningful)
  core::Request request;
  bool answered = false;  // whether `response` holds an answer
  core::Response response;
  double duration_s = 0;  // wall time of the case, provisioning included
  // The case's registered parity gaps: the skip list of a snapshot case that was answered (paths
  // the snapshot comparison left out, see snapshot.hpp). Reports count them.
  std::vector<std::string> parity_gaps;

  std::vector<const CheckResult*> failures() const;
};

struct Summary {
  int passed = 0, failed = 0, skipped = 0, errors = 0, total = 0;
  int parity_gaps = 0;  // the sum of every case's parity_gaps
  double duration_s = 0;
};

// One run of the runner: the cases in catalogue order (never in completion order).
struct RunReport {
  std::string endpoint;
  std::string timestamp;  // start, "YYYY-MM-DDThh:mm:ss" UTC (the JUnit schema allows no zone)
  std::string hostname;
  double duration_s = 0;
  std::vector<CaseResult> cases;
};

Summary summarize(const RunReport& report);

}  // namespace popcheck::core
