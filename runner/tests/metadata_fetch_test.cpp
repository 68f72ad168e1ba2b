// The metadata folder and product-name resolution: file names that keep products apart, the product
// list, resolution by product and version, and the errors that name what to do. The network side:
// HTTPS through the proxy HTTPS_PROXY names (a CONNECT tunnel) and NO_PROXY's bypass, redirects
// followed (relative, to another origin) and refused (a loop, too many, https to http), against
// loopback servers; the rest of it is tests/e2e/metadata_fetch.test.mjs.
#include "runner/metadata_fetch.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "core/protocol/sign.hpp"
#include "tests/support/env.hpp"
#include "tests/support/files.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/https_servers.hpp"

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
  {
    test_support::ScopedEnv env(test_support::ScopedEnv::Values{{"POPCHECK_METADATA_DIR", ""},
                                                                {"XDG_CACHE_HOME", "/cache"}});
    EXPECT_EQ(metadata_dir(), "/cache/popcheck/metadata");
  }
  {
    test_support::ScopedEnv env(test_support::ScopedEnv::Values{{"POPCHECK_METADATA_DIR", ""},
                                                                {"XDG_CACHE_HOME", std::nullopt},
                                                                {"HOME", "/home/someone"},
                                                                {"POPCHECK_METADATA_URL", ""}});
    EXPECT_EQ(metadata_dir(), "/home/someone/.cache/popcheck/metadata");
    EXPECT_EQ(metadata_base_url(), std::string(kDefaultMetadataUrl));
  }
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

// A metadata service of one product, Rds 2014-08-15, whose documents are found by their file name
// under any path (the redirects below move them).
const std::string kProducts = R"([{"code": "Rds", "style": "RPC", "defaultVersion": "2014-08-15",
                                   "versions": ["2014-08-15"]}])";
const std::string kDoc = R"({"info": {"product": "Rds", "version": "2014-08-15"}, "apis": {}})";
std::string served(const std::string& path) {
  if (path.ends_with("/products.json")) return kProducts;
  if (path.ends_with("/api-docs.json")) return kDoc;
  return {};
}

// The network tests: no proxy variable of the machine's, a scratch folder, and the trust anchor of
// the HTTPS servers as the system's (SSL_CERT_FILE, which OpenSSL reads for its default paths).
class MetadataFetch : public ::testing::Test {
 protected:
  MetadataFetch() { test_support::write_text(scratch_ / "ca.pem", certificate_.cert_pem); }
  test_support::ScopedEnv env(const std::vector<std::pair<std::string, std::string>>& set) {
    auto values = test_support::proxy_variables(set);
    values.emplace_back("SSL_CERT_FILE", (scratch_ / "ca.pem").string());
    return test_support::ScopedEnv(values);
  }
  Expected<FetchResult> fetch(const std::string& base) {
    return fetch_metadata("rds", {.base_url = base, .into = (scratch_ / "out").string()});
  }
  test_support::TempDir scratch_;
  test_support::TestCertificate certificate_ = test_support::make_test_certificate();
  test_support::HttpsServer https_{
      certificate_, [](const test_support::HttpsServer::Request& r) {
        std::string body = served(std::string(r.target()));
        test_support::HttpsServer::Response out{
            body.empty() ? boost::beast::http::status::not_found : boost::beast::http::status::ok,
            11};
        out.body() = body;
        return out;
      }};
};

TEST_F(MetadataFetch, HttpsGoesThroughTheProxyOfHttpsProxyWithItsCredentials) {
  test_support::ForwardProxy proxy;
  auto e = env({{"HTTPS_PROXY", "http://ann:s%3Acret@127.0.0.1:" + std::to_string(proxy.port())}});
  // origin.test resolves nowhere: only the proxy reaches it.
  const std::string origin = "origin.test:" + std::to_string(https_.port());
  auto r = fetch("https://" + origin + "/meta");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(test_support::read_text(r->path), kDoc);
  auto seen = proxy.seen();
  ASSERT_EQ(seen.size(), 2u);  // the list, then the document
  for (const auto& s : seen) {
    EXPECT_EQ(s.method + " " + s.target, "CONNECT " + origin);
    EXPECT_EQ(s.proxy_authorization, "Basic " + core::base64_encode("ann:s:cret"));
  }
}

TEST_F(MetadataFetch, NoProxyBypassesTheProxyAndARefusalSaysSo) {
  test_support::ForwardProxy proxy(407);
  const std::string via = "http://ann:secret@127.0.0.1:" + std::to_string(proxy.port());
  const std::string base = "https://127.0.0.1:" + std::to_string(https_.port()) + "/meta";
  {
    auto e = env({{"HTTPS_PROXY", via}, {"NO_PROXY", "localhost,127.0.0.1"}});
    auto r = fetch(base);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_TRUE(proxy.seen().empty());
  }
  auto e = env({{"https_proxy", via}});
  auto r = fetch(base);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "metadata.net");
  EXPECT_NE(r.error().message.find("refused the tunnel"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("HTTP 407"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("secret"), std::string::npos) << r.error().message;
  EXPECT_EQ(proxy.seen().size(), 1u);
}

// An http service whose answers a test writes: path -> (status, Location), else the documents.
class Redirecting {
 public:
  using Moves = std::map<std::string, std::pair<int, std::string>>;
  explicit Redirecting(Moves moves)
      : moves_(std::move(moves)),
        server_([this](const httplib::Request& req, httplib::Response& res) {
          {
            std::lock_guard lock(mutex_);
            seen_.push_back(req.path);
          }
          if (auto m = moves_.find(req.path); m != moves_.end()) {
            res.status = m->second.first;
            res.set_header("Location", m->second.second);
            return;
          }
          std::string body = served(req.path);
          res.status = body.empty() ? 404 : 200;
          res.set_content(body, "application/json");
        }) {}
  std::string url() const { return server_.url(); }
  std::vector<std::string> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  Moves moves_;
  std::mutex mutex_;
  std::vector<std::string> seen_;
  test_support::LoopbackServer server_;
};

TEST_F(MetadataFetch, RedirectsAreFollowedRelativeAndToAnotherOrigin) {
  auto e = env({});
  Redirecting other({});
  Redirecting service({{"/meta/products.json", {302, "moved/products.json"}},
                       {"/meta/moved/products.json", {303, "/final/products.json#top"}},
                       {"/meta/products/Rds/versions/2014-08-15/api-docs.json",
                        {307, other.url() + "/elsewhere/api-docs.json"}}});
  auto r = fetch(service.url() + "/meta");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(test_support::read_text(r->path), kDoc);
  EXPECT_EQ(service.seen(),
            (std::vector<std::string>{"/meta/products.json", "/meta/moved/products.json",
                                      "/final/products.json",
                                      "/meta/products/Rds/versions/2014-08-15/api-docs.json"}));
  EXPECT_EQ(other.seen(), std::vector<std::string>{"/elsewhere/api-docs.json"});
}

TEST_F(MetadataFetch, ALoopOrTooManyRedirectsIsAnErrorNamingTheUrls) {
  auto e = env({});
  Redirecting looping({{"/meta/products.json", {302, "/meta/again"}},
                       {"/meta/again", {301, "/meta/products.json"}}});
  auto loop = fetch(looping.url() + "/meta");
  ASSERT_FALSE(loop);
  EXPECT_EQ(loop.error().code, "metadata.redirect");
  const std::string u = looping.url();
  EXPECT_NE(loop.error().message.find("a redirect loop: " + u + "/meta/products.json -> " + u +
                                      "/meta/again -> " + u + "/meta/products.json"),
            std::string::npos)
      << loop.error().message;
  Redirecting::Moves chain{{"/meta/products.json", {302, "/hop/1"}}};
  for (int i = 1; i <= 10; ++i)
    chain["/hop/" + std::to_string(i)] = {308, "/hop/" + std::to_string(i + 1)};
  Redirecting endless(chain);
  auto many = fetch(endless.url() + "/meta");
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error().code, "metadata.redirect");
  EXPECT_NE(many.error().message.find("more than 5 redirects: " + endless.url() +
                                      "/meta/products.json -> "),
            std::string::npos)
      << many.error().message;
  EXPECT_NE(many.error().message.find("/hop/5 -> " + endless.url() + "/hop/6"), std::string::npos)
      << many.error().message;
  EXPECT_EQ(endless.seen().size(), 6u);  // the first URL and five redirects
}

TEST_F(MetadataFetch, ARedirectFromHttpsToHttpIsRefused) {
  auto e = env({});
  Redirecting plain({});
  test_support::HttpsServer downgrading(
      certificate_, [&](const test_support::HttpsServer::Request&) {
        test_support::HttpsServer::Response out{boost::beast::http::status::found, 11};
        out.set("Location", plain.url() + "/meta/products.json");
        return out;
      });
  auto r = fetch("https://localhost:" + std::to_string(downgrading.port()) + "/meta");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "metadata.redirect");
  EXPECT_NE(r.error().message.find("a redirect from https to http is refused"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find(plain.url() + "/meta/products.json"), std::string::npos);
  EXPECT_TRUE(plain.seen().empty());
}

}  // namespace
}  // namespace popcheck::runner
