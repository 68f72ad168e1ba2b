// The api-docs.json reader: flattening of every parameter style, types in page spelling, structured
// constraints, response tree, examples, error rows, bad input; and the three real metadata files,
// whose APIs and error rows are counted independently from the raw JSON.
#include "core/compile/metadata.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/files.hpp"
#include "tests/support/paths.hpp"

namespace popcheck::core {
namespace {

namespace fs = std::filesystem;

using test_support::metadata_dir;
using test_support::read_text;

const Param* find(const Contract& c, const std::string& name) {
  for (const auto& p : c.params)
    if (p.name == name) return &p;
  return nullptr;
}

// A small api-docs.json with one API of each parameter style the real files use.
const char* kSynthetic = R"({
  "version": "1.0",
  "info": {"style": "RPC", "product": "Ecs", "version": "2014-05-26"},
  "endpoints": [{"regionId": "cn-hangzhou", "endpoint": "ecs-cn-hangzhou.aliyuncs.com"},
                {"regionId": "cn-hangzhou-finance", "endpoint": "ecs.aliyuncs.com"}],
  "apis": {
    "DoThing": {
      "title": "做一件事",
      "parameters": [
        {"name": "RegionId", "in": "query", "schema": {"type": "string", "required": true,
         "example": "cn-hangzhou", "description": "地域。"}},
        {"name": "Tag", "in": "query", "style": "repeatList", "schema": {"type": "array",
         "maxItems": 20, "required": false, "items": {"type": "object", "properties": {
           "Key": {"type": "string", "required": false, "example": "k",
                   "description": "标签键。最多支持64个字符，不能以aliyun和acs:开头。"},
           "Value": {"type": "string", "required": false, "example": "v", "maxLength": 10}}}}},
        {"name": "InstanceId", "in": "query", "style": "repeatList", "schema": {"type": "array",
         "required": true, "description": "实例。", "maxItems": 100,
         "items": {"type": "string", "example": "i-abc"}}},
        {"name": "SystemDisk", "in": "query", "style": "flat", "schema": {"type": "object",
         "properties": {"Size": {"type": "integer", "format": "int32", "minimum": "20",
                                 "maximum": "500", "example": "40"}}}},
        {"name": "Parameters", "in": "query", "style": "json", "schema": {"type": "object",
         "example": "{\"a\":1}", "description": "JSON."}},
        {"name": "Ids", "in": "query", "style": "simple", "schema": {"type": "array",
         "items": {"type": "string"}}},
        {"name": "Period", "in": "formData", "schema": {"type": "integer", "format": "int64",
         "enum": ["1", "2", "3"], "example": "1"}},
        {"name": "Force", "in": "query", "schema": {"type": "boolean", "example": "false"}},
        {"name": "Ratio", "in": "query", "schema": {"type": "number", "format": "float",
         "pattern": "^[0-9.]+$"}},
        {"name": "Nic", "in": "query", "style": "repeatList", "schema": {"type": "array",
         "maxItems": 2, "items": {"type": "object", "properties": {
           "GroupIds": {"type": "array", "items": {"type": "string", "example": "sg-1"}},
           "Bgp": {"type": "object", "properties": {"Asn": {"type": "integer", "example": "1"}}}}}}},
        {"name": "RegionId", "in": "query", "schema": {"type": "string", "required": false}}
      ],
      "responses": {"200": {"schema": {"type": "object", "properties": {
        "RequestId": {"type": "string", "example": "R1"},
        "Items": {"type": "object", "properties": {"Item": {"type": "array", "items": {
          "type": "object", "properties": {"Id": {"type": "string"},
                                           "Count": {"type": "integer"}}}}}},
        "Names": {"type": "array", "items": {"type": "string"}}}}}},
      "errorCodes": {
        "404": [{"errorCode": "InvalidInstanceId.NotFound", "errorMessage": "Not found %s."}],
        "400": [{"errorCode": "InvalidTagCount", "errorMessage": "Too many."},
                {"errorCode": "InvalidTagCount", "errorMessage": "Too many."}],
        "403": [{"errorCode": "Forbidden", "errorMessage": "No."}]},
      "responseDemo": "[{\"type\":\"json\",\"example\":\"{\\\"RequestId\\\":\\\"R1\\\"}\",\"errorExample\":\"{\\\"RequestId\\\":\\\"R2\\\",\\\"HostId\\\":\\\"ecs.aliyuncs.com\\\",\\\"Code\\\":\\\"Forbidden\\\",\\\"Message\\\":\\\"No.\\\"}\"},{\"type\":\"xml\",\"example\":\"<DoThingResponse><RequestId>R1</RequestId></DoThingResponse>\",\"errorExample\":\"<DoThingResponse><RequestId>R1</RequestId></DoThingResponse>\"}]"
    },
    "Bare": {"parameters": "not a list", "responseDemo": "not json"},
    "Broken": 42
  }
})";

Contract synthetic(const std::string& action) {
  auto r = read_metadata(kSynthetic, "synthetic.json");
  EXPECT_TRUE(r) << (r ? "" : r.error().to_string());
  if (!r) return {};
  for (auto& c : *r)
    if (c.action == action) return c;
  ADD_FAILURE() << "no action " << action;
  return {};
}

TEST(Metadata, ProductVersionEndpointTitleInFileOrder) {
  auto r = read_metadata(kSynthetic, "synthetic.json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].action, "DoThing");
  EXPECT_EQ((*r)[1].action, "Bare");
  EXPECT_EQ((*r)[2].action, "Broken");
  const Contract& c = (*r)[0];
  EXPECT_EQ(c.product, "Ecs");
  EXPECT_EQ(c.version, "2014-05-26");
  EXPECT_EQ(c.endpoint, "ecs.aliyuncs.com");
  EXPECT_EQ(c.title, "做一件事");
  EXPECT_EQ(c.source.format, "metadata");
  EXPECT_EQ(c.source.file, "synthetic.json");
  EXPECT_EQ(c.source.language, "zh");
}

TEST(Metadata, RepeatListOfObjectsFlattensToNKeys) {
  Contract c = synthetic("DoThing");
  const Param* key = find(c, "Tag.N.Key");
  const Param* value = find(c, "Tag.N.Value");
  ASSERT_TRUE(key && value);
  EXPECT_EQ(key->type.spelling(), "String");
  ASSERT_TRUE(key->repeat);
  EXPECT_EQ(key->repeat->min, 1);
  EXPECT_EQ(key->repeat->max, 20);
  EXPECT_EQ(value->repeat->max, 20);
  // Prose constraints come from the shared extractor, structured ones from the schema.
  EXPECT_EQ(key->max_length, 64);
  EXPECT_EQ(key->forbidden_prefixes, (std::vector<std::string>{"aliyun", "acs:"}));
  EXPECT_EQ(value->max_length, 10);
  EXPECT_EQ(key->position, "Query");
  EXPECT_EQ(key->depth, 1);
  EXPECT_FALSE(find(c, "Tag"));
}

TEST(Metadata, ArrayOfScalarsIsRepeatList) {
  Contract c = synthetic("DoThing");
  const Param* p = find(c, "InstanceId.N");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type.spelling(), "RepeatList");
  EXPECT_TRUE(p->required);
  EXPECT_EQ(p->example, "i-abc");
  EXPECT_EQ(p->description, "实例。");
  ASSERT_TRUE(p->repeat);
  EXPECT_EQ(p->repeat->max, 100);
}

TEST(Metadata, FlatObjectJsonAndSimpleStyles) {
  Contract c = synthetic("DoThing");
  const Param* size = find(c, "SystemDisk.Size");
  ASSERT_TRUE(size);
  EXPECT_EQ(size->type.spelling(), "Integer");
  EXPECT_EQ(size->minimum, 20);
  EXPECT_EQ(size->maximum, 500);
  EXPECT_FALSE(size->repeat);
  const Param* json = find(c, "Parameters");
  ASSERT_TRUE(json);
  EXPECT_EQ(json->type.spelling(), "String");
  EXPECT_EQ(json->example, "{\"a\":1}");
  const Param* simple = find(c, "Ids");
  ASSERT_TRUE(simple);
  EXPECT_EQ(simple->type.spelling(), "String");
  EXPECT_FALSE(find(c, "Ids.N"));
}

TEST(Metadata, NestedListsAndObjectsInsideItems) {
  Contract c = synthetic("DoThing");
  const Param* groups = find(c, "Nic.N.GroupIds.N");
  const Param* asn = find(c, "Nic.N.Bgp.Asn");
  ASSERT_TRUE(groups && asn);
  // The outer list's range reaches every leaf.
  EXPECT_EQ(groups->repeat->max, 2);
  EXPECT_EQ(asn->repeat->max, 2);
  EXPECT_EQ(asn->depth, 2);
}

TEST(Metadata, TypesEnumPatternAndPosition) {
  Contract c = synthetic("DoThing");
  const Param* period = find(c, "Period");
  ASSERT_TRUE(period);
  EXPECT_EQ(period->type.spelling(), "Long");
  EXPECT_EQ(period->allowed, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(period->position, "Body");
  EXPECT_EQ(find(c, "Force")->type.spelling(), "Boolean");
  const Param* ratio = find(c, "Ratio");
  EXPECT_EQ(ratio->type.spelling(), "Float");
  ASSERT_TRUE(ratio->pattern);
  EXPECT_EQ(*ratio->pattern, "^[0-9.]+$");
}

TEST(Metadata, DuplicateParameterKeepsTheFirstAndWarns) {
  Contract c = synthetic("DoThing");
  int n = 0;
  for (const auto& p : c.params) n += p.name == "RegionId";
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(find(c, "RegionId")->required);
  bool warned = false;
  for (const auto& w : c.warnings) warned |= w.find("RegionId") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(Metadata, ResponseTreeWithNestingAndArrays) {
  Contract c = synthetic("DoThing");
  ASSERT_EQ(c.response.type, ValueType::object);
  ASSERT_EQ(c.response.children.size(), 3u);
  EXPECT_EQ(c.response.children[0].name, "RequestId");
  EXPECT_EQ(c.response.children[0].type, ValueType::string);
  const ResponseNode& items = c.response.children[1];
  EXPECT_EQ(items.type, ValueType::object);
  ASSERT_EQ(items.children.size(), 1u);
  const ResponseNode& item = items.children[0];
  EXPECT_EQ(item.type, ValueType::array);
  EXPECT_EQ(item.raw_type, "Array of Object");
  ASSERT_EQ(item.children.size(), 2u);
  EXPECT_EQ(item.children[1].name, "Count");
  EXPECT_EQ(item.children[1].type, ValueType::integer);
  EXPECT_EQ(c.response.children[2].raw_type, "Array of String");
}

TEST(Metadata, ExamplesAndRealErrorExamplesOnly) {
  Contract c = synthetic("DoThing");
  ASSERT_TRUE(c.examples.json);
  EXPECT_TRUE(c.examples.json->valid);
  EXPECT_EQ(c.examples.json->body, "{\"RequestId\":\"R1\"}");
  ASSERT_TRUE(c.examples.xml);
  EXPECT_TRUE(c.examples.xml->valid);
  // The JSON errorExample is a real error body; the XML one repeats the success example.
  ASSERT_EQ(c.examples.errors.size(), 1u);
  EXPECT_EQ(c.examples.errors[0].format, "json");
  EXPECT_TRUE(c.examples.requests.empty());
}

TEST(Metadata, ErrorRowsInFileOrderWithDuplicates) {
  Contract c = synthetic("DoThing");
  ASSERT_EQ(c.errors.size(), 4u);
  EXPECT_EQ(c.errors[0].http, 404);
  EXPECT_EQ(c.errors[0].code, "InvalidInstanceId.NotFound");
  EXPECT_EQ(c.errors[0].message, "Not found %s.");
  EXPECT_EQ(c.errors[1].code, "InvalidTagCount");
  EXPECT_EQ(c.errors[2].code, "InvalidTagCount");
  EXPECT_EQ(c.errors[3].http, 403);
  EXPECT_EQ(c.errors[3].http_raw, "403");
}

TEST(Metadata, EntriesWithMissingPiecesAreToleratedWithWarnings) {
  Contract bare = synthetic("Bare");
  EXPECT_TRUE(bare.params.empty());
  EXPECT_TRUE(bare.errors.empty());
  EXPECT_FALSE(bare.warnings.empty());
  EXPECT_EQ(bare.title, "Bare");
  Contract broken = synthetic("Broken");
  EXPECT_FALSE(broken.warnings.empty());
}

TEST(Metadata, NotJsonNamesFileAndLine) {
  auto r = read_metadata("{\n  \"info\": {},\n  \"apis\": {\n    oops\n  }\n}\n", "bad.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "metadata.json");
  EXPECT_EQ(r.error().file, "bad.json");
  EXPECT_EQ(r.error().line, 4);
  EXPECT_NE(r.error().to_string().find("bad.json:4"), std::string::npos);
}

// A number beyond a double's range is an error, not an exception (found by fuzzing).
TEST(Metadata, NumberOverflowIsAnError) {
  auto r = read_metadata("{\"info\": {}, \"apis\": 1e999}", "big.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "metadata.json");
  EXPECT_EQ(r.error().file, "big.json");
}

TEST(Metadata, JsonButNotApiDocs) {
  for (const char* text : {"[1, 2, 3]", "{\"name\": \"package\"}", "{\"apis\": {}}",
                           "{\"apis\": {}, \"info\": {\"style\": \"RPC\"}}"}) {
    auto r = read_metadata(text, "other.json");
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, "metadata.format") << text;
    EXPECT_EQ(r.error().file, "other.json");
  }
}

// A response schema nesting `levels` objects deep ("properties" -> "A" -> "properties" -> ...).
std::string deep_schema(int levels) {
  std::string open, close;
  for (int i = 0; i < levels; ++i) {
    open += R"({"type":"object","properties":{"A":)";
    close += "}}";
  }
  return open + R"({"type":"string"})" + close;
}

std::string two_apis(const std::string& response_schema, const std::string& param_schema) {
  return R"({"info": {"product": "Ecs", "version": "2014-05-26"}, "apis": {
    "Good": {"parameters": [{"name": "RegionId", "in": "query", "schema": {"type": "string"}}],
             "responses": {"200": {"schema": {"type": "object"}}}},
    "Deep/One": {"parameters": [{"name": "P", "in": "query", "schema": )" +
         param_schema + R"(}], "responses": {"200": {"schema": )" + response_schema + R"(}}}}})";
}

// Issue 19, item 2: a schema nesting about 30,000 deep crashed compile. The API is reported with
// product, version and action and the file's other APIs are read.
TEST(Metadata, ATooDeepApiIsSkippedAndNamedTheOthersAreRead) {
  for (const auto& text : {two_apis(deep_schema(30000), R"({"type":"string"})"),
                           two_apis(R"({"type":"object"})", deep_schema(30000))}) {
    std::vector<Error> skipped;
    auto r = read_metadata(text, "deep.json", &skipped);
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].action, "Good");
    ASSERT_EQ(skipped.size(), 1u);
    EXPECT_EQ(skipped[0].code, "metadata.too_deep");
    EXPECT_EQ(skipped[0].file, "deep.json");
    EXPECT_NE(skipped[0].message.find("Ecs 2014-05-26 Deep/One"), std::string::npos)
        << skipped[0].message;
  }
  // Within the limits (the parse's 512 levels, the schema reader's 40) the same shape is read
  // whole: the deepest real file nests 53 JSON levels, its deepest schema 20.
  std::vector<Error> none;
  auto ok = read_metadata(two_apis(deep_schema(30), R"({"type":"string"})"), "ok.json", &none);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 2u);
  EXPECT_TRUE(none.empty());
  // Too deep outside "apis": the file is refused, naming it.
  auto outside = read_metadata(R"({"x": )" + std::string(1000, '[') + std::string(1000, ']') +
                                   R"(, "info": {}, "apis": {}})",
                               "outside.json");
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().code, "metadata.too_deep");
  EXPECT_EQ(outside.error().file, "outside.json");
}

TEST(Metadata, InvalidUtf8InsideJsonIsAnError) {
  std::string text =
      "{\"info\": {\"product\": \"Ecs\", \"version\": \"1\"}, \"apis\": {\"A\xff\": {}}}";
  auto r = read_metadata(text, "utf8.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "metadata.json");
}

// The three real files: every API and every error row, counted from the raw JSON independently.
TEST(Metadata, AllRealApisAndErrorRows) {
  size_t apis = 0, rows = 0, read_rows = 0;
  for (const char* name : {"ecs-2014-05-26.json", "vpc-2016-04-28.json", "ess-2014-08-28.json"}) {
    fs::path path = metadata_dir() / name;
    std::string text = read_text(path);
    ASSERT_FALSE(text.empty()) << path;
    auto raw = nlohmann::json::parse(text);
    auto r = read_metadata(text, path.string());
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_EQ(r->size(), raw["apis"].size()) << name;
    apis += r->size();
    for (const auto& c : *r) {
      const auto& api = raw["apis"][c.action];
      size_t n = 0;
      if (api.contains("errorCodes"))
        for (const auto& [http, list] : api["errorCodes"].items()) n += list.size();
      EXPECT_EQ(c.errors.size(), n) << c.action;
      rows += n;
      read_rows += c.errors.size();
      EXPECT_EQ(c.product, raw["info"]["product"].get<std::string>());
      EXPECT_FALSE(c.endpoint.empty());
      EXPECT_EQ(c.response.type, ValueType::object);
      for (const auto& p : c.params) {
        EXPECT_FALSE(p.name.empty()) << c.action;
        EXPECT_FALSE(p.type.empty()) << c.action << " " << p.name;
      }
    }
  }
  EXPECT_EQ(apis, 807u);
  EXPECT_EQ(read_rows, rows);
  EXPECT_GT(rows, 10000u);
}

TEST(Metadata, RealRemoveTagsReadsLikeThePage) {
  std::string text = read_text(metadata_dir() / "ecs-2014-05-26.json");
  auto r = read_metadata(text, "ecs.json");
  ASSERT_TRUE(r);
  const Contract* c = nullptr;
  for (const auto& x : *r)
    if (x.action == "RemoveTags") c = &x;
  ASSERT_TRUE(c);
  const Param* key = find(*c, "Tag.N.Key");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->repeat->max, 20);
  EXPECT_EQ(key->max_length, 64);
  EXPECT_TRUE(key->non_empty);
  EXPECT_TRUE(find(*c, "RegionId")->required);
  ASSERT_TRUE(c->examples.xml);
  EXPECT_NE(c->examples.xml->body.find("<RemoveTagsResponse>"), std::string::npos);
  ASSERT_EQ(c->errors.size(), 7u);
}

}  // namespace
}  // namespace popcheck::core
