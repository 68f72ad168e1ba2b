// The compile orchestration: kinds of input decided by content, product/version resolution (page,
// then options, then metadata), page-over-metadata merging, per-input errors that leave the other
// inputs compiled, summary counts, and the written catalogue (layout, stable bytes, unchanged files
// left alone).
#include "core/compile/compile.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "core/compile/docs.hpp"
#include "tests/support/files.hpp"
#include "tests/support/paths.hpp"

namespace popcheck::core {
namespace {

namespace fs = std::filesystem;

using test_support::metadata_dir;
using test_support::read_text;
using test_support::seed_page;

CompileInput input(const fs::path& p, bool lookup = false) {
  return CompileInput{p.string(), read_text(p), lookup};
}

CompileInput metadata(const std::string& name, bool lookup) {
  return input(metadata_dir() / name, lookup);
}

const CatalogueEntry* entry(const CompileResult& r, const std::string& product,
                            const std::string& action) {
  for (const auto& e : r.entries)
    if (e.contract.product == product && e.contract.action == action) return &e;
  return nullptr;
}

// A small page with a product-less plain layout is not needed: the markdown seeds without a version
// on the page show the resolution rules.
TEST(Compile, MetadataDetectedByContent) {
  EXPECT_TRUE(looks_like_metadata("  \n{\"apis\": {}}"));
  EXPECT_TRUE(looks_like_metadata("\xEF\xBB\xBF{"));
  EXPECT_FALSE(looks_like_metadata("# RemoveTags\n"));
  EXPECT_FALSE(looks_like_metadata(""));
}

TEST(Compile, PageWinsAndMetadataFillsTheVersion) {
  POPCHECK_NEEDS_SHARED();
  auto r = compile_texts({input(seed_page("002_")), metadata("ecs-2014-05-26.json", true)}, {});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
  ASSERT_EQ(r.entries.size(), 1u);  // lookup-only metadata adds no actions
  const Contract& c = r.entries[0].contract;
  EXPECT_EQ(c.product, "Ecs");
  EXPECT_EQ(c.action, "DetachDisk");
  EXPECT_EQ(c.version, "2014-05-26");
  EXPECT_EQ(c.endpoint, "ecs.aliyuncs.com");
  EXPECT_EQ(c.source.format, "markdown");
  // The page's three parameters, not the metadata's longer list.
  EXPECT_EQ(c.params.size(), 3u);
  EXPECT_EQ(c.errors.size(), 10u);
  bool told = false;
  for (const auto& w : c.warnings) told |= w.find("filled from metadata") != std::string::npos;
  EXPECT_TRUE(told);
}

TEST(Compile, WithoutProductAnywhereTheInputFailsAndTheOthersCompile) {
  POPCHECK_NEEDS_SHARED();
  // Seed 001 (plain text) names no product; ECS and VPC both have a TagResources, so metadata
  // lookup must rank them by the page's parameters and examples.
  if (!read_document(read_text(seed_page("001_")), "001"))
    GTEST_SKIP() << "the plain-text reader does not read seed 001 yet";
  // The version flag alone does not name a product, and neither does a batch of two products
  // (ECS and ESS pages; with pages of one product only, the page would take it: compile_pages_test).
  auto none =
      compile_texts({input(seed_page("001_")), input(seed_page("000_")), input(seed_page("004_"))},
                    CompileOptions{"", "2014-05-26"});
  ASSERT_EQ(none.errors.size(), 1u);
  EXPECT_EQ(none.errors[0].file, seed_page("001_").string());
  EXPECT_EQ(none.errors[0].code, "compile.no_product");
  ASSERT_EQ(none.entries.size(), 2u);
  EXPECT_EQ(none.entries[0].contract.action, "RemoveTags");
  EXPECT_EQ(none.summary.failed_inputs, 1u);

  auto flags = compile_texts({input(seed_page("001_"))}, CompileOptions{"Vpc", "2016-04-28"});
  ASSERT_TRUE(flags.errors.empty()) << flags.errors.front().to_string();
  EXPECT_EQ(flags.entries[0].contract.product, "Vpc");
  EXPECT_EQ(flags.entries[0].contract.version, "2016-04-28");
  EXPECT_EQ(flags.entries[0].contract.endpoint, "vpc.aliyuncs.com");

  auto lookup = compile_texts({input(seed_page("001_")), metadata("ecs-2014-05-26.json", true),
                               metadata("vpc-2016-04-28.json", true)},
                              {});
  ASSERT_TRUE(lookup.errors.empty()) << lookup.errors.front().to_string();
  EXPECT_EQ(lookup.entries[0].contract.product, "Vpc");
  EXPECT_EQ(lookup.entries[0].contract.version, "2016-04-28");
}

TEST(Compile, ActionMissingFromMetadataTakesTheProductsOnlyVersion) {
  POPCHECK_NEEDS_SHARED();
  CompileInput page = input(seed_page("000_"));
  for (size_t pos; (pos = page.text.find("RemoveTags")) != std::string::npos;)
    page.text.replace(pos, 10, "RemoveLabels");
  auto r = compile_texts({page, metadata("ecs-2014-05-26.json", true)}, {});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].contract.action, "RemoveLabels");
  EXPECT_EQ(r.entries[0].contract.version, "2014-05-26");
  bool told = false;
  for (const auto& w : r.warnings) told |= w.find("has no RemoveLabels") != std::string::npos;
  EXPECT_TRUE(told);
  // Without the metadata there is no version to take.
  auto none = compile_texts({page}, {});
  ASSERT_EQ(none.errors.size(), 1u);
  EXPECT_EQ(none.errors[0].code, "compile.no_version");
}

TEST(Compile, MetadataInputEmitsEveryApiAndAPageReplacesItsAction) {
  POPCHECK_NEEDS_SHARED();
  auto r = compile_texts({metadata("ess-2014-08-28.json", false), input(seed_page("004_"))}, {});
  ASSERT_TRUE(r.errors.empty());
  auto raw = nlohmann::json::parse(read_text(metadata_dir() / "ess-2014-08-28.json"));
  EXPECT_EQ(r.entries.size(), raw["apis"].size());
  const CatalogueEntry* e = entry(r, "Ess", "RemoveInstances");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->contract.source.format, "markdown");
  EXPECT_EQ(e->contract.errors.size(), 9u);
  EXPECT_EQ(r.summary.products.at("Ess"), raw["apis"].size());
  // Sorted by product and action, so the output does not depend on input order.
  EXPECT_TRUE(std::is_sorted(r.entries.begin(), r.entries.end(), [](const auto& a, const auto& b) {
    return a.contract.action < b.contract.action;
  }));
}

TEST(Compile, SecondPageOfTheSameActionIsAWarning) {
  POPCHECK_NEEDS_SHARED();
  auto r = compile_texts({input(seed_page("000_")), input(seed_page("000_"))},
                         {CompileOptions{"", "x"}});
  EXPECT_EQ(r.entries.size(), 1u);
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings.back().find("also described by"), std::string::npos);
}

TEST(Compile, SummaryCountsAgreeWithTheEntries) {
  POPCHECK_NEEDS_SHARED();
  auto r = compile_texts({input(seed_page("000_")), input(seed_page("002_")),
                          input(seed_page("003_")), input(seed_page("004_"))},
                         CompileOptions{"", "2014-05-26"});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
  size_t params = 0, rows = 0, errors = 0, examples = 0, negatives = 0;
  for (const auto& e : r.entries) {
    params += e.contract.params.size();
    rows += e.contract.errors.size();
    for (const auto& k : e.cases) {
      errors += k.kind == CaseKind::error;
      examples += k.kind == CaseKind::example;
      negatives += k.kind == CaseKind::negative;
    }
  }
  EXPECT_EQ(r.summary.actions, 4u);
  EXPECT_EQ(r.summary.params, params);
  EXPECT_EQ(r.summary.error_rows, rows);
  EXPECT_EQ(rows, 7u + 10u + 9u + 9u);
  EXPECT_EQ(r.summary.cases.at("error"), errors);
  EXPECT_EQ(errors, rows);
  EXPECT_EQ(r.summary.cases.at("example"), examples);
  EXPECT_EQ(examples, 8u);
  EXPECT_EQ(r.summary.cases.at("negative"), negatives);
  std::string text = format_summary(r.summary);
  EXPECT_NE(text.find("4 actions"), std::string::npos);
  EXPECT_NE(text.find(std::to_string(rows) + " error rows"), std::string::npos);
}

TEST(Compile, BadInputsAreErrorsNamingTheFile) {
  POPCHECK_NEEDS_SHARED();
  std::vector<CompileInput> in = {
      {"empty.md", "", false},
      {"binary.bin",
       std::string("\x7f"
                   "ELF\x02\x01\x01\x00\x00\x00\x00\x00",
                   12),
       false},
      {"notjson.json", "{\n\"info\": {\n  broken\n}", false},
      {"utf8.md", "# RemoveTags\n\n## 请求参数\n\n|名称|类型|\n|--|--|\n|A\xff|String|\n", false},
      input(seed_page("000_"))};
  auto r = compile_texts(in, CompileOptions{"Ecs", "2014-05-26"});
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].contract.action, "RemoveTags");
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(r.summary.failed_inputs, 4u);
  EXPECT_EQ(r.summary.inputs, 5u);
  std::set<std::string> files;
  for (const auto& e : r.errors) files.insert(e.file);
  EXPECT_EQ(files, (std::set<std::string>{"empty.md", "binary.bin", "notjson.json", "utf8.md"}));
  for (const auto& e : r.errors)
    if (e.file == "notjson.json") {
      EXPECT_EQ(e.code, "metadata.json");
      EXPECT_EQ(e.line, 3);
    }
}

// Compiling through a parallel_for (here: every body in reverse order, as a scheduler may) gives
// the same entries, errors and warnings, in the same order, as compiling one after another.
TEST(Compile, ParallelForGivesTheSameCatalogue) {
  std::vector<CompileInput> in = {metadata("ess-2014-08-28.json", false), input(seed_page("000_"))};
  auto serial = compile_texts(in, {});
  CompileOptions reversed;
  size_t calls = 0;
  reversed.parallel_for = [&](size_t n, const std::function<void(size_t)>& body) {
    ++calls;
    for (size_t i = n; i-- > 0;) body(i);
  };
  auto parallel = compile_texts(in, reversed);
  EXPECT_GT(calls, 1u);  // ESS has 79 APIs: more than one window
  ASSERT_EQ(parallel.entries.size(), serial.entries.size());
  for (size_t i = 0; i < serial.entries.size(); ++i)
    EXPECT_EQ(to_json(parallel.entries[i]).dump(), to_json(serial.entries[i]).dump());
  EXPECT_EQ(parallel.warnings, serial.warnings);
  EXPECT_EQ(parallel.errors.size(), serial.errors.size());
}

// Issue 19, item 2: one API of an api-docs.json nesting 30,000 deep is an error naming it; the
// file's other API still becomes a catalogue entry.
TEST(Compile, ATooDeepApiIsAnErrorAndTheFilesOtherApisCompile) {
  std::string deep;
  for (int i = 0; i < 30000; ++i) deep += R"({"type":"object","properties":{"A":)";
  deep += R"({"type":"string"})";
  for (int i = 0; i < 30000; ++i) deep += "}}";
  std::string text = R"({"info": {"product": "Vpc", "version": "2016-04-28"}, "apis": {
    "DescribeVpcs": {"parameters": [{"name": "RegionId", "in": "query", "schema": {"type": "string"}}]},
    "DeepAction": {"responses": {"200": {"schema": )" +
                     deep + "}}}}}";
  auto r = compile_texts({{"api-docs.json", text, false}}, {});
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].contract.action, "DescribeVpcs");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, "api-docs.json");
  EXPECT_NE(r.errors[0].message.find("Vpc 2016-04-28 DeepAction"), std::string::npos);
}

class CompileFiles : public ::testing::Test {
 protected:
  test_support::TempDir scratch_;
  fs::path dir_ = scratch_.path();
};

TEST_F(CompileFiles, WritesOneFilePerActionAndLeavesUnchangedFilesAlone) {
  POPCHECK_NEEDS_SHARED();
  std::vector<std::string> in = {seed_page("000_").string(), seed_page("004_").string()};
  std::vector<std::string> meta = {(metadata_dir() / "ecs-2014-05-26.json").string(),
                                   (metadata_dir() / "ess-2014-08-28.json").string()};
  auto out = (dir_ / "cat").string();
  auto r = compile_files(in, meta, out, {});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
  EXPECT_EQ(r.summary.files_written, 2u);
  fs::path file = dir_ / "cat" / "ecs" / "RemoveTags.json";
  ASSERT_TRUE(fs::exists(file));
  ASSERT_TRUE(fs::exists(dir_ / "cat" / "ess" / "RemoveInstances.json"));
  // compile_files writes as it goes and holds no entries; what it wrote reads back as the entry
  // compile_texts makes of the same inputs.
  EXPECT_TRUE(r.entries.empty());
  auto texts =
      compile_texts({input(meta[0], true), input(meta[1], true), input(in[0]), input(in[1])}, {});
  auto back = load_catalogue_file(file.string());
  ASSERT_TRUE(back) << back.error().to_string();
  ASSERT_NE(entry(texts, "Ecs", "RemoveTags"), nullptr);
  EXPECT_EQ(to_json(*back).dump(), to_json(*entry(texts, "Ecs", "RemoveTags")).dump());
  auto first = read_text(file);
  auto mtime = fs::last_write_time(file);
  auto again = compile_files(in, meta, out, {});
  EXPECT_EQ(again.summary.files_written, 0u);
  EXPECT_EQ(read_text(file), first);
  EXPECT_EQ(fs::last_write_time(file), mtime);
  // No temporary files are left behind.
  for (const auto& e : fs::recursive_directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST_F(CompileFiles, UnreadableAndOversizedInputsAreErrors) {
  POPCHECK_NEEDS_SHARED();
  fs::path big = dir_ / "big.md";
  {
    std::ofstream out(big, std::ios::binary);
    std::string line(1023, 'x');
    line += '\n';
    for (size_t i = 0; i < (kMaxInputBytes >> 10) + 1; ++i) out << line;
  }
  std::vector<std::string> in = {(dir_ / "missing.md").string(), big.string(),
                                 seed_page("000_").string()};
  auto r = compile_files(in, {}, (dir_ / "cat").string(), CompileOptions{"Ecs", "2014-05-26"});
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].file, (dir_ / "missing.md").string());
  EXPECT_EQ(r.errors[1].file, big.string());
  EXPECT_EQ(r.errors[1].code, "io.too_large");
  EXPECT_EQ(r.summary.inputs, 3u);
  EXPECT_EQ(r.summary.failed_inputs, 2u);
  EXPECT_TRUE(fs::exists(dir_ / "cat" / "ecs" / "RemoveTags.json"));
}

// The catalogue holds the same action in many products and several products share a version
// date: products stay apart by folder and id. Two versions of one product compiled together go to
// <product>/<version>/ with the version in their ids; a product in one version keeps its layout.
TEST_F(CompileFiles, ProductsAndVersionsStayApart) {
  auto doc = [&](const std::string& product, const std::string& version) {
    fs::path p = dir_ / (product + "-" + version + ".json");
    std::ofstream(p) << ojson{{"info", {{"product", product}, {"version", version}}},
                              {"apis",
                               {{"DescribeRegions", {{"parameters", ojson::array()}}},
                                {"TagResources", {{"parameters", ojson::array()}}}}}}
                            .dump();
    return p.string();
  };
  std::vector<std::string> in = {doc("Cms", "2019-01-01"), doc("cms-export", "2019-01-01"),
                                 doc("Cms", "2018-03-08"), doc("VpcPeer", "2019-01-01")};
  auto out = dir_ / "cat";
  auto r = compile_files(in, {}, out.string(), {});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
  EXPECT_EQ(r.summary.actions, 8u);
  EXPECT_EQ(r.summary.files_written, 8u);
  for (const char* f :
       {"cms/2019-01-01/DescribeRegions.json", "cms/2018-03-08/DescribeRegions.json",
        "cms-export/DescribeRegions.json", "vpcpeer/TagResources.json"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  auto loaded = load_catalogue({out.string()});
  ASSERT_TRUE(loaded.errors.empty());
  std::set<std::string> ids;
  size_t cases = 0;
  for (const auto& e : loaded.entries)
    for (const auto& c : e.cases) {
      ids.insert(c.id);
      ++cases;
      if (e.contract.product == "Cms") {
        EXPECT_TRUE(c.id.starts_with("Cms." + e.contract.version + ".")) << c.id;
      }
    }
  EXPECT_EQ(ids.size(), cases);
  EXPECT_TRUE(ids.contains("VpcPeer.DescribeRegions.example.json"));
}

}  // namespace
}  // namespace popcheck::core
