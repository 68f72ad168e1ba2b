#include "core/check/result.hpp"

namespace popcheck::core {

std::string to_string(CaseStatus s) {
  switch (s) {
    case CaseStatus::passed:
      return "passed";
    case CaseStatus::failed:
      return "failed";
    case CaseStatus::skipped:
      return "skipped";
    case CaseStatus::error:
      return "error";
  }
  return "unknown";
}

std::vector<const CheckResult*> CaseResult::failures() const {
  std::vector<const CheckResult*> out;
  for (const auto& c : checks)
    if (!c.passed) out.push_back(&c);
  return out;
}

Summary summarize(const RunReport& report) {
  Summary s;
  for (const auto& c : report.cases) {
    s.parity_gaps += static_cast<int>(c.parity_gaps.size());
    switch (c.status) {
      case CaseStatus::passed:
        ++s.passed;
        break;
      case CaseStatus::failed:
        ++s.failed;
        break;
      case CaseStatus::skipped:
        ++s.skipped;
        break;
      case CaseStatus::error:
        ++s.errors;
        break;
    }
  }
  s.total = static_cast<int>(report.cases.size());
  s.duration_s = report.duration_s;
  return s;
}

}  // namespace popcheck::core
