// Parity gaps in the reports: results.json counts them in its summary and lists them per case,
// JUnit suites of recorded cases carry them as a property, and results_io reads back what
// render_json wrote (so `report merge` and `report diff` keep them).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "reports/merge.hpp"
#include "reports/reports.hpp"
#include "reports/results_io.hpp"

namespace popcheck::reports {
namespace {

core::CaseResult recorded(std::string id, std::string action, std::vector<std::string> gaps) {
  core::CaseResult c;
  c.id = std::move(id);
  c.product = "Ecs";
  c.version = "2014-05-26";
  c.action = std::move(action);
  c.kind = core::CaseKind::recorded;
  c.status = core::CaseStatus::passed;
  c.checks = {{"status", true, "200", "200", ""}, {"snapshot", true, "", "", ""}};
  c.parity_gaps = std::move(gaps);
  return c;
}

core::RunReport parity_report() {
  core::RunReport r;
  r.endpoint = "http://127.0.0.1:9";
  r.timestamp = "2026-11-23T16:00:00";
  r.cases = {
      recorded("Ecs.DetachDisk.recorded.001", "DetachDisk", {"Instances.Instance[*].Status"}),
      recorded("Ecs.DetachDisk.recorded.002", "DetachDisk", {"A", "B"}),
      recorded("Ecs.RemoveTags.recorded.003", "RemoveTags", {})};
  core::CaseResult example = recorded("Ecs.DeleteInstances.example.json", "DeleteInstances", {});
  example.kind = core::CaseKind::example;
  r.cases.push_back(example);
  return r;
}

TEST(ParityGaps, ResultsJsonCountsAndListsThem) {
  auto j = nlohmann::ordered_json::parse(render_json(parity_report()));
  EXPECT_EQ(j["summary"]["parity_gaps"], 3);
  EXPECT_EQ(j["cases"][0]["parity_gaps"],
            nlohmann::ordered_json::array({"Instances.Instance[*].Status"}));
  EXPECT_FALSE(j["cases"][2].contains("parity_gaps"));
  EXPECT_EQ(core::summarize(parity_report()).parity_gaps, 3);
}

TEST(ParityGaps, JunitSuitesOfRecordedCasesCarryTheCount) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(render_junit(parity_report()).c_str()));
  auto property = [&](const char* suite) -> std::string {
    auto s = doc.child("testsuites").find_child_by_attribute("testsuite", "name", suite);
    auto p = s.child("properties").find_child_by_attribute("property", "name", "parity_gaps");
    return p ? p.attribute("value").value() : "(none)";
  };
  EXPECT_EQ(property("Ecs.DetachDisk"), "3");
  EXPECT_EQ(property("Ecs.RemoveTags"), "0");
  EXPECT_EQ(property("Ecs.DeleteInstances"), "(none)");
}

TEST(ParityGaps, ReadBackAndMergedWithoutLoss) {
  std::string json = render_json(parity_report());
  auto back = parse_results(json, "results.json");
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->report.cases[1].parity_gaps, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(render_json(back->report), json);
  EXPECT_EQ(render_junit(back->report), render_junit(parity_report()));

  core::RunReport first = parity_report(), second = parity_report();
  first.cases.resize(2);
  second.cases.erase(second.cases.begin(), second.cases.begin() + 2);
  auto merged = merge_reports({{"a.json", first}, {"b.json", second}});
  ASSERT_TRUE(merged) << merged.error().to_string();
  EXPECT_EQ(core::summarize(*merged).parity_gaps, 3);

  auto bad = nlohmann::ordered_json::parse(json);
  bad["cases"][0]["parity_gaps"] = "A";
  auto err = parse_results(bad.dump(), "results.json");
  ASSERT_FALSE(err);
  EXPECT_NE(err.error().message.find("$.cases[0].parity_gaps"), std::string::npos);
}

}  // namespace
}  // namespace popcheck::reports
