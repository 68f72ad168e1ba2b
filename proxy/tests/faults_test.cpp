// Fault injection: the flag and JSON syntax, the decisions (filters, probability, counts, seeds),
// the error bodies, and the proxy applying faults in front of a real upstream.
#include "proxy/faults.hpp"

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
#include "proxy/limits.hpp"
#include "proxy/proxy.hpp"
#include "proxy/upstream.hpp"
#include "tests/support/files.hpp"

namespace popcheck::proxy {
namespace {

using core::ojson;
namespace fs = std::filesystem;

FaultRule parsed(std::string_view spec) {
  auto rule = parse_fault(spec);
  EXPECT_TRUE(rule.has_value()) << spec << ": " << (rule ? "" : rule.error().message);
  return rule ? *rule : FaultRule{};
}

std::string parse_error(std::string_view spec) {
  auto rule = parse_fault(spec);
  EXPECT_FALSE(rule.has_value()) << spec << " parsed";
  return rule ? std::string() : rule.error().message;
}

FaultInjector injector(uint64_t seed, std::vector<std::string> specs) {
  FaultConfig config;
  config.seed = seed;
  for (const auto& s : specs) config.rules.push_back(parsed(s));
  return FaultInjector(std::move(config));
}

// Which of `n` requests for `action` get an injected error or abort.
std::vector<bool> fired(FaultInjector& faults, std::string_view action, int n) {
  std::vector<bool> out;
  for (int i = 0; i < n; ++i) {
    FaultDecision d = faults.decide(action, false, "ecs.aliyuncs.com");
    out.push_back(d.error.has_value() || d.abort != net::HttpResponse::Abort::none);
  }
  return out;
}

TEST(FaultParse, KnownErrorCodesTakeTheirStatusAndMessage) {
  FaultRule r = parsed("error:Throttling.User,action=DescribeRegions,p=0.5,count=2,retry-after=20");
  EXPECT_EQ(r.kind, FaultKind::error);
  EXPECT_EQ(r.code, "Throttling.User");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.message, "Request was denied due to user flow control.");
  EXPECT_EQ(r.actions, std::vector<std::string>{"DescribeRegions"});
  EXPECT_DOUBLE_EQ(r.probability, 0.5);
  ASSERT_TRUE(r.count);
  EXPECT_EQ(*r.count, 2u);
  ASSERT_TRUE(r.retry_after_ms);
  EXPECT_EQ(*r.retry_after_ms, 20u);

  EXPECT_EQ(parsed("error:ServiceUnavailable").status, 503);
  EXPECT_EQ(parsed("error:InternalError").status, 500);
  EXPECT_EQ(parsed("error:Throttling").status, 400);
  EXPECT_EQ(parsed("error:Throttling.Api").status, 400);
  // An explicit status or message wins over the defaults.
  EXPECT_EQ(parsed("error:Throttling.User,status=429").status, 429);
}

TEST(FaultParse, AnyCodeWithAnExplicitStatus) {
  FaultRule r = parsed(
      "error:IncorrectInstanceStatus,status=403,message=The current status, of "
      "the resource does not support this operation.");
  EXPECT_EQ(r.status, 403);
  // Commas in the last key's message belong to the message.
  EXPECT_EQ(r.message, "The current status, of the resource does not support this operation.");
  EXPECT_NE(parse_error("error:IncorrectInstanceStatus").find("status="), std::string::npos);
}

TEST(FaultParse, OtherKinds) {
  FaultRule fixed = parsed("latency:50");
  EXPECT_EQ(fixed.kind, FaultKind::latency);
  EXPECT_EQ(fixed.min_ms, 50u);
  EXPECT_EQ(fixed.max_ms, 50u);
  FaultRule range = parsed("latency:50-200ms");
  EXPECT_EQ(range.min_ms, 50u);
  EXPECT_EQ(range.max_ms, 200u);
  EXPECT_EQ(parsed("latency:2s").min_ms, 2000u);
  FaultRule reset = parsed("reset,p=0.1");
  EXPECT_EQ(reset.kind, FaultKind::reset);
  EXPECT_DOUBLE_EQ(reset.probability, 0.1);
  FaultRule cut = parsed("truncate,action=X|Y,bytes=10");
  EXPECT_EQ(cut.kind, FaultKind::truncate);
  EXPECT_EQ(cut.actions, (std::vector<std::string>{"X", "Y"}));
  ASSERT_TRUE(cut.bytes);
  EXPECT_EQ(*cut.bytes, 10u);
}

TEST(FaultParse, ErrorsNameTheBadPart) {
  EXPECT_NE(parse_error("explode").find("'explode'"), std::string::npos);
  EXPECT_NE(parse_error("reset,p=2").find("'p=2'"), std::string::npos);
  EXPECT_NE(parse_error("reset,p=half").find("'p=half'"), std::string::npos);
  EXPECT_NE(parse_error("reset,count=0").find("'count=0'"), std::string::npos);
  EXPECT_NE(parse_error("reset,count=-1").find("'count=-1'"), std::string::npos);
  EXPECT_NE(parse_error("latency:fast").find("'fast'"), std::string::npos);
  EXPECT_NE(parse_error("latency").find("latency:MS"), std::string::npos);
  EXPECT_NE(parse_error("error").find("error:Throttling.User"), std::string::npos);
  EXPECT_NE(parse_error("error:Throttling,status=200").find("'status=200'"), std::string::npos);
  EXPECT_NE(parse_error("reset,colour=red").find("'colour=red'"), std::string::npos);
  EXPECT_NE(parse_error("reset,oops").find("'oops'"), std::string::npos);
  EXPECT_NE(parse_error("reset,action=").find("'action='"), std::string::npos);
  EXPECT_NE(parse_error("latency:200-50").find("ends before it starts"), std::string::npos);
  EXPECT_NE(parse_error("latency:5,retry-after=3").find("error rules"), std::string::npos);
  EXPECT_NE(parse_error("reset:now").find("'reset:now'"), std::string::npos);
  EXPECT_NE(parse_error("error:Bad Code,status=400").find("Bad Code"), std::string::npos);
  EXPECT_FALSE(parse_fault("").has_value());
}

// Issue 19, item 6: a latency of 9223372036854775807 ms was accepted and silently skipped (its
// clock arithmetic overflowed). Delays above kMaxLatencyMs are refused where they are parsed.
TEST(FaultParse, AbsurdLatenciesAreRefusedWithTheMaximum) {
  const std::string max = std::to_string(kMaxLatencyMs);
  for (const char* spec : {"latency:9223372036854775807", "latency:18446744073709551615",
                           "latency:0-9223372036854775807", "latency:3600001",
                           "latency:3601s", "latency:10-3600001ms"}) {
    std::string why = parse_error(spec);
    EXPECT_NE(why.find(max), std::string::npos) << spec << ": " << why;
  }
  auto at_max = parse_fault("latency:3600s");
  ASSERT_TRUE(at_max.has_value());
  EXPECT_EQ(at_max->max_ms, kMaxLatencyMs);
  for (const char* text : {R"({"rules": [{"kind": "latency", "latency_ms": 9223372036854775807}]})",
                           R"({"rules": [{"kind": "latency", "min_ms": 1, "max_ms": 3600001}]})",
                           R"({"rules": [{"kind": "latency", "max_ms": 18446744073709551615}]})"}) {
    auto c = fault_config_from_json(ojson::parse(text), 0);
    ASSERT_FALSE(c.has_value()) << text;
    EXPECT_NE(c.error().message.find(max), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("rules[0]"), std::string::npos) << c.error().message;
  }
}

TEST(FaultParse, SpecAndJsonRoundTrip) {
  for (const char* spec :
       {"error:Throttling.User,action=DescribeRegions,p=0.25,count=2,retry-after=20",
        "error:Custom.Code,status=418,message=Short and stout, with a handle",
        "latency:50-200,p=0.5", "latency:7,action=A|B,count=3", "reset,p=0.1",
        "truncate,action=X,bytes=12"}) {
    FaultRule rule = parsed(spec);
    FaultRule again = parsed(fault_to_spec(rule));
    auto from_json = fault_from_json(fault_to_json(rule), "rule");
    ASSERT_TRUE(from_json.has_value()) << spec << ": " << from_json.error().message;
    for (const FaultRule& other : {again, *from_json}) {
      EXPECT_EQ(other.kind, rule.kind) << spec;
      EXPECT_EQ(other.actions, rule.actions) << spec;
      EXPECT_DOUBLE_EQ(other.probability, rule.probability) << spec;
      EXPECT_EQ(other.count, rule.count) << spec;
      EXPECT_EQ(other.min_ms, rule.min_ms) << spec;
      EXPECT_EQ(other.max_ms, rule.max_ms) << spec;
      EXPECT_EQ(other.code, rule.code) << spec;
      EXPECT_EQ(other.status, rule.status) << spec;
      EXPECT_EQ(other.message, rule.message) << spec;
      EXPECT_EQ(other.retry_after_ms, rule.retry_after_ms) << spec;
      EXPECT_EQ(other.bytes, rule.bytes) << spec;
    }
  }
}

TEST(FaultJson, ConfigurationAndItsErrors) {
  auto config = fault_config_from_json(ojson::parse(R"({"seed": 42, "rules": [
        {"kind": "error", "code": "ServiceUnavailable", "action": ["A", "B"], "count": 1},
        "latency:10-20",
        {"kind": "latency", "latency_ms": 5}]})"),
                                       7);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->seed, 42u);
  ASSERT_EQ(config->rules.size(), 3u);
  EXPECT_EQ(config->rules[0].status, 503);
  EXPECT_EQ(config->rules[0].actions, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(config->rules[1].max_ms, 20u);
  EXPECT_EQ(config->rules[2].min_ms, 5u);
  EXPECT_EQ(config->rules[2].max_ms, 5u);

  // Without a seed the current one stays.
  auto kept = fault_config_from_json(ojson::parse(R"({"rules": []})"), 7);
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->seed, 7u);

  auto error_of = [](const char* text) {
    auto c = fault_config_from_json(ojson::parse(text), 0);
    EXPECT_FALSE(c.has_value()) << text;
    return c ? std::string() : c.error().message;
  };
  EXPECT_NE(error_of(R"({"rules": [{"kind": "reset"}, {"kind": "boom"}]})").find("rules[1].kind"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"rules": [{"kind": "reset", "probabilty": 1}]})").find("probabilty"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"rules": [{"code": "Throttling"}]})").find("\"kind\""), std::string::npos);
  EXPECT_NE(error_of(R"({"rules": [{"kind": "latency"}]})").find("min_ms"), std::string::npos);
  EXPECT_NE(error_of(R"({"rules": ["reset,p=3"]})").find("rules[0]"), std::string::npos);
  EXPECT_NE(error_of(R"({"seed": -1})").find("seed"), std::string::npos);
  EXPECT_NE(error_of(R"({"rules": {}})").find("rules"), std::string::npos);
  EXPECT_NE(error_of(R"({"rule": []})").find("'rule'"), std::string::npos);
  EXPECT_NE(error_of(R"([])").find("object"), std::string::npos);
}

TEST(FaultDecide, CountsAndActionFilter) {
  FaultInjector faults = injector(1, {"error:Throttling.User,action=DescribeRegions,count=2"});
  EXPECT_EQ(fired(faults, "DescribeRegions", 4), (std::vector<bool>{true, true, false, false}));
  EXPECT_EQ(fired(faults, "DescribeZones", 2), (std::vector<bool>{false, false}));
  ojson stats = faults.stats_json();
  EXPECT_EQ(stats["requests_by_action"]["DescribeRegions"], 4);
  EXPECT_EQ(stats["requests_by_action"]["DescribeZones"], 2);
  EXPECT_EQ(stats["injected"]["error"], 2);
  EXPECT_EQ(stats["injected"]["reset"], 0);
  EXPECT_EQ(stats["injected_by_action"]["DescribeRegions"]["error"], 2);
  EXPECT_FALSE(stats["injected_by_action"].contains("DescribeZones"));
  EXPECT_EQ(faults.config_json()["rules"][0]["injected"], 2);

  // A new configuration has a new budget; the counters keep counting.
  faults.configure(faults.config());
  EXPECT_EQ(fired(faults, "DescribeRegions", 3), (std::vector<bool>{true, true, false}));
  EXPECT_EQ(faults.stats_json()["injected"]["error"], 4);
  EXPECT_EQ(faults.stats_json()["requests_by_action"]["DescribeRegions"], 7);
}

TEST(FaultDecide, RetriesAndRequestsWithoutAction) {
  FaultInjector faults;
  faults.decide("A", false, "h", false);
  faults.decide("A", false, "h", true);
  faults.decide("", false, "h", false);
  ojson stats = faults.stats_json();
  EXPECT_EQ(stats["requests_by_action"]["A"], 2);
  EXPECT_EQ(stats["retries_by_action"]["A"], 1);
  EXPECT_EQ(stats["requests_by_action"]["<none>"], 1);
}

// Issue 19 item 3: one counter per distinct Action, never cleared: 100 requests with 1 MB Action
// values left the injector at 520 MB and /__popcheck/stats at 100 MB.
TEST(FaultDecide, PerActionCountersStayBoundedWhateverActionsClientsInvent) {
  FaultInjector faults;
  const std::string huge(1024 * 1024, 'A');
  for (int i = 0; i < 20; ++i) faults.decide(huge + std::to_string(i), false, "h");
  for (size_t i = 0; i < kMaxTrackedActions + 50; ++i)
    faults.decide("Invented" + std::to_string(i), false, "h");
  faults.decide("Invented0", false, "h");  // an action counted apart keeps its own counter
  ojson stats = faults.stats_json();
  EXPECT_EQ(stats["requests_by_action"].size(), kMaxTrackedActions + 1);  // + kOtherActions
  EXPECT_EQ(stats["requests_by_action"][std::string(kOtherActions)], 70);
  EXPECT_EQ(stats["dropped"], 70);
  EXPECT_EQ(stats["requests_by_action"]["Invented0"], 2);
  EXPECT_LT(stats.dump().size(), 200u * 1024) << "stats stay small";
  for (const auto& [name, count] : stats["requests_by_action"].items())
    EXPECT_LE(name.size(), kMaxKeptValue + 40) << "names are shortened";
}

TEST(FaultDecide, ErrorBodiesInTheRequestsFormat) {
  FaultInjector faults = injector(1, {"error:Throttling.User,retry-after=20"});
  FaultDecision json = faults.decide("DescribeRegions", false, "ecs.aliyuncs.com");
  ASSERT_TRUE(json.error);
  EXPECT_EQ(json.error->status, 400);
  EXPECT_EQ(net::header_value(json.error->headers, "Content-Type"),
            "application/json;charset=utf-8");
  EXPECT_EQ(net::header_value(json.error->headers, "x-acs-retry-after"), "20");
  ojson body = ojson::parse(json.error->body);
  EXPECT_EQ(body["Code"], "Throttling.User");
  EXPECT_EQ(body["Message"], "Request was denied due to user flow control.");
  EXPECT_EQ(body["HostId"], "ecs.aliyuncs.com");
  EXPECT_EQ(body["RequestId"].get<std::string>().size(), 36u);
  EXPECT_NE(body["Recommend"].get<std::string>().find("q=Throttling.User"), std::string::npos);

  FaultDecision xml = faults.decide("DescribeRegions", true, "ecs.aliyuncs.com");
  ASSERT_TRUE(xml.error);
  // The SDKs parse an XML error only with exactly this Content-Type.
  EXPECT_EQ(net::header_value(xml.error->headers, "Content-Type"), "text/xml;charset=utf-8");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.error->body.c_str()));
  auto error = doc.child("Error");
  EXPECT_STREQ(error.child_value("Code"), "Throttling.User");
  EXPECT_STREQ(error.child_value("HostId"), "ecs.aliyuncs.com");
  EXPECT_STRNE(error.child_value("RequestId"), "");
  EXPECT_STRNE(error.child_value("Message"), "");
  EXPECT_STRNE(error.child_value("Recommend"), "");

  // Without retry-after, no header.
  FaultInjector plain = injector(1, {"error:InternalError"});
  FaultDecision d = plain.decide("A", false, "h");
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->status, 500);
  EXPECT_EQ(net::header_value(d.error->headers, "x-acs-retry-after"), "");
}

TEST(FaultDecide, SameSeedSameDecisions) {
  FaultInjector a = injector(42, {"error:Throttling,p=0.5"});
  FaultInjector b = injector(42, {"error:Throttling,p=0.5"});
  FaultInjector c = injector(43, {"error:Throttling,p=0.5"});
  std::vector<bool> first = fired(a, "A", 200);
  EXPECT_EQ(first, fired(b, "A", 200));
  EXPECT_NE(first, fired(c, "A", 200));
  // p=0.5 injects on about half the requests.
  auto hits = std::count(first.begin(), first.end(), true);
  EXPECT_GT(hits, 60);
  EXPECT_LT(hits, 140);
  // A new configuration with the same seed starts the same sequence again.
  a.configure(a.config());
  EXPECT_EQ(first, fired(a, "A", 200));
}

TEST(FaultDecide, OtherActionsDoNotShiftARulesSequence) {
  FaultInjector alone = injector(9, {"reset,action=A,p=0.5"});
  FaultInjector mixed = injector(9, {"reset,action=A,p=0.5"});
  std::vector<bool> expected = fired(alone, "A", 50);
  std::vector<bool> got;
  for (int i = 0; i < 50; ++i) {
    fired(mixed, "B", 3);
    got.push_back(fired(mixed, "A", 1)[0]);
  }
  EXPECT_EQ(got, expected);
}

TEST(FaultDecide, ProbabilityZeroAndOne) {
  FaultInjector never = injector(1, {"reset,p=0"});
  FaultInjector always = injector(1, {"reset,p=1"});
  EXPECT_EQ(fired(never, "A", 20), std::vector<bool>(20, false));
  EXPECT_EQ(fired(always, "A", 20), std::vector<bool>(20, true));
}

TEST(FaultDecide, LatencyStaysInItsRangeAndAddsToOtherFaults) {
  FaultInjector faults = injector(5, {"latency:50-60", "latency:7"});
  std::set<long long> seen;
  for (int i = 0; i < 200; ++i) {
    FaultDecision d = faults.decide("A", false, "h");
    EXPECT_FALSE(d.error);
    long long ms = d.delay.count() - 7;
    EXPECT_GE(ms, 50);
    EXPECT_LE(ms, 60);
    seen.insert(ms);
  }
  // The range is drawn from, not a single value.
  EXPECT_GT(seen.size(), 5u);

  FaultInjector both = injector(5, {"latency:30", "error:ServiceUnavailable"});
  FaultDecision d = both.decide("A", false, "h");
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.delay.count(), 30);
  ojson stats = both.stats_json();
  EXPECT_EQ(stats["injected"]["latency"], 1);
  EXPECT_EQ(stats["injected"]["error"], 1);
}

TEST(FaultDecide, FirstTerminalFaultWinsAndOthersKeepTheirCount) {
  FaultInjector faults = injector(3, {"error:InternalError,count=1", "reset,count=1"});
  FaultDecision first = faults.decide("A", false, "h");
  EXPECT_TRUE(first.error);
  EXPECT_EQ(first.abort, net::HttpResponse::Abort::none);
  // The reset did not fire on the first request, so its one injection is still to come.
  FaultDecision second = faults.decide("A", false, "h");
  EXPECT_FALSE(second.error);
  EXPECT_EQ(second.abort, net::HttpResponse::Abort::reset);
  FaultDecision third = faults.decide("A", false, "h");
  EXPECT_FALSE(third.error);
  EXPECT_EQ(third.abort, net::HttpResponse::Abort::none);
}

TEST(FaultApply, TruncationFallsInsideTheBodyUnlessBytesAreGiven) {
  net::HttpResponse r;
  r.headers = {{"Content-Type", "application/json;charset=utf-8"}};
  r.body = std::string(400, 'x');
  FaultDecision d;
  d.abort = net::HttpResponse::Abort::truncate;
  d.apply(r);
  EXPECT_EQ(r.abort, net::HttpResponse::Abort::truncate);
  // "HTTP/1.1 200 OK\r\nContent-Type: ...\r\nContent-Length: 400\r\n\r\n" comes first.
  EXPECT_GT(r.truncate_at, 60u);
  EXPECT_LT(r.truncate_at, 60u + 400u);
  d.truncate_bytes = 5;
  d.apply(r);
  EXPECT_EQ(r.truncate_at, 5u);

  // A shared body counts as the body.
  net::HttpResponse shared;
  shared.headers = r.headers;
  shared.shared_body = std::make_shared<const std::string>(400, 'x');
  FaultDecision middle;
  middle.abort = net::HttpResponse::Abort::truncate;
  middle.apply(shared);
  EXPECT_GT(shared.truncate_at, 60u + 100u);
  EXPECT_LT(shared.truncate_at, 60u + 400u);

  net::HttpResponse plain;
  FaultDecision delay;
  delay.delay = std::chrono::milliseconds(25);
  EXPECT_TRUE(delay.wraps());
  delay.apply(plain);
  EXPECT_EQ(plain.delay.count(), 25);
  EXPECT_EQ(plain.abort, net::HttpResponse::Abort::none);
  EXPECT_FALSE(FaultDecision{}.wraps());
}

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
  Expected<UpstreamResponse> send(const std::string& method, const std::string& target,
                                  const std::string& body = {}) {
    auto client = Upstream::create({.url = "http://127.0.0.1:" + std::to_string(proxy_->port()),
                                    .timeout = std::chrono::milliseconds(10000)});
    EXPECT_TRUE(client.has_value());
    UpstreamRequest r{method, target, {}, body};
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    if (target.starts_with("/__popcheck/")) r.headers.emplace_back("X-Popcheck-Admin", "1");
    return (*client)->send(r);
  }
  Expected<UpstreamResponse> call(const std::string& action, const std::string& format = "JSON") {
    return send("GET", "/?Action=" + action + "&Version=2014-05-26&Format=" + format +
                           "&RegionId=cn-hangzhou");
  }
  ojson stats() {
    auto r = send("GET", "/__popcheck/stats");
    EXPECT_TRUE(r.has_value());
    return r ? ojson::parse(r->body) : ojson();
  }
  size_t fixture_count() const {
    return test_support::files_below(dir_.path()).size();
  }

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
  EXPECT_NE(ojson::parse(absurd->body)["Message"].get<std::string>().find(
                std::to_string(kMaxLatencyMs)),
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
  check::RunReport report(const std::string& endpoint) const override {
    check::RunReport r;
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
