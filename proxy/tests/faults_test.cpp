// Fault injection: the flag and JSON syntax, the decisions (filters, probability, counts, seeds)
// and the error bodies. The proxy applying faults in front of a real upstream is in
// faults_proxy_test.cpp.
#include "proxy/faults.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <pugixml.hpp>
#include <set>

#include "proxy/limits.hpp"
#include "proxy/tests/faults_support.hpp"

namespace popcheck::proxy {
namespace {

using core::ojson;
namespace fs = std::filesystem;

using fault_test::parsed;

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
  // from_chars reads "nan", which compares false with every bound: refused all the same.
  EXPECT_NE(parse_error("reset,p=nan").find("'p=nan'"), std::string::npos);
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
                           "latency:0-9223372036854775807", "latency:3600001", "latency:3601s",
                           "latency:10-3600001ms"}) {
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

}  // namespace
}  // namespace popcheck::proxy
