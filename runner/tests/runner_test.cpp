// The runner against an in-process cpp-httplib server on 127.0.0.1 (port 0): conforming answers
// pass, each deviation is reported by the check that owns it and only it, every request carries a
// valid signature (checked by the independent verifier of verify.hpp), and reports do not depend on
// -j.
#include "runner/runner.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "reports/reports.hpp"
#include "runner/tests/verify.hpp"
#include "tests/support/http_server.hpp"

namespace popcheck::runner {
namespace {

using testing::SeenRequest;

const char* kKeyId = "test-key-id";
const char* kSecret = "test-key-secret";

// What the fake API does to its otherwise conforming answers.
enum class Deviation {
  none,
  status,
  code,
  message,
  missing_key,
  value_type,
  xml_root,
  content_type,
  request_id
};

// A fake ESS RemoveInstances: ScalingGroupId "asg-missing" gets the documented 404, anything else
// succeeds. Every request's signature is verified and counted.
class FakeApi {
 public:
  FakeApi()
      : server_([this](const httplib::Request& req, httplib::Response& res) { handle(req, res); }) {
  }
  core::Url endpoint() const { return *core::parse_url(server_.url()); }

  std::atomic<Deviation> deviation{Deviation::none};
  std::atomic<bool> emulator{false};
  std::atomic<bool> v3{false};
  std::atomic<int> answer_status_override{0};
  std::string secret = kSecret;
  std::string key_id = kKeyId;

  std::mutex mutex;
  std::vector<SeenRequest> seen;            // API requests (admin endpoints excluded)
  std::vector<std::string> bad_signatures;  // what the verifier said about each bad request
  std::vector<std::string> provision_bodies;

 private:
  void handle(const httplib::Request& req, httplib::Response& res) {
    SeenRequest s;
    s.method = req.method;
    s.target = req.target;
    for (const auto& [k, v] : req.headers) {
      std::string lower = k;
      for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      s.headers.emplace(lower, v);
    }
    s.body = req.body;
    if (s.path() == "/__popcheck/health") {
      if (emulator)
        res.set_content(R"({"service":"popcheck-emulator","status":"ok"})", "application/json");
      else
        res.status = 404;
      return;
    }
    if (s.path() == "/__popcheck/provision") {
      std::lock_guard lock(mutex);
      provision_bodies.push_back(req.body);
      auto j = nlohmann::json::parse(req.body);
      nlohmann::json vars = nlohmann::json::object();
      for (auto& n : j["needs"]) {
        if (n["resource"] == "impossible") {
          res.status = 400;
          res.set_content(R"({"error":"cannot create that"})", "application/json");
          return;
        }
        vars[n["var"].get<std::string>()] =
            "asg-provisioned-" + std::to_string(provision_bodies.size());
      }
      res.set_content(nlohmann::json{{"vars", vars}}.dump(), "application/json");
      return;
    }
    std::string verdict =
        v3 ? testing::verify_v3(s, key_id, secret) : testing::verify_v1(s, key_id, secret);
    std::map<std::string, std::string> params;
    for (auto& [k, v] : s.params()) params[k] = v;
    if (v3) {
      params["Action"] = s.header("x-acs-action");
      params["Version"] = s.header("x-acs-version");
    }
    {
      std::lock_guard lock(mutex);
      seen.push_back(s);
      if (!verdict.empty()) bad_signatures.push_back(verdict);
    }
    bool xml = params["Format"] == "XML";
    bool error = params["ScalingGroupId"] == "asg-missing";
    answer(xml, error, params["ScalingGroupId"], res);
    if (answer_status_override) res.status = answer_status_override;
  }

  void answer(bool xml, bool error, const std::string& group, httplib::Response& res) const {
    Deviation d = deviation;
    std::string request_id = d == Deviation::request_id ? "" : "<RequestId>5E4C-0001</RequestId>";
    std::string json_request_id = d == Deviation::request_id ? "" : R"("RequestId":"5E4C-0001",)";
    std::string content_type = xml ? "text/xml;charset=utf-8" : "application/json;charset=utf-8";
    if (d == Deviation::content_type) content_type = xml ? "application/xml" : "application/json";
    std::string body;
    if (error) {
      res.status = d == Deviation::status ? 400 : 404;
      std::string code = d == Deviation::code ? "InvalidScalingGroupId.Malformed"
                                              : "InvalidScalingGroupId.NotFound";
      std::string message = d == Deviation::message
                                ? "Scaling group " + group + " is unknown."
                                : "The specified scaling group (" + group + ") does not exist.";
      if (xml)
        body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>" + request_id +
               "<HostId>ess.aliyuncs.com</HostId><Code>" + code + "</Code><Message>" + message +
               "</Message></Error>";
      else
        body = "{" + json_request_id + R"("HostId":"ess.aliyuncs.com","Code":")" + code +
               R"(","Message":")" + message +
               R"(","Recommend":"https://api.aliyun.com/troubleshoot"})";
    } else {
      res.status = d == Deviation::status ? 202 : 200;
      std::string root =
          d == Deviation::xml_root ? "RemoveInstancesResult" : "RemoveInstancesResponse";
      if (xml) {
        std::string activity = d == Deviation::missing_key ? ""
                               : d == Deviation::value_type
                                   ? "<ScalingActivityId><Id>asa-1</Id></ScalingActivityId>"
                                   : "<ScalingActivityId>asa-1</ScalingActivityId>";
        body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><" + root + ">" + request_id + activity +
               "</" + root + ">";
      } else {
        std::string activity = d == Deviation::missing_key  ? ""
                               : d == Deviation::value_type ? R"("ScalingActivityId":1234,)"
                                                            : R"("ScalingActivityId":"asa-1",)";
        body = "{" + activity + json_request_id + R"("Extra":true})";
        // A trailing comma may be left when both optional members are gone; drop it.
        body = std::regex_replace(body, std::regex(",(\"Extra\")"), ",$1");
        if (body.rfind("{,", 0) == 0) body.erase(1, 1);
      }
    }
    res.set_content(body, content_type.c_str());
  }

  // Last: it starts serving once every member the handler uses exists, and stops before they go.
  test_support::LoopbackServer server_;
};

std::shared_ptr<const core::Contract> contract() {
  core::Contract c;
  c.product = "Ess";
  c.version = "2014-08-28";
  c.action = "RemoveInstances";
  c.examples.json =
      core::ExampleBlock{"json", R"({"ScalingActivityId":"asa-0","RequestId":"R"})", true};
  c.examples.xml = core::ExampleBlock{"xml",
                                      "<RemoveInstancesResponse><ScalingActivityId>asa-0</"
                                      "ScalingActivityId><RequestId>R</RequestId>"
                                      "</RemoveInstancesResponse>",
                                      true};
  c.response.type = core::ValueType::object;
  c.response.children = {{"RequestId", core::ValueType::string},
                         {"ScalingActivityId", core::ValueType::string}};
  return std::make_shared<const core::Contract>(c);
}

CaseItem make_case(std::string id, bool error, std::string format, std::string group = "asg-1") {
  CaseItem item;
  item.contract = contract();
  core::Case& c = item.c;
  c.id = std::move(id);
  c.kind = error ? core::CaseKind::error : core::CaseKind::example;
  c.product = "Ess";
  c.version = "2014-08-28";
  c.action = "RemoveInstances";
  c.request.format = format;
  c.request.params = {
      {"Action", "RemoveInstances"}, {"Version", "2014-08-28"},
      {"RegionId", "cn-hangzhou"},   {"ScalingGroupId", error ? "asg-missing" : group},
      {"InstanceId.1", "i-1"},       {"Note", "a b*~!'()中"}};
  if (error) {
    c.expect.status = 404;
    c.expect.code = "InvalidScalingGroupId.NotFound";
    c.expect.message = "The specified scaling group (%s) does not exist.";
    c.expect.shape = core::Shape::error;
  }
  return item;
}

std::vector<CaseItem> four_cases() {
  return {make_case("Ess.RemoveInstances.error.json", true, "JSON"),
          make_case("Ess.RemoveInstances.error.xml", true, "XML"),
          make_case("Ess.RemoveInstances.example.json", false, "JSON"),
          make_case("Ess.RemoveInstances.example.xml", false, "XML")};
}

RunOptions options_for(const FakeApi& api) {
  RunOptions o;
  o.endpoint = api.endpoint();
  o.credentials = {kKeyId, kSecret, ""};
  o.retries = 0;
  return o;
}

std::set<std::string> failed_checks(const core::CaseResult& r) {
  std::set<std::string> out;
  for (const auto* f : r.failures()) out.insert(f->check);
  return out;
}

TEST(Runner, ConformingAnswersPass) {
  FakeApi api;
  auto report = run_cases(four_cases(), options_for(api), {});
  ASSERT_EQ(report.cases.size(), 4u);
  for (const auto& c : report.cases) {
    EXPECT_EQ(c.status, core::CaseStatus::passed) << c.id << ": " << *failed_checks(c).begin();
    EXPECT_FALSE(c.checks.empty());
  }
  EXPECT_TRUE(api.bad_signatures.empty());
}

struct DeviationCase {
  Deviation deviation;
  std::string owner;
  // Which of the four cases the deviation touches: error JSON, error XML, success JSON, success
  // XML.
  std::array<bool, 4> applies;
};

TEST(Runner, EachDeviationIsReportedByItsOwnerOnly) {
  const std::vector<DeviationCase> deviations = {
      {Deviation::status, "status", {true, true, true, true}},
      {Deviation::code, "code", {true, true, false, false}},
      {Deviation::message, "message", {true, true, false, false}},
      {Deviation::missing_key, "shape", {false, false, true, true}},
      {Deviation::value_type, "shape", {false, false, true, true}},
      {Deviation::xml_root, "root", {false, false, false, true}},
      {Deviation::content_type, "content-type", {true, true, true, true}},
      {Deviation::request_id, "request-id", {true, true, true, true}},
  };
  FakeApi api;
  for (const auto& d : deviations) {
    api.deviation = d.deviation;
    auto report = run_cases(four_cases(), options_for(api), {});
    ASSERT_EQ(report.cases.size(), 4u);
    for (size_t i = 0; i < 4; ++i) {
      const auto& c = report.cases[i];
      std::set<std::string> want;
      if (d.applies[i]) want.insert(d.owner);
      EXPECT_EQ(failed_checks(c), want) << "deviation " << d.owner << ", case " << c.id;
      EXPECT_EQ(c.status, d.applies[i] ? core::CaseStatus::failed : core::CaseStatus::passed);
    }
  }
}

class Signing : public ::testing::TestWithParam<std::tuple<SignatureVersion, Style, bool>> {};

TEST_P(Signing, EveryRequestCarriesAValidSignature) {
  auto [sig, style, sts] = GetParam();
  FakeApi api;
  api.v3 = sig == SignatureVersion::v3;
  RunOptions o = options_for(api);
  o.signature = sig;
  o.style = style;
  if (sts) o.credentials.security_token = "STS.tok+en/=";
  o.jobs = 3;
  auto report = run_cases(four_cases(), o, {});
  for (const auto& c : report.cases) EXPECT_EQ(c.status, core::CaseStatus::passed) << c.id;
  std::lock_guard lock(api.mutex);
  ASSERT_EQ(api.seen.size(), 4u);
  EXPECT_TRUE(api.bad_signatures.empty()) << api.bad_signatures.front();
  for (const auto& s : api.seen) {
    EXPECT_EQ(s.method, style == Style::get ? "GET" : "POST");
    if (style == Style::post_form) {
      EXPECT_TRUE(s.form());
      EXPECT_NE(s.body.find("ScalingGroupId="), std::string::npos);
    } else {
      EXPECT_TRUE(s.body.empty());
      EXPECT_NE(s.query().find("ScalingGroupId="), std::string::npos);
    }
    auto params = s.params();
    auto has = [&](const std::string& k) {
      return std::any_of(params.begin(), params.end(), [&](auto& p) { return p.first == k; });
    };
    if (sig == SignatureVersion::v1) {
      EXPECT_EQ(has("SecurityToken"), sts);
    } else {
      EXPECT_FALSE(has("Action"));  // V3 carries it in x-acs-action only
      EXPECT_EQ(s.header("x-acs-action"), "RemoveInstances");
      EXPECT_EQ(s.header("x-acs-security-token").empty(), !sts);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllStyles, Signing,
    ::testing::Combine(::testing::Values(SignatureVersion::v1, SignatureVersion::v3),
                       ::testing::Values(Style::get, Style::post_form, Style::post_query),
                       ::testing::Bool()));

TEST(Signing, AWrongSecretIsCaughtByTheVerifier) {
  // The verifier is what the signature tests rest on: it must reject a request signed with another
  // key.
  FakeApi api;
  api.secret = "another-secret";
  run_cases(four_cases(), options_for(api), {});
  std::lock_guard lock(api.mutex);
  EXPECT_EQ(api.bad_signatures.size(), 4u);
}

TEST(Signing, TheVerifierAcceptsTheProtocolVectors) {
  // docs/protocol.md 2.3 vector A (V1) and the official V3 vector.
  SeenRequest a;
  a.method = "GET";
  a.target =
      "/?AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1"
      "&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0"
      "&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26&Signature=OLeaidS1JvxuMvnyHOwuJ%"
      "2BuX5qY%3D";
  EXPECT_EQ(testing::verify_v1(a, "testid", "testsecret"), "");
  EXPECT_NE(testing::verify_v1(a, "testid", "wrong"), "");
  SeenRequest b;
  b.method = "POST";
  b.target = "/?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai";
  b.headers = {{"host", "ecs.cn-shanghai.aliyuncs.com"},
               {"x-acs-action", "RunInstances"},
               {"x-acs-version", "2014-05-26"},
               {"x-acs-date", "2023-10-26T10:22:32Z"},
               {"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
               {"x-acs-content-sha256", testing::sha256_hex_of("")},
               {"authorization",
                "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
                "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature="
                "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"}};
  EXPECT_EQ(testing::verify_v3(b, "YourAccessKeyId", "YourAccessKeySecret"), "");
  EXPECT_NE(testing::verify_v3(b, "YourAccessKeyId", "other"), "");
}

// Durations, times, nonces and signatures change from run to run; everything else must not.
std::string mask(std::string text) {
  static const std::vector<std::pair<std::regex, std::string>> rules = {
      {std::regex(R"("duration": [0-9.e+-]+)"), R"("duration": 0)"},
      {std::regex(R"(time="[0-9.]+")"), R"(time="0")"},
      {std::regex(R"(timestamp="[^"]*")"), R"(timestamp="T")"},
      {std::regex(R"("timestamp": "[^"]*")"), R"("timestamp": "T")"},
      {std::regex(R"(SignatureNonce=[0-9a-f]+)"), "SignatureNonce=N"},
      {std::regex(R"(Timestamp=[0-9T%A-Z-]+)"), "Timestamp=T"},
  };
  for (const auto& [re, with] : rules) text = std::regex_replace(text, re, with);
  return text;
}

TEST(Runner, ReportsAreTheSameWhateverTheParallelism) {
  FakeApi api;
  std::vector<CaseItem> cases;
  for (int i = 0; i < 40; ++i) {
    auto four = four_cases();
    for (auto& c : four) {
      c.c.id += "." + std::to_string(100 + i);
      cases.push_back(std::move(c));
    }
  }
  api.deviation = Deviation::message;  // some failures too, so that failures are compared as well
  RunOptions one = options_for(api);
  one.jobs = 1;
  RunOptions eight = one;
  eight.jobs = 8;
  auto a = run_cases(cases, one, {});
  auto b = run_cases(cases, eight, {});
  EXPECT_EQ(mask(reports::render_json(a)), mask(reports::render_json(b)));
  EXPECT_EQ(mask(reports::render_junit(a)), mask(reports::render_junit(b)));
  for (size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(b.cases[i].id, cases[i].c.id);
  // The masked report still names what matters (the masking does not hide the comparison).
  EXPECT_NE(mask(reports::render_json(a)).find("Ess.RemoveInstances.example.xml.139"),
            std::string::npos);
}

TEST(Runner, NoRetryAfterAnHttpAnswer) {
  FakeApi api;
  api.answer_status_override = 503;
  RunOptions o = options_for(api);
  o.retries = 3;
  auto report = run_cases(four_cases(), o, {});
  for (const auto& c : report.cases) EXPECT_EQ(c.status, core::CaseStatus::failed);
  std::lock_guard lock(api.mutex);
  EXPECT_EQ(api.seen.size(), 4u);
}

// A listening socket that accepts connections and closes them at once: every request is a network
// failure. Counts the connections it saw.
class Slammer {
 public:
  Slammer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      while (true) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0 || stopping_) {
          if (c >= 0) ::close(c);
          return;
        }
        ++accepted;
        ::shutdown(c, SHUT_RDWR);
        ::close(c);
      }
    });
  }
  ~Slammer() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  core::Url endpoint() const {
    return *core::parse_url("http://127.0.0.1:" + std::to_string(port_));
  }
  std::atomic<int> accepted{0};

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

TEST(Runner, NetworkFailuresAreRetriedAFixedNumberOfTimes) {
  Slammer s;
  RunOptions o;
  o.endpoint = s.endpoint();
  o.credentials = {kKeyId, kSecret, ""};
  o.retries = 2;
  auto cases = four_cases();
  cases.resize(1);
  auto report = run_cases(cases, o, {});
  ASSERT_EQ(report.cases.size(), 1u);
  EXPECT_EQ(report.cases[0].status, core::CaseStatus::error);
  EXPECT_FALSE(report.cases[0].error.empty());
  EXPECT_EQ(s.accepted.load(), 3);
}

TEST(Probe, UnreachableEndpointIsOneError) {
  // A bound socket that never listens refuses connections.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  RunOptions o;
  o.endpoint = *core::parse_url("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  o.retries = 1;
  auto t = probe(o);
  ::close(fd);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "net.connect");
  EXPECT_NE(t.error().message.find("127.0.0.1"), std::string::npos);
}

TEST(Probe, RecognisesAPopcheckEmulator) {
  FakeApi api;
  auto plain = probe(options_for(api));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->emulator);
  api.emulator = true;
  auto emu = probe(options_for(api));
  ASSERT_TRUE(emu);
  EXPECT_TRUE(emu->emulator);
}

CaseItem case_with_need(std::string id, std::string resource = "scalinggroup") {
  CaseItem item = make_case(std::move(id), false, "JSON", "${group}");
  item.c.needs.push_back({"group", resource, core::ojson{{"Status", "Active"}},
                          "an Active scaling group with room to remove an instance"});
  return item;
}

TEST(Needs, UnmetNeedsSkipWithTheDescription) {
  FakeApi api;
  auto report = run_cases({case_with_need("Ess.RemoveInstances.need")}, options_for(api), {});
  ASSERT_EQ(report.cases.size(), 1u);
  EXPECT_EQ(report.cases[0].status, core::CaseStatus::skipped);
  EXPECT_NE(
      report.cases[0].skip_reason.find("an Active scaling group with room to remove an instance"),
      std::string::npos);
  EXPECT_NE(report.cases[0].skip_reason.find("--var group="), std::string::npos);
  std::lock_guard lock(api.mutex);
  EXPECT_TRUE(api.seen.empty());
}

TEST(Needs, VarsFillNeeds) {
  FakeApi api;
  RunOptions o = options_for(api);
  o.vars["group"] = "asg-from-user";
  auto report = run_cases({case_with_need("Ess.RemoveInstances.need")}, o, {});
  EXPECT_EQ(report.cases[0].status, core::CaseStatus::passed);
  std::lock_guard lock(api.mutex);
  ASSERT_EQ(api.seen.size(), 1u);
  EXPECT_NE(api.seen[0].query().find("ScalingGroupId=asg-from-user"), std::string::npos);
  // Not an emulator: no popcheck header reaches it.
  EXPECT_EQ(api.seen[0].header("x-popcheck-case"), "");
}

TEST(Needs, AnUndeclaredVariableSkipsToo) {
  FakeApi api;
  auto report = run_cases({make_case("Ess.RemoveInstances.var", false, "JSON", "${nobody}")},
                          options_for(api), {});
  EXPECT_EQ(report.cases[0].status, core::CaseStatus::skipped);
  EXPECT_NE(report.cases[0].skip_reason.find("${nobody}"), std::string::npos);
}

TEST(Needs, TheEmulatorProvisionsThem) {
  FakeApi api;
  api.emulator = true;
  Target target{true};
  auto report = run_cases({case_with_need("Ess.RemoveInstances.need"),
                           case_with_need("Ess.RemoveInstances.impossible", "impossible")},
                          options_for(api), target);
  EXPECT_EQ(report.cases[0].status, core::CaseStatus::passed);
  EXPECT_EQ(report.cases[1].status, core::CaseStatus::skipped);
  EXPECT_NE(report.cases[1].skip_reason.find("cannot create that"), std::string::npos);
  std::lock_guard lock(api.mutex);
  ASSERT_EQ(api.seen.size(), 1u);
  EXPECT_NE(api.seen[0].query().find("ScalingGroupId=asg-provisioned-"), std::string::npos);
  auto body = nlohmann::json::parse(api.provision_bodies.at(0));
  EXPECT_EQ(body["region"], "cn-hangzhou");
  EXPECT_EQ(body["needs"][0]["resource"], "scalinggroup");
  EXPECT_EQ(body["needs"][0]["with"]["Status"], "Active");
  EXPECT_EQ(body["case"], "Ess.RemoveInstances.need");
  // The emulator can tie the request to the case it provisioned for.
  EXPECT_EQ(api.seen[0].header("x-popcheck-case"), "Ess.RemoveInstances.need");
}

TEST(Runner, RecordedRequestsCarryNoSecrets) {
  FakeApi api;
  RunOptions o = options_for(api);
  o.credentials.security_token = "STS-token-value";
  auto report = run_cases(four_cases(), o, {});
  for (const auto& c : report.cases) {
    std::string all = c.request.target + c.request.body;
    for (auto& [k, v] : c.request.headers) all += k + ": " + v + "\n";
    EXPECT_EQ(all.find(kKeyId), std::string::npos) << all;
    EXPECT_EQ(all.find("STS-token-value"), std::string::npos);
    EXPECT_NE(all.find("Signature=REDACTED"), std::string::npos);
  }
}

}  // namespace
}  // namespace popcheck::runner
