// Each seed page compiles completely: every parameter row, every example, every error row, the
// constraints the prose states. The expected values are read off the seed pages themselves.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "core/compile/docs.hpp"
#include "core/files.hpp"
#include "tests/support/seeds.hpp"

namespace popcheck::core {
namespace {

namespace fs = std::filesystem;

using test_support::find_param;
using test_support::read_seed;

std::vector<std::string> names(const Contract& c) {
  std::vector<std::string> out;
  for (const auto& p : c.params) out.push_back(p.name);
  return out;
}

TEST(DocsSeeds, Seed000RemoveTags) {
  POPCHECK_NEEDS_SHARED();
  Contract c = read_seed("000");
  EXPECT_EQ(c.action, "RemoveTags");
  EXPECT_EQ(c.product, "Ecs");
  EXPECT_EQ(c.endpoint, "ecs.aliyuncs.com");
  EXPECT_EQ(c.source.format, "markdown");
  EXPECT_EQ(c.source.language, "zh");
  EXPECT_EQ(names(c),
            (std::vector<std::string>{"RegionId", "ResourceId", "ResourceType", "Action",
                                      "Tag.N.Key", "Tag.N.Value", "Tag.N.key", "Tag.N.value"}));
  const Param* key = find_param(c, "Tag.N.Key");
  ASSERT_NE(key, nullptr);
  ASSERT_TRUE(key->repeat);
  EXPECT_EQ(key->repeat->min, 1);
  EXPECT_EQ(key->repeat->max, 20);
  EXPECT_EQ(key->max_length, 64);
  EXPECT_EQ(key->forbidden_prefixes, (std::vector<std::string>{"aliyun", "acs:"}));
  EXPECT_EQ(key->forbidden_substrings, (std::vector<std::string>{"http://", "https://"}));
  EXPECT_TRUE(key->non_empty);
  EXPECT_EQ(key->example, "Finance");
  const Param* value = find_param(c, "Tag.N.Value");
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(value->max_length, 128);
  EXPECT_FALSE(value->non_empty);
  const Param* type = find_param(c, "ResourceType");
  ASSERT_NE(type, nullptr);
  EXPECT_TRUE(type->required);
  EXPECT_EQ(type->allowed,
            (std::vector<std::string>{"disk", "instance", "image", "securitygroup", "snapshot"}));

  ASSERT_EQ(c.examples.requests.size(), 1u);
  EXPECT_EQ(c.examples.request_params.front(),
            (std::pair<std::string, std::string>{"Action", "RemoveTags"}));
  EXPECT_EQ(c.examples.request_params.size(), 8u);  // the <公共请求参数> placeholder is dropped
  ASSERT_TRUE(c.examples.json);
  ASSERT_TRUE(c.examples.xml);
  EXPECT_TRUE(c.examples.json->valid);
  EXPECT_TRUE(c.examples.xml->valid);
  EXPECT_EQ(json_top_keys(c.examples.json->body), (std::vector<std::string>{"RequestId"}));

  ASSERT_EQ(c.errors.size(), 7u);
  EXPECT_EQ(c.errors[0].http, 404);
  EXPECT_EQ(c.errors[0].code, "InvalidResourceId.NotFound");
  EXPECT_EQ(c.errors[0].message, "The specified ResourceId is not found in our records.");
  EXPECT_EQ(c.errors[0].description, "指定的资源不存在，请您检查该资源是否正确。");
  // The duplicated code with another message stays a separate row.
  EXPECT_EQ(c.errors[2].code, "InvalidResourceType.NotFound");
  EXPECT_EQ(c.errors[6].code, "InvalidResourceType.NotFound");
  EXPECT_NE(c.errors[2].message, c.errors[6].message);

  ASSERT_EQ(c.response.children.size(), 1u);
  EXPECT_EQ(c.response.children[0].name, "RequestId");
  EXPECT_EQ(c.response.children[0].type, ValueType::string);
  EXPECT_EQ(c.response.children[0].raw_type, "String");
}

TEST(DocsSeeds, Seed001PlainTextTagResources) {
  POPCHECK_NEEDS_SHARED();
  Contract c = read_seed("001");
  EXPECT_EQ(c.source.format, "plaintext");
  EXPECT_EQ(c.source.language, "en");
  EXPECT_EQ(c.action, "TagResources");
  ASSERT_EQ(c.params.size(), 6u);
  std::vector<std::pair<std::string, bool>> flags;
  for (const auto& p : c.params) flags.emplace_back(p.name, p.required);
  EXPECT_EQ(flags, (std::vector<std::pair<std::string, bool>>{{"ResourceType", true},
                                                              {"RegionId", true},
                                                              {"Action", true},
                                                              {"ResourceId.N", true},
                                                              {"Tag.N.Key", false},
                                                              {"Tag.N.Value", false}}));
  const Param* rt = find_param(c, "ResourceType");
  ASSERT_NE(rt, nullptr);
  EXPECT_EQ(rt->example, "VPC");
  EXPECT_EQ(rt->allowed, (std::vector<std::string>{"VPC", "VSWITCH", "ROUTETABLE", "EIP",
                                                   "VpnGateway", "NATGATEWAY"}));
  const Param* id = find_param(c, "ResourceId.N");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->example, "vpc-bp16qjewdsunr41m1****");
  ASSERT_TRUE(id->repeat);
  EXPECT_EQ(id->repeat->max, 20);
  const Param* key = find_param(c, "Tag.N.Key");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->max_length, 64);
  EXPECT_EQ(key->forbidden_prefixes, (std::vector<std::string>{"aliyun", "acs:"}));
  EXPECT_EQ(key->forbidden_substrings, (std::vector<std::string>{"http://", "https://"}));
  EXPECT_TRUE(key->non_empty);
  const Param* value = find_param(c, "Tag.N.Value");
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(value->max_length, 128);
  EXPECT_FALSE(value->non_empty);
  EXPECT_NE(value->description.find("can be an empty string"), std::string::npos);

  ASSERT_EQ(c.response.children.size(), 1u);
  EXPECT_EQ(c.response.children[0].name, "RequestId");

  ASSERT_TRUE(c.examples.json);
  EXPECT_EQ(json_top_keys(c.examples.json->body), (std::vector<std::string>{"RequestId"}));
  EXPECT_FALSE(c.examples.xml);  // the web copy's XML sample lost its body

  struct Want {
    int http;
    const char* code;
    const char* message;
  };
  const std::vector<Want> want = {
      {400, "InvalidTagKey", "The tag keys are not valid."},
      {400, "InvalidTagValue", "The tag values are not valid."},
      {400, "InvalidInstanceType.NotFound", "The instance type is not found"},
      {400, "InvalidInstanceIds.NotFound", "The instanceIds are not found"},
      {400, "Forbidden.TagKeys", "The request do not allow to operate the tag keys"},
      {400, "QuotaExceeded.TagNum", "Custom Tags quota exceeded"},
      {400, "InvalidTagScope.NotFound", "The tag scope is not found"},
      {400, "Forbidden.TagKey.Duplicated", "The specified tag key already exists."},
      {400, "SizeLimitExceeded.TagNum", "The maximum number of tags is exceeded."},
      {400, "SizeLimitExceeded.ResourceId", "The maximum number of resource IDs is exceeded."},
      {400, "MissingParameter.TagValue",
       "The input parameter TagValue that is mandatory for processing this request is not supplied."},
      {400, "MissingParameter.TagKey",
       "The input parameter TagKey that is mandatory for processing this request is not supplied."},
      {403, "Forbidden", "User not authorized to operate on the specified resource."},
  };
  ASSERT_EQ(c.errors.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(c.errors[i].http, want[i].http) << i;
    EXPECT_EQ(c.errors[i].code, want[i].code) << i;
    EXPECT_EQ(c.errors[i].message, want[i].message) << i;
    EXPECT_TRUE(c.errors[i].description.starts_with("The error message returned because")) << i;
  }
  EXPECT_TRUE(
      c.errors.back().description.ends_with("Acquire the required permissions and try again."));
}

TEST(DocsSeeds, Seed001ProductComesFromOptions) {
  POPCHECK_NEEDS_SHARED();
  // The web copy names no product, host or version; the caller's flags supply them.
  ReadOptions o;
  o.product = "Vpc";
  o.version = "2016-04-28";
  Contract c = read_seed("001", o);
  EXPECT_EQ(c.product, "Vpc");
  EXPECT_EQ(c.version, "2016-04-28");
}

TEST(DocsSeeds, Seed002DetachDisk) {
  POPCHECK_NEEDS_SHARED();
  Contract c = read_seed("002");
  EXPECT_EQ(c.action, "DetachDisk");
  EXPECT_EQ(names(c), (std::vector<std::string>{"Action", "InstanceId", "DiskId"}));
  for (const auto& p : c.params) EXPECT_TRUE(p.required) << p.name;
  ASSERT_EQ(c.errors.size(), 10u);
  // Columns by label: 错误代码|错误信息|HTTP 状态码|说明.
  EXPECT_EQ(c.errors[0].code, "InvalidParameter");
  EXPECT_EQ(c.errors[0].http, 400);
  EXPECT_EQ(c.errors[4].description, "磁盘必须已经挂载到实例上，状态为 **使用中**（`In_Use`)。");
  ASSERT_TRUE(c.examples.json);
  ASSERT_TRUE(c.examples.xml);
  ASSERT_EQ(c.examples.requests.size(), 1u);
  EXPECT_EQ(c.examples.request_params.size(), 3u);
}

TEST(DocsSeeds, Seed003DeleteInstances) {
  POPCHECK_NEEDS_SHARED();
  Contract c = read_seed("003");
  EXPECT_EQ(c.action, "DeleteInstances");
  EXPECT_EQ(c.version, "2014-05-26");  // from the OpenAPI Explorer link
  EXPECT_EQ(c.product, "Ecs");
  ASSERT_EQ(c.params.size(), 6u);
  const Param* ids = find_param(c, "InstanceId.N");
  ASSERT_NE(ids, nullptr);
  ASSERT_TRUE(ids->repeat);
  EXPECT_EQ(ids->repeat->max, 100);
  ASSERT_EQ(c.errors.size(), 9u);
  // The two IncorrectInstanceStatus rows differ in message and stay two rows.
  EXPECT_EQ(c.errors[2].code, "IncorrectInstanceStatus");
  EXPECT_EQ(c.errors[2].message, "%s");
  EXPECT_EQ(c.errors[3].code, "IncorrectInstanceStatus");
  EXPECT_EQ(c.errors[3].message,
            "The current status of the resource does not support this operation.");
  EXPECT_EQ(c.errors[4].http, 500);
}

TEST(DocsSeeds, Seed004OneCellPerLineErrorTable) {
  POPCHECK_NEEDS_SHARED();
  Contract c = read_seed("004");
  EXPECT_EQ(c.action, "RemoveInstances");
  EXPECT_EQ(c.product, "Ess");
  EXPECT_EQ(names(c),
            (std::vector<std::string>{"InstanceId.N", "ScalingGroupId", "Action", "RemovePolicy"}));
  EXPECT_EQ(find_param(c, "InstanceId.N")->example, "i-28wt4****");  // markdown escapes removed
  EXPECT_EQ(find_param(c, "RemovePolicy")->allowed,
            (std::vector<std::string>{"recycle", "release"}));
  ASSERT_EQ(c.errors.size(), 9u);
  EXPECT_EQ(c.errors[0].http, 404);
  EXPECT_EQ(c.errors[0].code, "InvalidScalingGroupId.NotFound");
  EXPECT_EQ(c.errors[0].message, "The specified scaling group does not exist.");
  EXPECT_EQ(c.errors[0].description, "指定的伸缩组在该用户账号下不存在。");
  EXPECT_EQ(c.errors[1].message, "Instance \"XXX\" does not exist.");
  EXPECT_EQ(c.errors[8].code, "IncorrectCapacity.MinSize");
  ASSERT_EQ(c.response.children.size(), 2u);
  EXPECT_EQ(c.response.children[1].name, "ScalingActivityId");
}

}  // namespace
}  // namespace popcheck::core
