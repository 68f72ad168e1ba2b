// The Result model (core/check/result.hpp): the status names the reports print, a case's failed
// checks in check order, and the summary counts every report shows.
#include "core/check/result.hpp"

#include <gtest/gtest.h>

#include <tuple>

namespace popcheck::core {
namespace {

CheckResult check(std::string name, bool passed) {
  return CheckResult{std::move(name), passed, "x", passed ? "x" : "y", ""};
}

CaseResult with_status(std::string id, CaseStatus status, int gaps = 0) {
  CaseResult c;
  c.id = std::move(id);
  c.status = status;
  for (int i = 0; i < gaps; ++i) c.parity_gaps.push_back("Path" + std::to_string(i));
  return c;
}

TEST(Result, StatusNamesAreTheReportsWords) {
  EXPECT_EQ(to_string(CaseStatus::passed), "passed");
  EXPECT_EQ(to_string(CaseStatus::failed), "failed");
  EXPECT_EQ(to_string(CaseStatus::skipped), "skipped");
  EXPECT_EQ(to_string(CaseStatus::error), "error");
}

TEST(Result, FailuresAreTheFailedChecksInCheckOrder) {
  CaseResult c;
  c.checks = {check("status", true), check("content-type", false), check("shape", true),
              check("code", false)};
  auto failed = c.failures();
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0]->check, "content-type");
  EXPECT_EQ(failed[1]->check, "code");
  EXPECT_EQ(failed[0], &c.checks[1]);  // pointers into the case, not copies

  CaseResult clean;
  clean.checks = {check("status", true)};
  EXPECT_TRUE(clean.failures().empty());
}

TEST(Result, SummaryCountsEveryStatusParityGapsAndTheDuration) {
  RunReport report;
  report.duration_s = 2.5;
  report.cases = {with_status("a", CaseStatus::passed, 2), with_status("b", CaseStatus::passed),
                  with_status("c", CaseStatus::failed),    with_status("d", CaseStatus::skipped),
                  with_status("e", CaseStatus::error),     with_status("f", CaseStatus::failed, 1)};
  Summary s = summarize(report);
  // passed, failed, skipped, errors, total, parity gaps
  EXPECT_EQ(std::make_tuple(s.passed, s.failed, s.skipped, s.errors, s.total, s.parity_gaps),
            std::make_tuple(2, 2, 1, 1, 6, 3));
  EXPECT_DOUBLE_EQ(s.duration_s, 2.5);
}

TEST(Result, AnEmptyRunSumsToZero) {
  Summary s = summarize(RunReport{});
  EXPECT_EQ(s.total, 0);
  EXPECT_EQ(s.passed + s.failed + s.skipped + s.errors + s.parity_gaps, 0);
}

}  // namespace
}  // namespace popcheck::core
