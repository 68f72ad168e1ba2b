// Scenarios in the runner: the cases of one recording run one after another in step order on one
// worker whatever -j says, the report keeps the order given, and snapshot cases carry their
// registered parity gaps into the results.
#include <gtest/gtest.h>
#include <httplib.h>

#include <mutex>
#include <thread>

#include "core/check/check.hpp"
#include "runner/runner.hpp"
#include "tests/support/http_server.hpp"

namespace popcheck::runner {
namespace {

// Answers every request with {"RequestId": ..., "Step": <the Step parameter>} and remembers, per
// scenario (the Scenario parameter), the order in which steps arrived and whether two requests of
// one scenario were ever in flight together.
class StepServer {
 public:
  StepServer()
      : server_([this](const httplib::Request& req, httplib::Response& res) { handle(req, res); }) {
  }
  RunOptions options(int jobs) const {
    RunOptions o;
    o.endpoint = *core::parse_url(server_.url());
    o.credentials = {"k", "s", ""};
    o.retries = 0;
    o.jobs = jobs;
    return o;
  }
  std::vector<std::string> order(const std::string& scenario) {
    std::lock_guard lock(mutex_);
    return order_[scenario];
  }
  bool overlapped() {
    std::lock_guard lock(mutex_);
    return overlapped_;
  }

 private:
  void handle(const httplib::Request& req, httplib::Response& res) {
    std::string scenario = req.get_param_value("Scenario");
    std::string step = req.get_param_value("Step");
    {
      std::lock_guard lock(mutex_);
      if (!scenario.empty()) {
        if (in_flight_[scenario]++ > 0) overlapped_ = true;
        order_[scenario].push_back(step);
      }
    }
    // Widen the window in which a second request of the scenario could arrive if the runner
    // sent them side by side (nothing here measures time).
    std::this_thread::yield();
    {
      std::lock_guard lock(mutex_);
      if (!scenario.empty()) --in_flight_[scenario];
    }
    res.set_content(R"({"RequestId":"5E4C-0001","Step":")" + step + R"(","State":"Running"})",
                    "application/json;charset=utf-8");
  }

  std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> order_;
  std::map<std::string, int> in_flight_;
  bool overlapped_ = false;
  test_support::LoopbackServer server_;  // last: stops before the members its handler uses go
};

CaseItem step_case(const std::string& scenario, int step) {
  CaseItem item;
  item.contract = std::make_shared<const core::Contract>();
  core::Case& c = item.c;
  c.id = "Ecs.Step." + (scenario.empty() ? std::string("free") : scenario) + "." +
         std::to_string(1000 + step);
  c.kind = core::CaseKind::recorded;
  c.product = "Ecs";
  c.action = "Step";
  c.scenario = scenario;
  c.step = step;
  c.request.params = {{"Action", "Step"},
                      {"Version", "2014-05-26"},
                      {"Scenario", scenario},
                      {"Step", std::to_string(step)}};
  c.expect.shape = core::Shape::snapshot;
  c.expect.snapshot = {
      {"RequestId", "<request-id>"}, {"Step", std::to_string(step)}, {"State", "Running"}};
  return item;
}

TEST(Schedule, ScenariosBecomeOneUnitInStepOrder) {
  std::vector<CaseItem> cases = {step_case("a", 3), step_case("", 0),  step_case("a", 1),
                                 step_case("b", 2), step_case("a", 2), step_case("b", 1)};
  auto units = schedule(cases);
  ASSERT_EQ(units.size(), 3u);
  EXPECT_EQ(units[0], (std::vector<size_t>{2, 4, 0}));
  EXPECT_EQ(units[1], (std::vector<size_t>{1}));
  EXPECT_EQ(units[2], (std::vector<size_t>{5, 3}));
}

TEST(Scenario, StepsRunInOrderOneAtATimeWhileTheReportKeepsTheGivenOrder) {
  StepServer server;
  std::vector<CaseItem> cases;
  // Listed in reverse step order, interleaved with independent cases and a second scenario.
  for (int step = 12; step >= 1; --step) {
    cases.push_back(step_case("first", step));
    cases.push_back(step_case("", step));
    cases.push_back(step_case("second", 13 - step));
  }
  auto report = run_cases(cases, server.options(8), {});
  ASSERT_EQ(report.cases.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(report.cases[i].id, cases[i].c.id);
    EXPECT_EQ(report.cases[i].status, core::CaseStatus::passed) << report.cases[i].id;
  }
  std::vector<std::string> want;
  for (int step = 1; step <= 12; ++step) want.push_back(std::to_string(step));
  EXPECT_EQ(server.order("first"), want);
  EXPECT_EQ(server.order("second"), want);
  EXPECT_FALSE(server.overlapped());
}

TEST(Scenario, SnapshotCasesCarryTheirParityGaps) {
  StepServer server;
  CaseItem gap = step_case("gaps", 1);
  gap.c.expect.snapshot["State"] = "Stopped";  // the known difference...
  gap.c.expect.skip = {"State"};               // ...registered as a gap
  CaseItem diverging = step_case("gaps", 2);
  diverging.c.expect.snapshot["State"] = "Stopped";  // not registered: a failure
  CaseItem plain = step_case("gaps", 3);
  auto report = run_cases({gap, diverging, plain}, server.options(2), {});
  ASSERT_EQ(report.cases.size(), 3u);
  EXPECT_EQ(report.cases[0].status, core::CaseStatus::passed);
  EXPECT_EQ(report.cases[0].parity_gaps, std::vector<std::string>{"State"});
  EXPECT_EQ(report.cases[1].status, core::CaseStatus::failed);
  auto failures = report.cases[1].failures();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]->check, "snapshot");
  EXPECT_EQ(failures[0]->path, "State");
  EXPECT_EQ(failures[0]->expected, "\"Stopped\"");
  EXPECT_EQ(failures[0]->actual, "\"Running\"");
  EXPECT_TRUE(report.cases[2].parity_gaps.empty());
  EXPECT_EQ(core::summarize(report).parity_gaps, 1);
}

}  // namespace
}  // namespace popcheck::runner
