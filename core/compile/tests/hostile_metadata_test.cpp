// Metadata made to be hostile, as the whole catalogue holds it (numbers up to 2^63-1 and beyond any
// 64-bit integer, negative lengths, deep nesting, wrong-typed fields, names that are no file names):
// every API is compiled or reported by product, version and action, breaking values stay bounded,
// what is not generated is said in the contract's warnings, and no catalogue file is over 1 MiB.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/compile/compile.hpp"

namespace popcheck::core {
namespace {

ojson param(const std::string& name, ojson schema) {
  return ojson{{"name", name}, {"in", "query"}, {"schema", std::move(schema)}};
}

ojson api(ojson params) {
  return ojson{{"title", "t"},
               {"parameters", std::move(params)},
               {"responses", {{"200", {{"schema", {{"type", "object"}}}}}}}};
}

std::string doc(ojson apis) {
  ojson d{{"info", {{"product", "Hostile"}, {"version", "2024-01-01"}}}, {"apis", std::move(apis)}};
  return d.dump();
}

CompileResult compile_one(const std::string& text) {
  return compile_texts({CompileInput{"hostile.json", text, false}}, {});
}

const CatalogueEntry* entry(const CompileResult& r, const std::string& action) {
  for (const auto& e : r.entries)
    if (e.contract.action == action) return &e;
  return nullptr;
}

const Case* find_case(const CatalogueEntry& e, const std::string& id) {
  for (const auto& c : e.cases)
    if (c.id == id) return &c;
  return nullptr;
}

bool warned(const CatalogueEntry& e, const std::string& needle) {
  return std::any_of(e.contract.warnings.begin(), e.contract.warnings.end(),
                     [&](const std::string& w) { return w.find(needle) != std::string::npos; });
}

size_t largest_value(const CatalogueEntry& e) {
  size_t most = 0;
  for (const auto& c : e.cases)
    for (const auto& [k, v] : c.request.params) most = std::max(most, k.size() + v.size());
  return most;
}

// Decimal strings of non-negative integers, compared as numbers.
bool decimal_greater(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() > b.size() : a > b;
}

TEST(HostileMetadata, HugeLengthsAndCountsGiveNoHugeValues) {
  ojson params = ojson::array();
  params.push_back(param("Text63", {{"type", "string"}, {"maxLength", "9223372036854775807"}}));
  params.push_back(param("TextNum", {{"type", "string"}, {"maxLength", INT64_MAX}}));
  params.push_back(param("Text31", {{"type", "string"}, {"maxLength", 2147483647}}));
  params.push_back(param("MinHuge", {{"type", "string"}, {"minLength", "4294967296"}}));
  params.push_back(param("Short", {{"type", "string"}, {"maxLength", 8}}));
  params.push_back(param("Ids", {{"type", "array"},
                                 {"maxItems", 2147483647},
                                 {"items", {{"type", "string"}, {"example", "id-1"}}}}));
  auto r = compile_one(doc({{"Huge", api(params)}}));
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
  const CatalogueEntry* e = entry(r, "Huge");
  ASSERT_NE(e, nullptr);
  EXPECT_LE(largest_value(*e), size_t(64 * 1024));
  // The small bound still gets its negative case; the huge ones are recorded as not generated.
  const Case* shorter = find_case(*e, "Hostile.Huge.negative.Short.max_length");
  ASSERT_NE(shorter, nullptr);
  EXPECT_EQ(shorter->request.params.back().second, std::string(9, 'a'));
  for (const char* id : {"Text63.max_length", "TextNum.max_length", "Text31.max_length",
                         "MinHuge.min_length", "Ids.N.repeat"}) {
    EXPECT_EQ(find_case(*e, std::string("Hostile.Huge.negative.") + id), nullptr) << id;
    EXPECT_TRUE(warned(*e, std::string("Hostile.Huge.negative.") + id + " is not generated")) << id;
  }
  EXPECT_TRUE(warned(*e, "maxLength 9223372036854775807"));
  EXPECT_TRUE(warned(*e, "2147483648 items"));
}

TEST(HostileMetadata, NumericBoundsAreReadAsWhatTheyAre) {
  ojson params = ojson::array();
  params.push_back(
      param("Big", {{"type", "integer"}, {"format", "int64"}, {"maximum", "9223372036854775807"}}));
  params.push_back(param("BigNum", {{"type", "integer"}, {"maximum", UINT64_MAX}}));
  params.push_back(param("Beyond", {{"type", "number"}, {"maximum", 1e30}}));
  params.push_back(param("Low", {{"type", "integer"}, {"minimum", "-9223372036854775808"}}));
  params.push_back(param("Infinite", {{"type", "integer"}, {"maximum", "1e999"}}));
  params.push_back(param("Small", {{"type", "integer"}, {"maximum", 100}}));
  params.push_back(param("Negative", {{"type", "string"}, {"minLength", -5}, {"maxLength", -1}}));
  auto r = compile_one(doc({{"Numbers", api(params)}}));
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
  const CatalogueEntry* e = entry(r, "Numbers");
  ASSERT_NE(e, nullptr);
  auto value = [&](const std::string& id, const std::string& name) -> std::string {
    const Case* c = find_case(*e, "Hostile.Numbers.negative." + id);
    if (!c) return "(no case)";
    for (const auto& [k, v] : c->request.params)
      if (k == name) return v;
    return "(no value)";
  };
  // Above 2^63-1 and above 2^64-1: integers no int64 holds, written in full.
  std::string big = value("Big.maximum", "Big");
  EXPECT_TRUE(decimal_greater(big, "9223372036854775807")) << big;
  std::string big_num = value("BigNum.maximum", "BigNum");
  EXPECT_TRUE(decimal_greater(big_num, "18446744073709551615")) << big_num;
  std::string beyond = value("Beyond.maximum", "Beyond");
  EXPECT_EQ(beyond.size(), 31u) << beyond;  // 1e30 and a step, as digits
  std::string low = value("Low.minimum", "Low");
  ASSERT_FALSE(low.empty());
  EXPECT_EQ(low.front(), '-');
  EXPECT_TRUE(decimal_greater(low.substr(1), "9223372036854775808")) << low;
  EXPECT_EQ(value("Small.maximum", "Small"), "101");
  // A bound beyond any double bounds nothing; a negative length is reported and ignored.
  EXPECT_EQ(find_case(*e, "Hostile.Numbers.negative.Infinite.maximum"), nullptr);
  EXPECT_TRUE(warned(*e, "parameter Negative has a negative minLength (-5); ignored"));
  EXPECT_TRUE(warned(*e, "parameter Negative has a negative maxLength (-1); ignored"));
  EXPECT_EQ(find_case(*e, "Hostile.Numbers.negative.Negative.max_length"), nullptr);
}

TEST(HostileMetadata, OneBadApiIsReportedAndTheOthersCompile) {
  // A parameter schema and a response nested far past any real API.
  ojson deep{{"type", "string"}};
  for (int i = 0; i < 30; ++i)
    deep = ojson{{"type", "object"}, {"properties", {{"P" + std::to_string(i), deep}}}};
  ojson deep_response = ojson{{"type", "string"}};
  for (int i = 0; i < 45; ++i)
    deep_response = ojson{{"type", "object"}, {"properties", {{"R", deep_response}}}};
  ojson apis;
  apis["DeepParams"] = api(ojson::array({param("Root", deep)}));
  apis["DeepResponse"] = ojson{{"responses", {{"200", {{"schema", deep_response}}}}}};
  apis["../../Escape"] = api(ojson::array());
  apis["Good"] = api(ojson::array({param("RegionId", {{"type", "string"}, {"required", true}})}));
  // Wrong-typed and empty fields are tolerated with warnings.
  apis["WrongTypes"] = ojson{{"parameters", "oops"},
                             {"errorCodes", ojson::array({1, 2})},
                             {"responses", 5},
                             {"title", ojson::array()}};
  apis["Empty"] = ojson::object();
  apis["NotAnObject"] = 42;
  apis["OddParams"] = api(ojson::array({7, ojson{{"name", ""}}, ojson{{"name", "X"}, {"schema", 3}},
                                        param("T", {{"type", 9}, {"maxLength", "abc"}})}));
  auto r = compile_one(doc(apis));
  std::vector<std::string> messages;
  for (const auto& e : r.errors) messages.push_back(e.message);
  ASSERT_EQ(r.errors.size(), 3u);
  auto reported = [&](const std::string& needle) {
    return std::any_of(messages.begin(), messages.end(),
                       [&](const std::string& m) { return m.find(needle) != std::string::npos; });
  };
  EXPECT_TRUE(reported("Hostile 2024-01-01 DeepParams: parameter Root."));
  EXPECT_TRUE(reported("nests deeper than 40 levels"));
  EXPECT_TRUE(reported("Hostile 2024-01-01 DeepResponse: response field"));
  EXPECT_TRUE(
      reported("Hostile 2024-01-01 ../../Escape: the product, version or action name cannot be"));
  for (const char* good : {"Good", "WrongTypes", "Empty", "NotAnObject", "OddParams"})
    EXPECT_NE(entry(r, good), nullptr) << good;
  EXPECT_EQ(r.summary.actions, 5u);
}

TEST(HostileMetadata, NoCatalogueFileIsOverOneMebibyte) {
  // 300 required parameters with lengths: 600 negative cases that each repeat the whole request.
  ojson params = ojson::array();
  for (int i = 0; i < 300; ++i)
    params.push_back(param("Parameter" + std::to_string(i),
                           {{"type", "string"},
                            {"required", true},
                            {"maxLength", 2000},
                            {"example", "value-of-parameter-" + std::to_string(i)}}));
  auto r = compile_one(doc({{"Wide", api(params)}}));
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().to_string();
  const CatalogueEntry* e = entry(r, "Wide");
  ASSERT_NE(e, nullptr);
  EXPECT_LE(to_json(*e).dump(2).size() + 1, kMaxCatalogueFileBytes);
  EXPECT_TRUE(warned(*e, "negative case(s) left out to keep the catalogue file under 1 MiB"));
  // The example cases stay, and so do as many negative cases as fit.
  EXPECT_NE(find_case(*e, "Hostile.Wide.example.json"), nullptr);
  EXPECT_GT(std::count_if(e->cases.begin(), e->cases.end(),
                          [](const Case& c) { return c.kind == CaseKind::negative; }),
            10);
}

}  // namespace
}  // namespace popcheck::core
