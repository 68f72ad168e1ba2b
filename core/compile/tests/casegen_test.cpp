// The case generator: one rule at a time on small contracts, the seed pages' expectations, and the
// whole metadata (every API compiles; error cases and documented error rows are counted separately
// and must agree; ids are unique; every ${var} is provisioned by a need).
#include "core/compile/casegen.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/compile/docs.hpp"
#include "core/compile/metadata.hpp"
#include "tests/support/contract.hpp"
#include "tests/support/seeds.hpp"

namespace popcheck::core {
namespace {

namespace fs = std::filesystem;

using test_support::metadata_dir;
using test_support::read_seed;
using test_support::read_text;

using test_support::param;
using test_support::row;

// A tagging API shaped like the seeds, but not one of them.
Contract tagging() {
  Contract c;
  c.product = "Ecs";
  c.version = "2014-05-26";
  c.action = "RemoveThingTags";
  c.endpoint = "ecs.aliyuncs.com";
  c.params.push_back(param("RegionId", "String", true, "cn-beijing"));
  Param type = param("ResourceType", "String", true, "disk");
  type.allowed = {"disk", "instance"};
  c.params.push_back(type);
  c.params.push_back(param("ResourceId", "String", true, "d-abc"));
  Param key = param("Tag.N.Key", "String", false, "Dept");
  key.repeat = Repeat{1, 10};
  key.max_length = 64;
  key.forbidden_prefixes = {"aliyun", "acs:"};
  key.non_empty = true;
  c.params.push_back(key);
  Param value = param("Tag.N.Value", "String", false, "Eng");
  value.repeat = Repeat{1, 10};
  value.max_length = 128;
  c.params.push_back(value);
  Param token = param("ClientToken", "String", false, "");
  c.params.push_back(token);
  c.examples.json = ExampleBlock{"json", "{\"RequestId\":\"x\"}", true};
  return c;
}

// Whether the case provisions a fault: its answer is injected, the request alone does not earn it.
bool faulted(const Case& k) {
  return std::any_of(k.needs.begin(), k.needs.end(),
                     [](const Need& n) { return n.resource == "fault"; });
}

const Case* by_id(const std::vector<Case>& cases, const std::string& id) {
  for (const auto& k : cases)
    if (k.id == id) return &k;
  return nullptr;
}

std::string value(const Case& k, const std::string& name) {
  for (const auto& [n, v] : k.request.params)
    if (n == name) return v;
  return "<absent>";
}

bool has(const Case& k, const std::string& name) { return value(k, name) != "<absent>"; }

int count_prefix(const Case& k, const std::string& prefix, const std::string& suffix) {
  int n = 0;
  for (const auto& [name, v] : k.request.params)
    if (name.starts_with(prefix) && name.ends_with(suffix)) ++n;
  return n;
}

const Need* need(const Case& k, const std::string& var) {
  for (const auto& n : k.needs)
    if (n.var == var) return &n;
  return nullptr;
}

TEST(Casegen, ExampleCasesBuiltFromParamExamples) {
  auto cases = generate_cases(tagging());
  const Case* json = by_id(cases, "Ecs.RemoveThingTags.example.json");
  const Case* xml = by_id(cases, "Ecs.RemoveThingTags.example.xml");
  ASSERT_TRUE(json && xml);
  EXPECT_EQ(cases[0].id, json->id);
  EXPECT_EQ(cases[1].id, xml->id);
  EXPECT_EQ(json->kind, CaseKind::example);
  EXPECT_EQ(json->request.format, "JSON");
  EXPECT_EQ(xml->request.format, "XML");
  EXPECT_EQ(json->request.params.at(0),
            (std::pair<std::string, std::string>{"Action", "RemoveThingTags"}));
  EXPECT_EQ(json->request.params.at(1),
            (std::pair<std::string, std::string>{"Version", "2014-05-26"}));
  EXPECT_EQ(value(*json, "RegionId"), "cn-beijing");
  // The resource id is provisioned: a disk, because the ResourceType is disk.
  EXPECT_EQ(value(*json, "ResourceId"), "${disk}");
  ASSERT_TRUE(need(*json, "disk"));
  EXPECT_EQ(need(*json, "disk")->resource, "disk");
  // Tags are in the action's name, so the built request carries one, and the disk carries it.
  EXPECT_EQ(value(*json, "Tag.1.Key"), "Dept");
  EXPECT_EQ(need(*json, "disk")->with["Tags"]["Dept"], "Eng");
  EXPECT_EQ(json->expect.status, 200);
  EXPECT_EQ(json->expect.shape, Shape::example);
  EXPECT_EQ(xml->expect.root, "RemoveThingTagsResponse");
  // No XML example: the XML case is checked against the response tree (empty here) instead.
  EXPECT_EQ(xml->expect.shape, Shape::none);
}

TEST(Casegen, DocumentedRequestExampleIsUsedAndCompleted) {
  Contract c = tagging();
  c.examples.request_params = {{"Action", "RemoveThingTags"},
                               {"ResourceType", "instance"},
                               {"ResourceId", "i-1"},
                               {"Format", "XML"},
                               {"Timestamp", "x"}};
  auto cases = generate_cases(c);
  const Case& k = cases.front();
  EXPECT_EQ(value(k, "ResourceId"), "${instance}");
  EXPECT_EQ(value(k, "ResourceType"), "instance");
  EXPECT_FALSE(has(k, "Format"));
  EXPECT_FALSE(has(k, "Timestamp"));
  // RegionId is required but missing from the example: added so that the example can succeed.
  EXPECT_EQ(value(k, "RegionId"), "cn-beijing");
  EXPECT_FALSE(has(k, "Tag.1.Key"));
}

TEST(Casegen, OneErrorCasePerRowWithUniqueIdsAndWildcards) {
  Contract c = tagging();
  c.errors = {row(403, "Forbidden.Thing", "%s"), row(403, "Forbidden.Thing", "Not allowed."),
              row(404, "InvalidThing.NotFound", "Thing \"XXX\" does not exist.")};
  auto cases = generate_cases(c);
  std::vector<const Case*> errors;
  for (const auto& k : cases)
    if (k.kind == CaseKind::error) errors.push_back(&k);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0]->id, "Ecs.RemoveThingTags.error.Forbidden.Thing");
  EXPECT_EQ(errors[1]->id, "Ecs.RemoveThingTags.error.Forbidden.Thing.2");
  EXPECT_EQ(errors[0]->expect.status, 403);
  EXPECT_EQ(errors[0]->expect.code, "Forbidden.Thing");
  EXPECT_EQ(errors[0]->expect.message, "%s");
  EXPECT_EQ(errors[1]->expect.message, "Not allowed.");
  EXPECT_EQ(errors[2]->expect.message, "Thing \"%s\" does not exist.");
  EXPECT_EQ(errors[0]->expect.shape, Shape::error);
}

TEST(Casegen, MissingParameterNamedByCodeOrMessage) {
  Contract c = tagging();
  c.errors = {row(400, "MissingParameter.ResourceId", "x"),
              row(400, "MissingParameter.TagKey", "The input parameter TagKey that is mandatory"),
              row(400, "InvalidParameter", "The input parameter is mandatory for processing.")};
  auto cases = generate_cases(c);
  const Case* id = by_id(cases, "Ecs.RemoveThingTags.error.MissingParameter.ResourceId");
  ASSERT_TRUE(id);
  EXPECT_FALSE(has(*id, "ResourceId"));
  EXPECT_TRUE(has(*id, "ResourceType"));
  EXPECT_TRUE(id->needs.empty());  // the disk is no longer referred to
  // An optional list member is missing when its sibling comes alone.
  const Case* key = by_id(cases, "Ecs.RemoveThingTags.error.MissingParameter.TagKey");
  ASSERT_TRUE(key);
  EXPECT_FALSE(has(*key, "Tag.1.Key"));
  EXPECT_EQ(value(*key, "Tag.1.Value"), "Eng");
  // No name: some required parameter other than the region goes.
  const Case* any = by_id(cases, "Ecs.RemoveThingTags.error.InvalidParameter");
  ASSERT_TRUE(any);
  EXPECT_TRUE(has(*any, "RegionId"));
  EXPECT_FALSE(has(*any, "ResourceType"));
}

TEST(Casegen, NotFoundSendsAnIdThatCannotExistOrAValueOutsideTheSet) {
  Contract c = tagging();
  c.errors = {row(404, "InvalidResourceId.NotFound", "x"),
              row(404, "InvalidResourceType.NotFound", "x"),
              row(404, "InvalidRegionId.NotFound", "x")};
  auto cases = generate_cases(c);
  const Case* id = by_id(cases, "Ecs.RemoveThingTags.error.InvalidResourceId.NotFound");
  ASSERT_TRUE(id);
  EXPECT_TRUE(value(*id, "ResourceId").starts_with("d-"));
  EXPECT_EQ(value(*id, "ResourceId").find("${"), std::string::npos);
  EXPECT_TRUE(id->needs.empty());
  const Case* type = by_id(cases, "Ecs.RemoveThingTags.error.InvalidResourceType.NotFound");
  std::string v = value(*type, "ResourceType");
  EXPECT_TRUE(v != "disk" && v != "instance" && !v.empty());
  EXPECT_NE(value(*by_id(cases, "Ecs.RemoveThingTags.error.InvalidRegionId.NotFound"), "RegionId"),
            "cn-beijing");
  for (const Case* k : {id, type}) EXPECT_FALSE(faulted(*k)) << k->id;
  // Tagging APIs say "instance" for the resource: InstanceType means ResourceType.
  c.errors = {row(400, "InvalidInstanceType.NotFound", "x")};
  cases = generate_cases(c);
  const Case* inst = by_id(cases, "Ecs.RemoveThingTags.error.InvalidInstanceType.NotFound");
  ASSERT_TRUE(inst);
  EXPECT_NE(value(*inst, "ResourceType"), "disk");
  EXPECT_FALSE(faulted(*inst));
}

TEST(Casegen, TwoRowsBrokenByOneRequestLeaveTheSecondToAFault) {
  // InvalidResourceType.NotFound and InvalidInstanceType.NotFound both name ResourceType: one
  // out-of-set value earns one answer, so the first row keeps the request and the second one is
  // injected; each row's trigger says so, which is what the emulator answers from.
  Contract c = tagging();
  c.errors = {row(404, "InvalidResourceType.NotFound", "x"),
              row(400, "InvalidInstanceType.NotFound", "x")};
  auto cases = generate_cases(c);
  const Case* first = by_id(cases, "Ecs.RemoveThingTags.error.InvalidResourceType.NotFound");
  const Case* second = by_id(cases, "Ecs.RemoveThingTags.error.InvalidInstanceType.NotFound");
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(faulted(*first));
  EXPECT_NE(value(*first, "ResourceType"), "disk");
  EXPECT_TRUE(faulted(*second));
  EXPECT_EQ(value(*second, "ResourceType"), "disk");
  auto triggers = error_triggers(c);
  ASSERT_EQ(triggers.size(), 2u);
  EXPECT_EQ(triggers[0].kind, TriggerKind::allowed);
  EXPECT_EQ(triggers[0].param, "ResourceType");
  EXPECT_EQ(triggers[1].kind, TriggerKind::fault);
}

TEST(Casegen, ACodeDocumentedWithTwoStatusesKeepsTheRequestTriggerForTheLowerOne) {
  // One request earns one answer: the 400 row keeps the out-of-set value, the 404 row of the same
  // code needs its answer injected (and is skipped against a real endpoint).
  Contract c = tagging();
  c.errors = {row(404, "InvalidResourceType.NotFound", "not in our records"),
              row(400, "InvalidResourceType.NotFound", "does not exist")};
  auto cases = generate_cases(c);
  const Case* first = by_id(cases, "Ecs.RemoveThingTags.error.InvalidResourceType.NotFound");
  const Case* second = by_id(cases, "Ecs.RemoveThingTags.error.InvalidResourceType.NotFound.2");
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(faulted(*first));
  EXPECT_EQ(first->expect.status, 404);
  EXPECT_FALSE(faulted(*second));
  EXPECT_EQ(second->expect.status, 400);
  EXPECT_NE(value(*second, "ResourceType"), "disk");
}

TEST(Casegen, CountAboveTheRangeSendsMaxPlusOneItems) {
  Contract c = tagging();
  c.errors = {row(400, "InvalidTagCount", "The specified tags are beyond the permitted range.")};
  auto cases = generate_cases(c);
  const Case* k = by_id(cases, "Ecs.RemoveThingTags.error.InvalidTagCount");
  ASSERT_TRUE(k);
  EXPECT_EQ(count_prefix(*k, "Tag.", ".Key"), 11);
  EXPECT_EQ(count_prefix(*k, "Tag.", ".Value"), 11);
  std::set<std::string> keys;
  for (const auto& [n, v] : k->request.params)
    if (n.ends_with(".Key")) keys.insert(v);
  EXPECT_EQ(keys.size(), 11u);  // distinct, so only the count is wrong
  // The count constraint is covered, so no negative case repeats it.
  EXPECT_FALSE(by_id(cases, "Ecs.RemoveThingTags.negative.Tag.N.Key.repeat"));
}

TEST(Casegen, MalformedPicksAStatedConstraintAndDuplicateRepeatsTheKey) {
  Contract c = tagging();
  c.errors = {row(400, "InvalidTagKey.Malformed", "x"), row(400, "InvalidTagValue.Malformed", "x"),
              row(400, "Forbidden.TagKey.Duplicated", "x")};
  auto cases = generate_cases(c);
  const Case* key = by_id(cases, "Ecs.RemoveThingTags.error.InvalidTagKey.Malformed");
  EXPECT_TRUE(value(*key, "Tag.1.Key").starts_with("aliyun"));
  const Case* val = by_id(cases, "Ecs.RemoveThingTags.error.InvalidTagValue.Malformed");
  EXPECT_EQ(value(*val, "Tag.1.Value").size(), 129u);
  const Case* dup = by_id(cases, "Ecs.RemoveThingTags.error.Forbidden.TagKey.Duplicated");
  EXPECT_EQ(value(*dup, "Tag.1.Key"), value(*dup, "Tag.2.Key"));
  // Negative cases cover what no row used: the key's length and emptiness, not its prefix.
  EXPECT_TRUE(by_id(cases, "Ecs.RemoveThingTags.negative.Tag.N.Key.max_length"));
  EXPECT_TRUE(by_id(cases, "Ecs.RemoveThingTags.negative.Tag.N.Key.non_empty"));
  EXPECT_FALSE(by_id(cases, "Ecs.RemoveThingTags.negative.Tag.N.Key.forbidden_prefix"));
  EXPECT_FALSE(by_id(cases, "Ecs.RemoveThingTags.negative.Tag.N.Value.max_length"));
}

TEST(Casegen, NegativeCasesExpectAny4xxWithAnErrorBody) {
  auto cases = generate_cases(tagging());
  const Case* k = by_id(cases, "Ecs.RemoveThingTags.negative.ResourceType.allowed");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->kind, CaseKind::negative);
  EXPECT_EQ(k->expect.status, 400);
  EXPECT_EQ(k->expect.status_max, 499);
  EXPECT_EQ(k->expect.shape, Shape::error);
  EXPECT_FALSE(k->expect.code);
  const Case* req = by_id(cases, "Ecs.RemoveThingTags.negative.ResourceId.required");
  ASSERT_TRUE(req);
  EXPECT_FALSE(has(*req, "ResourceId"));
  const Case* len = by_id(cases, "Ecs.RemoveThingTags.negative.Tag.N.Key.max_length");
  EXPECT_EQ(value(*len, "Tag.1.Key").size(), 65u);
}

TEST(Casegen, StateErrorsDeclareNeeds) {
  Contract c;
  c.product = "Ecs";
  c.version = "2014-05-26";
  c.action = "DetachVolume";
  c.params = {param("InstanceId", "String", true, "i-1"), param("DiskId", "String", true, "d-1")};
  c.errors = {
      row(403, "IncorrectInstanceStatus", "x", "实例的状态必须为运行中（Running）。"),
      row(403, "IncorrectDiskStatus", "x", "The disk must be in the In_use state."),
      row(403, "InstanceLockedForSecurity", "x"),
      row(403, "DiskNotPortable", "x"),
      row(403, "InvalidDiskId.Released", "x"),
      row(403, "DependencyViolation", "The specified disk has not been attached on the instance."),
      row(500, "InternalError", "Unknown.")};
  auto cases = generate_cases(c);
  auto err = [&](const std::string& code) {
    return by_id(cases, "Ecs.DetachVolume.error." + code);
  };
  const Case* st = err("IncorrectInstanceStatus");
  ASSERT_TRUE(st);
  EXPECT_EQ(value(*st, "InstanceId"), "${instance}");
  std::string status = need(*st, "instance")->with["Status"];
  EXPECT_NE(status, "Running");
  EXPECT_EQ(need(*by_id(cases, "Ecs.DetachVolume.example.json"), "instance")->with["Status"],
            "Running");
  EXPECT_NE(need(*err("IncorrectDiskStatus"), "disk")->with["Status"], "In_use");
  EXPECT_EQ(need(*err("InstanceLockedForSecurity"), "instance")->with["SecurityLocked"], true);
  EXPECT_EQ(need(*err("DiskNotPortable"), "disk")->with["Portable"], false);
  EXPECT_EQ(need(*err("InvalidDiskId.Released"), "disk")->with["Released"], true);
  const Case* dep = err("DependencyViolation");
  ASSERT_TRUE(need(*dep, "other_instance"));
  EXPECT_EQ(need(*dep, "disk")->with["InstanceId"], "${other_instance}");
  // Needs come before the needs that refer to them.
  EXPECT_LT(std::find_if(dep->needs.begin(), dep->needs.end(),
                         [](const Need& n) { return n.var == "other_instance"; }) -
                dep->needs.begin(),
            std::find_if(dep->needs.begin(), dep->needs.end(), [](const Need& n) {
              return n.var == "disk";
            }) - dep->needs.begin());
  const Case* fault = err("InternalError");
  const Need* f = need(*fault, "fault");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->resource, "fault");
  EXPECT_EQ(f->with["Code"], "InternalError");
  EXPECT_EQ(f->with["Status"], 500);
  EXPECT_EQ(f->with["Action"], "DetachVolume");
  EXPECT_EQ(f->with["Match"]["InstanceId"], "${instance}");
}

TEST(Casegen, UndocumentedStatusErrorsUseATransitionalStatus) {
  Contract c;
  c.product = "Vpc";
  c.version = "2016-04-28";
  c.action = "CreateThing";
  c.params = {param("ZoneId", "String", true, "cn-hangzhou-b"),
              param("VpcId", "String", true, "vpc-1"), param("InstanceId", "String", false, "i-1")};
  c.errors = {row(400, "MissingParam.vpcId", "x"), row(403, "IncorrectInstanceStatus", "%s")};
  auto cases = generate_cases(c);
  const Case* missing = by_id(cases, "Vpc.CreateThing.error.MissingParam.vpcId");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(has(*missing, "VpcId"));
  EXPECT_TRUE(has(*missing, "ZoneId"));
  // InstanceId is optional and not in the action's name: the base request does not carry it, so
  // the status error has no instance to put in a state and falls back to a fault.
  const Case* st = by_id(cases, "Vpc.CreateThing.error.IncorrectInstanceStatus");
  ASSERT_TRUE(need(*st, "fault"));
  c.params[2].required = true;
  cases = generate_cases(c);
  st = by_id(cases, "Vpc.CreateThing.error.IncorrectInstanceStatus");
  ASSERT_TRUE(need(*st, "instance"));
  EXPECT_EQ(need(*st, "instance")->with["Status"], "Starting");
}

TEST(Casegen, ScalingGroupStates) {
  Contract c;
  c.product = "Ess";
  c.version = "2014-08-28";
  c.action = "DetachThings";
  Param ids = param("InstanceId.N", "RepeatList", true, "i-1");
  ids.repeat = Repeat{1, 20};
  Param policy = param("RemovePolicy", "String", false, "release");
  policy.allowed = {"recycle", "release"};
  c.params = {ids, param("ScalingGroupId", "String", true, "sg1"), policy};
  c.errors = {row(400, "ScalingActivityInProgress", "x"),
              row(400, "IncorrectScalingGroupStatus", "x", "伸缩组为非active状态。"),
              row(400, "IncorrectCapacity.MinSize", "x"),
              row(400, "InvalidParameter",
                  "The specified group does not support the specified "
                  "RemovePolicy.")};
  auto cases = generate_cases(c);
  const Case* ex = by_id(cases, "Ess.DetachThings.example.json");
  EXPECT_EQ(value(*ex, "InstanceId.1"), "${instance}");
  EXPECT_EQ(need(*ex, "instance")->resource, "scalinginstance");
  EXPECT_EQ(need(*ex, "instance")->with["ScalingGroupId"], "${scalinggroup}");
  EXPECT_EQ(ex->needs.front().var, "scalinggroup");
  auto group = [&](const std::string& code) {
    return need(*by_id(cases, "Ess.DetachThings.error." + code), "scalinggroup")->with;
  };
  EXPECT_EQ(group("ScalingActivityInProgress")["ActivityInProgress"], true);
  EXPECT_EQ(group("IncorrectScalingGroupStatus")["Status"], "Inactive");
  EXPECT_EQ(group("IncorrectCapacity.MinSize")["MinSize"], 1);
  const Case* pol = by_id(cases, "Ess.DetachThings.error.InvalidParameter");
  std::string sent = value(*pol, "RemovePolicy");
  EXPECT_NE(sent, std::string(need(*pol, "scalinggroup")->with["ScalingPolicy"]));
}

TEST(CasegenSeeds, DetachDiskHasTenErrorCasesWithTheExpectedNeeds) {
  POPCHECK_NEEDS_SHARED();
  Contract c = read_seed("002_");
  ASSERT_EQ(c.action, "DetachDisk");
  auto cases = generate_cases(c);
  std::vector<const Case*> errors;
  for (const auto& k : cases)
    if (k.kind == CaseKind::error) errors.push_back(&k);
  ASSERT_EQ(errors.size(), 10u);
  auto err = [&](const std::string& code) {
    const Case* k = by_id(cases, "Ecs.DetachDisk.error." + code);
    EXPECT_TRUE(k) << code;
    return k;
  };
  EXPECT_FALSE(has(*err("InvalidParameter"), "InstanceId") &&
               has(*err("InvalidParameter"), "DiskId"));
  EXPECT_EQ(need(*err("IncorrectInstanceStatus"), "instance")->with["Status"], "Starting");
  EXPECT_EQ(need(*err("InstanceLockedForSecurity"), "instance")->with["SecurityLocked"], true);
  EXPECT_EQ(need(*err("DiskNotPortable"), "disk")->with["Portable"], false);
  EXPECT_EQ(need(*err("DiskTypeViolation"), "disk")->with["Type"], "system");
  std::string disk_status = need(*err("IncorrectDiskStatus"), "disk")->with["Status"];
  EXPECT_TRUE(disk_status != "In_use" && disk_status != "Available");
  EXPECT_EQ(need(*err("DependencyViolation"), "disk")->with["InstanceId"], "${other_instance}");
  EXPECT_EQ(need(*err("InvalidDiskId.Released"), "disk")->with["Released"], true);
  EXPECT_TRUE(value(*err("InvalidDiskId.NotFound"), "DiskId").starts_with("d-"));
  EXPECT_EQ(value(*err("InvalidDiskId.NotFound"), "InstanceId"), "${instance}");
  EXPECT_TRUE(value(*err("InvalidInstanceId.NotFound"), "InstanceId").starts_with("i-"));
  for (const Case* k : errors)
    for (const auto& n : k->needs) EXPECT_NE(n.resource, "fault") << k->id;
  // The happy path: a portable data disk attached to a running instance.
  const Case* ex = by_id(cases, "Ecs.DetachDisk.example.json");
  EXPECT_EQ(need(*ex, "instance")->with["Status"], "Running");
  EXPECT_EQ(need(*ex, "disk")->with["InstanceId"], "${instance}");
  EXPECT_EQ(need(*ex, "disk")->with["Portable"], true);
}

TEST(CasegenSeeds, RemoveTagsInvalidTagCountSends21Tags) {
  POPCHECK_NEEDS_SHARED();
  Contract c = read_seed("000_");
  ASSERT_EQ(c.action, "RemoveTags");
  auto cases = generate_cases(c);
  const Case* k = by_id(cases, "Ecs.RemoveTags.error.InvalidTagCount");
  ASSERT_TRUE(k);
  EXPECT_EQ(count_prefix(*k, "Tag.", ".Key"), 21);
  EXPECT_EQ(count_prefix(*k, "Tag.", ".key"), 0);  // the deprecated spelling is not repeated
  const Case* ex = by_id(cases, "Ecs.RemoveTags.example.json");
  EXPECT_EQ(value(*ex, "ResourceType"), "snapshot");
  EXPECT_EQ(value(*ex, "ResourceId"), "${snapshot}");
  EXPECT_EQ(value(*ex, "Tag.1.Key"), "Finance");
}

TEST(CasegenSeeds, DeleteInstancesKeepsBothIncorrectInstanceStatusRows) {
  POPCHECK_NEEDS_SHARED();
  Contract c = read_seed("003_");
  auto cases = generate_cases(c);
  const Case* a = by_id(cases, "Ecs.DeleteInstances.error.IncorrectInstanceStatus");
  const Case* b = by_id(cases, "Ecs.DeleteInstances.error.IncorrectInstanceStatus.2");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->expect.message, "%s");
  EXPECT_EQ(b->expect.message,
            "The current status of the resource does not support this operation.");
  // Force=false needs a stopped instance; the error needs one in another status.
  EXPECT_EQ(need(*by_id(cases, "Ecs.DeleteInstances.example.json"), "instance")->with["Status"],
            "Stopped");
  EXPECT_NE(need(*a, "instance")->with["Status"], "Stopped");
  EXPECT_EQ(need(*by_id(cases, "Ecs.DeleteInstances.error.InvalidOperation.DeletionProtection"),
                 "instance")
                ->with["DeletionProtection"],
            true);
}

// Every metadata API: generated error cases and documented error rows are counted separately.
TEST(CasegenMetadata, EveryApiCompilesWithOneErrorCasePerRow) {
  size_t apis = 0, rows = 0, error_cases = 0;
  std::set<std::string> ids;
  const std::regex var_ref(R"(\$\{([A-Za-z0-9_]+)\})");
  for (const char* name : {"ecs-2014-05-26.json", "vpc-2016-04-28.json", "ess-2014-08-28.json"}) {
    std::string text = read_text(metadata_dir() / name);
    auto raw = nlohmann::json::parse(text);
    for (const auto& [action, api] : raw["apis"].items())
      if (api.contains("errorCodes"))
        for (const auto& [http, list] : api["errorCodes"].items()) rows += list.size();
    auto r = read_metadata(text, name);
    ASSERT_TRUE(r);
    for (const auto& c : *r) {
      ++apis;
      auto cases = generate_cases(c);
      size_t examples = 0;
      for (const auto& k : cases) {
        EXPECT_TRUE(ids.insert(k.id).second) << "duplicate id " << k.id;
        error_cases += k.kind == CaseKind::error;
        examples += k.kind == CaseKind::example;
        ASSERT_GE(k.request.params.size(), 2u);
        EXPECT_EQ(k.request.params[0].first, "Action");
        EXPECT_EQ(k.request.params[1].first, "Version");
        // Every ${var} in the request or in a need is provided by an earlier need.
        std::set<std::string> vars;
        for (const auto& n : k.needs) {
          std::string with = n.with.dump();
          for (std::sregex_iterator it(with.begin(), with.end(), var_ref), end; it != end; ++it)
            EXPECT_TRUE(vars.contains((*it)[1])) << k.id << " need " << n.var;
          vars.insert(n.var);
        }
        for (const auto& [pn, pv] : k.request.params)
          for (std::sregex_iterator it(pv.begin(), pv.end(), var_ref), end; it != end; ++it)
            EXPECT_TRUE(vars.contains((*it)[1])) << k.id << " param " << pn;
      }
      EXPECT_EQ(examples, 2u) << c.action;
    }
  }
  EXPECT_EQ(apis, 807u);
  EXPECT_EQ(error_cases, rows);
}

}  // namespace
}  // namespace popcheck::core
