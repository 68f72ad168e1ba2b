// The document readers on the project's own pages (tests/data/pages, tests/data/metadata): one page
// per layout the readers handle, written for popcheck about made-up operations, so that the readers
// are tested on a clone of the project with nothing beside it. Each test states what the page says.
#include <gtest/gtest.h>

#include "core/compile/docs.hpp"
#include "core/compile/metadata.hpp"
#include "core/files.hpp"
#include "tests/support/seeds.hpp"

namespace popcheck::core {
namespace {

using test_support::error_rows;
using test_support::ErrorRows;
using test_support::find_param;
using test_support::Flags;
using test_support::read_own_page;
using test_support::required_flags;
using Rows = ErrorRows;

// Chinese markdown, five-column request table (名称|类型|是否必选|示例值|描述) whose rows close on a
// later line, an enumeration in a cell, HttpCode-first error table, URL, XML and JSON examples.
TEST(OwnPages, ChineseFiveColumnsWithWrappedRows) {
  Contract c = read_own_page("zh-five-columns.md");
  EXPECT_EQ(c.action, "UnbindLabels");
  EXPECT_EQ(c.product, "Ecs");
  EXPECT_EQ(c.source.format, "markdown");
  EXPECT_EQ(c.source.language, "zh");
  EXPECT_EQ(required_flags(c.params), (Flags{{"RegionId", true},
                                             {"GroupId", true},
                                             {"LabelKind", true},
                                             {"Action", false},
                                             {"Label.N.Key", false}}));
  const Param* kind = find_param(c, "LabelKind");
  ASSERT_NE(kind, nullptr);
  EXPECT_EQ(kind->example, "tier");
  EXPECT_EQ(kind->allowed, (std::vector<std::string>{"tier", "owner", "stage"}));
  const Param* key = find_param(c, "Label.N.Key");
  ASSERT_NE(key, nullptr);
  ASSERT_TRUE(key->repeat);
  EXPECT_EQ(key->repeat->min, 1);
  EXPECT_EQ(key->repeat->max, 10);
  EXPECT_EQ(key->max_length, 32);

  EXPECT_EQ(
      error_rows(c),
      (Rows{{404, "InvalidGroupId.NotFound", "The resource group does not exist."},
            {400, "InvalidLabelKind.Unknown", "The label kind is not one of the documented kinds."},
            {400, "InvalidGroupId.NotFound", "The resource group id is malformed."}}));
  EXPECT_EQ(c.errors[0].description, "资源组不存在。");

  ASSERT_EQ(c.examples.requests.size(), 1u);
  EXPECT_EQ(c.examples.request_params,
            (Params{{"Action", "UnbindLabels"},
                    {"RegionId", "cn-qingdao"},
                    {"GroupId", "rg-7f3k2m"},
                    {"LabelKind", "tier"},
                    {"Label.1.Key", "team"}}));  // the <公共请求参数> placeholder is dropped
  ASSERT_TRUE(c.examples.json && c.examples.xml);
  EXPECT_TRUE(c.examples.json->valid);
  EXPECT_TRUE(c.examples.xml->valid);
  EXPECT_EQ(json_top_keys(c.examples.json->body), (std::vector<std::string>{"RequestId"}));
  ASSERT_EQ(c.response.children.size(), 1u);
  EXPECT_EQ(c.response.children[0].name, "RequestId");
}

// Chinese markdown, four-column request table without examples (是否必需), the error table with the
// code first and the status third (错误代码|错误信息|HTTP 状态码|说明), a response section in prose.
TEST(OwnPages, ChineseFourColumnsCodeFirstErrors) {
  Contract c = read_own_page("zh-four-columns.md");
  EXPECT_EQ(c.action, "ReleaseVolume");
  EXPECT_EQ(c.source.language, "zh");
  EXPECT_EQ(required_flags(c.params),
            (Flags{{"Action", true}, {"VolumeId", true}, {"Force", false}}));
  const Param* force = find_param(c, "Force");
  ASSERT_NE(force, nullptr);
  EXPECT_EQ(force->type.spelling(), "Boolean");
  EXPECT_TRUE(force->example.empty());
  EXPECT_EQ(error_rows(c),
            (Rows{{403, "IncorrectVolumeStatus", "The volume is still attached."},
                  {404, "InvalidVolumeId.NotFound", "The specified VolumeId does not exist."}}));
  EXPECT_EQ(c.errors[1].description, "数据卷不存在。");
  EXPECT_EQ(c.examples.request_params,
            (Params{{"Action", "ReleaseVolume"}, {"VolumeId", "vol-2b8x"}}));
  ASSERT_TRUE(c.examples.json);
  EXPECT_TRUE(c.examples.json->valid);
  EXPECT_FALSE(c.examples.xml);
}

// Chinese markdown whose error table has one cell per line, header included.
TEST(OwnPages, ChineseOneCellPerLineErrorTable) {
  Contract c = read_own_page("zh-cell-per-line.md");
  EXPECT_EQ(c.action, "ShrinkPool");
  EXPECT_EQ(c.product, "Ess");
  EXPECT_EQ(required_flags(c.params), (Flags{{"PoolId", true}, {"MachineId.N", true}}));
  const Param* ids = find_param(c, "MachineId.N");
  ASSERT_NE(ids, nullptr);
  EXPECT_EQ(ids->type.spelling(), "RepeatList");
  ASSERT_TRUE(ids->repeat);
  EXPECT_EQ(ids->repeat->max, 5);
  EXPECT_EQ(error_rows(c),
            (Rows{{404, "InvalidPoolId.NotFound", "The pool does not exist."},
                  {403, "IncorrectPoolStatus", "The pool is busy with another activity."}}));
  EXPECT_EQ(c.errors[1].description, "伸缩池正在执行其他伸缩活动。");
}

// English markdown: Name|Type|Required|Example|Description, status-first error table, examples.
TEST(OwnPages, EnglishMarkdown) {
  Contract c = read_own_page("en.md");
  EXPECT_EQ(c.action, "ResizeWidget");
  EXPECT_EQ(c.source.format, "markdown");
  EXPECT_EQ(c.source.language, "en");
  EXPECT_EQ(c.endpoint, "ecs.aliyuncs.com");
  EXPECT_EQ(required_flags(c.params),
            (Flags{{"Action", true}, {"RegionId", true}, {"WidgetId", true}, {"Size", false}}));
  const Param* size = find_param(c, "Size");
  ASSERT_NE(size, nullptr);
  EXPECT_EQ(size->type.spelling(), "Integer");
  EXPECT_EQ(size->example, "40");
  EXPECT_EQ(error_rows(c),
            (Rows{{400, "InvalidSize.OutOfRange", "The size is out of range."},
                  {404, "InvalidWidgetId.NotFound", "The specified widget does not exist."}}));
  EXPECT_EQ(c.examples.request_params, (Params{{"Action", "ResizeWidget"},
                                               {"RegionId", "cn-beijing"},
                                               {"WidgetId", "w-5q8r"},
                                               {"Size", "40"}}));
  ASSERT_TRUE(c.examples.json && c.examples.xml);
  EXPECT_TRUE(c.examples.json->valid);
  EXPECT_TRUE(c.examples.xml->valid);
}

// The plain-text copy of a web page: space-separated rows with the description on the lines after,
// a bulleted list of values, "HTTP/1.1 200 OK" before the JSON example, a space-separated error table.
TEST(OwnPages, PlainTextWebPage) {
  Contract c = read_own_page("plain.txt");
  EXPECT_EQ(c.source.format, "plaintext");
  EXPECT_EQ(c.source.language, "en");
  EXPECT_EQ(c.action, "LabelGateways");
  EXPECT_EQ(required_flags(c.params),
            (Flags{{"Action", true}, {"RegionId", true}, {"GatewayId.N", true}, {"Label", false}}));
  const Param* label = find_param(c, "Label");
  ASSERT_NE(label, nullptr);
  EXPECT_EQ(label->example, "blue");
  EXPECT_EQ(label->allowed, (std::vector<std::string>{"blue", "green"}));
  const Param* ids = find_param(c, "GatewayId.N");
  ASSERT_NE(ids, nullptr);
  EXPECT_EQ(ids->example, "gw-3c9x****");
  EXPECT_NE(ids->description.find("up to 10 IDs"), std::string::npos) << ids->description;
  EXPECT_EQ(error_rows(c),
            (Rows{{400, "InvalidLabel.Unknown", "The label is not one of the documented labels."},
                  {404, "InvalidGatewayId.NotFound", "The gateway does not exist."}}));
  ASSERT_TRUE(c.examples.json);
  EXPECT_EQ(json_top_keys(c.examples.json->body), (std::vector<std::string>{"RequestId"}));
}

// A small api-docs.json: product and version from info, parameters with their required flags, a
// repeat list, numeric bounds, the examples of responseDemo, error rows by status.
TEST(OwnPages, SmallApiDocsJson) {
  std::string path = (test_support::pages_dir() / "metadata" / "sample-api-docs.json").string();
  auto text = read_file(path);
  ASSERT_TRUE(text) << text.error().to_string();
  auto r = read_metadata(*text, path);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->size(), 2u);
  const Contract& c = (*r)[0];
  EXPECT_EQ(c.action, "OpenPool");
  EXPECT_EQ(c.product, "Ess");
  EXPECT_EQ(c.version, "2014-08-28");
  EXPECT_EQ(c.endpoint, "ess.aliyuncs.com");
  EXPECT_EQ(c.source.format, "metadata");
  EXPECT_EQ(c.source.language, "en");
  EXPECT_EQ(
      required_flags(c.params),
      (Flags{
          {"RegionId", true}, {"PoolName", false}, {"MachineType.N", true}, {"Capacity", false}}));
  const Param* types = find_param(c, "MachineType.N");
  ASSERT_NE(types, nullptr);
  EXPECT_EQ(types->type.spelling(), "RepeatList");
  ASSERT_TRUE(types->repeat);
  EXPECT_EQ(types->repeat->max, 4);
  const Param* cap = find_param(c, "Capacity");
  ASSERT_NE(cap, nullptr);
  EXPECT_EQ(cap->minimum, 1);
  EXPECT_EQ(cap->maximum, 50);
  EXPECT_EQ(cap->example, "8");
  EXPECT_EQ(error_rows(c), (Rows{{400, "InvalidPoolName.Malformed", "The pool name is not valid."},
                                 {400, "QuotaExceeded.Pool", "You cannot open more than %s pools."},
                                 {404, "InvalidRegionId.NotFound", "The region does not exist."}}));
  ASSERT_TRUE(c.examples.json && c.examples.xml);
  EXPECT_EQ(json_top_keys(c.examples.json->body),
            (std::vector<std::string>{"RequestId", "PoolId"}));
  EXPECT_TRUE(c.examples.xml->valid);
  ASSERT_EQ(c.response.children.size(), 2u);
  EXPECT_EQ(c.response.children[1].name, "PoolId");

  const Contract& close = (*r)[1];
  EXPECT_EQ(close.action, "ClosePool");
  EXPECT_FALSE(close.examples.json);
  EXPECT_EQ(error_rows(close), (Rows{{403, "IncorrectPoolStatus", "The pool is not empty."}}));
}

}  // namespace
}  // namespace popcheck::core
