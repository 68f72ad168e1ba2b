// The catalogue: indexing api-docs.json files by their info block, reading each on first use, and
// routing a request to one product by Version/Action, --product-at, then the Host header.
#include "emulator/catalogue.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/compile/metadata.hpp"
#include "core/data_dir.hpp"
#include "core/files.hpp"
#include "core/support/text.hpp"
#include "tests/support/files.hpp"
#include "tests/support/paths.hpp"

namespace popcheck::emulator {
namespace {

using test_support::TempDir;
using ojson = nlohmann::ordered_json;

// A small api-docs.json: info first, as Alibaba's files have it, endpoints last.
std::string api_docs(const std::string& product, const std::string& version,
                     const std::vector<std::string>& actions,
                     const std::vector<std::string>& endpoints = {}) {
  ojson doc;
  doc["version"] = "1.0";
  doc["info"] = {{"style", "RPC"}, {"product", product}, {"version", version}};
  doc["apis"] = ojson::object();
  for (const auto& a : actions) {
    ojson param = {{"name", "RegionId"},
                   {"in", "query"},
                   {"schema", {{"type", "string"}, {"required", false}}}};
    ojson schema = {{"type", "object"}, {"properties", {{"RequestId", {{"type", "string"}}}}}};
    doc["apis"][a] = {{"methods", ojson::array({"get", "post"})},
                      {"parameters", ojson::array({param})},
                      {"responses", {{"200", {{"schema", schema}}}}}};
  }
  doc["endpoints"] = ojson::array();
  for (const auto& e : endpoints) doc["endpoints"].push_back({{"regionId", "x"}, {"endpoint", e}});
  return doc.dump(2);
}

std::string write(const TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return (dir / name).string();
}

core::Contract contract(const std::string& product, const std::string& version,
                        const std::string& action) {
  core::Contract c;
  c.product = product;
  c.version = version;
  c.action = action;
  c.endpoint = core::text::to_lower(product) + ".aliyuncs.com";
  return c;
}

TEST(ProductAt, ParsesListenersAndPrefixes) {
  auto a = parse_product_at("127.0.0.1:18081=Cms");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 18081);
  EXPECT_EQ(a->product, "Cms");
  EXPECT_TRUE(a->prefix.empty());
  auto v6 = parse_product_at("[::1]:0=R-kvstore");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  EXPECT_EQ(v6->product, "R-kvstore");
  auto p = parse_product_at("/cms/=Cms");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->prefix, "/cms");
  EXPECT_TRUE(p->host.empty());
}

TEST(ProductAt, RefusesWhatItCannotRead) {
  for (const char* bad : {"Cms", "127.0.0.1:18081=", "127.0.0.1=Cms", "127.0.0.1:http=Cms",
                          "127.0.0.1:70000=Cms", ":80=Cms", "/=Cms", "/__popcheck=Ecs"}) {
    auto r = parse_product_at(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "usage.product-at");
    EXPECT_NE(r.error().message.find(bad), std::string::npos) << r.error().message;
  }
}

// Two products sharing a version date, as Cassandra and CloudMonitor share 2019-01-01.
ContractCatalogue colliding() {
  return ContractCatalogue({contract("Cassandra", "2019-01-01", "DescribeClusters"),
                            contract("Cassandra", "2019-01-01", "DescribeRegions"),
                            contract("Cms", "2019-01-01", "DescribeMetricList"),
                            contract("Cms", "2019-01-01", "DescribeRegions")},
                           {{"Cassandra", {"cassandra.aliyuncs.com"}},
                            {"Cms", {"metrics.cn-hangzhou.aliyuncs.com", "metrics.aliyuncs.com"}}});
}

TEST(Route, VersionAndActionPickTheProductWhenOnlyOneHasTheAction) {
  auto cat = colliding();
  auto r = cat.route("2019-01-01", "DescribeMetricList", "127.0.0.1:18080");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.product, "Cms");
  ASSERT_NE(r.contract, nullptr);
  EXPECT_EQ(r.contract->product, "Cms");
  EXPECT_EQ(r.host, "cms.aliyuncs.com");
  auto c = cat.route("2019-01-01", "DescribeClusters", "127.0.0.1:18080");
  EXPECT_EQ(c.product, "Cassandra");
}

TEST(Route, AnAmbiguousRequestIsRefusedNamingTheCandidates) {
  auto cat = colliding();
  auto r = cat.route("2019-01-01", "DescribeRegions", "127.0.0.1:18080");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, 400);
  EXPECT_EQ(r.error->code, "Product.Ambiguous");
  EXPECT_NE(r.error->message.find("Cassandra, Cms"), std::string::npos) << r.error->message;
  EXPECT_NE(r.error->message.find("metrics.cn-hangzhou.aliyuncs.com"), std::string::npos);
  EXPECT_NE(r.error->message.find("--product-at"), std::string::npos);
  EXPECT_EQ(r.contract, nullptr);
  EXPECT_TRUE(r.product.empty());
}

TEST(Route, TheHostHeaderNamingAnEndpointResolvesAnAmbiguity) {
  auto cat = colliding();
  auto r = cat.route("2019-01-01", "DescribeRegions", "metrics.cn-hangzhou.aliyuncs.com:8080");
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(r.product, "Cms");
  EXPECT_EQ(r.contract->product, "Cms");
  auto c = cat.route("2019-01-01", "DescribeRegions", "CASSANDRA.aliyuncs.com");
  ASSERT_FALSE(c.error);
  EXPECT_EQ(c.product, "Cassandra");
  // A host that names no candidate leaves the ambiguity.
  EXPECT_TRUE(cat.route("2019-01-01", "DescribeRegions", "ecs.aliyuncs.com").error);
}

TEST(Route, APinnedProductIsTheOnlyCandidate) {
  auto cat = colliding();
  auto r = cat.route("2019-01-01", "DescribeRegions", "127.0.0.1:1", "cms");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.product, "Cms");
  // The pinned product lacks the action: not found there, even though Cassandra has it.
  auto missing = cat.route("2019-01-01", "DescribeClusters", "127.0.0.1:1", "Cms");
  ASSERT_TRUE(missing.error);
  EXPECT_EQ(missing.error->code, "InvalidAction.NotFound");
  EXPECT_EQ(missing.host, "cms.aliyuncs.com");
  // ... or the version.
  auto version = cat.route("2014-05-26", "RemoveTags", "127.0.0.1:1", "Cms");
  ASSERT_TRUE(version.error);
  EXPECT_EQ(version.error->code, "NoSuchVersion");
}

TEST(Route, UnknownVersionsAndActions) {
  auto cat = colliding();
  auto v = cat.route("1999-01-01", "DescribeRegions", "");
  ASSERT_TRUE(v.error);
  EXPECT_EQ(v.error->code, "NoSuchVersion");
  EXPECT_TRUE(v.host.empty());
  auto a = cat.route("2019-01-01", "Nothing", "metrics.aliyuncs.com");
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->code, "InvalidAction.NotFound");
  EXPECT_EQ(a.error->status, 404);
  EXPECT_EQ(a.host, "cms.aliyuncs.com");  // the Host names the product the request was for
}

TEST(Route, SeedApisAnswerWithoutMetadataAndBesideIt) {
  ContractCatalogue none(std::vector<std::string>{});
  auto seed = none.route("2014-05-26", "RemoveTags", "");
  ASSERT_FALSE(seed.error);
  ASSERT_NE(seed.seed, nullptr);
  EXPECT_EQ(seed.product, "Ecs");
  EXPECT_EQ(seed.host, "ecs.aliyuncs.com");
  auto other = none.route("2014-05-26", "DescribeRegions", "");
  ASSERT_TRUE(other.error);
  EXPECT_EQ(other.error->code, "InvalidAction.NotFound");
  EXPECT_EQ(other.host, "ecs.aliyuncs.com");

  ContractCatalogue with({contract("Ecs", "2014-05-26", "RemoveTags"),
                          contract("Ecs", "2014-05-26", "DescribeRegions")});
  EXPECT_NE(with.route("2014-05-26", "RemoveTags", "").seed, nullptr);
  auto described = with.route("2014-05-26", "DescribeRegions", "");
  EXPECT_EQ(described.seed, nullptr);
  ASSERT_NE(described.contract, nullptr);
  EXPECT_EQ(with.product_named("ECS"), "Ecs");
  EXPECT_EQ(none.product_named("vpc"), "Vpc");
  EXPECT_EQ(none.product_named("Rds"), "");
}

TEST(Catalogue, IndexesFilesByTheirInfoAndReadsEachOnFirstUse) {
  TempDir dir;
  auto ram = write(dir, "ram.json", api_docs("Ram", "2015-05-01", {"CreateUser", "GetUser"}));
  auto cms = write(dir, "cms.json",
                   api_docs("Cms", "2019-01-01", {"DescribeRegions"}, {"metrics.aliyuncs.com"}));
  auto cas =
      write(dir, "cassandra.json",
            api_docs("Cassandra", "2019-01-01", {"DescribeRegions"}, {"cassandra.aliyuncs.com"}));
  ContractCatalogue cat({ram, cms, cas});
  EXPECT_EQ(cat.products_of_version("2019-01-01"), (std::vector<std::string>{"Cms", "Cassandra"}));
  EXPECT_EQ(cat.product_named("RAM"), "Ram");

  // A file is read when a request names its version, not before: deleting the RAM file after
  // indexing shows which reads happened.
  std::filesystem::remove(ram);
  auto r = cat.route("2019-01-01", "DescribeRegions", "metrics.aliyuncs.com");
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(r.product, "Cms");
  EXPECT_EQ(cat.endpoints("Cms", "2019-01-01"),
            (std::vector<std::string>{"metrics.aliyuncs.com", "cms.aliyuncs.com"}));
  EXPECT_EQ(cat.find("Ram", "2015-05-01", "GetUser"), nullptr);  // gone before its first use
  auto errors = cat.load_errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("ram.json"), std::string::npos) << errors[0];
}

TEST(Catalogue, LoadAllReadsEveryFileBeforeAnyRequest) {
  TempDir dir;
  std::vector<std::string> files;
  for (int i = 0; i < 7; ++i)
    files.push_back(write(dir, "p" + std::to_string(i) + ".json",
                          api_docs("P" + std::to_string(i), "2020-01-0" + std::to_string(i + 1),
                                   {"Get" + std::to_string(i)})));
  ContractCatalogue cat(files);
  EXPECT_GE(cat.load_all(), 0.0);
  for (const auto& f : files) std::filesystem::remove(f);  // everything was read already
  for (int i = 0; i < 7; ++i)
    EXPECT_NE(cat.find("2020-01-0" + std::to_string(i + 1), "Get" + std::to_string(i)), nullptr)
        << i;
  EXPECT_TRUE(cat.load_errors().empty());
}

TEST(Catalogue, FilesThatAreNotMetadataAreListedAndTheRestServe) {
  TempDir dir;
  auto ok = write(dir, "ram.json", api_docs("Ram", "2015-05-01", {"GetUser"}));
  auto notjson = write(dir, "notes.json", "this is not json");
  auto noinfo = write(dir, "other.json", R"({"apis": {}})");
  ContractCatalogue cat({ok, notjson, noinfo, (dir / "absent.json").string()});
  auto errors = cat.load_errors();
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(errors[0].find("notes.json"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("other.json"), std::string::npos) << errors[1];
  EXPECT_NE(errors[2].find("absent.json"), std::string::npos) << errors[2];
  EXPECT_NE(cat.find("2015-05-01", "GetUser"), nullptr);
}

TEST(Catalogue, TheLaterFileOfAProductVersionServesIt) {
  TempDir dir;
  auto old_file = write(dir, "a.json", api_docs("Ram", "2015-05-01", {"GetUser"}));
  auto new_file = write(dir, "b.json", api_docs("Ram", "2015-05-01", {"GetUser", "CreateUser"}));
  ContractCatalogue cat({old_file, new_file});
  EXPECT_EQ(cat.products_of_version("2015-05-01").size(), 1u);
  ASSERT_NE(cat.find("2015-05-01", "CreateUser"), nullptr);
  EXPECT_EQ(cat.find("2015-05-01", "CreateUser")->source.file, new_file);
}

TEST(Catalogue, ServesTheBundledProducts) {
  ContractCatalogue cat(test_support::bundled_metadata());
  EXPECT_TRUE(cat.load_errors().empty());
  for (const char* p : {"Ecs", "Vpc", "Ess"}) EXPECT_EQ(cat.product_named(p), p);
  auto r = cat.route("2016-04-28", "DescribeVpcs", "");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.product, "Vpc");
  EXPECT_NE(r.contract, nullptr);
  // ECS's regional endpoints come from the file.
  auto eps = cat.endpoints("Ecs", "2014-05-26");
  EXPECT_EQ(eps.front(), "ecs.aliyuncs.com");
  EXPECT_NE(std::find(eps.begin(), eps.end(), "ecs.cn-qingdao.aliyuncs.com"), eps.end());
}

// Every file of the shared catalogue sample at once: each API routes to the product of its own file,
// through the four version dates two products share there.
TEST(CatalogueShared, EveryApiOfTheSampleRoutesToItsOwnProduct) {
  POPCHECK_NEEDS_SHARED();
  auto files = core::json_files_in(test_support::shared_dir() / "metadata");
  auto more = core::json_files_in(test_support::shared_dir() / "metadata" / "catalogue");
  files.insert(files.end(), more.begin(), more.end());
  ASSERT_EQ(files.size(), 48u);
  ContractCatalogue cat(files);
  size_t shared_versions = 0, routed = 0;
  for (const auto& file : files) {
    auto text = core::read_file(file);
    ASSERT_TRUE(text);
    auto contracts = core::read_metadata(*text, file);
    ASSERT_TRUE(contracts) << file;
    for (const auto& c : *contracts) {
      if (cat.products_of_version(c.version).size() > 1) ++shared_versions;
      auto r = cat.route(c.version, c.action, "127.0.0.1:18080");
      ASSERT_FALSE(r.error) << file << " " << c.action << ": " << r.error->message;
      EXPECT_EQ(r.product, c.product) << c.action;
      if (r.contract != nullptr) {
        EXPECT_EQ(r.contract->product, c.product);
        EXPECT_EQ(r.contract->action, c.action);
      }
      ++routed;
    }
  }
  EXPECT_GT(shared_versions,
            400u);  // Advisor/Iot, Cassandra/Cms, adcp/VpcPeer, imageaudit/objectdet
  EXPECT_GT(routed, 3500u);
}

}  // namespace
}  // namespace popcheck::emulator
