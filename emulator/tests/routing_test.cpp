// Many products in one emulator, end to end through its handler and its listeners: Version/Action
// routing, the Product.Ambiguous answer, the Host header, --product-at path prefixes and listeners.
#include <httplib.h>

#include <fstream>

#include "emulator/tests/harness.hpp"
#include "tests/support/files.hpp"

namespace popcheck::emulator::testing {
namespace {

using test_support::TempDir;

// A minimal api-docs.json of one product-version whose APIs answer {"RequestId", "Product"}.
std::string api_docs(const std::string& product, const std::string& version,
                     const std::vector<std::string>& actions, const std::string& endpoint) {
  json doc;
  doc["info"] = {{"style", "RPC"}, {"product", product}, {"version", version}};
  doc["apis"] = json::object();
  for (const auto& a : actions) {
    json example = {{"RequestId", "X"}, {"Product", product}};
    doc["apis"][a] = {
        {"parameters", json::array()},
        {"responses",
         {{"200",
           {{"schema",
             {{"type", "object"},
              {"properties",
               {{"RequestId", {{"type", "string"}}}, {"Product", {{"type", "string"}}}}}}}}}}},
        {"responseDemo", json::array({{{"type", "json"}, {"example", example.dump()}}}).dump()}};
  }
  doc["endpoints"] = json::array({{{"regionId", "cn-hangzhou"}, {"endpoint", endpoint}}});
  return doc.dump();
}

struct TwoProducts {
  TempDir dir;
  std::vector<std::string> files;
  TwoProducts() {
    // Both serve 2019-01-01 and ShowServiceInfo, as real products share version dates and actions
    // (DescribeRegions, TagResources); neutral names keep the answers the documented examples.
    std::ofstream(dir / "cas.json") << api_docs(
        "Cassandra", "2019-01-01", {"ShowServiceInfo", "ShowClusters"}, "cassandra.aliyuncs.com");
    std::ofstream(dir / "cms.json")
        << api_docs("Cms", "2019-01-01", {"ShowServiceInfo", "ShowMetrics"},
                    "metrics.cn-hangzhou.aliyuncs.com");
    files = {(dir / "cas.json").string(), (dir / "cms.json").string()};
  }
};

core::Params cms_like(std::string action) {
  return {{"Action", std::move(action)}, {"Version", "2019-01-01"}, {"Format", "JSON"}};
}

net::HttpRequest get(const std::string& target, const std::string& host) {
  net::HttpRequest r;
  r.method = "GET";
  r.target = target;
  r.headers.emplace_back("Host", host);
  return r;
}

// Which product answered GET `target` with this Host: the example's "Product" on a success, else
// the error code.
std::string answered_by(Harness& h, const std::string& target, const std::string& host) {
  Reply r = h.send(get(target, host));
  return r.status == 200 ? r.json_body.value("Product", "") : "error " + r.code();
}

TEST(Routing, EachProductAnswersItsOwnActionsAndTheSeedApisStillServe) {
  TwoProducts p;
  EmulatorOptions options;
  options.metadata_files = p.files;
  options.metadata_files.push_back(test_support::bundled_metadata().front());
  Harness h(options);
  auto cms = h.call(cms_like("ShowMetrics"));
  ASSERT_EQ(cms.status, 200) << cms.body;
  EXPECT_EQ(cms.json_body.value("Product", ""), "Cms");
  auto cas = h.call(cms_like("ShowClusters"));
  ASSERT_EQ(cas.status, 200) << cas.body;
  EXPECT_EQ(cas.json_body.value("Product", ""), "Cassandra");
  auto seed = h.call(ecs("RemoveTags", {{"RegionId", "cn-hangzhou"}}));
  EXPECT_EQ(seed.code(), "MissingParameter");  // the seed API's own validation answered
}

TEST(Routing, AnAmbiguousRequestGetsAnErrorBodyNamingTheCandidates) {
  TwoProducts p;
  EmulatorOptions options;
  options.metadata_files = p.files;
  Harness h(options);
  for (const char* format : {"JSON", "XML"}) {
    auto params = cms_like("ShowServiceInfo");
    params[2].second = format;
    auto r = h.call(params);
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("Product.Ambiguous"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("Cassandra, Cms"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("RequestId"), std::string::npos) << r.body;
    EXPECT_EQ(r.headers.count("x-acs-request-id"), 1u);
  }
  auto json_reply = h.call(cms_like("ShowServiceInfo"));
  EXPECT_EQ(json_reply.code(), "Product.Ambiguous");
  EXPECT_EQ(json_reply.json_body.value("HostId", ""), "127.0.0.1");
}

TEST(Routing, TheHostHeaderOfAProductsEndpointResolves) {
  TwoProducts p;
  EmulatorOptions options;
  options.metadata_files = p.files;
  Harness h(options);
  const std::string target = "/?Action=ShowServiceInfo&Version=2019-01-01";
  EXPECT_EQ(answered_by(h, target, "metrics.cn-hangzhou.aliyuncs.com:18080"), "Cms");
  EXPECT_EQ(answered_by(h, target, "cassandra.aliyuncs.com"), "Cassandra");
  EXPECT_EQ(answered_by(h, target, "127.0.0.1:18080"), "error Product.Ambiguous");
}

TEST(Routing, APathPrefixPinsTheProductForApisAndAdmin) {
  TwoProducts p;
  EmulatorOptions options;
  options.metadata_files = p.files;
  options.product_at = {*parse_product_at("/cms=cms"), *parse_product_at("/cas=Cassandra")};
  Harness h(options);
  const std::string host = "127.0.0.1:18080";
  EXPECT_EQ(answered_by(h, "/cms/?Action=ShowServiceInfo&Version=2019-01-01", host), "Cms");
  EXPECT_EQ(answered_by(h, "/cas?Action=ShowServiceInfo&Version=2019-01-01", host), "Cassandra");
  // Under a prefix only that product's APIs exist.
  EXPECT_EQ(answered_by(h, "/cms/?Action=ShowClusters&Version=2019-01-01", host),
            "error InvalidAction.NotFound");
  // A prefix is a whole path segment: /cmsx is no prefix of /cms.
  EXPECT_EQ(answered_by(h, "/cmsx/?Action=ShowServiceInfo&Version=2019-01-01", host),
            "error Product.Ambiguous");
  // The runner probes <endpoint>/__popcheck/health, so admin endpoints answer under a prefix too.
  auto health = h.send(get("/cms/__popcheck/health", "127.0.0.1:18080"));
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.json_body.value("service", ""), "popcheck-emulator");
}

TEST(Routing, AProductAtNamingNoServedProductIsRefused) {
  TwoProducts p;
  EmulatorOptions options;
  options.metadata_files = p.files;
  options.product_at = {*parse_product_at("/rds=Rds")};
  auto h = make_handler(options);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, "usage.product-at");
  EXPECT_NE(h.error().message.find("\"Rds\""), std::string::npos) << h.error().message;
  EXPECT_NE(h.error().message.find("Cassandra 2019-01-01"), std::string::npos) << h.error().message;
}

TEST(Routing, AProductListenerAnswersForItsProductAloneAndSharesTheState) {
  TwoProducts p;
  EmulatorOptions options;
  options.metadata_files = p.files;
  options.metadata_files.push_back(test_support::bundled_metadata().front());
  options.product_at = {*parse_product_at("127.0.0.1:0=CMS")};
  auto emu = EmbeddedEmulator::start(options);
  ASSERT_TRUE(emu) << emu.error().to_string();
  auto urls = (*emu)->product_urls();
  ASSERT_EQ(urls.size(), 1u);
  EXPECT_EQ(urls[0].first, "Cms");
  EXPECT_NE(urls[0].second, (*emu)->url());

  httplib::Client cms(urls[0].second);
  auto r = cms.Get("/?Action=ShowServiceInfo&Version=2019-01-01");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("\"Product\":\"Cms\""), std::string::npos) << r->body;
  auto seed = cms.Get("/?Action=RemoveTags&Version=2014-05-26");
  ASSERT_TRUE(seed);
  EXPECT_NE(seed->body.find("NoSuchVersion"), std::string::npos) << seed->body;

  httplib::Client main((*emu)->url());
  auto ambiguous = main.Get("/?Action=ShowServiceInfo&Version=2019-01-01");
  ASSERT_TRUE(ambiguous);
  EXPECT_NE(ambiguous->body.find("Product.Ambiguous"), std::string::npos);
  // One state behind both listeners: a reset on the product listener is the emulator's reset.
  httplib::Headers admin = {{"X-Popcheck-Admin", "1"}};
  auto reset = cms.Post("/__popcheck/reset", admin, "", "application/json");
  ASSERT_TRUE(reset);
  EXPECT_EQ(reset->status, 200) << reset->body;
  (*emu)->stop();
}

}  // namespace
}  // namespace popcheck::emulator::testing
