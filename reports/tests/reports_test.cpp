#include "reports/reports.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "core/files.hpp"
#include "tests/support/files.hpp"
#include "tests/support/paths.hpp"

namespace popcheck::reports {
namespace {

namespace fs = std::filesystem;
using core::CaseStatus;

core::CaseResult make_case(std::string id, std::string product, std::string action,
                           CaseStatus status) {
  core::CaseResult c;
  c.id = std::move(id);
  c.product = std::move(product);
  c.action = std::move(action);
  c.version = "2014-05-26";
  c.kind = core::CaseKind::example;
  c.status = status;
  c.duration_s = 0.25;
  c.checks.push_back({"status", true, "200", "200", ""});
  if (status == CaseStatus::failed) {
    c.checks.push_back({"code", false, "A.B", "A.C", "Code"});
    c.checks.push_back({"shape", false, "string", "integer", "Items[0].Name"});
  }
  if (status == CaseStatus::skipped) {
    c.checks.clear();
    c.skip_reason = "an ECS instance whose status is Starting";
    return c;
  }
  c.sent = true;
  c.request = {"GET",
               "http://127.0.0.1:1/?Action=" + c.action +
                   "&AccessKeyId=LTAIsecretid&Signature=c2lnbmF0dXJl%3D&SecurityToken=tok3n",
               {{"Authorization", "ACS3-HMAC-SHA256 Credential=LTAIsecretid,Signature=abcdef"},
                {"x-acs-action", c.action}},
               ""};
  if (status == CaseStatus::error) {
    c.error = "connection refused";
    return c;
  }
  c.answered = true;
  // A body with a control character and an invalid UTF-8 byte: neither may break the XML.
  c.response = {200,
                {{"Content-Type", "application/json;charset=utf-8"}},
                std::string("{\"RequestId\":\"R\",\"Note\":\"a\x01b\xff\"}")};
  return c;
}

core::RunReport sample() {
  core::RunReport r;
  r.endpoint = "http://127.0.0.1:1";
  r.timestamp = "2026-11-23T16:00:00";
  r.hostname = "host";
  r.duration_s = 1.5;
  r.cases.push_back(
      make_case("Ecs.RemoveTags.example.json", "Ecs", "RemoveTags", CaseStatus::passed));
  r.cases.push_back(
      make_case("Ess.RemoveInstances.error.1", "Ess", "RemoveInstances", CaseStatus::failed));
  r.cases.push_back(make_case("Ecs.RemoveTags.error.1", "Ecs", "RemoveTags", CaseStatus::skipped));
  r.cases.push_back(
      make_case("Ess.RemoveInstances.error.2", "Ess", "RemoveInstances", CaseStatus::error));
  return r;
}

TEST(Junit, OneSuitePerActionOneCasePerCase) {
  std::string xml = render_junit(sample());
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
  auto suites = doc.child("testsuites");
  std::vector<std::string> names;
  for (auto s : suites.children("testsuite")) names.push_back(s.attribute("name").value());
  EXPECT_EQ(names, (std::vector<std::string>{"Ecs.RemoveTags", "Ess.RemoveInstances"}));
  auto ecs = suites.find_child_by_attribute("testsuite", "name", "Ecs.RemoveTags");
  EXPECT_EQ(ecs.attribute("tests").as_int(), 2);
  EXPECT_EQ(ecs.attribute("skipped").as_int(), 1);
  EXPECT_EQ(ecs.attribute("id").as_int(), 0);
  EXPECT_STREQ(ecs.attribute("time").value(), "0.500");
  EXPECT_TRUE(
      ecs.find_child_by_attribute("testcase", "name", "Ecs.RemoveTags.error.1").child("skipped"));
  auto ess = suites.find_child_by_attribute("testsuite", "name", "Ess.RemoveInstances");
  EXPECT_EQ(ess.attribute("failures").as_int(), 1);
  EXPECT_EQ(ess.attribute("errors").as_int(), 1);
  auto failure = ess.find_child_by_attribute("testcase", "name", "Ess.RemoveInstances.error.1")
                     .child("failure");
  ASSERT_TRUE(failure);
  std::string text = failure.text().get();
  EXPECT_NE(text.find("code at Code: expected A.B, actual A.C"), std::string::npos) << text;
  EXPECT_NE(text.find("shape at Items[0].Name: expected string, actual integer"),
            std::string::npos);
  EXPECT_STREQ(failure.attribute("message").value(), "2 checks failed: code, shape");
  EXPECT_TRUE(ess.find_child_by_attribute("testcase", "name", "Ess.RemoveInstances.error.2")
                  .child("error"));
  std::string out = ess.child("system-out").text().get();
  EXPECT_NE(out.find("> GET http://127.0.0.1:1/?Action=RemoveInstances"), std::string::npos);
}

TEST(Junit, NoCredentialOrSignatureReachesTheReport) {
  for (const std::string& text : {render_junit(sample()), render_json(sample())}) {
    EXPECT_EQ(text.find("LTAIsecretid"), std::string::npos);
    EXPECT_EQ(text.find("c2lnbmF0dXJl"), std::string::npos);
    EXPECT_EQ(text.find("tok3n"), std::string::npos);
    EXPECT_EQ(text.find("abcdef"), std::string::npos);
  }
}

TEST(Junit, ValidatesAgainstTheAntSchema) {
  if (!test_support::have_xmllint())
    GTEST_SKIP() << "xmllint is not installed (scripts/setup.sh test installs it)";
  test_support::TempDir dir;
  ASSERT_TRUE(write_reports(sample(), dir.str()));
  EXPECT_EQ(test_support::junit_problems(dir / "junit.xml"), "");
  // An empty run is valid too.
  ASSERT_TRUE(write_reports(core::RunReport{}, dir.str()));
  EXPECT_EQ(test_support::junit_problems(dir / "junit.xml"), "");
}

TEST(Json, SummaryAndCasesInOrder) {
  auto j = nlohmann::json::parse(render_json(sample()));
  EXPECT_EQ(j["summary"]["passed"], 1);
  EXPECT_EQ(j["summary"]["failed"], 1);
  EXPECT_EQ(j["summary"]["skipped"], 1);
  EXPECT_EQ(j["summary"]["errors"], 1);
  EXPECT_EQ(j["summary"]["total"], 4);
  EXPECT_DOUBLE_EQ(j["summary"]["duration"].get<double>(), 1.5);
  ASSERT_EQ(j["cases"].size(), 4u);
  EXPECT_EQ(j["cases"][0]["id"], "Ecs.RemoveTags.example.json");
  EXPECT_EQ(j["cases"][1]["status"], "failed");
  EXPECT_EQ(j["cases"][1]["failures"][1]["path"], "Items[0].Name");
  EXPECT_EQ(j["cases"][1]["failures"][0]["expected"], "A.B");
  EXPECT_EQ(j["cases"][2]["skip_reason"], "an ECS instance whose status is Starting");
  EXPECT_FALSE(j["cases"][2].contains("request"));
  EXPECT_EQ(j["cases"][3]["error"], "connection refused");
  EXPECT_EQ(j["cases"][0]["response"]["status"], 200);
  EXPECT_FALSE(j.contains("coverage"));
}

TEST(Json, HostnameAndEmbeddedCoverage) {
  core::RunReport r = sample();
  r.hostname = "ci-runner-7";
  core::ojson coverage{{"totals", {{"codes_documented", 3}}}};
  auto j = nlohmann::ordered_json::parse(render_json(r, &coverage));
  EXPECT_EQ(j["hostname"], "ci-runner-7");
  EXPECT_EQ(j["coverage"]["totals"]["codes_documented"], 3);
  // Coverage comes last, after the cases.
  EXPECT_EQ(std::prev(j.end()).key(), "coverage");
}

}  // namespace
}  // namespace popcheck::reports
