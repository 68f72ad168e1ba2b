#include "reports/results_io.hpp"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/files.hpp"
#include "reports/reports.hpp"
#include "tests/support/files.hpp"

namespace popcheck::reports {
namespace {

using core::CaseStatus;
using ojson = nlohmann::ordered_json;

core::CaseResult io_case(std::string id, CaseStatus status) {
  core::CaseResult c;
  c.id = std::move(id);
  c.product = "Ecs";
  c.version = "2014-05-26";
  c.action = "DescribeRegions";
  c.kind = core::CaseKind::error;
  c.description = "a case";
  c.status = status;
  c.duration_s = 0.125;
  if (status == CaseStatus::skipped) {
    c.skip_reason = "needs a Running instance";
    return c;
  }
  // A failing check between passing ones: the failures must land in their own places.
  c.checks = {{"status", true, "400", "400", ""},
              {"content-type", true, "", "", ""},
              {"shape", status != CaseStatus::failed, "string", "integer", "Regions.Region[0].Id"},
              {"code", status != CaseStatus::failed, "InvalidRegionId.Malformed", "Other", ""},
              {"request-id", true, "", "", ""}};
  c.sent = true;
  c.request = {"POST",
               "http://127.0.0.1:9/?Action=DescribeRegions&Signature=abc",
               {{"Content-Type", "application/x-www-form-urlencoded"}},
               "RegionId=cn-hangzhou"};
  if (status == CaseStatus::error) {
    c.checks.clear();
    c.error = "connection reset";
    return c;
  }
  c.answered = true;
  c.response = {400,
                {{"Content-Type", "application/json;charset=utf-8"}},
                "{\"Code\":\"Other\",\"Message\":\"\xe4\xb8\xad \\u2028\"}"};
  return c;
}

core::RunReport io_report() {
  core::RunReport r;
  r.endpoint = "http://127.0.0.1:9";
  r.timestamp = "2026-11-23T16:00:00";
  r.duration_s = 2.5;
  r.cases = {io_case("Ecs.DescribeRegions.error.a", CaseStatus::passed),
             io_case("Ecs.DescribeRegions.error.b", CaseStatus::failed),
             io_case("Ecs.DescribeRegions.error.c", CaseStatus::skipped),
             io_case("Ecs.DescribeRegions.error.d", CaseStatus::error)};
  return r;
}

TEST(ResultsIo, RoundTripGivesTheSameFiles) {
  core::RunReport r = io_report();
  std::string json = render_json(r);
  auto back = parse_results(json, "results.json");
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(render_json(back->report), json);
  EXPECT_EQ(render_junit(back->report), render_junit(r));
  EXPECT_FALSE(back->coverage);
}

TEST(ResultsIo, RebuildsChecksInTheirPlaces) {
  auto back = parse_results(render_json(io_report()), "results.json");
  ASSERT_TRUE(back);
  const auto& failed = back->report.cases[1];
  EXPECT_EQ(failed.status, CaseStatus::failed);
  ASSERT_EQ(failed.checks.size(), 5u);
  EXPECT_TRUE(failed.checks[1].passed);
  EXPECT_FALSE(failed.checks[2].passed);
  EXPECT_EQ(failed.checks[2].path, "Regions.Region[0].Id");
  EXPECT_EQ(failed.checks[3].check, "code");
  EXPECT_FALSE(failed.checks[3].passed);
  EXPECT_EQ(failed.checks[3].actual, "Other");
  EXPECT_TRUE(failed.checks[4].passed);
  EXPECT_EQ(back->report.cases[2].skip_reason, "needs a Running instance");
  EXPECT_EQ(back->report.cases[3].error, "connection reset");
  EXPECT_TRUE(back->report.cases[3].sent);
  EXPECT_FALSE(back->report.cases[3].answered);
  EXPECT_EQ(back->report.cases[0].request.method, "POST");
  EXPECT_EQ(back->report.cases[0].request.body, "RegionId=cn-hangzhou");
  EXPECT_EQ(back->report.cases[0].response.status, 400);
  EXPECT_DOUBLE_EQ(back->report.duration_s, 2.5);
}

TEST(ResultsIo, ToleratesUnknownKeysAndKeepsCoverage) {
  ojson j = ojson::parse(render_json(io_report()));
  j["future"] = {{"anything", 1}};
  j["cases"][0]["new_field"] = ojson::array({1, 2});
  j["cases"][1]["failures"][0]["severity"] = "high";
  j["coverage"] = {{"totals", {{"codes_documented", 3}}}, {"actions", ojson::array()}};
  j["hostname"] = "ci-runner-7";
  auto back = parse_results(j.dump(), "x.json");
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->report.cases.size(), 4u);
  EXPECT_EQ(back->report.hostname, "ci-runner-7");
  ASSERT_TRUE(back->coverage);
  EXPECT_EQ((*back->coverage)["totals"]["codes_documented"], 3);
  EXPECT_EQ(back->coverage->begin().key(), "totals");
}

// Issue 19, item 2: report html|diff|merge crashed on a deeply nested results.json.
TEST(ResultsIo, TooDeepIsRefusedNamingTheFile) {
  std::string text = R"({"endpoint": "x", "cases": [{"id": "a", "detail": )" +
                     std::string(100000, '[') + std::string(100000, ']') + "}]}";
  auto r = parse_results(text, "shard-1/results.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "json.too_deep");
  EXPECT_EQ(r.error().file, "shard-1/results.json");
}

// A number beyond a double's range is an error, not an exception (found by fuzzing).
TEST(ResultsIo, NumberOverflowIsAnError) {
  auto r = parse_results("{\"cases\": [], \"summary\": {\"duration\": 50e00000000015907416}}",
                         "big/results.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "results.parse");
  EXPECT_EQ(r.error().file, "big/results.json");
}

TEST(ResultsIo, SyntaxErrorNamesFileAndLine) {
  std::string text = "{\n  \"cases\": [\n    {\"id\": \"a\",}\n  ]\n}\n";
  auto r = parse_results(text, "shard-2/results.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "results.parse");
  EXPECT_EQ(r.error().file, "shard-2/results.json");
  EXPECT_EQ(r.error().line, 3);
  EXPECT_NE(r.error().to_string().find("shard-2/results.json:3:"), std::string::npos);
}

// A case kind is read as the enum and written back as it was; a file that does not say stays so.
TEST(ResultsIo, KindsReadAsTheirEnumAndAnAbsentOneStaysAbsent) {
  ojson j = ojson::parse(render_json(io_report()));
  j["cases"][0]["kind"] = "observed";
  j["cases"][1].erase("kind");
  auto r = parse_results(j.dump(), "kinds.json");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->report.cases[0].kind, core::CaseKind::observed);
  EXPECT_FALSE(r->report.cases[1].kind.has_value());
  EXPECT_EQ(ojson::parse(render_json(r->report))["cases"][0]["kind"], "observed");
  EXPECT_EQ(ojson::parse(render_json(r->report))["cases"][1]["kind"], "");
}

TEST(ResultsIo, ShapeErrorsNameTheJsonPath) {
  ojson base = ojson::parse(render_json(io_report()));
  auto expect_error = [&](ojson j, const std::string& path) {
    auto r = parse_results(j.dump(), "base.json");
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().code, "results.shape");
    EXPECT_EQ(r.error().file, "base.json");
    EXPECT_NE(r.error().message.find(path), std::string::npos) << r.error().message;
  };
  ojson j = base;
  j["cases"][1]["status"] = 5;
  expect_error(j, "$.cases[1].status");
  j = base;
  j["cases"][2]["status"] = "flaky";
  expect_error(j, "$.cases[2].status");
  j = base;
  j["cases"][1]["failures"][0]["expected"] = ojson::array();
  expect_error(j, "$.cases[1].failures[0].expected");
  j = base;
  j["cases"][0]["request"]["headers"][0] = "Content-Type";
  expect_error(j, "$.cases[0].request.headers[0]");
  j = base;
  j["cases"][0].erase("id");
  expect_error(j, "$.cases[0].id");
  j = base;
  j["cases"][1]["kind"] = "fault";  // not a case kind
  expect_error(j, "$.cases[1].kind");
  j = base;
  j["cases"][1]["kind"] = 3;
  expect_error(j, "$.cases[1].kind");
  j = base;
  j.erase("cases");
  expect_error(j, "\"cases\"");
  expect_error(ojson::array(), "$");
}

TEST(ResultsIo, MissingFileIsAnIoError) {
  auto r = read_results("/nonexistent/popcheck/results.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "io.open");
  EXPECT_EQ(r.error().file, "/nonexistent/popcheck/results.json");
}

TEST(ResultsIo, ReadsAWrittenFile) {
  test_support::TempDir dir;
  ASSERT_TRUE(write_reports(io_report(), dir.str()));
  auto r = read_results((dir / "results.json").string());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->report.cases.size(), 4u);
  EXPECT_EQ(r->report.timestamp, "2026-11-23T16:00:00");
}

}  // namespace
}  // namespace popcheck::reports
