#include "core/input_limits.hpp"

#include <gtest/gtest.h>

namespace popcheck::core {
namespace {

std::string nested_arrays(size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::string nested_xml(size_t depth) {
  std::string out;
  for (size_t i = 0; i < depth; ++i) out += "<a>";
  for (size_t i = 0; i < depth; ++i) out += "</a>";
  return out;
}

TEST(InputLimits, JsonAtTheLimitParsesAndOneLevelMoreIsRefusedNamingTheInput) {
  auto ok = parse_json(nested_arrays(kMaxNestingDepth), "a.json");
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_TRUE(ok->is_array());
  auto deep = parse_ordered_json(nested_arrays(kMaxNestingDepth + 1), "a.json");
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code, "json.too_deep");
  EXPECT_EQ(deep.error().file, "a.json");
  EXPECT_NE(deep.error().message.find("512"), std::string::npos);
}

TEST(InputLimits, HundredThousandLevelsAreRefusedWithoutRecursing) {
  // The issue's request body: 200 KB of nesting. Objects count like arrays.
  EXPECT_EQ(parse_json(nested_arrays(100000), "request body").error().code, "json.too_deep");
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(100000, '}');
  EXPECT_EQ(parse_ordered_json(objects, "request body").error().code, "json.too_deep");
}

TEST(InputLimits, SizeAndSyntaxErrorsNameTheInput) {
  auto big = parse_json(R"({"a":"0123456789"})", "big.json", InputLimits{kMaxNestingDepth, 10});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, "json.too_large");
  EXPECT_EQ(big.error().file, "big.json");
  auto bad = parse_ordered_json(R"({"a":)", "bad.json");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "json.parse");
  EXPECT_EQ(bad.error().file, "bad.json");
  EXPECT_NE(bad.error().message.find("not valid JSON"), std::string::npos);
  EXPECT_EQ(bad.error().message.find("[json.exception"), std::string::npos);
}

TEST(InputLimits, ParsedValuesEqualNlohmannsOwnParse) {
  std::string text =
      R"({"Z":[1,-2,3.5,"x",true,null,{"k":[]}],"A":{"B":{}},"u":18446744073709551615})";
  auto plain = parse_json(text, "t");
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, nlohmann::json::parse(text));
  auto ordered = parse_ordered_json(text, "t");
  ASSERT_TRUE(ordered);
  EXPECT_EQ(ordered->dump(), nlohmann::ordered_json::parse(text).dump());
}

TEST(InputLimits, PruningCutsOnlyTheTooDeepPartsAndNamesThem) {
  std::string deep = nested_arrays(40);
  std::string text = R"({"apis":{"Good":{"x":[1,2]},"Deep/~":{"schema":[0,)" + deep +
                     R"(]}},"info":{"product":"Ecs"}})";
  auto r = parse_ordered_json_pruned(text, "api-docs.json", InputLimits{10, kMaxParseBytes});
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->pruned.size(), 1u);
  // The container that opens at level 11: root, apis, Deep/~, schema, then 7 levels of the arrays.
  EXPECT_EQ(r->pruned[0], "/apis/Deep~1~0/schema/1/0/0/0/0/0/0");
  EXPECT_EQ(r->value["apis"]["Good"]["x"], nlohmann::ordered_json::parse("[1,2]"));
  EXPECT_EQ(r->value["info"]["product"], "Ecs");
  EXPECT_TRUE(r->value.at(nlohmann::ordered_json::json_pointer(r->pruned[0])).is_null());
  // Nothing too deep: nothing pruned, the same value as a plain parse.
  auto plain = parse_ordered_json_pruned(R"([[1],{"a":[2]}])", "t", InputLimits{3, 100});
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->pruned.empty());
  EXPECT_EQ(plain->value.dump(), "[[1],{\"a\":[2]}]");
}

TEST(InputLimits, XmlDepthIsBoundedAndErrorsNameTheInput) {
  pugi::xml_document doc;
  ASSERT_TRUE(load_xml(doc, nested_xml(kMaxNestingDepth), "ok.xml"));
  EXPECT_EQ(xml_depth(doc), kMaxNestingDepth);
  auto deep = load_xml(doc, nested_xml(100000), "response body");
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code, "xml.too_deep");
  EXPECT_EQ(deep.error().file, "response body");
  EXPECT_FALSE(doc.document_element());
  auto bad = load_xml(doc, "<a><b></a>", "bad.xml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "xml.parse");
  EXPECT_EQ(load_xml(doc, "<a/>", "big.xml", InputLimits{10, 2}).error().code, "xml.too_large");
}

TEST(InputLimits, JsonDepthOfTreesBuiltInMemory) {
  EXPECT_EQ(json_depth(nlohmann::ordered_json(5)), 0u);
  EXPECT_EQ(json_depth(nlohmann::ordered_json::parse(R"([])")), 1u);
  EXPECT_EQ(json_depth(nlohmann::ordered_json::parse(R"({"a":[1,{"b":[]}],"c":{}})")), 4u);
  auto deep = parse_ordered_json(nested_arrays(kMaxNestingDepth), "t");
  ASSERT_TRUE(deep);
  EXPECT_EQ(json_depth(*deep, 10), 11u);  // stops counting past the bound
  EXPECT_EQ(json_depth(*deep, 2 * kMaxNestingDepth), kMaxNestingDepth);
}

TEST(InputLimits, XmlDepthCountsElementsOnly) {
  pugi::xml_document doc;
  ASSERT_TRUE(load_xml(doc, "<?xml version=\"1.0\"?><a>t<b><c/>x</b><d/></a>", "t"));
  EXPECT_EQ(xml_depth(doc), 3u);
  EXPECT_EQ(xml_depth(doc.document_element().child("d")), 0u);
  EXPECT_EQ(xml_depth(doc.document_element()), 2u);
}

}  // namespace
}  // namespace popcheck::core
