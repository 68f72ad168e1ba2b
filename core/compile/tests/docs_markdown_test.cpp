// The reading rules of the markdown and plain-text readers, each on a small page written for the
// rule, so that a family of pages (not one corpus file) is what the test pins down.
#include <gtest/gtest.h>

#include "core/compile/docs.hpp"

namespace popcheck::core {
namespace {

Contract read_ok(const std::string& text, const ReadOptions& o = {}) {
  auto c = read_document(text, "page.md", o);
  EXPECT_TRUE(c) << c.error().to_string();
  return c ? *c : Contract{};
}

std::string zh_page(const std::string& request_rows, const std::string& rest = "") {
  return "# DoThing {#doc_api_Ecs_DoThing .reference}\n\n## 请求参数 {#parameters .section}\n\n"
         "|名称|类型|是否必选|示例值|描述|\n|--|--|----|---|--|\n" +
         request_rows + "\n" + rest;
}

TEST(DocsMarkdown, PipeInsideACellIsFoldedIntoTheProse) {
  Contract c =
      read_ok(zh_page("|Mode|String|是|a|取值：a|b 或者 c。|\n|Next|Integer|否|1|下一个。|\n"));
  ASSERT_EQ(c.params.size(), 2u);
  EXPECT_EQ(c.params[0].name, "Mode");
  EXPECT_TRUE(c.params[0].required);
  EXPECT_EQ(c.params[0].example, "a");
  EXPECT_EQ(c.params[0].description, "取值：a|b 或者 c。");
  EXPECT_EQ(c.params[1].name, "Next");
}

TEST(DocsMarkdown, PipesInsideFencedCodeInACellDoNotSplitIt) {
  Contract c = read_ok(
      zh_page("|UserData|String|否|x|示例：\n\n```\necho a | grep b\n# not a heading\n``` |\n"
              "|After|String|否|y|之后。|\n"));
  ASSERT_EQ(c.params.size(), 2u);
  EXPECT_NE(c.params[0].description.find("echo a | grep b"), std::string::npos);
  EXPECT_EQ(c.params[1].name, "After");
}

TEST(DocsMarkdown, MultiLineCellsAndOneCellPerLineRows) {
  std::string page =
      zh_page("|RegionId|String|是|cn-hangzhou|地域。\n\n 第二段。\n\n |\n",
              "## 错误码\n\n|HttpCode\n\n|错误码\n\n|错误信息\n\n|描述\n\n|\n"
              "|---|---|---|---|\n|404\n\n|Bad.Thing\n\n|It is bad.\n\n|坏了。\n\n|\n"
              "|400\n\n|Other\n\n|Other message\nover two lines.\n\n|其他。\n\n|\n");
  Contract c = read_ok(page);
  ASSERT_EQ(c.params.size(), 1u);
  EXPECT_EQ(c.params[0].description, "地域。\n\n第二段。");
  ASSERT_EQ(c.errors.size(), 2u);
  EXPECT_EQ(c.errors[0].http, 404);
  EXPECT_EQ(c.errors[0].code, "Bad.Thing");
  EXPECT_EQ(c.errors[0].message, "It is bad.");
  EXPECT_EQ(c.errors[1].message, "Other message over two lines.");
  EXPECT_EQ(c.errors[1].description, "其他。");
}

TEST(DocsMarkdown, ShortOneLineRowDoesNotSwallowTheNextRow) {
  Contract c = read_ok(zh_page("|A|String|是|\n|B|String|否|b|说明。|\n"));
  ASSERT_EQ(c.params.size(), 2u);
  EXPECT_EQ(c.params[0].name, "A");
  EXPECT_EQ(c.params[0].description, "");
  EXPECT_EQ(c.params[1].name, "B");
}

TEST(DocsMarkdown, EnglishLayoutWithPositionColumnAndNestedResponse) {
  std::string page =
      "# ListThings\n\n## Request parameters\n\n|Parameter|Position|Type|Required|Example|Description|\n"
      "|---|---|---|---|---|---|\n|RegionId|Query|String|Yes|cn-hangzhou|The region.|\n"
      "|PageSize|Query|Integer|No|10|Valid values: 1 to 50.|\n\n"
      "## Response parameters\n\n|Parameter|Type|Example|Description|\n|---|---|---|---|\n"
      "|RequestId|String|abc|The request ID.|\n|Things|Array of Thing| |The things.|\n"
      "|└ThingId|String|t-1|The ID.|\n|└Size|Long|3|The size.|\n|TotalCount|Integer|2|Total.|\n\n"
      "## Examples\n\nSample request\n\n```\nhttps://ecs.aliyuncs.com/?Action=ListThings&RegionId=cn-hangzhou"
      "&PageSize=10&<Common request parameters>\n```\n";
  Contract c = read_ok(page);
  EXPECT_EQ(c.source.language, "en");
  ASSERT_EQ(c.params.size(), 2u);
  EXPECT_EQ(c.params[0].position, "Query");
  EXPECT_TRUE(c.params[0].required);
  EXPECT_EQ(c.params[1].type.spelling(), "Integer");
  EXPECT_EQ(c.params[1].minimum, 1.0);
  EXPECT_EQ(c.params[1].maximum, 50.0);
  ASSERT_EQ(c.response.children.size(), 3u);
  const ResponseNode& things = c.response.children[1];
  EXPECT_EQ(things.name, "Things");
  EXPECT_EQ(things.type, ValueType::array);
  EXPECT_EQ(things.raw_type, "Array of Thing");
  ASSERT_EQ(things.children.size(), 2u);
  EXPECT_EQ(things.children[1].name, "Size");
  EXPECT_EQ(things.children[1].type, ValueType::integer);
  EXPECT_EQ(c.response.children[2].name, "TotalCount");
  EXPECT_EQ(c.product, "Ecs");  // from the request example's host
  EXPECT_EQ(c.endpoint, "ecs.aliyuncs.com");
  EXPECT_EQ(c.examples.request_params,
            (Params{{"Action", "ListThings"}, {"RegionId", "cn-hangzhou"}, {"PageSize", "10"}}));
}

TEST(DocsMarkdown, SetSectionsNestUnderTheFieldThatRefersToThem) {
  std::string page =
      "# DescribeThings\n\n## 请求参数\n\n|名称|类型|是否必选|描述|\n|:-|:-|:-|:-|\n|RegionId|String|是|x|\n\n"
      "## 返回参数\n\n|名称|类型|描述|\n|:-|:-|:-|\n|RequestId|String|x|\n"
      "|Models|Array of [ModelSet](#a)|x|\n\n## ModelSet {#a}\n\n|名称|类型|描述|\n|:-|:-|:-|\n"
      "|Id|String|x|\n|Types|Array of [TypeSet](#b)|x|\n\n## TypeSet {#b}\n\n|名称|类型|描述|\n"
      "|:-|:-|:-|\n|Type|String|x|\n";
  Contract c = read_ok(page);
  ASSERT_EQ(c.response.children.size(), 2u);
  const ResponseNode& models = c.response.children[1];
  EXPECT_EQ(models.type, ValueType::array);
  ASSERT_EQ(models.children.size(), 2u);
  EXPECT_EQ(models.children[0].name, "Id");
  ASSERT_EQ(models.children[1].children.size(), 1u);
  EXPECT_EQ(models.children[1].children[0].name, "Type");
}

TEST(DocsMarkdown, ExamplesWithAndWithoutInfoStringsInvalidJsonAndErrorExamples) {
  std::string page = zh_page(
      "|Action|String|是|DoThing|系统规定参数。|\n",
      "## 示例\n\n**请求示例**\n\n```\nhttps://ecs.aliyuncs.com/?Action=DoThing\n&Name=a%20b\n"
      "&<公共请求参数>\n```\n\n**正常返回示例**\n\n**XML 格式**\n\n```language-xml\nHTTP/1.1 200 OK\n"
      "Content-Type:application/xml\n\n<DoThingResponse>\n  <RequestId>r</RequestId>\n"
      "</DoThingResponse>\n```\n\n**JSON 格式**\n\n```json\n{\n  \" Spaced\": 1\n  \"RequestId\": \"r\"\n"
      "  \"Nested\": {\"Inner\": 2}\n}\n```\n\n**异常返回示例**\n\n```\n<Error>\n<Code>X</Code>\n</Error>\n"
      "```\n\n```\n{\"RequestId\": \"r\", \"HostId\": \"h\", \"Code\": \"X\", \"Message\": \"m\"}\n```\n");
  Contract c = read_ok(page);
  ASSERT_EQ(c.examples.requests.size(), 1u);
  EXPECT_EQ(c.examples.request_params, (Params{{"Action", "DoThing"}, {"Name", "a b"}}));
  ASSERT_TRUE(c.examples.xml);
  EXPECT_TRUE(c.examples.xml->valid);
  ASSERT_TRUE(c.examples.json);
  EXPECT_FALSE(c.examples.json->valid);
  EXPECT_EQ(json_top_keys(c.examples.json->body),
            (std::vector<std::string>{" Spaced", "RequestId", "Nested"}));
  EXPECT_EQ(c.examples.errors.size(), 2u);
  bool warned = false;
  for (const auto& w : c.warnings) warned |= w.find("not valid JSON") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(DocsMarkdown, CrlfLineEndingsAndByteOrderMarkReadTheSame) {
  std::string page = zh_page("|RegionId|String|是|cn-hangzhou|地域。\n\n 第二段。\n\n |\n",
                             "## 错误码\n\n|HttpCode|错误码|错误信息|描述|\n|--|--|--|--|\n"
                             "|404|Bad.Thing|It is bad.|坏了。|\n");
  std::string crlf = "\xEF\xBB\xBF";
  for (char ch : page) {
    if (ch == '\n') crlf += '\r';
    crlf += ch;
  }
  Contract a = read_ok(page), b = read_ok(crlf);
  EXPECT_EQ(to_json(a).dump(), to_json(b).dump());
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_EQ(b.errors[0].description, "坏了。");
}

TEST(DocsMarkdown, ProseMentioningErrorsDoesNotTurnSuccessExamplesIntoErrors) {
  std::string page = zh_page(
      "|A|String|是|a|说明。|\n",
      "## Examples\n\nThe following sample shows a successful call; if the call fails, an error code "
      "and an error message are returned instead, as described in the error code section below.\n\n"
      "```\n{\"RequestId\": \"r\"}\n```\n");
  Contract c = read_ok(page);
  ASSERT_TRUE(c.examples.json);
  EXPECT_TRUE(c.examples.errors.empty());
}

TEST(DocsMarkdown, PathologicalShapesStayReadable) {
  // Many tables whose rows are short and followed by prose: each short row stands on its own.
  std::string page = "# DoThing\n\n## 请求参数\n\n";
  for (int i = 0; i < 2000; ++i)
    page += "|名称|类型|是否必选|描述|\n|--|--|--|--|\n|P" + std::to_string(i) +
            "|String|是|\nprose\n\n";
  Contract c = read_ok(page);
  ASSERT_EQ(c.params.size(), 2000u);
  EXPECT_EQ(c.params[1999].name, "P1999");
  EXPECT_EQ(c.params[1999].table, 1999);
  EXPECT_EQ(c.params[1000].description, "");
  EXPECT_TRUE(c.params[1000].required);
}

TEST(DocsMarkdown, JsonTopKeys) {
  EXPECT_EQ(json_top_keys("{\"b\": {\"x\": 1}, \"a\": [1, {\"y\": 2}]}"),
            (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(
      json_top_keys("HTTP/1.1 200 OK\nContent-Type:application/json\n\n{\"RequestId\": \"r\"}"),
      (std::vector<std::string>{"RequestId"}));
  EXPECT_EQ(json_top_keys("\"RequestId\" : \"r\",\n\"Total\": 1"),
            (std::vector<std::string>{"RequestId", "Total"}));
  EXPECT_EQ(json_top_keys("{\"a\": \"has \"quotes\" inside\",\n \"b\": {\"c\": 1}\n}"),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(json_top_keys("[1, 2]").empty());
}

TEST(DocsMarkdown, ActionRuleAndConflictWarning) {
  // Not action-shaped title: the Action row's description names it.
  std::string p1 =
      "# 删除一个东西\n\n## 请求参数\n\n|名称|类型|是否必选|描述|\n|:-|:-|:-|:-|\n"
      "|Action|String|是|操作接口名，取值：DeleteThing。|\n";
  EXPECT_EQ(read_ok(p1).action, "DeleteThing");
  // Title and request example disagree: the title wins and a warning says so.
  std::string p2 =
      "# DeleteThing\n\n## Request parameters\n\n|Name|Type|Required|Description|\n|-|-|-|-|\n"
      "|Id|String|Yes|x|\n\n## Examples\n\n```\nhttp://ess.aliyuncs.com/?Action=DeleteThings\n```\n";
  Contract c = read_ok(p2);
  EXPECT_EQ(c.action, "DeleteThing");
  ASSERT_FALSE(c.warnings.empty());
  EXPECT_NE(c.warnings.front().find("DeleteThings"), std::string::npos);
  EXPECT_EQ(c.product, "Ess");
  // Neither title nor Action row: the request example names it.
  std::string p3 =
      "# Delete a thing\n\n## Request parameters\n\n|Name|Type|Required|Description|\n|-|-|-|-|\n"
      "|Id|String|Yes|x|\n\n## Request example\n\n```\nhttp://ess.aliyuncs.com/?Action=DeleteThing\n```\n";
  EXPECT_EQ(read_ok(p3).action, "DeleteThing");
}

TEST(DocsMarkdown, SwappedErrorLabelsAreReadByContent) {
  // The ESS header families whose labels do not match their columns: the API message is the column
  // right after the code.
  std::string en =
      "# DoThing\n\n## Request parameters\n\n|Name|Type|Required|Description|\n|-|-|-|-|\n|A|String|Yes|x|\n\n"
      "## Error codes\n\n|Error message|Error code|Description|HTTP status code|\n|-|-|-|-|\n"
      "|The group does not exist in this account.|InvalidGroupId.NotFound|The specified group does not "
      "exist.|404|\n";
  Contract c = read_ok(en);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].message, "The specified group does not exist.");
  EXPECT_EQ(c.errors[0].description, "The group does not exist in this account.");
  EXPECT_EQ(c.errors[0].http, 404);
  std::string zh =
      "# DoThing\n\n## 请求参数\n\n|名称|类型|是否必选|描述|\n|-|-|-|-|\n|A|String|是|x|\n\n"
      "## 错误码\n\n|错误|错误代码|描述|HTTP状态码|\n|-|-|-|-|\n|组不存在|InvalidGroupId.NotFound|The "
      "specified group does not exist.|404|\n";
  Contract z = read_ok(zh);
  ASSERT_EQ(z.errors.size(), 1u);
  EXPECT_EQ(z.errors[0].message, "The specified group does not exist.");
  EXPECT_EQ(z.errors[0].description, "组不存在");
  // A correctly labelled table is read by its labels.
  std::string ok =
      "# DoThing\n\n## 请求参数\n\n|名称|类型|是否必选|描述|\n|-|-|-|-|\n|A|String|是|x|\n\n"
      "## 错误码\n\n|错误代码|错误信息|HTTP 状态码|说明|\n|-|-|-|-|\n|Bad|The message.|403|说明。|\n";
  Contract o = read_ok(ok);
  ASSERT_EQ(o.errors.size(), 1u);
  EXPECT_EQ(o.errors[0].message, "The message.");
  EXPECT_EQ(o.errors[0].http, 403);
  EXPECT_TRUE(o.warnings.empty());
}

TEST(DocsMarkdown, HeadingsInsideCodeFencesDoNotSplitSections) {
  std::string page =
      zh_page("|A|String|是|a|说明。|\n",
              "## 示例\n\n```\n# 这不是标题\nhttps://ecs.aliyuncs.com/?Action=DoThing\n```\n");
  Contract c = read_ok(page);
  ASSERT_EQ(c.examples.requests.size(), 1u);
  EXPECT_NE(c.examples.requests[0].body.find("# 这不是标题"), std::string::npos);
}

TEST(DocsMarkdown, OptionsOverrideWhatThePageSays) {
  ReadOptions o;
  o.product = "Vpc";
  o.version = "2016-04-28";
  Contract c = read_ok(zh_page("|A|String|是|a|说明。|\n"), o);
  EXPECT_EQ(c.product, "Vpc");
  EXPECT_EQ(c.version, "2016-04-28");
  Contract d = read_ok(zh_page("|A|String|是|a|说明。|\n"));
  EXPECT_EQ(d.product, "Ecs");  // from the {#doc_api_Ecs_...} anchor
}

TEST(DocsPlaintext, AnotherPageOfTheWebCopyFamily) {
  // A second page of seed 001's family: detection, row shapes, description paragraphs, and the three
  // message/description split rules.
  std::string page =
      "Deletes a thing.\n\nRequest parameters\n\nParameter Type Required Example Description\n"
      "Action String Yes DeleteThing\n\nThe operation. Set the value to DeleteThing.\n\n"
      "ThingId.N String Yes t-1\n\nThe IDs. You can specify up to 10 IDs.\n\n"
      "DryRun Boolean No\n\nWhether to check only.\n\n"
      "Tags array of Tag No\n\nThe tags, written the newer way (lower-case type over three words).\n\n"
      "Response parameters\n\n"
      "Parameter Type Example Description\nRequestId String r-1\n\nThe request ID.\n"
      "The string is a UUID and is returned for every call.\n"
      "Items array of Item\n\nThe items.\n\n"
      "Error codes\n\nHttpCode Error code Error message Description\n"
      "404 InvalidThingId.NotFound The thing does not exist The error message returned because the "
      "thing is missing.\n"
      "400 Bad.Value The value is bad. Check the value and try again.\n"
      "403 Forbidden User not authorized. 您没有权限。\n"
      "500 InternalError The request processing has failed due to some unknown error.\n";
  auto r = read_document(page, "thing.txt");
  ASSERT_TRUE(r) << r.error().to_string();
  const Contract& c = *r;
  EXPECT_EQ(c.source.format, "plaintext");
  EXPECT_EQ(c.action, "DeleteThing");
  ASSERT_EQ(c.params.size(), 4u);
  EXPECT_EQ(c.params[3].name, "Tags");
  EXPECT_EQ(c.params[3].type.spelling(), "array of Tag");
  EXPECT_FALSE(c.params[3].required);
  ASSERT_EQ(c.response.children.size(), 2u);
  EXPECT_EQ(c.response.children[1].type, ValueType::array);
  EXPECT_EQ(c.response.children[1].example, "");
  EXPECT_EQ(c.response.children[0].description,
            "The request ID.\nThe string is a UUID and is returned for every call.");
  EXPECT_EQ(c.params[1].name, "ThingId.N");
  ASSERT_TRUE(c.params[1].repeat);
  EXPECT_EQ(c.params[1].repeat->max, 10);
  EXPECT_EQ(c.params[2].name, "DryRun");
  EXPECT_FALSE(c.params[2].required);
  EXPECT_EQ(c.params[2].example, "");
  EXPECT_EQ(c.params[2].description, "Whether to check only.");
  ASSERT_EQ(c.errors.size(), 4u);
  EXPECT_EQ(c.errors[0].message, "The thing does not exist");
  EXPECT_EQ(c.errors[0].description, "The error message returned because the thing is missing.");
  EXPECT_EQ(c.errors[1].message, "The value is bad.");
  EXPECT_EQ(c.errors[1].description, "Check the value and try again.");
  EXPECT_EQ(c.errors[2].message, "User not authorized.");
  EXPECT_EQ(c.errors[2].description, "您没有权限。");
  EXPECT_EQ(c.errors[3].message, "The request processing has failed due to some unknown error.");
  EXPECT_EQ(c.errors[3].description, "");
}

}  // namespace
}  // namespace popcheck::core
