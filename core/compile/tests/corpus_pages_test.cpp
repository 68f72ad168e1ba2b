// Every page of ../shared/corpus compiles into one contract (issue 22): the 74 ECS and ESS pages of
// docs/ (whose field-by-field agreement with oracle.json is docs_oracle_test's) and the 40 NAT
// Gateway and Anti-DDoS pages of products/, compiled together with ../shared/metadata as lookup, as
// `popcheck compile corpus/docs/* corpus/products/* --metadata metadata/*.json` does. Pages of one
// action in several languages make one catalogue entry; each still compiles, which the compile says
// as "also described by".
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/compile/compile.hpp"
#include "core/data_dir.hpp"
#include "core/files.hpp"
#include "tests/support/paths.hpp"

namespace popcheck::core {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> pages_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".md" && e.path().filename() != "README.md")
      out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(CorpusPages, EveryPageCompilesIntoOneContract) {
  POPCHECK_NEEDS_SHARED();
  fs::path shared = test_support::shared_dir();
  std::vector<std::string> docs = pages_in(shared / "corpus" / "docs");
  std::vector<std::string> products = pages_in(shared / "corpus" / "products");
  ASSERT_EQ(docs.size(), 74u);
  ASSERT_EQ(products.size(), 40u);

  std::vector<CompileInput> inputs;
  for (const auto& m : json_files_in(shared / "metadata")) {
    auto text = read_file(m, kMaxInputBytes);
    ASSERT_TRUE(text) << text.error().to_string();
    inputs.push_back(CompileInput{m, std::move(*text), true});
  }
  std::vector<std::string> all = docs;
  all.insert(all.end(), products.begin(), products.end());
  for (const auto& p : all) {
    auto text = read_file(p);
    ASSERT_TRUE(text) << text.error().to_string();
    inputs.push_back(CompileInput{p, std::move(*text), false});
  }
  CompileResult r = compile_texts(inputs, {});
  for (const auto& e : r.errors) ADD_FAILURE() << e.to_string();
  EXPECT_EQ(r.summary.failed_inputs, 0u);

  std::set<std::string> compiled;
  std::map<std::string, const Contract*> by_file;
  for (const auto& e : r.entries) {
    compiled.insert(e.contract.source.file);
    by_file[e.contract.source.file] = &e.contract;
  }
  for (const auto& w : r.warnings)
    for (const auto& p : all)
      if (w.starts_with(p + ": ") && w.find("is also described by") != std::string::npos)
        compiled.insert(p);
  for (const auto& p : all) EXPECT_TRUE(compiled.contains(p)) << p << " gave no contract";
  EXPECT_EQ(compiled.size(), 114u);

  // What the product pages' own words and the metadata fix: NAT Gateway is VPC 2016-04-28 (its
  // metadata has the action); the Anti-DDoS pages name product and version in their API Explorer
  // links. Every page reads a parameter table or list, and none leaves a table of fields unread.
  for (const auto& p : products) {
    auto it = by_file.find(p);
    if (it == by_file.end()) continue;  // the other page of the same action holds the entry
    const Contract& c = *it->second;
    std::string name = fs::path(p).filename().string();
    if (name.starts_with("nat-")) {
      EXPECT_EQ(c.product, "Vpc") << name;
      EXPECT_EQ(c.version, "2016-04-28") << name;
    } else {
      EXPECT_TRUE(c.product.starts_with("Ddos")) << name << ": " << c.product;
      EXPECT_EQ(c.version.size(), 10u) << name << ": " << c.version;
    }
    EXPECT_FALSE(c.params.empty()) << name;
    for (const auto& w : c.warnings) {
      EXPECT_EQ(w.find("names no parameter"), std::string::npos) << name << ": " << w;
      EXPECT_EQ(w.find("holds no parameter table"), std::string::npos) << name << ": " << w;
    }
  }
}

}  // namespace
}  // namespace popcheck::core
