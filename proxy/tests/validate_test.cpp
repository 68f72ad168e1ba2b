#include "proxy/validate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "core/protocol/normalize.hpp"
#include "proxy/limits.hpp"
#include "tests/support/files.hpp"
#include "tests/support/paths.hpp"

namespace popcheck::proxy {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// The checked-in seed catalogue.
std::string seed_cases() { return (test_support::source_dir() / "cases").string(); }
const std::string kKeyId = "LTAIexamplekeyid0001";
const std::string kToken = "sts-token-0123456789abcdef";

using test_support::TempDir;

std::unique_ptr<Validator> load(const std::vector<std::string>& paths) {
  std::vector<Error> skipped;
  auto v = Validator::load(paths, skipped);
  EXPECT_TRUE(v.has_value()) << (v ? "" : v.error().to_string());
  EXPECT_TRUE(skipped.empty());
  return v ? std::move(*v) : nullptr;
}

// One exchange through the validator, the way the proxy calls it: merged params from the request.
void observe(Validator& v, const net::HttpRequest& req, const net::HttpResponse& resp) {
  core::HttpRequestView view{req.method, req.target, &req.headers, req.body};
  v.observe(req, core::merge_params(view), resp);
}

net::HttpRequest get(const std::string& query) {
  net::HttpRequest r;
  r.method = "GET";
  r.target = "/?" + query;
  r.headers = {{"Host", "127.0.0.1:18081"}};
  return r;
}

// A signed-looking V1 query (signature values are dummies: the validator does not verify them).
std::string v1(const std::string& api) {
  return "AccessKeyId=" + kKeyId + "&SecurityToken=" + kToken +
         "&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=n1"
         "&Timestamp=2026-11-23T10%3A00%3A00Z&Signature=c2lnbmF0dXJl&" +
         api;
}

net::HttpResponse json(int status, const std::string& body) {
  net::HttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json;charset=utf-8"}};
  r.body = body;
  return r;
}

net::HttpResponse api_error(int status, const std::string& code) {
  return json(status, R"({"RequestId":"R-1","HostId":"ecs.aliyuncs.com","Code":")" + code +
                          R"(","Message":"m"})");
}

const std::string kDelete =
    "Action=DeleteInstances&Version=2014-05-26&Format=JSON&RegionId=cn-hangzhou&InstanceId.1=i-1";

std::vector<std::string> failed_checks(const core::CaseResult& c) {
  std::vector<std::string> out;
  for (const auto& r : c.checks)
    if (!r.passed) out.push_back(r.check);
  return out;
}

TEST(Validator, LoadsCataloguesAndReportsUnreadableFiles) {
  TempDir dir;
  fs::create_directories(fs::path(dir.str()) / "ecs");
  std::ofstream(fs::path(dir.str()) / "ecs" / "Broken.json") << "{not json";
  std::vector<Error> skipped;
  auto v = Validator::load({seed_cases(), dir.str()}, skipped);
  ASSERT_TRUE(v.has_value());
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_THAT(skipped[0].to_string(), HasSubstr("Broken.json"));

  skipped.clear();
  auto none = Validator::load({dir.str() + "/missing"}, skipped);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, "validate.no_contracts");
}

TEST(Validator, ThePathNamedFirstWinsForAnActionDocumentedTwice) {
  TempDir dir;
  core::CatalogueEntry e;
  e.contract.product = "Ecs";
  e.contract.version = "2014-05-26";
  e.contract.action = "DeleteInstances";
  core::Param ids;
  ids.name = "InstanceId.N";
  ids.type = "RepeatList";
  core::Param colour;
  colour.name = "Colour";
  colour.type = "String";
  e.contract.params = {ids, colour};
  ASSERT_TRUE(core::write_catalogue_entry(dir.str(), e).has_value());
  auto ok = json(200, R"({"RequestId":"R-1"})");
  // Sorted together, the temporary folder's file would come first; the order given decides.
  auto seeds_first = load({seed_cases(), dir.str()});
  observe(*seeds_first, get(v1(kDelete + "&Colour=red")), ok);
  EXPECT_EQ(seeds_first->violating(), 1u);
  auto mine_first = load({dir.str(), seed_cases()});
  observe(*mine_first, get(v1(kDelete + "&Colour=red")), ok);
  EXPECT_EQ(mine_first->violating(), 0u);
}

TEST(Validator, ConformingExchangeIsOnePassingCase) {
  auto v = load({seed_cases()});
  observe(*v, get(v1(kDelete)), json(200, R"({"RequestId":"R-1"})"));
  EXPECT_EQ(v->observed(), 1u);
  EXPECT_EQ(v->violating(), 0u);
  auto report = v->report("http://127.0.0.1:1");
  ASSERT_EQ(report.cases.size(), 1u);
  const auto& c = report.cases[0];
  EXPECT_EQ(c.id, "DeleteInstances#1");
  EXPECT_EQ(c.kind, core::CaseKind::observed);
  EXPECT_EQ(c.product, "Ecs");
  EXPECT_EQ(c.version, "2014-05-26");
  EXPECT_EQ(c.status, core::CaseStatus::passed) << ::testing::PrintToString(failed_checks(c));
  EXPECT_TRUE(c.sent);
  EXPECT_TRUE(c.answered);
  // Request and response checks both ran.
  std::set<std::string> names;
  for (const auto& r : c.checks) names.insert(r.check);
  for (const char* n : {"unknown-parameter", "missing-required", "type", "status", "content-type",
                        "parse", "shape", "request-id"})
    EXPECT_TRUE(names.contains(n)) << n;
  EXPECT_EQ(v->violations_json().size(), 0u);
}

TEST(Validator, RequestViolationsAreReportedPerExchange) {
  auto v = load({seed_cases()});
  auto ok = json(200, R"({"RequestId":"R-1"})");
  observe(*v, get(v1(kDelete + "&Colour=red")), ok);
  observe(*v, get(v1("Action=DeleteInstances&Version=2014-05-26&Force=true")), ok);
  observe(*v, get(v1("Action=DeleteInstances&Version=2014-05-26&InstanceId.2=i-2")), ok);
  observe(*v, get(v1(kDelete + "&Force=maybe")), ok);
  observe(*v, get(v1(kDelete + "&ClientToken=" + std::string(65, 'c'))), ok);
  observe(*v,
          get(v1("Action=RemoveTags&Version=2014-05-26&RegionId=cn-hangzhou&ResourceId=d-1"
                 "&ResourceType=bucket")),
          ok);
  EXPECT_EQ(v->observed(), 6u);
  EXPECT_EQ(v->violating(), 6u);
  auto r = v->report("");
  using V = std::vector<std::string>;
  EXPECT_EQ(failed_checks(r.cases[0]), V{"unknown-parameter"});
  EXPECT_EQ(failed_checks(r.cases[1]), V{"missing-required"});
  EXPECT_EQ(failed_checks(r.cases[2]), V{"repeat-numbering"});
  EXPECT_EQ(failed_checks(r.cases[3]), V{"type"});
  EXPECT_EQ(failed_checks(r.cases[4]), V{"length"});
  EXPECT_EQ(failed_checks(r.cases[5]), V{"allowed-values"});
  EXPECT_EQ(r.cases[4].id, "DeleteInstances#5");
  EXPECT_EQ(r.cases[5].id, "RemoveTags#1");

  auto vj = v->violations_json();
  ASSERT_EQ(vj.size(), 6u);
  EXPECT_EQ(vj[0]["case"], "DeleteInstances#1");
  EXPECT_EQ(vj[0]["action"], "DeleteInstances");
  EXPECT_EQ(vj[0]["check"], "unknown-parameter");
  EXPECT_EQ(vj[0]["path"], "Colour");
  EXPECT_THAT(vj[0]["actual"].get<std::string>(), HasSubstr("Colour"));
  EXPECT_TRUE(vj[0].contains("expected"));
}

TEST(Validator, ObserveLineDescribesOnlyViolatingExchanges) {
  auto v = load({seed_cases()});
  auto ok = json(200, R"({"RequestId":"R-1"})");
  auto request = get(v1(kDelete));
  core::HttpRequestView view{request.method, request.target, &request.headers, request.body};
  EXPECT_EQ(v->observe_line(request, core::merge_params(view), ok), "");
  request = get(v1(kDelete + "&Colour=red"));
  view = core::HttpRequestView{request.method, request.target, &request.headers, request.body};
  std::string line = v->observe_line(request, core::merge_params(view), ok);
  EXPECT_THAT(line, HasSubstr("DeleteInstances#2 (GET): unknown-parameter at Colour"));
  EXPECT_THAT(line, Not(HasSubstr(kKeyId)));
  EXPECT_THAT(line, Not(HasSubstr(kToken)));
  EXPECT_EQ(v->observed(), 2u);
  EXPECT_EQ(v->violating(), 1u);
}

TEST(Validator, UnknownActionIsOneViolation) {
  auto v = load({seed_cases()});
  observe(*v, get(v1("Action=LaunchRocket&Version=2014-05-26&Payload=1")),
          api_error(400, "InvalidAction.NotFound"));
  // TagResources is documented for VPC 2016-04-28 only.
  observe(*v, get(v1("Action=TagResources&Version=2014-05-26&RegionId=x")),
          json(200, R"({"RequestId":"R"})"));
  observe(*v, get("Foo=bar"), json(200, "{}"));
  auto r = v->report("");
  ASSERT_EQ(r.cases.size(), 3u);
  for (const auto& c : r.cases) {
    ASSERT_EQ(c.checks.size(), 1u) << c.id;
    EXPECT_EQ(c.checks[0].check, "unknown-action");
    EXPECT_FALSE(c.checks[0].passed);
  }
  EXPECT_EQ(r.cases[0].id, "LaunchRocket#1");
  EXPECT_THAT(r.cases[1].checks[0].expected, HasSubstr("2016-04-28"));
  EXPECT_EQ(r.cases[2].id, "unknown#1");
}

TEST(Validator, VersionSelectsTheContractAndV3HeadersCarryIt) {
  auto v = load({seed_cases()});
  net::HttpRequest r;
  r.method = "POST";
  r.target = "/?RegionId=cn-hangzhou&ResourceType=VPC&ResourceId.1=vpc-1&Tag.1.Key=k&Tag.1.Value=v";
  r.headers = {{"host", "127.0.0.1:1"},
               {"x-acs-action", "TagResources"},
               {"x-acs-version", "2016-04-28"},
               {"Authorization", "ACS3-HMAC-SHA256 Credential=" + kKeyId + ",Signature=ab"}};
  observe(*v, r, json(200, R"({"RequestId":"R"})"));
  auto c = v->report("").cases.at(0);
  EXPECT_EQ(c.product, "Vpc");
  EXPECT_EQ(c.status, core::CaseStatus::passed) << ::testing::PrintToString(failed_checks(c));
}

TEST(Validator, ErrorAnswersNeedAWellFormedBodyAndADocumentedCode) {
  auto v = load({seed_cases()});
  observe(*v, get(v1(kDelete)), api_error(403, "IncorrectInstanceStatus"));  // documented
  observe(*v, get(v1(kDelete)), api_error(400, "Throttling.User"));          // common
  observe(*v, get(v1(kDelete)), api_error(404, "NoSuchThing.Anywhere"));     // undocumented
  observe(*v, get(v1(kDelete)), api_error(500, "IncorrectInstanceStatus"));  // wrong status
  observe(*v, get(v1(kDelete)), json(500, R"({"RequestId":"R","Code":"InternalError"})"));
  observe(*v, get(v1(kDelete)), json(503, "<html>busy</html>"));
  auto r = v->report("");
  using V = std::vector<std::string>;
  EXPECT_EQ(failed_checks(r.cases[0]), V{});
  EXPECT_EQ(failed_checks(r.cases[1]), V{});
  EXPECT_EQ(failed_checks(r.cases[2]), V{"undocumented-error"});
  EXPECT_EQ(failed_checks(r.cases[3]), V{"error-status"});
  EXPECT_EQ(failed_checks(r.cases[4]), (V{"shape", "host-id"}));
  EXPECT_EQ(failed_checks(r.cases[5]), V{"parse"});
}

// Issue 19: a validating proxy walks bodies it checks and masks. Answers and request bodies that
// nest 100,000 deep are judged unparseable (naming why), never walked; a deep body with a secret is
// withheld from the report whole.
TEST(Validator, TooDeepBodiesAreAParseFailureAndNeverWalked) {
  auto v = load({seed_cases()});
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  observe(*v, get(v1(kDelete)), json(200, R"({"RequestId":"R","A":)" + deep + "}"));
  std::string xml_deep;
  for (int i = 0; i < 100000; ++i) xml_deep += "<a>";
  for (int i = 0; i < 100000; ++i) xml_deep += "</a>";
  net::HttpResponse xml;
  xml.status = 403;
  xml.headers = {{"Content-Type", "text/xml;charset=utf-8"}};
  xml.body = "<Error>" + xml_deep + "</Error>";
  std::string xml_query = kDelete;
  xml_query.replace(xml_query.find("Format=JSON"), 11, "Format=XML");
  observe(*v, get(v1(xml_query)), xml);
  net::HttpRequest post = get(v1(kDelete));
  post.method = "POST";
  post.headers.emplace_back("Content-Type", "application/json");
  post.body = R"({"Password":"Deep-Secret-55","X":)" + deep + "}";
  observe(*v, post, api_error(403, "IncorrectInstanceStatus"));
  auto r = v->report("");
  ASSERT_EQ(r.cases.size(), 3u);
  EXPECT_EQ(failed_checks(r.cases[0]), std::vector<std::string>{"parse"});
  EXPECT_EQ(failed_checks(r.cases[1]), std::vector<std::string>{"parse"});
  for (int i = 0; i < 2; ++i) {
    for (const auto& c : r.cases[i].checks) {
      if (c.check == "parse") {
        EXPECT_THAT(c.actual, HasSubstr("deeper than")) << i;
      }
    }
  }
  EXPECT_THAT(r.cases[2].request.body, Not(HasSubstr("Deep-Secret-55")));
}

TEST(Validator, SuccessAnswersAreCheckedAgainstTheDocumentedShapeAndFormat) {
  auto v = load({seed_cases()});
  // RemoveInstances documents ScalingActivityId in its response tree and XML example.
  const std::string remove =
      "Action=RemoveInstances&Version=2014-08-28&ScalingGroupId=sg-1&InstanceId.1=i-1";
  observe(*v, get(v1(remove)), json(200, R"({"RequestId":"R","ScalingActivityId":"a"})"));
  net::HttpResponse xml;
  xml.status = 200;
  xml.headers = {{"Content-Type", "text/xml;charset=utf-8"}};
  xml.body = "<RemoveInstancesResponse><RequestId>R</RequestId></RemoveInstancesResponse>";
  observe(*v, get(v1(remove + "&Format=XML")), xml);
  xml.body = "<Wrong><RequestId>R</RequestId><ScalingActivityId>a</ScalingActivityId></Wrong>";
  observe(*v, get(v1(remove + "&Format=XML")), xml);
  observe(*v, get(v1(remove)),
          net::HttpResponse{{200,
                             {{"Content-Type", "application/json"}},
                             R"({"RequestId":"R","ScalingActivityId":"a"})"}});
  auto r = v->report("");
  using V = std::vector<std::string>;
  EXPECT_EQ(failed_checks(r.cases[0]), V{});
  EXPECT_EQ(failed_checks(r.cases[1]), V{"shape"});
  EXPECT_EQ(failed_checks(r.cases[2]), V{"root"});
  EXPECT_EQ(failed_checks(r.cases[3]), V{"content-type"});
}

TEST(Validator, ProxyMadeAnswersAreNotJudgedAsTheApis) {
  auto v = load({seed_cases()});
  auto miss = json(404, R"({"RequestId":"R","HostId":"popcheck","Code":"Popcheck.Replay.NoMatch",)"
                        R"("Message":"no recording"})");
  observe(*v, get(v1(kDelete)), miss);
  observe(*v, get(v1(kDelete + "&Format=XML")), api_error(502, "Popcheck.Upstream.Unreachable"));
  observe(*v, get(v1(kDelete + "&Colour=red")), miss);
  auto r = v->report("");
  using V = std::vector<std::string>;
  EXPECT_EQ(failed_checks(r.cases[0]), V{});
  EXPECT_EQ(failed_checks(r.cases[1]), V{});
  // The request is still judged.
  EXPECT_EQ(failed_checks(r.cases[2]), V{"unknown-parameter"});
  EXPECT_EQ(v->violating(), 1u);
}

TEST(Validator, AdminPathsAreNotObserved) {
  auto v = load({seed_cases()});
  net::HttpRequest admin = get("");
  admin.target = "/__popcheck/stats";
  observe(*v, admin, json(200, "{}"));
  EXPECT_EQ(v->observed(), 0u);
}

TEST(Validator, CredentialsNeverReachTheReportOrTheViolations) {
  auto v = load({seed_cases()});
  net::HttpRequest post;
  post.method = "POST";
  post.target = "/";
  post.headers = {{"Host", "h"},
                  {"Content-Type", "application/x-www-form-urlencoded"},
                  {"x-acs-security-token", kToken}};
  post.body = v1(kDelete + "&AccessKeySecret=" + kToken + "x&Colour=red&Password=Vm-Pass-1234");
  // An upstream that echoes the key id must not leak it through the report either, nor an API
  // secret under a telling key.
  observe(*v, post,
          json(200, R"({"RequestId":"R","Echo":")" + kKeyId +
                        R"(","Vnc":{"VncPasswd":"Vnc-Secret-99"}})"));
  net::HttpResponse xml;
  xml.status = 200;
  xml.headers = {{"Content-Type", "text/xml;charset=utf-8"}};
  xml.body =
      "<DeleteInstancesResponse><RequestId>R</RequestId><AccessKeySecret>Xml-Secret-77"
      "</AccessKeySecret></DeleteInstancesResponse>";
  observe(*v, get(v1(kDelete + "&Format=XML&Password=Vm-Pass-1234")), xml);
  auto r = v->report("http://127.0.0.1:1/?AccessKeyId=" + kKeyId);
  std::string all = v->violations_json().dump();
  for (const auto& c : r.cases) {
    all += c.request.target + c.request.body + c.response.body;
    for (const auto& [k, val] : c.request.headers) all += k + ": " + val;
    for (const auto& x : c.checks) all += x.expected + x.actual;
  }
  EXPECT_THAT(all, Not(HasSubstr(kKeyId)));
  EXPECT_THAT(all, Not(HasSubstr(kToken)));
  EXPECT_THAT(all, Not(HasSubstr("c2lnbmF0dXJl")));
  for (const char* secret : {"Vm-Pass-1234", "Vnc-Secret-99", "Xml-Secret-77"})
    EXPECT_THAT(all, Not(HasSubstr(secret))) << secret;
  EXPECT_THAT(all, HasSubstr("Password=REDACTED"));
  EXPECT_THAT(all, HasSubstr("unknown-parameter"));
}

TEST(Validator, ConcurrentObserversKeepEveryExchangeAndNumberPerAction) {
  auto v = load({seed_cases()});
  constexpr int kThreads = 8, kEach = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i)
        observe(*v, get(v1(kDelete + (t % 2 ? "&Colour=red" : ""))),
                json(200, R"({"RequestId":"R"})"));
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(v->observed(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(v->violating(), static_cast<size_t>(kThreads / 2 * kEach));
  auto r = v->report("");
  std::set<std::string> ids;
  for (size_t i = 0; i < r.cases.size(); ++i) {
    EXPECT_EQ(r.cases[i].id, "DeleteInstances#" + std::to_string(i + 1));
    ids.insert(r.cases[i].id);
  }
  EXPECT_EQ(ids.size(), r.cases.size());
  EXPECT_EQ(v->violations_json().size(), static_cast<size_t>(kThreads / 2 * kEach));
}

TEST(Validator, KeepsBoundedCasesAndSaysHowManyWereOnlyCounted) {
  auto v = load({seed_cases()});
  auto ok = json(200, R"({"RequestId":"R-1"})");
  auto request = get(v1(kDelete));
  core::HttpRequestView view{request.method, request.target, &request.headers, request.body};
  core::Params merged = core::merge_params(view);
  constexpr size_t kKept = kMaxKeptCases;
  for (size_t i = 0; i < kKept + 5; ++i) v->observe(request, merged, ok);
  observe(*v, get(v1(kDelete + "&Colour=red")), ok);
  EXPECT_EQ(v->observed(), kKept + 6);
  EXPECT_EQ(v->violating(), 1u);
  auto r = v->report("");
  ASSERT_EQ(r.cases.size(), kKept + 2);
  // The violating exchange is kept although the passing ones hit their bound.
  EXPECT_EQ(r.cases[kKept].id, "DeleteInstances#" + std::to_string(kKept + 6));
  EXPECT_EQ(r.cases[kKept].status, core::CaseStatus::failed);
  EXPECT_EQ(r.cases.back().id, "popcheck#retention");
  EXPECT_THAT(r.cases.back().checks.at(0).actual, HasSubstr("5 more passing"));
  EXPECT_EQ(v->violations_json().size(), 1u);
}

// Issue 19 item 3: results kept whole requests and a counter per invented Action.
TEST(Validator, KeptResultsHoldBoundedValuesWhateverTheClientSends) {
  auto v = load({seed_cases()});
  const std::string big(1024 * 1024, 'z');
  net::HttpRequest request = get(v1(kDelete));
  request.method = "POST";
  request.headers.emplace_back("Content-Type", "text/plain");
  request.headers.emplace_back("X-Long", std::string(8000, 'h'));
  request.body = big;
  observe(*v, request, json(200, "{\"RequestId\":\"" + big + "\"}"));
  auto r = v->report("");
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_LE(r.cases[0].request.body.size(), kMaxKeptBody + 64);
  EXPECT_NE(r.cases[0].request.body.find(std::to_string(big.size()) + " bytes"), std::string::npos);
  EXPECT_LE(r.cases[0].response.body.size(), kMaxKeptBody + 64);
  for (const auto& [name, value] : r.cases[0].request.headers)
    EXPECT_LE(value.size(), 1100u) << name;
  // Invented actions share one counter once kMaxTrackedActions are numbered apart.
  for (size_t i = 0; i < kMaxTrackedActions + 3; ++i)
    observe(*v, get("Action=Invented" + std::to_string(i)), json(200, "{}"));
  r = v->report("");
  // DeleteInstances and Invented0..998 fill the 1000 counters; Invented999..1002 share one.
  EXPECT_EQ(r.cases.back().id, "Invented" + std::to_string(kMaxTrackedActions + 2) + "#4");
}

}  // namespace
}  // namespace popcheck::proxy
