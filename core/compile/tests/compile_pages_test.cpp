// Product and version of the pages of one compile (compile_pages.cpp) and the batch rule
// (compile_batch.hpp) through compile_texts: a page that names no version (or no product) takes the
// one the other pages of its product agree on, with a warning; several versions fail naming them;
// --product, --version and metadata always win. The pages are written here, in the project's own
// words, for products that do not exist (Gadget, Widget), and for Watch of tests/data/metadata.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/compile/compile.hpp"
#include "tests/support/files.hpp"
#include "tests/support/paths.hpp"

namespace popcheck::core {
namespace {

// A reference page of `action`. `product` and `version` go into its API Explorer link, the way the
// documentation states them; empty: the link does not say. The request example's host is the
// documentation's placeholder, which names no product.
CompileInput page(const std::string& action, const std::string& product,
                  const std::string& version) {
  std::string link;
  if (!product.empty()) {
    link = "Try it in [API Explorer](https://api.aliyun.com/#product=" + product + "&api=" + action;
    if (!version.empty()) link += "&version=" + version;
    link += ").\n\n";
  }
  std::string text = R"(# {A}

Does something to a gadget; written for popcheck's tests.

{LINK}## Request parameters

|Name|Type|Required|Example|Description|
|:---|:---|:-------|:------|:----------|
|Action|String|Yes|{A}|The operation: {A}.|
|GadgetId|String|Yes|g-7f3k|The ID of the gadget.|

## Response parameters

|Name|Type|Example|Description|
|:---|:---|:------|:----------|
|RequestId|String|5E3A1C20-0B4D-4E7F-9A21-3C5D7E9F1A2B|The ID of the request.|

## Examples

Request example

```
https://[Endpoint]/?Action={A}
&GadgetId=g-7f3k
&<Common request parameters>
```
)";
  for (size_t at; (at = text.find("{LINK}")) != std::string::npos;) text.replace(at, 6, link);
  for (size_t at; (at = text.find("{A}")) != std::string::npos;) text.replace(at, 3, action);
  return CompileInput{"pages/" + action + ".md", text, false};
}

const Contract* contract(const CompileResult& r, const std::string& action) {
  for (const auto& e : r.entries)
    if (e.contract.action == action) return &e.contract;
  return nullptr;
}

const Error* error_of(const CompileResult& r, const std::string& action) {
  for (const auto& e : r.errors)
    if (e.file == "pages/" + action + ".md") return &e;
  return nullptr;
}

bool has(const std::vector<std::string>& lines, const std::vector<std::string>& parts) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
    return std::all_of(parts.begin(), parts.end(),
                       [&](const std::string& p) { return l.find(p) != std::string::npos; });
  });
}

TEST(BatchRule, APageWithoutVersionTakesTheOneTwoPagesOfItsProductName) {
  auto r = compile_texts(
      {page("OpenGadget", "Gadget", "2021-03-04"), page("CloseGadget", "Gadget", "2021-03-04"),
       page("ShakeGadget", "Gadget", "")},
      {});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
  ASSERT_EQ(r.entries.size(), 3u);
  const Contract* c = contract(r, "ShakeGadget");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->product, "Gadget");
  EXPECT_EQ(c->version, "2021-03-04");
  // Said without --warnings, naming the page, the version and how many pages have it; and kept in
  // the contract's warnings (the catalogue file says where its version came from).
  ASSERT_EQ(r.batch_notes.size(), 1u);
  EXPECT_TRUE(has(r.batch_notes, {"pages/ShakeGadget.md", "2021-03-04", "(2 pages)",
                                  "compile.version_from_batch", "--version"}))
      << r.batch_notes[0];
  EXPECT_TRUE(has(r.warnings, {"pages/ShakeGadget.md", "compile.version_from_batch"}));
  EXPECT_TRUE(has(c->warnings, {"2021-03-04", "compile.version_from_batch"}));
  // The pages that named it are unchanged and say nothing of the batch.
  EXPECT_FALSE(has(contract(r, "OpenGadget")->warnings, {"from_batch"}));
  EXPECT_EQ(r.summary.failed_inputs, 0u);
}

TEST(BatchRule, TwoVersionsInTheBatchFailThePageNamingBoth) {
  auto r = compile_texts(
      {page("OpenGadget", "Gadget", "2021-03-04"), page("CloseGadget", "Gadget", "2022-07-15"),
       page("TurnGadget", "Gadget", "2022-07-15"), page("ShakeGadget", "Gadget", "")},
      {});
  ASSERT_EQ(r.errors.size(), 1u);
  const Error* e = error_of(r, "ShakeGadget");
  ASSERT_NE(e, nullptr) << r.errors[0].to_string();
  EXPECT_EQ(e->code, "compile.no_version");
  for (const char* part :
       {"2021-03-04 (1 page)", "2022-07-15 (2 pages)", "--version", "api-docs.json", "Gadget"})
    EXPECT_NE(e->message.find(part), std::string::npos) << part << " in: " << e->message;
  EXPECT_EQ(r.entries.size(), 3u);  // the others compile
  EXPECT_EQ(r.summary.failed_inputs, 1u);
  EXPECT_TRUE(r.batch_notes.empty());
}

TEST(BatchRule, TheUsersFlagsWin) {
  std::vector<CompileInput> pages = {page("OpenGadget", "Gadget", "2021-03-04"),
                                     page("CloseGadget", "Gadget", "2021-03-04"),
                                     page("ShakeGadget", "Gadget", "")};
  for (const CompileOptions& flags :
       {CompileOptions{"", "2020-01-01", {}}, CompileOptions{"Gadget", "2020-01-01", {}}}) {
    auto r = compile_texts(pages, flags);
    ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
    EXPECT_EQ(contract(r, "ShakeGadget")->version, "2020-01-01");
    EXPECT_EQ(contract(r, "OpenGadget")->version, "2021-03-04");  // the page's own word
    EXPECT_TRUE(r.batch_notes.empty());
  }
  // A flag for another product leaves the page to the batch.
  auto other = compile_texts(pages, CompileOptions{"Widget", "2020-01-01", {}});
  ASSERT_TRUE(other.errors.empty()) << other.errors.front().to_string();
  EXPECT_EQ(contract(other, "ShakeGadget")->version, "2021-03-04");
  EXPECT_EQ(other.batch_notes.size(), 1u);
}

TEST(BatchRule, MetadataWins) {
  // Watch's metadata (2021-03-01) lists CreateProbe; the other pages name 2022-02-02.
  auto meta = CompileInput{"watch-api-docs.json",
                           test_support::read_text(test_support::source_dir() /
                                                   "tests/data/metadata/watch-api-docs.json"),
                           true};
  auto r = compile_texts(
      {page("ResizeProbe", "Watch", "2022-02-02"), page("DeleteProbe", "Watch", "2022-02-02"),
       page("CreateProbe", "Watch", ""), meta},
      {});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
  EXPECT_EQ(contract(r, "CreateProbe")->version, "2021-03-01");
  EXPECT_TRUE(r.batch_notes.empty());
}

TEST(BatchRule, OnlyPagesOfTheSameProductCount) {
  auto r = compile_texts(
      {page("OpenGadget", "Gadget", "2021-03-04"), page("OpenWidget", "Widget", "2019-11-11"),
       page("CloseWidget", "widget", "2019-11-11"), page("ShakeGadget", "gadget", "")},
      {});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
  EXPECT_EQ(contract(r, "ShakeGadget")->version, "2021-03-04");
  EXPECT_TRUE(has(r.batch_notes, {"ShakeGadget", "2021-03-04", "(1 page)"}));
  // Pages that name no version give none to each other.
  auto none =
      compile_texts({page("ShakeGadget", "Gadget", ""), page("TurnGadget", "Gadget", "")}, {});
  ASSERT_EQ(none.errors.size(), 2u);
  for (const auto& e : none.errors) {
    EXPECT_EQ(e.code, "compile.no_version");
    EXPECT_EQ(e.message.find("versions:"), std::string::npos) << e.message;
  }
}

TEST(BatchRule, APageWithoutProductTakesTheBatchsOnlyProduct) {
  auto r =
      compile_texts({page("OpenGadget", "Gadget", "2021-03-04"),
                     page("CloseGadget", "Gadget", "2021-03-04"), page("PolishGadget", "", "")},
                    {});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
  const Contract* c = contract(r, "PolishGadget");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->product, "Gadget");
  EXPECT_EQ(c->version, "2021-03-04");
  EXPECT_EQ(c->endpoint, "gadget.aliyuncs.com");
  EXPECT_TRUE(
      has(r.batch_notes, {"PolishGadget", "Gadget (2 pages)", "compile.product_from_batch"}));
  EXPECT_TRUE(has(r.batch_notes, {"PolishGadget", "2021-03-04", "compile.version_from_batch"}));

  // Two products in the batch: the page fails as without the batch, naming them.
  auto two =
      compile_texts({page("OpenGadget", "Gadget", "2021-03-04"),
                     page("OpenWidget", "Widget", "2019-11-11"), page("PolishGadget", "", "")},
                    {});
  ASSERT_EQ(two.errors.size(), 1u);
  EXPECT_EQ(two.errors[0].code, "compile.no_product");
  EXPECT_EQ(two.errors[0].file, "pages/PolishGadget.md");
  for (const char* part : {"Gadget (1 page)", "Widget (1 page)", "--product"})
    EXPECT_NE(two.errors[0].message.find(part), std::string::npos) << two.errors[0].message;
  EXPECT_EQ(two.entries.size(), 2u);
}

TEST(BatchRule, TheOutcomeDoesNotDependOnTheOrderOfThePages) {
  std::vector<CompileInput> pages = {page("PolishGadget", "", ""),
                                     page("ShakeGadget", "Gadget", ""),
                                     page("OpenGadget", "Gadget", "2021-03-04")};
  std::sort(pages.begin(), pages.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  do {
    auto r = compile_texts(pages, {});
    ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
    for (const char* action : {"PolishGadget", "ShakeGadget"})
      EXPECT_EQ(contract(r, action)->version, "2021-03-04") << action;
    EXPECT_EQ(r.batch_notes.size(), 3u);
  } while (std::next_permutation(pages.begin(), pages.end(),
                                 [](const auto& a, const auto& b) { return a.path < b.path; }));
}

}  // namespace
}  // namespace popcheck::core
