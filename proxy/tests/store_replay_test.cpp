// The replay index's cursor: recorded order, then the last again, and exchanges recorded while
// replaying continue the order.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "proxy/fixtures/store.hpp"
#include "tests/support/files.hpp"

namespace popcheck::proxy {
namespace {

namespace fs = std::filesystem;

using test_support::TempDir;

Exchange numbered(const Params& params, int n) {
  Exchange e;
  e.product = "ecs";
  e.action = "DescribeRegions";
  e.request.method = "GET";
  e.request.path = "/";
  e.request.params = params;
  e.response.status = 200;
  e.response.content_type = "application/json;charset=utf-8";
  e.response.body = "{\"n\":" + std::to_string(n) + "}";
  return e;
}

const Params kCall = {{"Action", "DescribeRegions"}, {"Version", "2014-05-26"}};

TEST(StoreReplay, AnExchangeRecordedAfterTheLastWasReplayedIsServedNext) {
  TempDir dir;
  FixtureStore store(dir.str(), {});
  std::string key = FixtureStore::key_of(store.match_of(kCall));
  ASSERT_TRUE(store.record(numbered(kCall, 1), key));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(store.next(key)->body, "{\"n\":1}");
  ASSERT_TRUE(store.record(numbered(kCall, 2), key));
  ASSERT_TRUE(store.record(numbered(kCall, 3), key));
  std::vector<std::string> seen;
  for (int i = 0; i < 3; ++i) seen.push_back(store.next(key)->body);
  EXPECT_EQ(seen, (std::vector<std::string>{"{\"n\":2}", "{\"n\":3}", "{\"n\":3}"}));
}

TEST(StoreReplay, ConcurrentReplaysHandOutEachRecordingOnceBeforeRepeatingTheLast) {
  TempDir dir;
  FixtureStore store(dir.str(), {});
  std::string key = FixtureStore::key_of(store.match_of(kCall));
  constexpr int kRecorded = 50;
  for (int n = 1; n <= kRecorded; ++n) ASSERT_TRUE(store.record(numbered(kCall, n), key));
  constexpr int kThreads = 4, kEach = 100;
  std::vector<std::vector<std::string>> seen(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) seen[t].push_back(store.next(key)->body);
      });
    }
  }
  std::map<std::string, int> counts;
  for (const auto& list : seen)
    for (const auto& body : list) ++counts[body];
  // Every recording but the last went to exactly one request; the last answered all the rest.
  for (int n = 1; n < kRecorded; ++n) EXPECT_EQ(counts["{\"n\":" + std::to_string(n) + "}"], 1);
  EXPECT_EQ(counts["{\"n\":" + std::to_string(kRecorded) + "}"],
            kThreads * kEach - (kRecorded - 1));
}

}  // namespace
}  // namespace popcheck::proxy
