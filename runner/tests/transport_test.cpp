// The runner's one case loop (run_cases_over) over any transport: variables and skips decided
// before a transport sees a case, the report in the order given whatever the workers, a transport
// that cannot start or that stops the run turned into the run's Error naming the case.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>

#include "runner/runner.hpp"
#include "runner/transport.hpp"

namespace popcheck::runner {
namespace {

// A transport that answers every case itself: passed, unless the case's RegionId is "boom" (a fatal
// error) or "lost" (no answer).
class FakeTransport : public Transport {
 public:
  explicit FakeTransport(std::atomic<int>* exchanged, std::mutex* m, std::set<std::string>* params)
      : exchanged_(exchanged), mutex_(m), params_(params) {}
  Expected<void> exchange(const CaseItem& item, const core::Params& params,
                          core::CaseResult& r) override {
    ++*exchanged_;
    std::string region;
    for (const auto& [k, v] : params)
      if (k == "RegionId") region = v;
    {
      std::lock_guard lock(*mutex_);
      params_->insert(item.c.id + "=" + region);
    }
    if (region == "boom") return fail("fake.dead", "the transport broke");
    r.sent = true;
    if (region == "lost") {
      r.status = core::CaseStatus::error;
      r.error = "no answer";
      return {};
    }
    r.answered = true;
    r.status = core::CaseStatus::passed;
    return {};
  }
  std::string describe() const override { return " via fake"; }

 private:
  std::atomic<int>* exchanged_;
  std::mutex* mutex_;
  std::set<std::string>* params_;
};

CaseItem item(std::string id, std::string region) {
  CaseItem i;
  i.c.id = std::move(id);
  i.c.product = "Ecs";
  i.c.action = "DescribeRegions";
  i.c.request.params = {{"Action", "DescribeRegions"}, {"RegionId", std::move(region)}};
  i.contract = std::make_shared<core::Contract>();
  return i;
}

struct Fixture {
  std::atomic<int> exchanged{0};
  std::mutex mutex;
  std::set<std::string> params;
  TransportFactory factory() {
    return [this]() -> Expected<std::unique_ptr<Transport>> {
      return std::make_unique<FakeTransport>(&exchanged, &mutex, &params);
    };
  }
};

RunOptions options() {
  RunOptions o;
  o.endpoint = *core::parse_url("http://127.0.0.1:9");  // never contacted: no case has needs
  o.vars = {{"region", "cn-hangzhou"}};
  return o;
}

TEST(CaseLoop, VariablesAndSkipsComeBeforeTheTransportWhateverItIs) {
  Fixture f;
  std::vector<CaseItem> cases = {item("a", "${region}"), item("b", "${nowhere}"), item("c", "lost"),
                                 item("d", "plain")};
  std::vector<std::string> progress;
  auto report =
      run_cases_over(cases, options(), Target{}, f.factory(), 3,
                     [&](size_t, size_t, const core::CaseResult& r) { progress.push_back(r.id); });
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->cases.size(), 4u);
  EXPECT_EQ(report->endpoint, "http://127.0.0.1:9/ via fake");
  EXPECT_EQ(report->cases[0].id, "a");
  EXPECT_EQ(report->cases[0].status, core::CaseStatus::passed);
  EXPECT_EQ(report->cases[1].status, core::CaseStatus::skipped);
  EXPECT_EQ(report->cases[1].skip_reason, "no value for ${nowhere}: pass --var nowhere=VALUE");
  EXPECT_EQ(report->cases[2].status, core::CaseStatus::error);
  EXPECT_EQ(report->cases[3].id, "d");
  EXPECT_EQ(f.exchanged, 3);  // the skipped case never reached the transport
  EXPECT_EQ(f.params, (std::set<std::string>{"a=cn-hangzhou", "c=lost", "d=plain"}));
  EXPECT_EQ(progress.size(), 4u);
}

TEST(CaseLoop, ATransportThatStopsTheRunNamesTheCase) {
  Fixture f;
  auto report = run_cases_over({item("first", "x"), item("breaks", "boom"), item("after", "y")},
                               options(), Target{}, f.factory(), 1);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, "fake.dead");
  EXPECT_EQ(report.error().message, "case breaks: the transport broke");
  EXPECT_EQ(f.params.count("after=y"), 0u);  // nothing runs after the stop
}

TEST(CaseLoop, ATransportThatCannotStartFailsTheRunBeforeAnyCase) {
  Fixture f;
  int made = 0;
  TransportFactory broken = [&]() -> Expected<std::unique_ptr<Transport>> {
    if (made++ == 1) return fail("fake.spawn", "no second transport");
    return std::make_unique<FakeTransport>(&f.exchanged, &f.mutex, &f.params);
  };
  auto report = run_cases_over({item("a", "x"), item("b", "y")}, options(), Target{}, broken, 2);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, "fake.spawn");
  EXPECT_EQ(f.exchanged, 0);
}

}  // namespace
}  // namespace popcheck::runner
