#include "runner/select.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "runner/request.hpp"
#include "runner/vars.hpp"

namespace popcheck::runner {
namespace {

std::vector<core::CatalogueEntry> catalogue() {
  // Ids deliberately out of order and spread over two entries.
  std::vector<core::CatalogueEntry> out(2);
  out[0].contract.product = "Ecs";
  out[0].contract.action = "RemoveTags";
  out[0].contract.version = "2014-05-26";
  out[1].contract.product = "Ess";
  out[1].contract.action = "RemoveInstances";
  const char* kinds[] = {"example", "error", "negative"};
  for (int i = 0; i < 37; ++i) {
    auto& e = out[static_cast<size_t>(i % 2)];
    core::Case c;
    c.id = e.contract.product + "." + e.contract.action + "." + kinds[i % 3] + "." +
           std::to_string((i * 7919) % 101);
    c.kind = *core::case_kind_from_string(kinds[i % 3]);
    e.cases.push_back(c);
  }
  return out;
}

std::vector<std::string> ids(const std::vector<CaseItem>& items) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i.c.id);
  return out;
}

TEST(Shard, ParsesOnlyValidShards) {
  auto s = parse_shard("2/5");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 5);
  for (const char* bad : {"0/3", "4/3", "1/0", "x/2", "2", "1/2/3", "-1/2", "1 /2", ""})
    EXPECT_FALSE(parse_shard(bad)) << bad;
}

TEST(Shard, ShardsAreDisjointAndCoverEverything) {
  auto all = ids(select_cases(catalogue(), {}));
  ASSERT_EQ(all.size(), 37u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  for (int n = 1; n <= 6; ++n) {
    std::multiset<std::string> seen;
    size_t smallest = all.size(), largest = 0;
    for (int i = 1; i <= n; ++i) {
      auto part = ids(select_cases(catalogue(), {}, {i, n}));
      smallest = std::min(smallest, part.size());
      largest = std::max(largest, part.size());
      seen.insert(part.begin(), part.end());
      // The same shard twice gives the same cases: CI jobs can be re-run.
      EXPECT_EQ(part, ids(select_cases(catalogue(), {}, {i, n})));
    }
    EXPECT_EQ(std::vector<std::string>(seen.begin(), seen.end()), all) << n << " shards";
    EXPECT_LE(largest - smallest, 1u);
  }
}

TEST(Shard, AScenarioStaysInOneShard) {
  // Two recordings of 5 and 4 steps among the ordinary cases: every shard that holds a step of a
  // scenario holds all of its steps, and the shards still cover everything exactly once.
  auto entries = catalogue();
  for (int i = 0; i < 9; ++i) {
    core::Case c;
    c.scenario = i < 5 ? "first" : "second";
    c.step = i < 5 ? i + 1 : i - 4;
    c.id = "Ecs.RemoveTags.recorded." + c.scenario + "." + std::to_string(c.step);
    c.kind = core::CaseKind::recorded;
    entries[static_cast<size_t>(i % 2)].cases.push_back(c);
  }
  size_t total = select_cases(entries, {}).size();
  for (int n = 2; n <= 5; ++n) {
    size_t covered = 0;
    std::set<std::string> scenario_shards;
    for (int i = 1; i <= n; ++i) {
      auto part = select_cases(entries, {}, {i, n});
      covered += part.size();
      std::map<std::string, int> steps;
      for (const auto& c : part)
        if (!c.c.scenario.empty()) ++steps[c.c.scenario];
      for (const auto& [scenario, count] : steps) {
        EXPECT_EQ(count, scenario == "first" ? 5 : 4) << scenario << " split over " << n;
        EXPECT_TRUE(scenario_shards.insert(scenario).second) << scenario << " in two shards";
      }
    }
    EXPECT_EQ(covered, total) << n << " shards";
    EXPECT_EQ(scenario_shards.size(), 2u);
  }
}

TEST(Selection, ByProductActionKindAndGlob) {
  Selection s;
  s.products = {"ess"};
  auto ess = select_cases(catalogue(), s);
  EXPECT_EQ(ess.size(), 18u);
  for (const auto& c : ess) EXPECT_EQ(c.c.product, "Ess");
  s = {};
  s.actions = {"RemoveTags"};
  s.kinds = {core::CaseKind::error};
  for (const auto& c : select_cases(catalogue(), s)) {
    EXPECT_EQ(c.c.action, "RemoveTags");
    EXPECT_EQ(c.c.kind, core::CaseKind::error);
    EXPECT_EQ(c.c.version, "2014-05-26");  // filled from the contract
  }
  s = {};
  s.id_globs = {"Ecs.*.negative.*"};
  auto neg = select_cases(catalogue(), s);
  ASSERT_FALSE(neg.empty());
  for (const auto& c : neg) EXPECT_EQ(c.c.id.rfind("Ecs.RemoveTags.negative.", 0), 0u);
  s.id_globs = {"nothing*"};
  EXPECT_TRUE(select_cases(catalogue(), s).empty());
}

TEST(Vars, CommandLineAndFiles) {
  Vars v;
  ASSERT_TRUE(parse_var("instance=i-abc=def", v));
  EXPECT_EQ(v["instance"], "i-abc=def");
  EXPECT_FALSE(parse_var("=x", v));
  EXPECT_FALSE(parse_var("novalue", v));
  auto json = parse_vars_text(R"({"disk": "d-1", "count": 3, "on": true})", "v.json");
  ASSERT_TRUE(json);
  EXPECT_EQ((*json)["disk"], "d-1");
  EXPECT_EQ((*json)["count"], "3");
  EXPECT_EQ((*json)["on"], "true");
  auto lines = parse_vars_text("# comment\n\ndisk = d-2\ngroup=asg-1\n", "v.env");
  ASSERT_TRUE(lines);
  EXPECT_EQ((*lines)["disk"], "d-2");
  EXPECT_EQ((*lines)["group"], "asg-1");
  auto bad = parse_vars_text("a=1\nnot a pair\n", "v.env");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().line, 2);
  EXPECT_EQ(bad.error().file, "v.env");
  EXPECT_FALSE(parse_vars_text(R"({"a": [1]})", "v.json"));
}

TEST(Vars, Substitution) {
  Vars v{{"a", "1"}, {"b", "two"}};
  std::vector<std::string> missing;
  EXPECT_EQ(substitute("x${a}y${b}z${c}${c}", v, &missing), "x1ytwoz${c}${c}");
  EXPECT_EQ(missing, std::vector<std::string>{"c"});
  EXPECT_EQ(substitute("no vars ${unterminated", v, nullptr), "no vars ${unterminated");
}

// The endpoint's base path is where requests go (URL parsing itself: core/tests/http_test.cpp):
// "/" without one, "<base>/" with one, written with or without its trailing slash; V3 signs it.
TEST(Request, GoesToTheEndpointsRootPath) {
  SignParams sign;
  sign.credentials = {"id", "secret", ""};
  sign.timestamp = "2026-01-01T00:00:00Z";
  sign.nonce = "n1";
  const core::Params params = {{"Action", "A"}, {"Version", "2014-05-26"}};
  EXPECT_TRUE(build_request(*core::parse_url("https://ecs.aliyuncs.com"), params, "JSON", sign)
                  .target.starts_with("/?"));
  for (const char* url : {"http://127.0.0.1:18080/base/", "http://127.0.0.1:18080/base"}) {
    auto r = build_request(*core::parse_url(url), params, "JSON", sign);
    EXPECT_TRUE(r.target.starts_with("/base/?Action=A&")) << url << ": " << r.target;
    EXPECT_EQ(core::header_value(r.headers, "Host"), "127.0.0.1:18080");
  }
  sign.signature = SignatureVersion::v3;
  sign.style = Style::post_form;
  auto v3 = build_request(*core::parse_url("http://127.0.0.1:18080/base"), params, "JSON", sign);
  EXPECT_EQ(v3.target, "/base/");
  core::V3Request signed_request{"POST", "/base/", {}, v3.headers, v3.body};
  signed_request.headers.pop_back();  // Authorization itself
  EXPECT_EQ(core::header_value(v3.headers, "Authorization"),
            core::v3_authorization(signed_request, "id", "secret"));
}

TEST(Request, V1AddsCommonParametersUnlessTheCaseSetsThem) {
  auto ep = *core::parse_url("http://127.0.0.1:1");
  SignParams sign;
  sign.credentials = {"id", "secret", ""};
  sign.timestamp = "2026-01-01T00:00:00Z";
  sign.nonce = "n1";
  auto r = build_request(ep, {{"Action", "A"}, {"SignatureMethod", "HMAC-SHA256"}}, "XML", sign);
  EXPECT_EQ(r.method, "GET");
  EXPECT_NE(r.target.find("SignatureMethod=HMAC-SHA256"), std::string::npos);
  EXPECT_EQ(r.target.find("SignatureMethod=HMAC-SHA1"), std::string::npos);
  EXPECT_NE(r.target.find("Format=XML"), std::string::npos);
  EXPECT_NE(r.target.find("Timestamp=2026-01-01T00%3A00%3A00Z"), std::string::npos);
  // The signature is the signer's for exactly these parameters.
  core::Params signed_params = {{"Action", "A"},
                                {"SignatureMethod", "HMAC-SHA256"},
                                {"Format", "XML"},
                                {"AccessKeyId", "id"},
                                {"SignatureVersion", "1.0"},
                                {"SignatureNonce", "n1"},
                                {"Timestamp", "2026-01-01T00:00:00Z"}};
  std::string sig = core::percent_encode(core::v1_signature("GET", signed_params, "secret"));
  EXPECT_TRUE(r.target.ends_with("&Signature=" + sig)) << r.target;
}

TEST(Request, StyleFollowsTheCaseUnlessAsked) {
  EXPECT_EQ(resolve_style(std::nullopt, "GET", SignatureVersion::v1), Style::get);
  EXPECT_EQ(resolve_style(std::nullopt, "POST", SignatureVersion::v1), Style::post_form);
  EXPECT_EQ(resolve_style(std::nullopt, "POST", SignatureVersion::v3), Style::post_query);
  EXPECT_EQ(resolve_style(Style::get, "POST", SignatureVersion::v3), Style::get);
  EXPECT_TRUE(parse_style("post-form"));
  EXPECT_FALSE(parse_style("put"));
  EXPECT_FALSE(parse_signature_version("v2"));
}

// Products that share action names and version dates, as the catalogue holds them: "cms" never
// selects "cms-export", and PRODUCT:VERSION picks one version of a product.
TEST(Select, ProductsAreMatchedWholeAndByVersion) {
  std::vector<core::CatalogueEntry> entries;
  auto add = [&](const std::string& product, const std::string& version) {
    core::CatalogueEntry e;
    e.contract.product = product;
    e.contract.version = version;
    e.contract.action = "DescribeRegions";
    core::Case c;
    c.id = product + "." + version + ".DescribeRegions.example.json";
    c.kind = core::CaseKind::example;
    e.cases.push_back(c);
    entries.push_back(e);
  };
  add("Cms", "2019-01-01");
  add("cms-export", "2021-11-01");
  add("Cms", "2018-03-08");
  add("Vpcpeer", "2019-01-01");
  EXPECT_EQ(ids(select_cases(entries, {{"cms"}, {}, {}, {}})),
            (std::vector<std::string>{"Cms.2018-03-08.DescribeRegions.example.json",
                                      "Cms.2019-01-01.DescribeRegions.example.json"}));
  EXPECT_EQ(ids(select_cases(entries, {{"CMS:2019-01-01"}, {}, {}, {}})),
            (std::vector<std::string>{"Cms.2019-01-01.DescribeRegions.example.json"}));
  EXPECT_EQ(ids(select_cases(entries, {{"cms-export"}, {}, {}, {}})),
            (std::vector<std::string>{"cms-export.2021-11-01.DescribeRegions.example.json"}));
  EXPECT_TRUE(select_cases(entries, {{"Cms:2021-11-01"}, {}, {}, {}}).empty());
  EXPECT_EQ(select_cases(entries, {{}, {"DescribeRegions"}, {}, {}}).size(), 4u);
}

}  // namespace
}  // namespace popcheck::runner
