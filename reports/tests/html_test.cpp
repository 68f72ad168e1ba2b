#include "reports/html.hpp"

#include <gtest/gtest.h>

namespace popcheck::reports {
namespace {

using core::CaseStatus;
using core::ojson;

core::CaseResult html_case(const std::string& id, const std::string& action, CaseStatus status) {
  core::CaseResult c;
  c.id = id;
  c.product = "Ecs";
  c.action = action;
  c.kind = core::CaseKind::example;
  c.status = status;
  c.duration_s = 0.25;
  if (status == CaseStatus::skipped) {
    c.skip_reason = "needs a Stopped instance";
    return c;
  }
  c.checks = {{"status", true, "200", "200", ""},
              {"shape", status != CaseStatus::failed, "string", "integer", "Regions.Region[0].Id"}};
  c.sent = true;
  c.request = {
      "GET",
      "http://127.0.0.1:1/?Action=" + action + "&AccessKeyId=LTAIsupersecretid&Signature=c2ln",
      {{"Authorization", "ACS3-HMAC-SHA256 Credential=LTAIsupersecretid,Signature=ff00"}},
      ""};
  c.answered = true;
  // A body that tries to end the data block early, and the two line separators JavaScript once
  // treated as line ends.
  c.response = {
      200,
      {{"Content-Type", "application/json;charset=utf-8"}},
      "{\"Note\":\"</script><script>alert(1)</script><!-- \xe2\x80\xa8 \xe2\x80\xa9 & >\"}"};
  return c;
}

core::RunReport html_run() {
  core::RunReport r;
  r.endpoint = "http://127.0.0.1:1/?AccessKeyId=LTAIsupersecretid";
  r.timestamp = "2026-11-23T12:00:00";
  r.duration_s = 4.5;
  r.cases = {html_case("Ecs.A.example.json", "A", CaseStatus::passed),
             html_case("Ecs.A.example.xml", "A", CaseStatus::failed),
             html_case("Ecs.B.example.json", "B", CaseStatus::skipped),
             html_case("Ecs.B.example.xml", "B", CaseStatus::failed)};
  return r;
}

// The text of the embedded data block.
std::string data_block(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"popcheck-data\">";
  size_t b = html.find(open);
  if (b == std::string::npos) return {};
  b += open.size();
  size_t e = html.find("</script>", b);
  return html.substr(b, e - b);
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(Html, EmbedsTheRunAsParseableJson) {
  core::RunReport r = html_run();
  Coverage cov = compute_coverage(r, {});
  ojson cov_json = to_json(cov);
  std::string html = render_html(r, &cov_json, {"My run", "reports/results.json"});
  std::string block = data_block(html);
  ASSERT_FALSE(block.empty());
  ojson data = ojson::parse(block);
  EXPECT_EQ(data["summary"]["total"], 4);
  EXPECT_EQ(data["summary"]["passed"], 1);
  EXPECT_EQ(data["summary"]["failed"], 2);
  EXPECT_EQ(data["summary"]["skipped"], 1);
  EXPECT_EQ(data["summary"]["errors"], 0);
  EXPECT_DOUBLE_EQ(data["summary"]["duration"].get<double>(), 4.5);
  ASSERT_EQ(data["cases"].size(), 4u);
  EXPECT_EQ(data["cases"][1]["failures"][0]["expected"], "string");
  EXPECT_EQ(data["cases"][1]["failures"][0]["actual"], "integer");
  EXPECT_EQ(data["cases"][2]["skip_reason"], "needs a Stopped instance");
  // The escaped body comes back byte for byte.
  EXPECT_EQ(data["cases"][0]["response"]["body"], r.cases[0].response.body);
  EXPECT_EQ(data["coverage"]["totals"]["examples_run"], 3);
  EXPECT_EQ(data["title"], "My run");
  EXPECT_NE(html.find("<title>My run</title>"), std::string::npos);
}

TEST(Html, DataCannotBreakOutOfItsScript) {
  std::string html = render_html(html_run(), nullptr);
  std::string block = data_block(html);
  EXPECT_EQ(block.find('<'), std::string::npos);
  EXPECT_EQ(block.find('>'), std::string::npos);
  EXPECT_EQ(block.find("\xe2\x80\xa8"), std::string::npos);
  EXPECT_EQ(block.find("\xe2\x80\xa9"), std::string::npos);
  EXPECT_NE(block.find("\\u2028"), std::string::npos);
  // Exactly two script elements end: the data block and the program.
  EXPECT_EQ(count(html, "</script>"), 2u);
  EXPECT_EQ(ojson::parse(block)["coverage"], nullptr);
}

TEST(Html, CredentialsNeverReachThePage) {
  std::string html = render_html(html_run(), nullptr);
  EXPECT_EQ(html.find("LTAIsupersecretid"), std::string::npos);
  EXPECT_EQ(html.find("c2ln"), std::string::npos);
  EXPECT_NE(html.find("REDACTED"), std::string::npos);
}

TEST(Html, SelfContained) {
  std::string html = render_html(html_run(), nullptr);
  // No external script, style sheet, image or font: every asset is inline.
  for (const char* needle :
       {"src=", "<link rel=\"stylesheet\"", "@import", "url(", "//cdn", "https://"})
    EXPECT_EQ(html.find(needle), std::string::npos) << needle;
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  // Everything the program looks up by id is in the page.
  for (const char* id : {"count-total", "count-passed", "count-failed", "count-skipped",
                         "count-errors", "filter-status", "filter-product", "filter-action",
                         "results", "coverage-body", "match-count", "shown-count"})
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
}

TEST(Html, EscapesHeaderText) {
  core::RunReport r = html_run();
  r.timestamp = "<b>now</b>";
  std::string html = render_html(r, nullptr, {"a <i>title</i>", "x&y.json"});
  EXPECT_NE(html.find("a &lt;i&gt;title&lt;/i&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;now&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("x&amp;y.json"), std::string::npos);
  EXPECT_EQ(html.find("<b>now"), std::string::npos);
}

}  // namespace
}  // namespace popcheck::reports
