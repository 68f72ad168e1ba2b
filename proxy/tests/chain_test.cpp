// Each filter of the proxy's chain alone, on a ProxyContext without a server.
#include "proxy/chain.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <optional>

#include "tests/support/files.hpp"

namespace popcheck::proxy {
namespace {

using test_support::TempDir;

struct Fixture {
  TempDir dir;
  std::unique_ptr<ProxyContext> context;
  std::optional<net::HttpResponse> answer;
  std::deque<net::HttpRequest> requests;  // a Call refers to its request; they live here

  explicit Fixture(Mode mode = Mode::replay, FaultConfig faults = {}) {
    ProxyOptions options;
    options.mode = mode;
    options.fixtures = dir.str();
    options.faults = std::move(faults);
    context = std::make_unique<ProxyContext>(std::move(options));
  }
  Call call(std::string target, net::Headers headers = {}) {
    net::HttpRequest& r = requests.emplace_back();
    r.method = "GET";
    r.target = std::move(target);
    r.headers = std::move(headers);
    r.headers.emplace_back("Host", "127.0.0.1:1");
    return Call(
        r, [this](net::HttpResponse a) { answer = std::move(a); }, *context);
  }
  // Runs `filter` on a call of `target`: whether it answered, and the answer in `answer`.
  bool run(Filter& filter, std::string target, net::Headers headers = {}) {
    answer.reset();
    Call c = call(std::move(target), std::move(headers));
    return filter.on_request(c);
  }
  void record(const std::string& action, const std::string& body) {
    Exchange e;
    e.product = "ecs";
    e.action = action;
    e.request.params = {{"Action", action}, {"Version", "2014-05-26"}};
    e.response.content_type = "application/json;charset=utf-8";
    e.response.body = body;
    ASSERT_TRUE(
        context->store.record(e, FixtureStore::key_of(context->store.match_of(e.request.params))));
  }
};

constexpr const char* kRegions = "/?Action=DescribeRegions&Version=2014-05-26&Signature=x";

TEST(ChainAdmin, PassesApiCallsAndAnswersItsOwnEndpoints) {
  Fixture f;
  ForwardFilter forward(*f.context);
  AdminFilter admin(*f.context, forward);
  EXPECT_FALSE(f.run(admin, kRegions));
  EXPECT_FALSE(f.answer);
  EXPECT_TRUE(f.run(admin, "/__popcheck/health"));
  ASSERT_TRUE(f.answer);
  EXPECT_EQ(f.answer->status, 200);
  EXPECT_NE(f.answer->body.find("\"service\":\"popcheck-proxy\""), std::string::npos);
  EXPECT_TRUE(f.run(admin, "/__popcheck/stats", {{"Origin", "http://evil.example"}}));
  EXPECT_EQ(f.answer->status, 403);
  // Without an upstream another server's admin path is not forwarded: 404 naming it.
  EXPECT_TRUE(f.run(admin, "/__popcheck/provision"));
  EXPECT_EQ(f.answer->status, 404);
  EXPECT_NE(f.answer->body.find("/__popcheck/provision"), std::string::npos);
}

TEST(ChainFaults, AnInjectedErrorAnswersAndLatencyWrapsTheRealAnswer) {
  auto error = parse_fault("error:Throttling.User,action=DescribeRegions,count=1");
  auto latency = parse_fault("latency:25,action=DescribeZones");
  ASSERT_TRUE(error && latency);
  Fixture f(Mode::replay, FaultConfig{7, {*error, *latency}});
  FaultFilter faults(*f.context);
  EXPECT_TRUE(f.run(faults, kRegions));
  ASSERT_TRUE(f.answer);
  EXPECT_EQ(f.answer->status, 400);
  EXPECT_NE(f.answer->body.find("Throttling.User"), std::string::npos);
  EXPECT_FALSE(f.run(faults, kRegions));  // count=1: spent
  EXPECT_FALSE(f.answer);
  Call zones = f.call("/?Action=DescribeZones&Version=2014-05-26");
  EXPECT_FALSE(faults.on_request(zones));
  zones.respond(net::HttpResponse{});  // the real answer, on its way back
  ASSERT_TRUE(f.answer);
  EXPECT_EQ(f.answer->delay, std::chrono::milliseconds(25));
}

TEST(ChainValidation, WithoutContractsACallPassesUntouched) {
  Fixture f;
  ValidationFilter validation(*f.context);
  Call c = f.call(kRegions);
  EXPECT_FALSE(validation.on_request(c));
  net::HttpResponse r;
  r.body = "x";
  c.respond(std::move(r));
  ASSERT_TRUE(f.answer);
  EXPECT_EQ(f.answer->body, "x");
}

TEST(ChainReplay, AHitAnswersFromTheFixturesAndAMissDependsOnTheMode) {
  Fixture f;
  f.record("DescribeRegions", "{\"Regions\":1}");
  ReplayFilter replay(*f.context);
  EXPECT_TRUE(f.run(replay, kRegions));
  ASSERT_TRUE(f.answer);
  EXPECT_EQ(f.answer->content(), "{\"Regions\":1}");
  EXPECT_TRUE(f.answer->shared_body);     // never copied
  ASSERT_TRUE(f.answer->shared_headers);  // nor its headers
  EXPECT_TRUE(f.answer->headers.empty());
  EXPECT_EQ(core::header_value(f.answer->fields(), "content-type"),
            "application/json;charset=utf-8");
  EXPECT_EQ(f.context->hits.load(), 1u);
  EXPECT_TRUE(f.run(replay, "/?Action=DescribeZones&Version=2014-05-26"));
  EXPECT_EQ(f.answer->status, 404);
  EXPECT_NE(f.answer->body.find("Popcheck.Replay.NoMatch"), std::string::npos);
  EXPECT_EQ(f.context->miss_log.json(false)["misses"].size(), 1u);
  // In auto mode a miss goes on down the chain (to be forwarded and recorded).
  f.context->mode = Mode::auto_;
  EXPECT_FALSE(f.run(replay, "/?Action=DescribeZones&Version=2014-05-26"));
  EXPECT_FALSE(f.answer);
  // Passthrough never replays.
  f.context->mode = Mode::passthrough;
  EXPECT_FALSE(f.run(replay, kRegions));
  EXPECT_FALSE(f.answer);
}

TEST(ChainForward, WithoutAnUpstreamTheEndOfTheChainIsA502) {
  Fixture f;
  ForwardFilter forward(*f.context);
  EXPECT_TRUE(f.run(forward, kRegions));
  ASSERT_TRUE(f.answer);
  EXPECT_EQ(f.answer->status, 502);
  EXPECT_NE(f.answer->body.find("Popcheck.Upstream.Unreachable"), std::string::npos);
}

}  // namespace
}  // namespace popcheck::proxy
