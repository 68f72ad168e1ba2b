// Every error row of the five seed pages is reachable: for each documented (HTTP status, Code,
// Message) there is a state and a request that make the emulator answer exactly that. The rows come
// from the pages themselves (the corpus oracle for the four markdown seeds, the document reader for
// the plain-text seed 001), so a page that gains a row fails this test until the emulator covers it.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/compile/docs.hpp"
#include "core/files.hpp"
#include "emulator/tests/harness.hpp"

namespace popcheck::emulator {
namespace {

using namespace testing;

struct Scenario {
  std::string name;
  json needs;  // provisioned first; params refer to them as ${var}
  core::Params params;
  int status;
  std::string code;
};

// One state and request per documented condition. Conditions no resource state produces (a missing
// RAM authorisation, a feature outside the white list, an internal error) use the `fault` need.
std::vector<Scenario> scenarios() {
  json running = {{"var", "i"}, {"resource", "instance"}, {"with", {{"Status", "Running"}}}};
  json stopped = {{"var", "i"}, {"resource", "instance"}, {"with", {{"Status", "Stopped"}}}};
  auto disk_on = [](json with) {
    with["InstanceId"] = "${i}";
    return json{{"var", "d"}, {"resource", "disk"}, {"with", with}};
  };
  auto instance = [](json with) {
    return json{{"var", "i"}, {"resource", "instance"}, {"with", with}};
  };
  auto fault = [](std::string action, int status, std::string code, std::string message) {
    return json{
        {"var", "f"},
        {"resource", "fault"},
        {"with", {{"Action", action}, {"Status", status}, {"Code", code}, {"Message", message}}}};
  };
  auto group = [](json with) {
    return json{{"var", "g"}, {"resource", "scalinggroup"}, {"with", with}};
  };
  json member = {
      {"var", "m"}, {"resource", "scalinginstance"}, {"with", {{"ScalingGroupId", "${g}"}}}};
  core::Params remove_tags_base = {{"RegionId", "cn-hangzhou"},
                                   {"ResourceType", "snapshot"},
                                   {"ResourceId", "${s}"},
                                   {"Tag.1.Key", "k"}};
  json snapshot = {{"var", "s"}, {"resource", "snapshot"}, {"with", {{"Tags", {{"k", "v"}}}}}};
  json vpc_need = {{"var", "v"}, {"resource", "vpc"}};
  auto tag_base = [](core::Params tags) {
    core::Params p = {
        {"RegionId", "cn-hangzhou"}, {"ResourceType", "VPC"}, {"ResourceId.1", "${v}"}};
    p.insert(p.end(), tags.begin(), tags.end());
    return vpc("TagResources", p);
  };
  core::Params many_tags, many_ids = {{"RegionId", "cn-hangzhou"}, {"ResourceType", "VPC"}};
  for (int n = 1; n <= 21; ++n) {
    many_tags.emplace_back("Tag." + std::to_string(n) + ".Key", "k" + std::to_string(n));
    many_tags.emplace_back("Tag." + std::to_string(n) + ".Value", "v");
    many_ids.emplace_back("ResourceId." + std::to_string(n), "${v}");
  }
  many_ids.emplace_back("Tag.1.Key", "k");
  many_ids.emplace_back("Tag.1.Value", "v");
  core::Params remove = {{"ScalingGroupId", "${g}"}, {"InstanceId.1", "${m}"}};

  return {
      // ECS RemoveTags.
      {"RemoveTags unknown resource", json::array({snapshot}),
       ecs("RemoveTags", {{"RegionId", "cn-hangzhou"},
                          {"ResourceType", "snapshot"},
                          {"ResourceId", "s-neverexisted"}}),
       404, "InvalidResourceId.NotFound"},
      {"RemoveTags unknown region", json::array({snapshot}),
       ecs("RemoveTags",
           {{"RegionId", "xx-nowhere-1"}, {"ResourceType", "snapshot"}, {"ResourceId", "${s}"}}),
       404, "InvalidRegionId.NotFound"},
      {"RemoveTags type ECS knows but this API does not", json::array({snapshot}),
       ecs("RemoveTags",
           {{"RegionId", "cn-hangzhou"}, {"ResourceType", "volume"}, {"ResourceId", "${s}"}}),
       404, "InvalidResourceType.NotFound"},
      {"RemoveTags id of another kind", json::array({vpc_need}),
       ecs("RemoveTags",
           {{"RegionId", "cn-hangzhou"}, {"ResourceType", "instance"}, {"ResourceId", "${v}"}}),
       403, "InvalidResourceId.NotSupported"},
      {"RemoveTags N over 20", json::array({snapshot}),
       ecs("RemoveTags", {{"RegionId", "cn-hangzhou"},
                          {"ResourceType", "snapshot"},
                          {"ResourceId", "${s}"},
                          {"Tag.21.Key", "k"}}),
       400, "InvalidTagCount"},
      {"RemoveTags aliyun key", json::array({snapshot}),
       ecs("RemoveTags", {{"RegionId", "cn-hangzhou"},
                          {"ResourceType", "snapshot"},
                          {"ResourceId", "${s}"},
                          {"Tag.1.Key", "aliyun-key"}}),
       400, "InvalidTagKey.Malformed"},
      {"RemoveTags bogus type", json::array({snapshot}),
       ecs("RemoveTags",
           {{"RegionId", "cn-hangzhou"}, {"ResourceType", "Snapshot"}, {"ResourceId", "${s}"}}),
       400, "InvalidResourceType.NotFound"},
      // ECS DetachDisk.
      {"DetachDisk without DiskId", json::array({running}),
       ecs("DetachDisk", {{"InstanceId", "${i}"}}), 400, "InvalidParameter"},
      {"DetachDisk disk on another instance",
       json::array({running,
                    {{"var", "other"}, {"resource", "instance"}},
                    {{"var", "d"}, {"resource", "disk"}, {"with", {{"InstanceId", "${other}"}}}}}),
       ecs("DetachDisk", {{"InstanceId", "${i}"}, {"DiskId", "${d}"}}), 403, "DependencyViolation"},
      {"DetachDisk not portable", json::array({running, disk_on({{"Portable", false}})}),
       ecs("DetachDisk", {{"InstanceId", "${i}"}, {"DiskId", "${d}"}}), 403, "DiskNotPortable"},
      {"DetachDisk system disk", json::array({running, disk_on({{"Type", "system"}})}),
       ecs("DetachDisk", {{"InstanceId", "${i}"}, {"DiskId", "${d}"}}), 403, "DiskTypeViolation"},
      {"DetachDisk disk attaching", json::array({running, disk_on({{"Status", "Attaching"}})}),
       ecs("DetachDisk", {{"InstanceId", "${i}"}, {"DiskId", "${d}"}}), 403, "IncorrectDiskStatus"},
      {"DetachDisk instance starting",
       json::array({instance({{"Status", "Starting"}}), disk_on({})}),
       ecs("DetachDisk", {{"InstanceId", "${i}"}, {"DiskId", "${d}"}}), 403,
       "IncorrectInstanceStatus"},
      {"DetachDisk instance locked",
       json::array({instance({{"SecurityLocked", true}}), disk_on({})}),
       ecs("DetachDisk", {{"InstanceId", "${i}"}, {"DiskId", "${d}"}}), 403,
       "InstanceLockedForSecurity"},
      {"DetachDisk released disk",
       json::array({running, {{"var", "d"}, {"resource", "disk"}, {"with", "$released"}}}),
       ecs("DetachDisk", {{"InstanceId", "${i}"}, {"DiskId", "${d}"}}), 403,
       "InvalidDiskId.Released"},
      {"DetachDisk missing disk",
       json::array({running, {{"var", "d"}, {"resource", "disk"}, {"with", "$missing"}}}),
       ecs("DetachDisk", {{"InstanceId", "${i}"}, {"DiskId", "${d}"}}), 404,
       "InvalidDiskId.NotFound"},
      {"DetachDisk missing instance",
       json::array({{{"var", "i"}, {"resource", "instance"}, {"with", "$missing"}},
                    {{"var", "d"}, {"resource", "disk"}}}),
       ecs("DetachDisk", {{"InstanceId", "${i}"}, {"DiskId", "${d}"}}), 404,
       "InvalidInstanceId.NotFound"},
      // ECS DeleteInstances.
      {"DeleteInstances outside the white list",
       json::array({stopped, fault("DeleteInstances", 403, "InvalidOperation.NotInWhiteList",
                                   "The specified parameter is in gray release.")}),
       ecs("DeleteInstances", {{"InstanceId.1", "${i}"}}), 403, "InvalidOperation.NotInWhiteList"},
      {"DeleteInstances deletion protection",
       json::array({instance({{"Status", "Stopped"}, {"DeletionProtection", true}})}),
       ecs("DeleteInstances", {{"InstanceId.1", "${i}"}}), 403,
       "InvalidOperation.DeletionProtection"},
      {"DeleteInstances running without Force", json::array({running}),
       ecs("DeleteInstances", {{"InstanceId.1", "${i}"}, {"Force", "false"}}), 403,
       "IncorrectInstanceStatus"},
      {"DeleteInstances unexpired subscription",
       json::array({instance({{"Status", "Stopped"}, {"InstanceChargeType", "PrePaid"}})}),
       ecs("DeleteInstances", {{"InstanceId.1", "${i}"}}), 403, "IncorrectInstanceStatus"},
      {"DeleteInstances internal error (documented message)",
       json::array(
           {stopped, fault("DeleteInstances", 500, "InternalError",
                           "The request processing has failed due to some unknown error.")}),
       ecs("DeleteInstances", {{"InstanceId.1", "${i}"}}), 500, "InternalError"},
      {"DeleteInstances locked for security",
       json::array({instance({{"Status", "Stopped"}, {"SecurityLocked", true}})}),
       ecs("DeleteInstances", {{"InstanceId.1", "${i}"}}), 403, "InstanceLockedForSecurity"},
      {"DeleteInstances SLB configuring",
       json::array({instance({{"Status", "Stopped"}, {"SLBConfiguring", true}})}),
       ecs("DeleteInstances", {{"InstanceId.1", "${i}"}}), 400,
       "DependencyViolation.SLBConfiguring"},
      {"DeleteInstances route entry",
       json::array({instance({{"Status", "Stopped"}, {"RouteEntry", true}})}),
       ecs("DeleteInstances", {{"InstanceId.1", "${i}"}}), 400, "DependencyViolation.RouteEntry"},
      // VPC TagResources.
      {"TagResources aliyun key", json::array({vpc_need}),
       tag_base({{"Tag.1.Key", "aliyunKey"}, {"Tag.1.Value", "v"}}), 400, "InvalidTagKey"},
      {"TagResources http value", json::array({vpc_need}),
       tag_base({{"Tag.1.Key", "k"}, {"Tag.1.Value", "see http://x"}}), 400, "InvalidTagValue"},
      {"TagResources unknown type", json::array({vpc_need}),
       vpc("TagResources", {{"RegionId", "cn-hangzhou"},
                            {"ResourceType", "DISK"},
                            {"ResourceId.1", "${v}"},
                            {"Tag.1.Key", "k"},
                            {"Tag.1.Value", "v"}}),
       400, "InvalidInstanceType.NotFound"},
      {"TagResources unknown id", json::array({vpc_need}),
       vpc("TagResources", {{"RegionId", "cn-hangzhou"},
                            {"ResourceType", "VPC"},
                            {"ResourceId.1", "vpc-neverexisted"},
                            {"Tag.1.Key", "k"},
                            {"Tag.1.Value", "v"}}),
       400, "InvalidInstanceIds.NotFound"},
      {"TagResources system key", json::array({vpc_need}),
       tag_base({{"Tag.1.Key", "acs:owner"}, {"Tag.1.Value", "v"}}), 400, "Forbidden.TagKeys"},
      {"TagResources resource full",
       json::array({{{"var", "v"}, {"resource", "vpc"}, {"with", {{"Tags", {{"$count", 20}}}}}}}),
       tag_base({{"Tag.1.Key", "one-more"}, {"Tag.1.Value", "v"}}), 400, "QuotaExceeded.TagNum"},
      {"TagResources unknown region", json::array({vpc_need}),
       vpc("TagResources", {{"RegionId", "xx-nowhere-1"},
                            {"ResourceType", "VPC"},
                            {"ResourceId.1", "${v}"},
                            {"Tag.1.Key", "k"},
                            {"Tag.1.Value", "v"}}),
       400, "InvalidTagScope.NotFound"},
      {"TagResources duplicate key", json::array({vpc_need}),
       tag_base(
           {{"Tag.1.Key", "k"}, {"Tag.1.Value", "a"}, {"Tag.2.Key", "k"}, {"Tag.2.Value", "b"}}),
       400, "Forbidden.TagKey.Duplicated"},
      {"TagResources 21 tags", json::array({vpc_need}), tag_base(many_tags), 400,
       "SizeLimitExceeded.TagNum"},
      {"TagResources 21 ids", json::array({vpc_need}), vpc("TagResources", many_ids), 400,
       "SizeLimitExceeded.ResourceId"},
      {"TagResources key without value", json::array({vpc_need}), tag_base({{"Tag.1.Key", "k"}}),
       400, "MissingParameter.TagValue"},
      {"TagResources value without key", json::array({vpc_need}), tag_base({{"Tag.1.Value", "v"}}),
       400, "MissingParameter.TagKey"},
      {"TagResources not authorised",
       json::array({vpc_need, fault("TagResources", 403, "Forbidden",
                                    "User not authorized to operate on the specified resource.")}),
       tag_base({{"Tag.1.Key", "k"}, {"Tag.1.Value", "v"}}), 403, "Forbidden"},
      // ESS RemoveInstances.
      {"RemoveInstances missing group",
       json::array({{{"var", "g"}, {"resource", "scalinggroup"}, {"with", "$missing"}}}),
       ess("RemoveInstances", {{"ScalingGroupId", "${g}"}, {"InstanceId.1", "i-x"}}), 404,
       "InvalidScalingGroupId.NotFound"},
      {"RemoveInstances instance outside the group", json::array({group({}), member}),
       ess("RemoveInstances", {{"ScalingGroupId", "${g}"}, {"InstanceId.1", "i-neverexisted"}}),
       404, "InvalidInstanceId.NotFound"},
      {"RemoveInstances recycle on a release group", json::array({group({}), member}),
       ess("RemoveInstances",
           {{"ScalingGroupId", "${g}"}, {"InstanceId.1", "${m}"}, {"RemovePolicy", "recycle"}}),
       400, "InvalidParameter"},
      {"RemoveInstances not authorised",
       json::array({group({}), member,
                    fault("RemoveInstances", 403, "Forbidden.Unauthorized",
                          "A required authorization for the specified action is not supplied.")}),
       ess("RemoveInstances", remove), 403, "Forbidden.Unauthorized"},
      {"RemoveInstances inactive group", json::array({group({{"Status", "Inactive"}}), member}),
       ess("RemoveInstances", remove), 400, "IncorrectScalingGroupStatus"},
      {"RemoveInstances activity running",
       json::array({group({{"ActivityInProgress", true}}), member}), ess("RemoveInstances", remove),
       400, "ScalingActivityInProgress"},
      {"RemoveInstances load balancer inactive",
       json::array({group({{"LoadBalancerStatus", "inactive"}}), member}),
       ess("RemoveInstances", remove), 400, "IncorrectLoadBalancerStatus"},
      {"RemoveInstances DB stopped",
       json::array({group({{"DBInstanceStatus", "Stopped"}}), member}),
       ess("RemoveInstances", remove), 400, "IncorrectDBInstanceStatus"},
      {"RemoveInstances under MinSize", json::array({group({{"MinSize", 1}}), member}),
       ess("RemoveInstances", remove), 400, "IncorrectCapacity.MinSize"},
  };
}

// A documented message matches when equal, with %s (and the pages' "XXX" placeholder for an id)
// matching any text.
bool message_matches(const std::string& documented, const std::string& actual) {
  std::string pattern;
  for (size_t i = 0; i < documented.size(); ++i) {
    if (documented.compare(i, 2, "%s") == 0) {
      pattern += ".*";
      ++i;
    } else if (documented.compare(i, 3, "XXX") == 0) {
      pattern += ".+";
      i += 2;
    } else {
      char c = documented[i];
      if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) pattern += '\\';
      pattern += c;
    }
  }
  return std::regex_match(actual, std::regex(pattern));
}

struct Row {
  int status;
  std::string code, message;
};

// action -> documented error rows, from the pages.
std::map<std::string, std::vector<Row>> documented_rows() {
  std::map<std::string, std::vector<Row>> out;
  auto text = core::read_file((test_support::shared_dir() / "corpus" / "seeds.json").string());
  EXPECT_TRUE(text) << (text ? "" : text.error().to_string());
  if (!text) return out;
  json oracle = json::parse(*text);
  for (const auto& [file, record] : oracle.items()) {
    for (const auto& row : record["error_codes"]) {
      out[record["action"]].push_back({row[0].get<int>(), row[1], row[2]});
    }
  }
  // Seed 001 is a plain-text web page with no oracle record: read it with the document reader.
  for (const auto& name : {"001_32c4ed1554455786.txt"}) {
    auto page = core::read_file((test_support::shared_dir() / "seeds" / name).string());
    EXPECT_TRUE(page);
    if (!page) continue;
    auto contract = core::read_document(*page, name);
    EXPECT_TRUE(contract) << (contract ? "" : contract.error().to_string());
    if (!contract) continue;
    for (const auto& e : contract->errors) {
      out[contract->action].push_back({e.http.value_or(0), e.code, e.message});
    }
  }
  return out;
}

TEST(SeedErrors, EveryScenarioAnswersItsCode) {
  for (const auto& s : scenarios()) {
    Harness h;
    auto vars = h.provision(s.needs);
    Reply r = h.call(substitute(s.params, vars));
    EXPECT_EQ(r.status, s.status) << s.name << ": " << r.body;
    EXPECT_EQ(r.code(), s.code) << s.name << ": " << r.body;
  }
}

TEST(SeedErrors, EveryDocumentedRowIsReachable) {
  POPCHECK_NEEDS_SHARED();
  auto rows = documented_rows();
  ASSERT_EQ(rows.size(), 5u) << "the five seed actions";
  // What the scenarios produce, per action.
  std::map<std::string, std::vector<Row>> produced;
  for (const auto& s : scenarios()) {
    Harness h;
    auto vars = h.provision(s.needs);
    core::Params params = substitute(s.params, vars);
    Reply r = h.call(params);
    std::string action;
    for (const auto& [k, v] : params) {
      if (k == "Action") action = v;
    }
    produced[action].push_back({r.status, r.code(), r.message()});
  }
  size_t total = 0;
  for (const auto& [action, documented] : rows) {
    for (const auto& row : documented) {
      ++total;
      bool reached =
          std::any_of(produced[action].begin(), produced[action].end(), [&](const Row& p) {
            return p.status == row.status && p.code == row.code &&
                   message_matches(row.message, p.message);
          });
      EXPECT_TRUE(reached) << action << ": no state and request produce " << row.status << " "
                           << row.code << " \"" << row.message << "\"";
    }
  }
  EXPECT_GE(total, 40u) << "the seed pages document 48 error rows";
}

}  // namespace
}  // namespace popcheck::emulator
