#include "reports/merge.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "reports/reports.hpp"
#include "reports/results_io.hpp"

namespace popcheck::reports {
namespace {

using core::CaseStatus;

// A run of `n` cases over three actions, in the runner's order (sorted by id), with every status.
core::RunReport full_run(int n) {
  core::RunReport r;
  r.endpoint = "http://127.0.0.1:8080";
  r.timestamp = "2026-11-23T09:00:00";
  std::vector<core::CaseResult> cases;
  const char* actions[] = {"DescribeRegions", "CreateVpc", "RemoveTags"};
  const char* products[] = {"Ecs", "Vpc", "Ecs"};
  for (int i = 0; i < n; ++i) {
    core::CaseResult c;
    c.product = products[i % 3];
    c.action = actions[i % 3];
    c.version = "2014-05-26";
    c.kind = i % 4 == 0 ? core::CaseKind::example : core::CaseKind::error;
    c.id = c.product + "." + c.action + "." + std::string(core::to_string(*c.kind)) + "." +
           std::to_string(i);
    c.status = static_cast<CaseStatus>(i % 4);
    c.duration_s = 0.001 * (i + 1);
    if (c.status == CaseStatus::skipped) {
      c.skip_reason = "needs a disk";
    } else {
      c.checks = {{"status", true, "200", "200", ""},
                  {"code", c.status != CaseStatus::failed, "A", "B", ""}};
      c.sent = true;
      c.request = {"GET",
                   r.endpoint + "/?Action=" + c.action + "&AccessKeyId=LTAIkey&Signature=s",
                   {{"x-acs-action", c.action}},
                   ""};
      if (c.status == CaseStatus::error) {
        c.checks.clear();
        c.error = "timeout";
      } else {
        c.answered = true;
        c.response = {200,
                      {{"Content-Type", "application/json;charset=utf-8"}},
                      "{\"RequestId\":\"" + std::to_string(i) + "\",\"Bad\":\"\xff\"}"};
      }
    }
    cases.push_back(std::move(c));
  }
  std::sort(cases.begin(), cases.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  r.cases = std::move(cases);
  return r;
}

// Shard I of N as the runner takes it: every N-th case of the sorted selection, starting at I-1.
// Each shard is written to JSON and read back, as the merge command sees it.
std::vector<ShardInput> shards_of(const core::RunReport& full, int count,
                                  const std::vector<double>& durations,
                                  const std::vector<std::string>& timestamps) {
  std::vector<ShardInput> out;
  for (int s = 0; s < count; ++s) {
    core::RunReport shard;
    shard.endpoint = full.endpoint;
    shard.timestamp = timestamps[static_cast<size_t>(s)];
    shard.duration_s = durations[static_cast<size_t>(s)];
    for (size_t i = static_cast<size_t>(s); i < full.cases.size(); i += static_cast<size_t>(count))
      shard.cases.push_back(full.cases[i]);
    std::string file = "shard-" + std::to_string(s + 1) + "/results.json";
    auto back = parse_results(render_json(shard), file);
    EXPECT_TRUE(back) << back.error().to_string();
    out.push_back({file, std::move(back->report)});
  }
  return out;
}

TEST(Merge, ShardsGiveTheSingleRunsBytes) {
  core::RunReport full = full_run(40);
  // The single run started with the first shard and took as long as the shards together.
  full.duration_s = 1.25 + 2.5 + 0.75;
  auto shards = shards_of(full, 3, {1.25, 2.5, 0.75},
                          {"2026-11-23T09:00:02", "2026-11-23T09:00:00", "2026-11-23T09:00:01"});
  ASSERT_EQ(
      shards[0].report.cases.size() + shards[1].report.cases.size() + shards[2].report.cases.size(),
      40u);
  std::string want_json = render_json(full);
  std::string want_junit = render_junit(full);
  // Every order of the inputs gives the same bytes.
  std::vector<int> order = {0, 1, 2};
  do {
    std::vector<ShardInput> inputs;
    for (int i : order) inputs.push_back(shards[static_cast<size_t>(i)]);
    auto merged = merge_reports(inputs);
    ASSERT_TRUE(merged) << merged.error().to_string();
    EXPECT_EQ(render_json(*merged), want_json);
    EXPECT_EQ(render_junit(*merged), want_junit);
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(Merge, OneShardIsItself) {
  core::RunReport full = full_run(7);
  full.duration_s = 3;
  auto shards = shards_of(full, 1, {3}, {full.timestamp});
  auto merged = merge_reports(shards);
  ASSERT_TRUE(merged);
  EXPECT_EQ(render_json(*merged), render_json(full));
}

TEST(Merge, DuplicateCaseIsAnErrorNamingBothFiles) {
  core::RunReport full = full_run(9);
  auto shards = shards_of(full, 2, {1, 1}, {full.timestamp, full.timestamp});
  shards.push_back({"again/results.json", shards[0].report});
  auto merged = merge_reports(shards);
  ASSERT_FALSE(merged);
  EXPECT_EQ(merged.error().code, "merge.duplicate");
  EXPECT_EQ(merged.error().file, "again/results.json");
  EXPECT_NE(merged.error().message.find("shard-1/results.json"), std::string::npos);
  EXPECT_NE(merged.error().message.find(full.cases[0].id), std::string::npos);
}

TEST(Merge, DifferentEndpointsAndNoInputAreErrors) {
  core::RunReport full = full_run(6);
  auto shards = shards_of(full, 2, {1, 1}, {full.timestamp, full.timestamp});
  shards[1].report.endpoint = "https://ecs.aliyuncs.com";
  auto merged = merge_reports(shards);
  ASSERT_FALSE(merged);
  EXPECT_EQ(merged.error().code, "merge.endpoint");
  EXPECT_EQ(merged.error().file, "shard-2/results.json");
  // Loopback endpoints that differ only in the port (one embedded emulator per shard) do merge.
  shards[0].report.endpoint = "http://127.0.0.1:40001/";
  shards[1].report.endpoint = "http://127.0.0.1:40002/";
  auto local = merge_reports(shards);
  ASSERT_TRUE(local) << local.error().to_string();
  EXPECT_EQ(local->endpoint, "http://127.0.0.1:40001/");
  auto none = merge_reports({});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "merge.empty");
}

}  // namespace
}  // namespace popcheck::reports
