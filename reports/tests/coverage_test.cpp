#include "reports/coverage.hpp"

#include <gtest/gtest.h>

#include <array>

#include "tests/support/contract.hpp"

namespace popcheck::reports {
namespace {

using core::CaseStatus;

core::Case catalogue_case(const std::string& id, const std::string& kind,
                          std::optional<std::string> code = std::nullopt) {
  core::Case c;
  c.id = id;
  c.kind = *core::case_kind_from_string(kind);
  c.product = "Ecs";
  c.action = id.substr(4, id.find('.', 4) - 4);
  c.expect.code = std::move(code);
  return c;
}

using test_support::row;

std::vector<core::CatalogueEntry> catalogue() {
  core::CatalogueEntry tags;
  tags.contract.product = "Ecs";
  tags.contract.version = "2014-05-26";
  tags.contract.action = "RemoveTags";
  // B is documented twice (two statuses): one code to cover. D has no generated case.
  tags.contract.errors = {row(404, "A.NotFound"), row(400, "B.Invalid"), row(403, "B.Invalid"),
                          row(400, "C.Quota"), row(400, "D.NoRule")};
  tags.cases = {catalogue_case("Ecs.RemoveTags.example.json", "example"),
                catalogue_case("Ecs.RemoveTags.example.xml", "example"),
                catalogue_case("Ecs.RemoveTags.error.a", "error", "A.NotFound"),
                catalogue_case("Ecs.RemoveTags.error.b", "error", "B.Invalid"),
                catalogue_case("Ecs.RemoveTags.error.b.2", "error", "B.Invalid"),
                catalogue_case("Ecs.RemoveTags.error.c", "error", "C.Quota"),
                catalogue_case("Ecs.RemoveTags.negative.1", "negative")};
  core::CatalogueEntry disks;
  disks.contract.product = "Ecs";
  disks.contract.action = "AttachDisk";
  disks.contract.errors = {row(404, "InvalidDiskId.NotFound")};
  disks.cases = {catalogue_case("Ecs.AttachDisk.error.x", "error", "InvalidDiskId.NotFound"),
                 catalogue_case("Ecs.AttachDisk.example.json", "example")};
  return {tags, disks};
}

core::CaseResult result(const std::string& id, const std::string& kind, CaseStatus status) {
  core::CaseResult c;
  c.id = id;
  c.kind = *core::case_kind_from_string(kind);
  c.product = "Ecs";
  c.action = id.substr(4, id.find('.', 4) - 4);
  c.status = status;
  if (status == CaseStatus::skipped) c.skip_reason = "needs " + id;
  return c;
}

core::RunReport run() {
  core::RunReport r;
  r.cases = {result("Ecs.RemoveTags.error.a", "error", CaseStatus::passed),
             result("Ecs.RemoveTags.error.b", "error", CaseStatus::failed),
             result("Ecs.RemoveTags.error.b.2", "error", CaseStatus::skipped),
             result("Ecs.RemoveTags.error.c", "error", CaseStatus::skipped),
             result("Ecs.RemoveTags.example.json", "example", CaseStatus::passed),
             result("Ecs.RemoveTags.example.xml", "example", CaseStatus::failed),
             result("Ecs.RemoveTags.negative.1", "negative", CaseStatus::error)};
  // A case the catalogue does not know, whose failed code check names what it expected.
  auto extra = result("Ecs.RemoveTags.error.recorded", "error", CaseStatus::failed);
  extra.checks.push_back({"code", false, "E.Undocumented", "Other", ""});
  r.cases.push_back(extra);
  // An action missing from the catalogue.
  r.cases.push_back(result("Ecs.StartInstance.example.json", "example", CaseStatus::passed));
  return r;
}

// Codes documented, exercised and passed, then examples documented, run and passed.
std::array<int, 6> counts(const CodeAndExampleCounts& c) {
  return {c.codes_documented,    c.codes_exercised, c.codes_passed,
          c.examples_documented, c.examples_run,    c.examples_passed};
}

std::vector<std::string> keys_of(const core::ojson& o) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : o.items()) keys.push_back(k);
  return keys;
}

const ActionCoverage& find(const Coverage& c, const std::string& action) {
  for (const auto& a : c.actions)
    if (a.action == action) return a;
  throw std::runtime_error("no action " + action);
}

TEST(Coverage, StatesOfDocumentedCodes) {
  Coverage c = compute_coverage(run(), catalogue());
  EXPECT_TRUE(c.catalogue);
  const auto& tags = find(c, "RemoveTags");
  EXPECT_TRUE(tags.documented);
  ASSERT_EQ(tags.errors.size(), 5u);
  struct Want {
    const char* code;
    CodeState state;
    bool documented;
    size_t cases;
  };
  Want want[] = {{"A.NotFound", CodeState::passed, true, 1},
                 {"B.Invalid", CodeState::failed, true, 2},
                 {"C.Quota", CodeState::skipped, true, 1},
                 {"D.NoRule", CodeState::no_case, true, 0},
                 {"E.Undocumented", CodeState::failed, false, 1}};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(tags.errors[i].code, want[i].code);
    EXPECT_EQ(tags.errors[i].state, want[i].state) << want[i].code;
    EXPECT_EQ(tags.errors[i].documented, want[i].documented) << want[i].code;
    EXPECT_EQ(tags.errors[i].cases.size(), want[i].cases) << want[i].code;
  }
  EXPECT_EQ(tags.errors[1].http, 400);
  EXPECT_EQ(counts(tags), (std::array<int, 6>{4, 2, 1, 2, 2, 1}));
  EXPECT_EQ(tags.cases_total, 8);
  EXPECT_EQ(tags.cases_run, 5);
  ASSERT_EQ(tags.skips.size(), 2u);
  EXPECT_EQ(tags.skips[0].id, "Ecs.RemoveTags.error.b.2");
  EXPECT_EQ(tags.skips[0].reason, "needs Ecs.RemoveTags.error.b.2");
}

TEST(Coverage, ActionsNotRunAndNotDocumented) {
  Coverage c = compute_coverage(run(), catalogue());
  const auto& disks = find(c, "AttachDisk");
  ASSERT_EQ(disks.errors.size(), 1u);
  // The catalogue has a case; this run did not include it.
  EXPECT_EQ(disks.errors[0].state, CodeState::not_run);
  EXPECT_EQ(disks.examples_documented, 1);
  EXPECT_EQ(disks.examples_run, 0);
  const auto& start = find(c, "StartInstance");
  EXPECT_FALSE(start.documented);
  EXPECT_EQ(start.examples_run, 1);
  // Sorted by product then action.
  ASSERT_EQ(c.actions.size(), 3u);
  EXPECT_EQ(c.actions[0].action, "AttachDisk");
  EXPECT_EQ(c.actions[1].action, "RemoveTags");
  EXPECT_EQ(c.actions[2].action, "StartInstance");
  const auto& t = c.totals;
  EXPECT_EQ(t.actions_documented, 2);
  EXPECT_EQ(t.actions_run, 2);
  EXPECT_EQ(counts(t), (std::array<int, 6>{5, 2, 1, 3, 3, 2}));
  EXPECT_EQ(t.skipped, 2);
}

TEST(Coverage, WithoutCatalogueOnlyTheRunCounts) {
  Coverage c = compute_coverage(run(), {});
  EXPECT_FALSE(c.catalogue);
  EXPECT_EQ(c.totals.codes_documented, 0);
  EXPECT_EQ(c.totals.examples_run, 3);
  const auto& tags = find(c, "RemoveTags");
  // Only the failed code check tells which code a case expected.
  ASSERT_EQ(tags.errors.size(), 1u);
  EXPECT_EQ(tags.errors[0].code, "E.Undocumented");
}

TEST(Coverage, JsonCarriesTheFigures) {
  core::ojson j = to_json(compute_coverage(run(), catalogue()));
  EXPECT_EQ(j["catalogue"], true);
  EXPECT_EQ(j["totals"]["codes_documented"], 5);
  EXPECT_EQ(j["totals"]["codes_exercised"], 2);
  ASSERT_EQ(j["actions"].size(), 3u);
  const auto& tags = j["actions"][1];
  EXPECT_EQ(tags["action"], "RemoveTags");
  EXPECT_EQ(tags["errors"][0]["code"], "A.NotFound");
  EXPECT_EQ(tags["errors"][0]["http"], 404);
  EXPECT_EQ(tags["errors"][0]["state"], "passed");
  EXPECT_EQ(tags["errors"][3]["state"], "no-case");
  EXPECT_EQ(j["actions"][0]["errors"][0]["state"], "not-run");
  EXPECT_FALSE(tags["errors"][4].contains("http"));
  EXPECT_EQ(tags["skips"][1]["reason"], "needs Ecs.RemoveTags.error.c");
  // Keys in the order coverage.hpp documents.
  EXPECT_EQ(keys_of(j), (std::vector<std::string>{"catalogue", "totals", "actions"}));
  EXPECT_EQ(keys_of(j["totals"]),
            (std::vector<std::string>{"actions_documented", "actions_run", "codes_documented",
                                      "codes_exercised", "codes_passed", "examples_documented",
                                      "examples_run", "examples_passed", "skipped"}));
  EXPECT_EQ(keys_of(tags),
            (std::vector<std::string>{"product", "version", "action", "documented",
                                      "codes_documented", "codes_exercised", "codes_passed",
                                      "examples_documented", "examples_run", "examples_passed",
                                      "cases_run", "cases_total", "errors", "skips"}));
  EXPECT_EQ(keys_of(tags["errors"][0]),
            (std::vector<std::string>{"code", "http", "documented", "state", "cases"}));
}

// A name that would break the table is escaped as the regression report escapes its cells.
TEST(Coverage, MarkdownCellsKeepTheTableWhole) {
  core::ojson j = to_json(compute_coverage(run(), catalogue()));
  j["actions"][0]["product"] = "E|cs";
  j["actions"][0]["action"] = "Attach\nDisk<x>";
  std::string md = render_coverage_markdown(j);
  EXPECT_NE(md.find("| E\\|cs.Attach<br>Disk&lt;x&gt; | 0 / 1 | 0 / 1 | 0 |"), std::string::npos)
      << md;
}

TEST(Coverage, MarkdownShowsTotalsAndGaps) {
  std::string md = render_coverage_markdown(to_json(compute_coverage(run(), catalogue())));
  EXPECT_NE(md.find("| Error codes (passed 1) | 2 | 5 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Example cases (passed 2) | 3 | 3 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Actions | 2 | 2 |"), std::string::npos) << md;
  // AttachDisk (nothing run) is less covered than RemoveTags; StartInstance has no gap.
  size_t disk = md.find("| Ecs.AttachDisk | 0 / 1 | 0 / 1 | 0 |");
  size_t tags = md.find("| Ecs.RemoveTags | 2 / 4 | 2 / 2 | 2 |");
  ASSERT_NE(disk, std::string::npos) << md;
  ASSERT_NE(tags, std::string::npos) << md;
  EXPECT_LT(disk, tags);
  EXPECT_EQ(md.find("StartInstance"), std::string::npos);
  std::string cut = render_coverage_markdown(to_json(compute_coverage(run(), catalogue())), 1);
  EXPECT_NE(cut.find("... and 1 more."), std::string::npos);
  EXPECT_NE(render_coverage_markdown(to_json(compute_coverage(run(), {}))).find("No catalogue"),
            std::string::npos);
}

}  // namespace
}  // namespace popcheck::reports
