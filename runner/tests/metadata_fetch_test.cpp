// The metadata folder and product-name resolution (the network side is tests/e2e/metadata_fetch.test.mjs):
// file names that keep products apart, the product list, resolution by product and version, and
// the errors that name what to do.
#include "runner/metadata_fetch.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/support/files.hpp"

namespace popcheck::runner {
namespace {

namespace fs = std::filesystem;

class MetadataFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name :
         {"cms-2019-01-01.json", "cms-export-2021-11-01.json", "rds-2013-05-28.json",
          "rds-2014-08-15.json", "notes.txt", "r-kvstore-2015-01-01.json", "broken-latest.json"})
      std::ofstream(dir_ / name) << "{}";
  }
  test_support::TempDir scratch_;
  fs::path dir_ = scratch_.path();
};

TEST(MetadataFiles, NamesKeepProductsApart) {
  EXPECT_EQ(metadata_file_name("R-kvstore", "2015-01-01"), "r-kvstore-2015-01-01.json");
  EXPECT_EQ(metadata_file_name("Cms", "2019-01-01"), "cms-2019-01-01.json");
}

TEST(MetadataFiles, ProductListIsRead) {
  auto list = parse_product_list(
      R"([{"code": "Rds", "style": "RPC", "defaultVersion": "2014-08-15",
           "versions": ["2013-05-28", "2014-08-15"]}, {"name": "no code"}, 7])",
      "products.json");
  ASSERT_TRUE(list) << list.error().to_string();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].code, "Rds");
  EXPECT_EQ((*list)[0].default_version, "2014-08-15");
  EXPECT_EQ((*list)[0].versions.size(), 2u);
  auto bad = parse_product_list("{\"apis\": {}}", "products.json");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "metadata.list");
}

TEST_F(MetadataFolder, ListsOnlyProductVersionFiles) {
  auto cached = list_cached(dir_.string());
  std::vector<std::string> names;
  for (const auto& c : cached) names.push_back(c.product + " " + c.version);
  EXPECT_EQ(names,
            (std::vector<std::string>{"cms 2019-01-01", "cms-export 2021-11-01",
                                      "r-kvstore 2015-01-01", "rds 2013-05-28", "rds 2014-08-15"}));
}

TEST_F(MetadataFolder, ResolvesProductNames) {
  const std::string dir = dir_.string();
  // "cms" is not "cms-export", whatever the case typed.
  auto cms = resolve_metadata("CMS", dir);
  ASSERT_TRUE(cms) << cms.error().to_string();
  EXPECT_EQ(fs::path(*cms).filename(), "cms-2019-01-01.json");
  auto dash = resolve_metadata("R-KVStore", dir);
  ASSERT_TRUE(dash) << dash.error().to_string();
  EXPECT_EQ(fs::path(*dash).filename(), "r-kvstore-2015-01-01.json");
  // Two versions: one must be named.
  auto two = resolve_metadata("Rds", dir);
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().code, "metadata.ambiguous");
  EXPECT_NE(two.error().message.find("2013-05-28, 2014-08-15"), std::string::npos);
  auto one = resolve_metadata("Rds:2013-05-28", dir);
  ASSERT_TRUE(one) << one.error().to_string();
  EXPECT_EQ(fs::path(*one).filename(), "rds-2013-05-28.json");
  // Not fetched: the error says how to fetch it.
  auto missing = resolve_metadata("Slb", dir);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "metadata.not_cached");
  EXPECT_NE(missing.error().message.find("popcheck metadata fetch Slb"), std::string::npos);
  // A path is itself; something that is neither is an error naming it.
  auto path = resolve_metadata((dir_ / "notes.txt").string(), dir);
  ASSERT_TRUE(path);
  EXPECT_EQ(*path, (dir_ / "notes.txt").string());
  EXPECT_FALSE(names_a_product((dir_ / "notes.txt").string()));
  EXPECT_FALSE(names_a_product("some/file.json"));
  EXPECT_TRUE(names_a_product("Rds:2014-08-15"));
  auto neither = resolve_metadata("some/file.json", dir);
  ASSERT_FALSE(neither);
  EXPECT_EQ(neither.error().code, "io.open");
}

TEST(MetadataFiles, FolderAndUrlFollowFlagsThenEnvironment) {
  EXPECT_EQ(metadata_dir("/x"), "/x");
  EXPECT_EQ(metadata_base_url("http://127.0.0.1:1/meta"), "http://127.0.0.1:1/meta");
  ::setenv("POPCHECK_METADATA_DIR", "", 1);
  ::setenv("XDG_CACHE_HOME", "/cache", 1);
  EXPECT_EQ(metadata_dir(), "/cache/popcheck/metadata");
  ::unsetenv("XDG_CACHE_HOME");
  ::setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(metadata_dir(), "/home/someone/.cache/popcheck/metadata");
  ::setenv("POPCHECK_METADATA_URL", "", 1);
  EXPECT_EQ(metadata_base_url(), std::string(kDefaultMetadataUrl));
}

// A bad base URL is refused before any connection, by core::parse_url, saying what is wrong.
TEST(MetadataFiles, ABadBaseUrlSaysWhatIsWrong) {
  for (const auto& [url, says] : std::vector<std::pair<std::string, std::string>>{
           {"ftp://mirror/meta", "must start with http:// or https://"},
           {"http://user:pw@mirror/meta", "must not carry user information"},
           {"http://mirror:0/meta", "invalid port"}}) {
    auto r = fetch_product_list({.base_url = url, .into = "/nonexistent"});
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().code, "http.url") << url;
    EXPECT_TRUE(r.error().message.starts_with("the metadata base URL '")) << r.error().message;
    EXPECT_NE(r.error().message.find(says), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find("pw@"), std::string::npos) << r.error().message;
  }
}

// A product that was never fetched is found among the data folder's bundled metadata
// (core/data_dir.hpp), after the fetched folder.
TEST_F(MetadataFolder, BundledProductsResolveThroughTheDataFolder) {
  const fs::path data = dir_ / "data";
  fs::create_directories(data / "metadata");
  std::ofstream(data / "metadata" / "slb-2014-05-15.json") << "{}";
  const char* before = std::getenv("POPCHECK_DATA_DIR");
  const std::string saved = before != nullptr ? before : "";
  ::setenv("POPCHECK_DATA_DIR", data.c_str(), 1);
  auto slb = resolve_metadata("Slb", (dir_ / "fetched").string());
  if (before != nullptr)
    ::setenv("POPCHECK_DATA_DIR", saved.c_str(), 1);
  else
    ::unsetenv("POPCHECK_DATA_DIR");
  ASSERT_TRUE(slb) << slb.error().to_string();
  EXPECT_EQ(fs::path(*slb), data / "metadata" / "slb-2014-05-15.json");
}

}  // namespace
}  // namespace popcheck::runner
