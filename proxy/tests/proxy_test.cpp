// The proxy handler end to end in one process: a fake upstream on one net::Server, the proxy on
// another, and the proxy's own upstream client as the test's HTTP client.
#include "proxy/proxy.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

#include "core/files.hpp"
#include "core/protocol/sign.hpp"
#include "net/server.hpp"
#include "proxy/forward.hpp"
#include "proxy/limits.hpp"
#include "tests/support/files.hpp"

namespace popcheck::proxy {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDummyId = "LTAIdummyKeyId0001";
constexpr const char* kDummySecret = "dummySecretValue0001";
constexpr const char* kDummyToken = "STS.dummyTokenValue0001";
constexpr const char* kRealId = "LTAIrealKeyId0002";
constexpr const char* kRealSecret = "realSecretValue0002";

std::string encode(const core::Params& params) {
  std::string out;
  for (const auto& [k, v] : params)
    out += (out.empty() ? "" : "&") + core::percent_encode(k) + "=" + core::percent_encode(v);
  return out;
}

// A V1 request as pop-core sends it (GET, everything in the query), signed with the dummy key.
core::Request v1_get(core::Params api, const std::string& nonce) {
  core::Params p = std::move(api);
  p.insert(p.end(), {{"Format", "JSON"},
                     {"AccessKeyId", kDummyId},
                     {"SecurityToken", kDummyToken},
                     {"SignatureMethod", "HMAC-SHA1"},
                     {"SignatureVersion", "1.0"},
                     {"SignatureNonce", nonce},
                     {"Timestamp", "2026-11-23T14:54:01Z"}});
  std::string sig = core::v1_signature("GET", p, kDummySecret);
  return {"GET", "/?" + encode(p) + "&Signature=" + core::percent_encode(sig), {}, ""};
}

// A V1 request as pop-core's POST sends it: everything in a form body.
core::Request v1_form(core::Params api, const std::string& nonce) {
  core::Request r = v1_get(std::move(api), nonce);
  core::Params p = core::parse_query_string(r.target.substr(2));
  r.method = "POST";
  std::erase_if(p, [](const auto& kv) { return kv.first == "Signature"; });
  r.body =
      encode(p) + "&Signature=" + core::percent_encode(core::v1_signature("POST", p, kDummySecret));
  r.target = "/";
  r.headers = {{"content-type", "application/x-www-form-urlencoded"}};
  return r;
}

// A V3 request as openapi-core sends it, signed with the dummy key for the proxy's host.
core::Request v3_post(const std::string& action, const std::string& version, core::Params query,
                      const std::string& proxy_host, const std::string& nonce) {
  core::Request r;
  r.method = "POST";
  r.target = "/?" + encode(query);
  r.headers = {{"host", proxy_host},
               {"x-acs-action", action},
               {"x-acs-version", version},
               {"x-acs-date", "2026-11-23T14:54:02Z"},
               {"x-acs-signature-nonce", nonce},
               {"x-acs-content-sha256", core::sha256_hex("")},
               {"x-acs-accesskey-id", kDummyId},
               {"x-acs-security-token", kDummyToken}};
  core::V3Request v3{"POST", "/", query, r.headers, ""};
  r.headers.emplace_back("Authorization", core::v3_authorization(v3, kDummyId, kDummySecret));
  return r;
}

struct Seen {
  std::string method, target, host, authorization;
  net::Headers headers;
  std::string body;
};

// The upstream: answers by Action, counts calls, remembers the last request.
class FakeUpstream {
 public:
  FakeUpstream() {
    handler_ = std::make_shared<net::FunctionHandler>([this](const net::HttpRequest& req) {
      calls_.fetch_add(1);
      {
        std::lock_guard lock(mutex_);
        remotes_.insert(req.remote);
        last_ = {req.method,
                 req.target,
                 core::header_value(req.headers, "host"),
                 core::header_value(req.headers, "authorization"),
                 req.headers,
                 req.body};
      }
      auto params = core::merge_params({req.method, req.target, &req.headers, req.body});
      std::string action;
      for (const auto& [k, v] : params)
        if (k == "Action") action = v;
      net::HttpResponse r;
      if (action == "Slow") {
        r.delay = std::chrono::milliseconds(3000);
        r.body = "{}";
      } else if (action == "DeleteInstances") {
        r.status = 403;
        r.headers = {{"Content-Type", "text/xml;charset=utf-8"}, {"x-acs-request-id", "XR"}};
        r.body =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <RequestId>XR</RequestId>\n"
            "  <Code>IncorrectInstanceStatus</Code>\n</Error>\n";
      } else if (action == "DeepAnswer") {
        // 100,000 levels of nesting: an answer nothing may walk recursively.
        r.headers = {{"Content-Type", "application/json;charset=utf-8"}};
        r.body = std::string(100000, '[') + std::string(100000, ']');
      } else if (action == "GetSecret") {
        r.headers = {{"Content-Type", "application/json;charset=utf-8"}};
        r.body = std::string(R"({"RequestId":"S","AccessKeySecret":"returnedSecret99","Echo":")") +
                 kDummyId + "\"}";
      } else {
        r.headers = {{"Content-Type", "application/json;charset=utf-8"}};
        r.body = "{ \"RequestId\" : \"R-" + std::to_string(calls_.load()) + "\", \"Action\": \"" +
                 action + "\" }";
      }
      return r;
    });
    server_ = std::make_unique<net::Server>(net::ServerOptions{}, handler_);
    auto started = server_->start();
    EXPECT_TRUE(started.has_value());
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  void stop() { server_->stop(); }
  int calls() const { return calls_.load(); }
  Seen last() {
    std::lock_guard lock(mutex_);
    return last_;
  }
  size_t connections() {
    std::lock_guard lock(mutex_);
    return remotes_.size();
  }

 private:
  std::shared_ptr<net::Handler> handler_;
  std::unique_ptr<net::Server> server_;
  std::atomic<int> calls_{0};
  std::mutex mutex_;
  Seen last_;
  std::set<std::string> remotes_;  // client address:port of every request: one per connection
};

using test_support::TempDir;

using test_support::files_below;

// A proxy in MODE recording into (or replaying from) DIR, in front of UPSTREAM.
ProxyOptions options_for(Mode mode, const TempDir& dir, const FakeUpstream& upstream) {
  ProxyOptions options;
  options.mode = mode;
  options.fixtures = dir.str();
  options.upstream.url = upstream.url();
  return options;
}

// A running proxy and a client for it.
struct RunningProxy {
  std::shared_ptr<ProxyHandler> handler;
  std::unique_ptr<net::Server> server;
  std::unique_ptr<net::HttpClient> client;
  LoadReport report;

  explicit RunningProxy(ProxyOptions options) {
    auto h = ProxyHandler::create(std::move(options), report);
    if (!h) throw std::runtime_error(h.error().to_string());
    handler = *h;
    server = std::make_unique<net::Server>(net::ServerOptions{}, handler);
    if (!server->start()) throw std::runtime_error("proxy did not start");
    auto c = make_upstream({.url = "http://127.0.0.1:" + std::to_string(server->port())});
    client = std::move(*c);
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(server->port()); }
  core::Response send(const core::Request& r) {
    auto res = client->send(r);
    if (!res) throw std::runtime_error(res.error().to_string());
    return *res;
  }
  // An admin request as popcheck's documented callers send it (marked with X-Popcheck-Admin).
  core::ojson admin(const std::string& method, const std::string& path, std::string body = "") {
    auto res = send({method, path, {{"X-Popcheck-Admin", "1"}}, std::move(body)});
    return core::ojson::parse(res.body);
  }
};

std::string content_type(const core::Response& r) {
  return core::header_value(r.headers, "content-type");
}

TEST(Proxy, RecordsThenReplaysIdenticallyWithTheUpstreamGone) {
  TempDir dir;
  FakeUpstream upstream;
  ProxyOptions options = options_for(Mode::record, dir, upstream);
  RunningProxy proxy(options);

  std::vector<core::Request> calls = {
      v1_get({{"Action", "DescribeRegions"}, {"Version", "2014-05-26"}}, "n1"),
      v1_get({{"Action", "DescribeRegions"}, {"Version", "2014-05-26"}}, "n2"),
      v1_form({{"Action", "DeleteInstances"}, {"Version", "2014-05-26"}, {"InstanceId.1", "i-1"}},
              "n3"),
      v3_post("TagResources", "2016-04-28",
              {{"RegionId", "cn-hangzhou"}, {"Tag.1.Value", "a b*~!'()中"}}, proxy.host(), "n4"),
  };
  std::vector<core::Response> recorded;
  for (const auto& c : calls) recorded.push_back(proxy.send(c));
  EXPECT_EQ(upstream.calls(), 4);
  EXPECT_EQ(recorded[2].status, 403);
  EXPECT_EQ(content_type(recorded[2]), "text/xml;charset=utf-8");
  auto files = files_below(dir.path());
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[0].parent_path().filename(), "DeleteInstances");
  EXPECT_EQ(files[0].parent_path().parent_path().filename(), "ecs");
  EXPECT_EQ(files[3].parent_path().parent_path().filename(), "vpc");
  // No credential the client used reaches a fixture.
  for (const auto& f : files) {
    auto text = core::read_file(f.string());
    ASSERT_TRUE(text);
    for (const char* secret : {kDummyId, kDummySecret, kDummyToken, "Signature\"", "n1\"", "n4\""})
      EXPECT_EQ(text->find(secret), std::string::npos) << secret << " in " << f;
    auto j = core::ojson::parse(*text);
    EXPECT_FALSE(j["provenance"]["recorded_at"].get<std::string>().empty());
    EXPECT_EQ(j["provenance"]["upstream"], upstream.url());
  }
  auto stats = proxy.admin("GET", "/__popcheck/stats");
  EXPECT_EQ(stats["recorded"], 4);

  upstream.stop();
  EXPECT_EQ(proxy.admin("PUT", "/__popcheck/mode", R"({"mode":"replay"})")["mode"], "replay");
  // New nonces and signatures, and the other shapes of the same calls, still match.
  std::vector<core::Request> again = {
      v1_form({{"Action", "DescribeRegions"}, {"Version", "2014-05-26"}}, "m1"),
      v3_post("DescribeRegions", "2014-05-26", {}, proxy.host(), "m2"),
      v1_get({{"Action", "DeleteInstances"}, {"Version", "2014-05-26"}, {"InstanceId.1", "i-1"}},
             "m3"),
      v3_post("TagResources", "2016-04-28",
              {{"RegionId", "cn-hangzhou"}, {"Tag.1.Value", "a b*~!'()中"}}, proxy.host(), "m4"),
  };
  for (size_t i = 0; i < again.size(); ++i) {
    auto r = proxy.send(again[i]);
    EXPECT_EQ(r.status, recorded[i].status) << i;
    EXPECT_EQ(content_type(r), content_type(recorded[i])) << i;
    EXPECT_EQ(r.body, recorded[i].body) << i;
    EXPECT_EQ(core::header_value(r.headers, "x-acs-request-id"),
              core::header_value(recorded[i].headers, "x-acs-request-id"));
  }
  // The third DescribeRegions repeats the last recording.
  EXPECT_EQ(proxy.send(again[0]).body, recorded[1].body);
  stats = proxy.admin("GET", "/__popcheck/stats");
  EXPECT_EQ(stats["hits"], 5);
  EXPECT_EQ(stats["misses"], 0);

  // A fresh proxy on the same folder replays the same, in recorded order.
  ProxyOptions replay;
  replay.fixtures = dir.str();
  RunningProxy second(replay);
  EXPECT_EQ(second.report.loaded, 4u);
  EXPECT_EQ(second.send(again[0]).body, recorded[0].body);
  EXPECT_EQ(second.send(again[0]).body, recorded[1].body);
}

// Issue 19, item 1: a JSON body 100,000 levels deep (200 KB) killed the recording proxy. The
// request is forwarded and recorded with its body kept as text, the next client is served, and a
// deep answer is recorded and replayed byte for byte.
TEST(Proxy, RecordingSurvivesA100000DeepJsonBodyAndKeepsServing) {
  TempDir dir;
  FakeUpstream upstream;
  ProxyOptions options = options_for(Mode::record, dir, upstream);
  RunningProxy proxy(options);

  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  core::Request hostile = v1_get({{"Action", "CreateThing"}, {"Version", "2014-05-26"}}, "d1");
  hostile.method = "POST";
  hostile.headers = {{"content-type", "application/json"}};
  hostile.body = deep;
  auto answered = proxy.send(hostile);
  EXPECT_EQ(answered.status, 200);
  EXPECT_EQ(upstream.last().body, deep);  // forwarded untouched

  auto normal =
      proxy.send(v1_get({{"Action", "DescribeRegions"}, {"Version", "2014-05-26"}}, "d2"));
  EXPECT_EQ(normal.status, 200);
  EXPECT_NE(normal.body.find("DescribeRegions"), std::string::npos);
  auto deep_answer =
      proxy.send(v1_get({{"Action", "DeepAnswer"}, {"Version", "2014-05-26"}}, "d3"));
  EXPECT_EQ(deep_answer.body, deep);
  EXPECT_EQ(proxy.admin("GET", "/__popcheck/stats")["recorded"], 3);

  // Every fixture reads back; the deep bodies are text in them.
  auto listing = read_fixture_folder(dir.str());
  EXPECT_TRUE(listing.errors.empty()) << listing.errors.front().to_string();
  ASSERT_EQ(listing.fixtures.size(), 3u);
  EXPECT_EQ(listing.fixtures[0].exchange.request.body, deep);
  EXPECT_EQ(listing.fixtures[2].exchange.response.body, deep);

  upstream.stop();
  ASSERT_TRUE(proxy.handler->set_mode(Mode::replay));
  EXPECT_EQ(proxy.send(v1_get({{"Action", "DeepAnswer"}, {"Version", "2014-05-26"}}, "d4")).body,
            deep);
}

TEST(Proxy, AMissIsA404NamingTheNearestRecordingAndIsListed) {
  TempDir dir;
  FakeUpstream upstream;
  ProxyOptions options = options_for(Mode::record, dir, upstream);
  RunningProxy proxy(options);
  proxy.send(v1_get({{"Action", "DetachDisk"}, {"DiskId", "d-1"}, {"InstanceId", "i-1"}}, "a"));
  ASSERT_TRUE(proxy.handler->set_mode(Mode::replay));
  auto r =
      proxy.send(v1_get({{"Action", "DetachDisk"}, {"DiskId", "d-2"}, {"InstanceId", "i-1"}}, "b"));
  EXPECT_EQ(r.status, 404);
  auto body = core::ojson::parse(r.body);
  EXPECT_EQ(body["Code"], "Popcheck.Replay.NoMatch");
  std::string message = body["Message"];
  EXPECT_NE(message.find("DetachDisk"), std::string::npos) << message;
  EXPECT_NE(message.find("DiskId: recorded 'd-1', request 'd-2'"), std::string::npos) << message;
  EXPECT_NE(message.find(".json"), std::string::npos) << message;
  EXPECT_EQ(message.find("InstanceId"), std::string::npos) << message;  // equal params not listed
  auto misses = proxy.admin("GET", "/__popcheck/misses");
  ASSERT_EQ(misses["misses"].size(), 1u);
  EXPECT_EQ(misses["misses"][0]["action"], "DetachDisk");
  EXPECT_EQ(misses["misses"][0]["params"]["DiskId"], "d-2");
  EXPECT_EQ(upstream.calls(), 1);  // replay never forwards
  EXPECT_EQ(proxy.admin("GET", "/__popcheck/stats")["misses"], 1);
}

TEST(Proxy, UnusedFixturesAreListedByTheAdminEndpointAndCounted) {
  TempDir dir;
  FakeUpstream upstream;
  {
    RunningProxy recorder(options_for(Mode::record, dir, upstream));
    for (const char* action : {"DescribeRegions", "DescribeZones", "DetachDisk"})
      ASSERT_EQ(recorder.send(v1_get({{"Action", action}}, action)).status, 200);
  }
  RunningProxy proxy(options_for(Mode::replay, dir, upstream));
  auto unused = proxy.admin("GET", "/__popcheck/unused");
  EXPECT_EQ(unused["unused"], 3);
  ASSERT_EQ(unused["files"].size(), 3u);
  ASSERT_EQ(proxy.send(v1_get({{"Action", "DescribeZones"}}, "again")).status, 200);
  unused = proxy.admin("GET", "/__popcheck/unused");
  ASSERT_EQ(unused["files"].size(), 2u);
  for (const auto& file : unused["files"]) {
    const std::string name = file.get<std::string>();
    EXPECT_EQ(name.find("DescribeZones"), std::string::npos) << name;
    EXPECT_TRUE(fs::is_regular_file(dir.path() / name)) << name;  // relative to the folder
  }
  EXPECT_EQ(proxy.admin("GET", "/__popcheck/stats")["unused"], 2);
  EXPECT_EQ(proxy.send({"DELETE", "/__popcheck/unused", {{"X-Popcheck-Admin", "1"}}, ""}).status,
            405);
}

TEST(Proxy, AutoModeRecordsOnlyWhatIsMissing) {
  TempDir dir;
  FakeUpstream upstream;
  ProxyOptions options = options_for(Mode::auto_, dir, upstream);
  RunningProxy proxy(options);
  auto first = proxy.send(v1_get({{"Action", "DescribeZones"}}, "a"));
  auto second = proxy.send(v1_get({{"Action", "DescribeZones"}}, "b"));
  EXPECT_EQ(upstream.calls(), 1);
  EXPECT_EQ(first.body, second.body);
  proxy.send(v1_get({{"Action", "DescribeZones"}, {"RegionId", "x"}}, "c"));
  EXPECT_EQ(upstream.calls(), 2);
  EXPECT_EQ(files_below(dir.path()).size(), 2u);
  // Passthrough forwards and records nothing.
  ASSERT_TRUE(proxy.handler->set_mode(Mode::passthrough));
  proxy.send(v1_get({{"Action", "DescribeZones"}}, "d"));
  EXPECT_EQ(upstream.calls(), 3);
  EXPECT_EQ(files_below(dir.path()).size(), 2u);
}

TEST(Proxy, UnreachableUpstreamIsA502AndNothingIsRecorded) {
  TempDir dir;
  std::string dead_url;
  {
    FakeUpstream upstream;
    dead_url = upstream.url();
    upstream.stop();
  }
  ProxyOptions options;
  options.mode = Mode::record;
  options.fixtures = dir.str();
  options.upstream.url = dead_url;
  options.upstream.timeout = std::chrono::milliseconds(2000);
  RunningProxy proxy(options);
  auto r = proxy.send(v1_get({{"Action", "DescribeRegions"}}, "a"));
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(core::ojson::parse(r.body)["Code"], "Popcheck.Upstream.Unreachable");
  EXPECT_TRUE(files_below(dir.path()).empty());
  EXPECT_EQ(proxy.admin("GET", "/__popcheck/health")["status"], "ok");
}

TEST(Proxy, AFailedFixtureWriteIsA5xxLeavesNothingAndTheProxyKeepsServing) {
  TempDir dir;
  FakeUpstream upstream;
  ProxyOptions options;
  options.mode = Mode::record;
  options.fixtures = (dir.path() / "fixtures").string();
  options.upstream.url = upstream.url();
  RunningProxy proxy(options);
  // The fixtures folder is a file: nothing can be written below it (works as root too).
  std::ofstream(dir.path() / "fixtures") << "not a folder";
  auto r = proxy.send(v1_get({{"Action", "DescribeRegions"}}, "a"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(core::ojson::parse(r.body)["Code"], "Popcheck.Fixture.WriteFailed");
  EXPECT_EQ(files_below(dir.path()), std::vector<fs::path>{dir.path() / "fixtures"});
  fs::remove(dir.path() / "fixtures");
  r = proxy.send(v1_get({{"Action", "DescribeRegions"}}, "b"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(files_below(dir.path()).size(), 1u);
  auto stats = proxy.admin("GET", "/__popcheck/stats");
  EXPECT_EQ(stats["errors"], 1);
  EXPECT_EQ(stats["recorded"], 1);
}

TEST(Proxy, ARequestNoFixtureCanHoldIsRefusedBeforeTheUpstreamSeesIt) {
  TempDir dir;
  FakeUpstream upstream;
  RunningProxy proxy(options_for(Mode::record, dir, upstream));
  // A GBK-encoded value ("\xb1\xb1" is one character there): a fixture holds UTF-8 text.
  auto r = proxy.send(v1_get({{"Action", "DescribeRegions"}, {"Name", "\xb1\xb1"}}, "a"));
  EXPECT_EQ(r.status, 400);
  auto body = core::ojson::parse(r.body);
  EXPECT_EQ(body["Code"], "Popcheck.Fixture.Unrecordable");
  EXPECT_NE(body["Message"].get<std::string>().find("parameter 'Name' is not UTF-8"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(upstream.calls(), 0);
  EXPECT_TRUE(files_below(dir.path()).empty());
  // A header kept in the fixture, likewise; one the fixture leaves out does not matter.
  core::Request with_header = v1_get({{"Action", "DescribeRegions"}}, "b");
  with_header.headers = {{"x-acs-client-tag", "caf\xe9"}, {"user-agent", "caf\xe9"}};
  r = proxy.send(with_header);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("header 'x-acs-client-tag' is not UTF-8"), std::string::npos) << r.body;
  EXPECT_EQ(upstream.calls(), 0);
  with_header.headers = {{"user-agent", "caf\xe9"}};
  r = proxy.send(with_header);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(upstream.calls(), 1);
  EXPECT_EQ(files_below(dir.path()).size(), 1u);
  EXPECT_EQ(proxy.admin("GET", "/__popcheck/stats")["recorded"], 1);
}

TEST(Proxy, RedactsResponsePathsAndSecretsFromFixtures) {
  TempDir dir;
  FakeUpstream upstream;
  ProxyOptions options = options_for(Mode::record, dir, upstream);
  options.redact_paths = {"$.AccessKeySecret"};
  RunningProxy proxy(options);
  auto r = proxy.send(v1_get({{"Action", "GetSecret"}, {"Version", "2015-04-01"}}, "a"));
  EXPECT_NE(r.body.find("returnedSecret99"), std::string::npos);  // the client gets the answer
  auto files = files_below(dir.path());
  ASSERT_EQ(files.size(), 1u);
  auto text = core::read_file(files[0].string());
  EXPECT_EQ(text->find("returnedSecret99"), std::string::npos);
  EXPECT_EQ(text->find(kDummyId), std::string::npos);
}

TEST(Proxy, HeldCredentialsReSignV1AndV3ForTheUpstream) {
  TempDir dir;
  FakeUpstream upstream;
  ProxyOptions options = options_for(Mode::passthrough, dir, upstream);
  options.credentials = {kRealId, kRealSecret, ""};
  RunningProxy proxy(options);
  std::string upstream_host = upstream.url().substr(7);

  for (const auto& req : {v1_get({{"Action", "DescribeRegions"}, {"Tag.1.Value", "a b*"}}, "a"),
                          v1_form({{"Action", "DescribeRegions"}}, "b")}) {
    proxy.send(req);
    Seen seen = upstream.last();
    EXPECT_EQ(seen.host, upstream_host);
    core::Params params = core::parse_query_string(seen.target.substr(seen.target.find('?') + 1));
    if (seen.method == "POST") params = core::parse_query_string(seen.body);
    std::string signature;
    for (const auto& [k, v] : params)
      if (k == "Signature") signature = v;
    std::erase_if(params, [](const auto& p) { return p.first == "Signature"; });
    EXPECT_EQ(signature, core::v1_signature(seen.method, params, kRealSecret));
    EXPECT_NE(std::find(params.begin(), params.end(),
                        std::pair<std::string, std::string>{"AccessKeyId", kRealId}),
              params.end());
    for (const auto& [k, v] : params) EXPECT_NE(k, "SecurityToken");  // the dummy token is gone
  }

  proxy.send(
      v3_post("DescribeRegions", "2014-05-26", {{"RegionId", "cn-hangzhou"}}, proxy.host(), "c"));
  Seen seen = upstream.last();
  EXPECT_EQ(seen.host, upstream_host);
  EXPECT_TRUE(core::header_value(seen.headers, "x-acs-security-token").empty());
  core::Params headers;
  for (const auto& [k, v] : seen.headers)
    if (!(k == "Authorization" || k == "authorization")) headers.emplace_back(k, v);
  core::V3Request v3{"POST", "/",
                     core::parse_query_string(seen.target.substr(seen.target.find('?') + 1)),
                     headers, seen.body};
  EXPECT_EQ(seen.authorization, core::v3_authorization(v3, kRealId, kRealSecret));
  EXPECT_NE(seen.authorization.find(std::string("Credential=") + kRealId), std::string::npos);
}

TEST(Proxy, WithoutCredentialsV3KeepsItsSignedHostAndV1GetsTheUpstreamHost) {
  auto url = core::parse_url("https://ecs.aliyuncs.com");
  ASSERT_TRUE(url);
  net::HttpRequest v3;
  v3.method = "POST";
  v3.target = "/?A=1";
  v3.headers = {{"host", "127.0.0.1:9"}, {"Authorization", "ACS3-HMAC-SHA256 Credential=x"}};
  auto out = prepare_forward(v3, *url, {});
  EXPECT_EQ(core::header_value(out.headers, "host"), "127.0.0.1:9");
  EXPECT_EQ(core::header_value(out.headers, "authorization"), "ACS3-HMAC-SHA256 Credential=x");
  net::HttpRequest v1;
  v1.method = "GET";
  v1.target = "/?Action=X&Signature=abc";
  v1.headers = {{"Host", "127.0.0.1:9"}};
  out = prepare_forward(v1, *url, {});
  EXPECT_EQ(core::header_value(out.headers, "host"), "ecs.aliyuncs.com");
  EXPECT_EQ(out.target, v1.target);
}

TEST(Proxy, UpstreamConnectionsAreReused) {
  TempDir dir;
  FakeUpstream upstream;
  ProxyOptions options = options_for(Mode::passthrough, dir, upstream);
  RunningProxy proxy(options);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(proxy.send(v1_get({{"Action", "DescribeRegions"}}, std::to_string(i))).status, 200);
  EXPECT_EQ(upstream.calls(), 6);
  EXPECT_EQ(upstream.connections(), 1u);  // sequential requests share one kept-alive connection
}

TEST(Proxy, ASlowUpstreamIsA504AndNothingIsRecorded) {
  TempDir dir;
  FakeUpstream upstream;
  ProxyOptions options = options_for(Mode::record, dir, upstream);
  options.upstream.timeout = std::chrono::milliseconds(100);
  RunningProxy proxy(options);
  auto r = proxy.send(v1_get({{"Action", "Slow"}}, "a"));
  EXPECT_EQ(r.status, 504);
  EXPECT_EQ(core::ojson::parse(r.body)["Code"], "Popcheck.Upstream.Timeout");
  EXPECT_TRUE(files_below(dir.path()).empty());
  // The timed-out connection is not reused for the next request, which succeeds.
  EXPECT_EQ(proxy.send(v1_get({{"Action", "DescribeRegions"}}, "b")).status, 200);
}

TEST(Proxy, AdminEndpoints) {
  TempDir dir;
  ProxyOptions options;
  options.fixtures = dir.str();
  RunningProxy proxy(options);
  auto health = proxy.admin("GET", "/__popcheck/health");
  EXPECT_EQ(health["service"], "popcheck-proxy");
  EXPECT_EQ(health["mode"], "replay");
  // Without an upstream only replay is possible.
  const net::Headers marked = {{"X-Popcheck-Admin", "1"}};
  auto r = proxy.send({"PUT", "/__popcheck/mode", marked, "record"});
  EXPECT_EQ(r.status, 409);
  r = proxy.send({"PUT", "/__popcheck/mode", marked, "sideways"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(proxy.admin("GET", "/__popcheck/mode")["mode"], "replay");
  EXPECT_EQ(proxy.send({"POST", "/__popcheck/mode?mode=record", marked, ""}).status, 409);
  EXPECT_EQ(proxy.send({"POST", "/__popcheck/mode?mode=replay", marked, ""}).status, 200);
  // Reload picks up fixtures written by someone else, and names the broken ones.
  Exchange e;
  e.product = "ecs";
  e.action = "DescribeRegions";
  e.request.params = {{"Action", "DescribeRegions"}};
  e.response.content_type = "application/json";
  e.response.body = "{\"RequestId\":\"X\"}";
  ASSERT_TRUE(core::write_file_atomic((dir.path() / "ecs/DescribeRegions/000000-a.json").string(),
                                      exchange_to_text(e)));
  ASSERT_TRUE(core::write_file_atomic((dir.path() / "ecs/DescribeRegions/000001-b.json").string(),
                                      "{broken"));
  auto reload = proxy.admin("POST", "/__popcheck/reload");
  EXPECT_EQ(reload["loaded"], 1);
  ASSERT_EQ(reload["errors"].size(), 1u);
  EXPECT_NE(reload["errors"][0].get<std::string>().find("000001-b.json"), std::string::npos);
  auto hit = proxy.send(v1_get({{"Action", "DescribeRegions"}}, "z"));
  EXPECT_EQ(hit.body, "{\"RequestId\":\"X\"}");
  EXPECT_EQ(content_type(hit), "application/json");
  EXPECT_EQ(proxy.send({"GET", "/__popcheck/nope", {}, ""}).status, 404);
}

// Issue 19 item 4: a cross-origin "simple" POST switched a replay proxy to record and set faults.
TEST(Proxy, AdminRefusesCrossOriginAndUnmarkedStateChanges) {
  TempDir dir;
  FakeUpstream upstream;
  ProxyOptions options;
  options.fixtures = dir.str();
  options.upstream.url = upstream.url();
  RunningProxy proxy(options);
  const std::string faults = R"({"rules":[{"kind":"error","code":"Throttling.User"}]})";
  for (const net::Headers& headers : std::vector<net::Headers>{
           {{"Origin", "https://evil.example"}, {"Content-Type", "text/plain"}},
           {{"Content-Type", "text/plain"}},
           {{"Content-Type", "application/x-www-form-urlencoded"}},
           {{"Origin", "null"}, {"Content-Type", "application/json"}},
           {{"Sec-Fetch-Site", "cross-site"}, {"X-Popcheck-Admin", "1"}}}) {
    auto r = proxy.send({"POST", "/__popcheck/mode", headers, "record"});
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_NE(r.body.find("admin request refused"), std::string::npos) << r.body;
    EXPECT_EQ(proxy.send({"PUT", "/__popcheck/faults", headers, faults}).status, 403);
  }
  EXPECT_EQ(proxy.handler->mode(), Mode::replay);
  EXPECT_TRUE(proxy.handler->faults().config().rules.empty());
  // A page reached through a rebound DNS name sends its own name as Host.
  auto rebound = proxy.send({"GET", "/__popcheck/stats", {{"Host", "evil.example"}}, ""});
  EXPECT_EQ(rebound.status, 403);
  EXPECT_NE(rebound.body.find("Popcheck.Admin.ForeignHost"), std::string::npos) << rebound.body;
  // JSON, the marker header and the proxy's own origin pass.
  EXPECT_EQ(proxy
                .send({"PUT",
                       "/__popcheck/mode",
                       {{"Content-Type", "application/json"}},
                       R"({"mode":"record"})"})
                .status,
            200);
  EXPECT_EQ(proxy.handler->mode(), Mode::record);
  const net::Headers own_origin = {{"X-Popcheck-Admin", "1"}, {"Origin", "http://" + proxy.host()}};
  EXPECT_EQ(proxy.send({"PUT", "/__popcheck/mode", own_origin, "replay"}).status, 200);
  EXPECT_EQ(proxy.handler->mode(), Mode::replay);
}

TEST(Proxy, AnAdminTokenIsRequiredOnEveryAdminEndpointWhenSet) {
  TempDir dir;
  ProxyOptions options;
  options.fixtures = dir.str();
  options.admin.token = "proxy-admin-token-1";
  RunningProxy proxy(options);
  auto r = proxy.send({"GET", "/__popcheck/stats", {}, ""});
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("Popcheck.Admin.TokenRequired"), std::string::npos) << r.body;
  EXPECT_EQ(proxy.send({"GET", "/__popcheck/stats", {{"Authorization", "Bearer nope"}}, ""}).status,
            401);
  const net::Headers bearer = {{"Authorization", "Bearer proxy-admin-token-1"}};
  EXPECT_EQ(proxy.send({"GET", "/__popcheck/stats", bearer, ""}).status, 200);
  // With the token, another Host (the machine's name on the network) is fine.
  const net::Headers lan = {{"Host", "build-box.lan:18081"},
                            {"X-Popcheck-Admin-Token", "proxy-admin-token-1"}};
  EXPECT_EQ(proxy.send({"GET", "/__popcheck/health", lan, ""}).status, 200);
}

// Issue 19 item 3: the miss log kept whole requests (60 misses of 4 MB grew a proxy to 648 MB).
TEST(Proxy, TheMissLogKeepsBoundedEntriesAndCountsWhatItDropped) {
  TempDir dir;
  ProxyOptions options;
  options.fixtures = dir.str();
  options.miss_log = 5;
  RunningProxy proxy(options);
  const std::string big(200 * 1024, 'x');
  for (int i = 0; i < 8; ++i) {
    core::Params params = {{"Action", "Huge" + std::to_string(i)}, {"Blob", big}};
    for (int p = 0; p < 100; ++p) params.emplace_back("P" + std::to_string(p), "v");
    core::Request r{
        "POST", "/", {{"content-type", "application/x-www-form-urlencoded"}}, encode(params)};
    EXPECT_EQ(proxy.send(r).status, 404);
  }
  auto res = proxy.send({"GET", "/__popcheck/misses", {}, ""});
  ASSERT_EQ(res.status, 200);
  EXPECT_LT(res.body.size(), 5u * 16 * 1024) << "the log holds bounded entries";
  auto misses = core::ojson::parse(res.body);
  ASSERT_EQ(misses["misses"].size(), 5u);
  EXPECT_EQ(misses["dropped"], 3);
  EXPECT_EQ(misses["misses"][0]["action"], "Huge3");  // the oldest went first
  const auto& entry = misses["misses"][4];
  std::string blob = entry["params"]["Blob"];
  EXPECT_LT(blob.size(), 400u);
  EXPECT_NE(blob.find(std::to_string(big.size()) + " bytes"), std::string::npos) << blob;
  EXPECT_EQ(entry["params"].size(), kMaxMissParams);
  // 102 parameters sent (the match may add normalised ones such as a default Format).
  EXPECT_GE(kMaxMissParams + entry["params_dropped"].get<size_t>(), 102u);
  EXPECT_EQ(proxy.admin("DELETE", "/__popcheck/misses")["dropped"], 0);
}

}  // namespace
}  // namespace popcheck::proxy
