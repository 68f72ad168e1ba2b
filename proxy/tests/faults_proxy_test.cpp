// Fault injection through the proxy in process: the proxy applying faults in front of a real
// (counting) upstream, the admin endpoint, and the validator seeing real answers only. The syntax
// and the decisions alone are in faults_test.cpp.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <mutex>
#include <pugixml.hpp>
#include <set>

#include "net/server.hpp"
#include "proxy/faults.hpp"
#include "proxy/limits.hpp"
#include "proxy/proxy.hpp"
#include "proxy/tests/faults_support.hpp"
#include "proxy/upstream.hpp"
#include "tests/support/files.hpp"

namespace popcheck::proxy {
namespace {

using core::ojson;
namespace fs = std::filesystem;

using fault_test::parsed;

// The proxy in front of a counting upstream.
class ProxyFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    upstream_handler_ = std::make_shared<net::FunctionHandler>([this](const net::HttpRequest&) {
      calls_.fetch_add(1);
      net::HttpResponse r;
      r.headers = {{"Content-Type", "application/json;charset=utf-8"}};
      r.body = R"({"RequestId":"R1","Regions":{"Region":[{"RegionId":"cn-hangzhou"}]},"Pad":")" +
               std::string(200, 'p') + "\"}";
      return r;
    });
    upstream_ = std::make_unique<net::Server>(net::ServerOptions{}, upstream_handler_);
    ASSERT_TRUE(upstream_->start().has_value());
  }
  void TearDown() override {
    proxy_.reset();
    handler_.reset();
    upstream_->stop();
  }

  void start(Mode mode, std::vector<std::string> specs,
             std::shared_ptr<Validator> validator = nullptr) {
    ProxyOptions options;
    options.mode = mode;
    options.validator = std::move(validator);
    options.fixtures = dir_.str();
    options.upstream.url = "http://127.0.0.1:" + std::to_string(upstream_->port());
    options.faults.seed = 11;
    for (const auto& s : specs) options.faults.rules.push_back(parsed(s));
    LoadReport report;
    auto h = ProxyHandler::create(std::move(options), report);
    ASSERT_TRUE(h.has_value()) << h.error().to_string();
    handler_ = *h;
    proxy_ = std::make_unique<net::Server>(net::ServerOptions{}, handler_);
    ASSERT_TRUE(proxy_->start().has_value());
  }

  // A fresh connection per request, so that a reset is seen as such and never retried.
  Expected<core::Response> send(const std::string& method, const std::string& target,
                                const std::string& body = {}) {
    auto client = make_upstream({.url = "http://127.0.0.1:" + std::to_string(proxy_->port()),
                                 .timeout = std::chrono::milliseconds(10000)});
    EXPECT_TRUE(client.has_value());
    core::Request r{method, target, {}, body};
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    if (target.starts_with("/__popcheck/")) r.headers.emplace_back("X-Popcheck-Admin", "1");
    return (*client)->send(r);
  }
  Expected<core::Response> call(const std::string& action, const std::string& format = "JSON") {
    return send("GET", "/?Action=" + action + "&Version=2014-05-26&Format=" + format +
                           "&RegionId=cn-hangzhou");
  }
  ojson stats() {
    auto r = send("GET", "/__popcheck/stats");
    EXPECT_TRUE(r.has_value());
    return r ? ojson::parse(r->body) : ojson();
  }
  size_t fixture_count() const { return test_support::files_below(dir_.path()).size(); }

  std::shared_ptr<net::Handler> upstream_handler_;
  std::unique_ptr<net::Server> upstream_;
  std::shared_ptr<ProxyHandler> handler_;
  std::unique_ptr<net::Server> proxy_;
  std::atomic<int> calls_{0};
  test_support::TempDir dir_;
};

TEST_F(ProxyFaults, InjectedErrorsAreAnsweredByTheProxyAndNeverRecorded) {
  start(Mode::record, {"error:Throttling.User,action=DescribeRegions,count=2,retry-after=20"});
  for (int i = 0; i < 2; ++i) {
    auto r = call("DescribeRegions");
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(ojson::parse(r->body)["Code"], "Throttling.User");
    EXPECT_EQ(ojson::parse(r->body)["HostId"], "ecs.aliyuncs.com");
    EXPECT_EQ(core::header_value(r->headers, "x-acs-retry-after"), "20");
  }
  EXPECT_EQ(calls_.load(), 0);
  EXPECT_EQ(fixture_count(), 0u);
  auto ok = call("DescribeRegions");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(calls_.load(), 1);
  EXPECT_EQ(fixture_count(), 1u);
  auto xml = send("PUT", "/__popcheck/faults", R"({"rules": ["error:ServiceUnavailable"]})");
  ASSERT_TRUE(xml.has_value());
  auto x = call("DescribeRegions", "XML");
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(x->status, 503);
  EXPECT_EQ(core::header_value(x->headers, "Content-Type"), "text/xml;charset=utf-8");
  EXPECT_NE(x->body.find("<Code>ServiceUnavailable</Code>"), std::string::npos);

  ojson s = stats();
  // The existing keys stay.
  for (const char* key : {"mode", "fixtures", "hits", "misses", "recorded", "forwarded", "errors"})
    EXPECT_TRUE(s.contains(key)) << key;
  EXPECT_EQ(s["recorded"], 1);
  EXPECT_EQ(s["requests_by_action"]["DescribeRegions"], 4);
  EXPECT_EQ(s["injected"]["error"], 3);
  EXPECT_EQ(s["injected_by_action"]["DescribeRegions"]["error"], 3);
}

TEST_F(ProxyFaults, ErrorsApplyInReplayModeToo) {
  start(Mode::replay, {"error:InternalError,count=1"});
  auto r = call("DescribeRegions");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(ojson::parse(r->body)["Code"], "InternalError");
  // Then the replay behaviour: no recording, a miss.
  auto miss = call("DescribeRegions");
  ASSERT_TRUE(miss.has_value());
  EXPECT_EQ(miss->status, 404);
  EXPECT_EQ(stats()["misses"], 1);
}

TEST_F(ProxyFaults, ResetAndTruncateWrapTheRealAnswerAndTheProxyKeepsServing) {
  start(Mode::passthrough,
        {"reset,action=DescribeRegions,count=1", "truncate,action=DescribeZones,count=1"});
  auto reset = call("DescribeRegions");
  EXPECT_FALSE(reset.has_value());
  // The upstream was asked: the answer was lost on the way back.
  EXPECT_EQ(calls_.load(), 1);
  auto cut = call("DescribeZones");
  EXPECT_FALSE(cut.has_value());
  EXPECT_EQ(calls_.load(), 2);
  for (const char* action : {"DescribeRegions", "DescribeZones"}) {
    auto r = call(action);
    ASSERT_TRUE(r.has_value()) << action << ": " << r.error().to_string();
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(ojson::accept(r->body)) << r->body;
  }
  ojson s = stats();
  EXPECT_EQ(s["injected"]["reset"], 1);
  EXPECT_EQ(s["injected"]["truncate"], 1);
}

TEST_F(ProxyFaults, AdminEndpointSetsReadsAndClearsFaults) {
  start(Mode::passthrough, {});
  auto put = send("PUT", "/__popcheck/faults",
                  R"({"seed": 5, "rules": [{"kind": "error", "code": "Throttling", "count": 1}]})");
  ASSERT_TRUE(put.has_value());
  EXPECT_EQ(put->status, 200);
  EXPECT_EQ(ojson::parse(put->body)["seed"], 5);
  EXPECT_EQ(call("A")->status, 400);
  EXPECT_EQ(call("A")->status, 200);
  auto get = send("GET", "/__popcheck/faults");
  ASSERT_TRUE(get.has_value());
  ojson config = ojson::parse(get->body);
  EXPECT_EQ(config["rules"][0]["injected"], 1);
  EXPECT_EQ(config["rules"][0]["spec"],
            "error:Throttling,count=1,status=400,message=Request was "
            "denied due to request throttling.");

  auto bad = send("PUT", "/__popcheck/faults", R"({"rules": ["reset,p=7"]})");
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(ojson::parse(bad->body)["Message"].get<std::string>().find("'p=7'"), std::string::npos);
  auto garbage = send("PUT", "/__popcheck/faults", "{nope");
  ASSERT_TRUE(garbage.has_value());
  EXPECT_EQ(garbage->status, 400);
  auto absurd = send("PUT", "/__popcheck/faults",
                     R"({"rules": [{"kind": "latency", "latency_ms": 9223372036854775807}]})");
  ASSERT_TRUE(absurd.has_value());
  EXPECT_EQ(absurd->status, 400);
  EXPECT_NE(
      ojson::parse(absurd->body)["Message"].get<std::string>().find(std::to_string(kMaxLatencyMs)),
      std::string::npos);
  // A rejected configuration leaves the current one alone.
  EXPECT_EQ(ojson::parse(send("GET", "/__popcheck/faults")->body)["rules"].size(), 1u);

  auto cleared = send("DELETE", "/__popcheck/faults");
  ASSERT_TRUE(cleared.has_value());
  EXPECT_EQ(ojson::parse(cleared->body)["rules"].size(), 0u);
  EXPECT_EQ(ojson::parse(cleared->body)["seed"], 5);
  auto wrong = send("PATCH", "/__popcheck/faults");
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->status, 405);
  // Admin requests are neither faulted nor counted as API requests.
  EXPECT_FALSE(stats()["requests_by_action"].contains("<none>"));
}

// A validator that flags every exchange whose Action is "Bad" and remembers what it saw.
class FakeValidator : public Validator {
 public:
  void observe(const net::HttpRequest& request, const core::Params& merged,
               const net::HttpResponse& response) override {
    (void)observe_line(request, merged, response);
  }
  std::string observe_line(const net::HttpRequest& request, const core::Params& merged,
                           const net::HttpResponse& response) override {
    std::lock_guard lock(mutex_);
    std::string action;
    for (const auto& [k, v] : merged)
      if (k == "Action") action = v;
    seen_.push_back(request.method + " " + action + " " + std::to_string(response.status));
    bodies_.push_back(response.body.size());
    if (action == "Bad") {
      ++violating_;
      // The actual value quotes the request's key id, as a careless validator might.
      ojson v;
      v["case"] = "Bad#" + std::to_string(violating_);
      v["action"] = action;
      v["check"] = "unknown-parameter";
      v["path"] = "Colour";
      v["expected"] = "a documented parameter";
      v["actual"] =
          "Colour (AccessKeyId=" + request.target.substr(request.target.find("Key=") + 4) + ")";
      violations_.push_back(v);
      return v["case"].get<std::string>() + ": " + v["check"].get<std::string>() + " at " +
             v["path"].get<std::string>() + ": actual " + v["actual"].get<std::string>();
    }
    return {};
  }
  size_t observed() const override {
    std::lock_guard lock(mutex_);
    return seen_.size();
  }
  size_t violating() const override {
    std::lock_guard lock(mutex_);
    return violating_;
  }
  ojson violations_json() const override {
    std::lock_guard lock(mutex_);
    return violations_;
  }
  core::RunReport report(const std::string& endpoint) const override {
    core::RunReport r;
    r.endpoint = endpoint;
    return r;
  }
  std::vector<std::string> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  // The size of `body` of every answer seen (the validator reads `body`, never shared_body).
  std::vector<size_t> bodies() const {
    std::lock_guard lock(mutex_);
    return bodies_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> seen_;
  std::vector<size_t> bodies_;
  size_t violating_ = 0;
  ojson violations_ = ojson::array();
};

TEST_F(ProxyFaults, ValidatorSeesRealAnswersAndViolationsAreLoggedWithoutSecrets) {
  auto validator = std::make_shared<FakeValidator>();
  std::vector<std::string> lines;
  std::mutex lines_mutex;
  ProxyOptions options;
  options.mode = Mode::passthrough;
  options.fixtures = dir_.str();
  options.upstream.url = "http://127.0.0.1:" + std::to_string(upstream_->port());
  options.faults.rules.push_back(parsed("error:Throttling.User,action=Throttled"));
  options.faults.rules.push_back(parsed("latency:1,action=Good"));
  options.validator = validator;
  options.log = [&](const std::string& line) {
    std::lock_guard lock(lines_mutex);
    lines.push_back(line);
  };
  LoadReport report;
  auto h = ProxyHandler::create(std::move(options), report);
  ASSERT_TRUE(h.has_value());
  handler_ = *h;
  proxy_ = std::make_unique<net::Server>(net::ServerOptions{}, handler_);
  ASSERT_TRUE(proxy_->start().has_value());

  EXPECT_EQ(send("GET", "/?Action=Good&Version=2014-05-26&AccessKeyId=LTAIsecretKey42")->status,
            200);
  EXPECT_EQ(send("GET", "/?Action=Throttled&Version=2014-05-26")->status, 400);
  EXPECT_EQ(
      send("GET", "/?Action=Bad&Version=2014-05-26&Colour=red&AccessKeyId=LTAIsecretKey42")->status,
      200);
  EXPECT_EQ(send("GET", "/__popcheck/stats")->status, 200);
  // The injected error and the admin request were not observed; the others were, with the real
  // answer.
  EXPECT_EQ(validator->seen(), (std::vector<std::string>{"GET Good 200", "GET Bad 200"}));
  {
    std::lock_guard lock(lines_mutex);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("Bad#1"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("unknown-parameter at Colour"), std::string::npos) << lines[0];
    EXPECT_EQ(lines[0].find("LTAIsecretKey42"), std::string::npos) << lines[0];
  }
  auto v = send("GET", "/__popcheck/violations");
  ASSERT_TRUE(v.has_value());
  ojson body = ojson::parse(v->body);
  EXPECT_EQ(body["observed"], 2);
  EXPECT_EQ(body["violating"], 1);
  EXPECT_EQ(body["violations"][0]["check"], "unknown-parameter");
  EXPECT_EQ(stats()["violating"], 1);
}

// Sends raw bytes and reads until the server closes: what a client receives, cut or not.
std::string raw_exchange(uint16_t port, const std::string& request) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(request));
  std::string out;
  boost::system::error_code ec;
  char buf[4096];
  while (!ec) out.append(buf, socket.read_some(asio::buffer(buf), ec));
  return out;
}

TEST_F(ProxyFaults, ReplayedAnswersAreCutInsideTheBodyAndValidatedWhole) {
  auto validator = std::make_shared<FakeValidator>();
  start(Mode::record, {}, validator);
  auto recorded = call("DescribeRegions");
  ASSERT_TRUE(recorded.has_value());
  ASSERT_EQ(recorded->status, 200);
  ASSERT_TRUE(handler_->set_mode(Mode::replay).has_value());
  ASSERT_EQ(handler_->reload().loaded, 1u);
  handler_->faults().configure({11, {parsed("truncate,count=1")}});

  std::string got = raw_exchange(
      proxy_->port(),
      "GET /?Action=DescribeRegions&Version=2014-05-26&Format=JSON&RegionId=cn-hangzhou "
      "HTTP/1.1\r\nHost: proxy\r\n\r\n");
  // The status line and headers arrive whole; about half of the replayed body follows.
  size_t head_end = got.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos) << got;
  EXPECT_TRUE(got.starts_with("HTTP/1.1 200")) << got;
  size_t body_received = got.size() - head_end - 4;
  EXPECT_GT(body_received, 0u) << got;
  EXPECT_LT(body_received, recorded->body.size()) << got;
  EXPECT_EQ(stats()["hits"], 1);

  // Both the recorded and the replayed (then cut) answer reached the validator with their bodies.
  EXPECT_EQ(validator->bodies(),
            (std::vector<size_t>{recorded->body.size(), recorded->body.size()}));
}

TEST_F(ProxyFaults, ViolationsEndpointNeedsContracts) {
  start(Mode::passthrough, {});
  auto r = send("GET", "/__popcheck/violations");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(ojson::parse(r->body)["Code"], "Popcheck.Admin.NoContracts");
}

}  // namespace
}  // namespace popcheck::proxy
