#include "reports/diff.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "core/files.hpp"
#include "tests/support/files.hpp"
#include "tests/support/paths.hpp"

namespace popcheck::reports {
namespace {

using core::CaseStatus;

core::CaseResult diff_case(const std::string& id, CaseStatus status,
                           std::vector<core::CheckResult> failed = {}) {
  core::CaseResult c;
  c.id = id;
  c.product = id.substr(0, id.find('.'));
  c.action = id.substr(id.find('.') + 1, id.find('.', id.find('.') + 1) - id.find('.') - 1);
  c.kind = core::CaseKind::error;
  c.status = status;
  c.duration_s = 0.5;
  c.checks.push_back({"status", true, "404", "404", ""});
  for (auto& f : failed) {
    f.passed = false;
    c.checks.push_back(f);
  }
  if (status == CaseStatus::skipped) c.skip_reason = "no instance";
  if (status == CaseStatus::error) c.error = "connection refused by 127.0.0.1:40111";
  return c;
}

core::CheckResult code_check(std::string expected, std::string actual) {
  return {"code", false, std::move(expected), std::move(actual), ""};
}

std::vector<std::string> ids(const std::vector<CaseChange>& list) {
  std::vector<std::string> out;
  for (const auto& c : list) out.push_back(c.id);
  return out;
}

struct Pair {
  core::RunReport baseline, current;
};

Pair sample_pair() {
  Pair p;
  p.baseline.timestamp = "2026-11-20T10:00:00";
  p.current.timestamp = "2026-11-23T10:00:00";
  auto& b = p.baseline.cases;
  auto& c = p.current.cases;
  // A: passed -> failed (new failure).
  b.push_back(diff_case("Ecs.A.error.1", CaseStatus::passed));
  c.push_back(diff_case("Ecs.A.error.1", CaseStatus::failed, {code_check("X", "Y")}));
  // B: failed -> passed (fixed).
  b.push_back(diff_case("Ecs.B.error.1", CaseStatus::failed, {code_check("X", "Y")}));
  c.push_back(diff_case("Ecs.B.error.1", CaseStatus::passed));
  // C: failed the same way; only the RequestId and a time in the actual value differ.
  b.push_back(diff_case("Ecs.C.error.1", CaseStatus::failed,
                        {{"message", false, "Not found",
                          "Not found (RequestId 6D5D3A3B-1111-4C2E-9A0B-0123456789AB at "
                          "2026-11-20T10:00:01Z)",
                          ""}}));
  c.push_back(diff_case("Ecs.C.error.1", CaseStatus::failed,
                        {{"message", false, "Not found",
                          "Not found (RequestId 0F1E2D3C-2222-4B5A-8C7D-ABCDEF012345 at "
                          "2026-11-23T10:00:07Z)",
                          ""}}));
  // D: failed -> failed with another actual (reason changed).
  b.push_back(diff_case("Vpc.D.error.1", CaseStatus::failed, {code_check("X", "Y")}));
  c.push_back(diff_case("Vpc.D.error.1", CaseStatus::failed, {code_check("X", "Z")}));
  // E: failed -> network error (reason changed).
  b.push_back(diff_case("Vpc.E.error.1", CaseStatus::failed, {code_check("X", "Y")}));
  c.push_back(diff_case("Vpc.E.error.1", CaseStatus::error));
  // F: only in the baseline (removed); G: only in the current run (added, failing).
  b.push_back(diff_case("Vpc.F.error.1", CaseStatus::passed));
  c.push_back(diff_case("Vpc.G.error.1", CaseStatus::failed, {code_check("X", "Y")}));
  // H: passed -> skipped (newly skipped); I: skipped -> failed (new failure).
  b.push_back(diff_case("Ess.H.error.1", CaseStatus::passed));
  c.push_back(diff_case("Ess.H.error.1", CaseStatus::skipped));
  b.push_back(diff_case("Ess.I.error.1", CaseStatus::skipped));
  c.push_back(diff_case("Ess.I.error.1", CaseStatus::failed,
                        {{"shape", false, "string", "integer", "Items[0].Id"}}));
  // J: passed in both (in no category); K: the same network error on another port (still failing).
  b.push_back(diff_case("Ess.J.error.1", CaseStatus::passed));
  c.push_back(diff_case("Ess.J.error.1", CaseStatus::passed));
  b.push_back(diff_case("Ess.K.error.1", CaseStatus::error));
  auto k = diff_case("Ess.K.error.1", CaseStatus::error);
  k.error = "connection refused by 127.0.0.1:51234";
  c.push_back(k);
  return p;
}

TEST(Diff, SortsEveryCaseIntoItsCategory) {
  Pair p = sample_pair();
  Diff d = diff_reports(p.baseline, p.current);
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(d.new_failures), (V{"Ecs.A.error.1", "Ess.I.error.1"}));
  EXPECT_EQ(ids(d.fixed), (V{"Ecs.B.error.1"}));
  EXPECT_EQ(ids(d.still_failing), (V{"Ecs.C.error.1", "Ess.K.error.1"}));
  EXPECT_EQ(ids(d.reason_changed), (V{"Vpc.D.error.1", "Vpc.E.error.1"}));
  EXPECT_EQ(ids(d.added), (V{"Vpc.G.error.1"}));
  EXPECT_EQ(ids(d.removed), (V{"Vpc.F.error.1"}));
  EXPECT_EQ(ids(d.newly_skipped), (V{"Ess.H.error.1"}));
  EXPECT_EQ(d.compared, 9);
  EXPECT_TRUE(regressed(d));
  EXPECT_EQ(d.reason_changed[0].before_reason, "code: expected X, actual Y");
  EXPECT_EQ(d.reason_changed[0].after_reason, "code: expected X, actual Z");
  EXPECT_EQ(d.reason_changed[1].after, CaseStatus::error);
}

TEST(Diff, NoRegressionWhenOnlyFixesAndStableFailures) {
  Pair p = sample_pair();
  Diff same = diff_reports(p.baseline, p.baseline);
  EXPECT_FALSE(regressed(same));
  EXPECT_TRUE(same.new_failures.empty());
  EXPECT_EQ(same.still_failing.size(), 5u);  // B, C, D, E and K fail in the baseline
  // Only a fix and an added failing case: not a regression.
  core::RunReport before, after;
  before.cases.push_back(diff_case("Ecs.B.error.1", CaseStatus::failed, {code_check("X", "Y")}));
  after.cases.push_back(diff_case("Ecs.B.error.1", CaseStatus::passed));
  after.cases.push_back(diff_case("Ecs.N.error.1", CaseStatus::failed, {code_check("X", "Y")}));
  Diff d = diff_reports(before, after);
  EXPECT_FALSE(regressed(d));
  EXPECT_EQ(d.fixed.size(), 1u);
  EXPECT_EQ(d.added.size(), 1u);
}

TEST(Diff, MasksVolatileValues) {
  EXPECT_EQ(mask_volatile("id 6D5D3A3B-1111-4C2E-9A0B-0123456789AB"), "id <uuid>");
  EXPECT_EQ(mask_volatile("at 2026-11-23T10:00:07Z and 2026-11-23T10:00"), "at <time> and <time>");
  EXPECT_EQ(mask_volatile("HostId ecs.aliyuncs.com sig 0123456789abcdef0123"),
            "HostId ecs.aliyuncs.com sig <hex>");
  EXPECT_EQ(mask_volatile("http://127.0.0.1:40111/x"), "http://127.0.0.1:<port>/x");
  EXPECT_EQ(mask_volatile("took 1.25s, then 30 ms"), "took <duration>, then <duration>");
  // What is not volatile stays: codes, statuses, short numbers, paths.
  EXPECT_EQ(mask_volatile("InvalidRegionId.NotFound 404 Regions.Region[0]"),
            "InvalidRegionId.NotFound 404 Regions.Region[0]");
}

TEST(Diff, MarkdownListsEachCategory) {
  Pair p = sample_pair();
  Diff d = diff_reports(p.baseline, p.current);
  std::string md = render_diff_markdown(d, "base.json", "cur.json");
  EXPECT_NE(md.find("regressions found"), std::string::npos);
  EXPECT_NE(md.find("| New failures | 2 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Failures whose reason changed | 2 |"), std::string::npos);
  EXPECT_NE(md.find("| Still failing | 2 |"), std::string::npos);
  EXPECT_NE(md.find("| Fixed | 1 |"), std::string::npos);
  EXPECT_NE(md.find("| Added | 1 |"), std::string::npos);
  EXPECT_NE(md.find("| Removed | 1 |"), std::string::npos);
  EXPECT_NE(md.find("| Newly skipped | 1 |"), std::string::npos);
  EXPECT_NE(md.find("### New failures (2)"), std::string::npos);
  EXPECT_NE(md.find("`Vpc.D.error.1`"), std::string::npos);
  EXPECT_NE(md.find("code: expected X, actual Z"), std::string::npos);
  // Table cells survive pipes, newlines and markup in values.
  core::RunReport a, b;
  a.cases.push_back(diff_case("Ecs.P.error.1", CaseStatus::passed));
  b.cases.push_back(diff_case("Ecs.P.error.1", CaseStatus::failed,
                              {code_check("a|b", "<x>\nline2"), code_check("c", "d")}));
  std::string cells = render_diff_markdown(diff_reports(a, b), "a", "b");
  EXPECT_NE(cells.find("a\\|b"), std::string::npos) << cells;
  EXPECT_NE(cells.find("&lt;x&gt;<br>line2<br>code: expected c"), std::string::npos) << cells;
  // Long lists are cut at max_rows and the rest counted.
  std::string cut = render_diff_markdown(d, "a", "b", 1);
  EXPECT_NE(cut.find("... and 1 more."), std::string::npos);
  EXPECT_EQ(cut.find("`Ess.I.error.1`"), std::string::npos);
  std::string calm = render_diff_markdown(diff_reports(p.baseline, p.baseline), "a", "a");
  EXPECT_NE(calm.find("no regressions"), std::string::npos);
}

TEST(Diff, JunitHoldsTheRegressionsAndValidates) {
  Pair p = sample_pair();
  Diff d = diff_reports(p.baseline, p.current);
  std::string xml = render_diff_junit(d, p.current);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
  std::vector<std::string> cases, types;
  int tests = 0;
  for (auto s : doc.child("testsuites").children("testsuite")) {
    tests += s.attribute("tests").as_int();
    for (auto tc : s.children("testcase")) {
      cases.push_back(tc.attribute("name").value());
      types.push_back(tc.child("failure").attribute("type").value());
    }
  }
  EXPECT_EQ(tests, 4);
  EXPECT_EQ(cases, (std::vector<std::string>{"Ecs.A.error.1", "Ess.I.error.1", "Vpc.D.error.1",
                                             "Vpc.E.error.1"}));
  EXPECT_EQ(types, (std::vector<std::string>{"new failure", "new failure", "reason changed",
                                             "reason changed"}));
  EXPECT_NE(xml.find("actual Z"), std::string::npos);

  if (!test_support::have_xmllint())
    GTEST_SKIP() << "xmllint is not installed (scripts/setup.sh test installs it)";
  test_support::TempDir dir;
  const auto file = dir / "regressions.xml";
  // A control character in a value must not make the file invalid.
  p.current.cases[0].checks[1].actual = std::string("Y\x01\xff");
  ASSERT_TRUE(core::write_file_atomic(
      file.string(), render_diff_junit(diff_reports(p.baseline, p.current), p.current)));
  EXPECT_EQ(test_support::junit_problems(file), "");
  // No regression at all: still a valid document.
  ASSERT_TRUE(core::write_file_atomic(
      file.string(), render_diff_junit(diff_reports(p.baseline, p.baseline), p.baseline)));
  EXPECT_EQ(test_support::junit_problems(file), "");
}

}  // namespace
}  // namespace popcheck::reports
