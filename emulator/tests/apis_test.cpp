// Behaviour of the five seed APIs on state: what each changes, what it leaves alone, and in which
// order it validates.
#include "emulator/apis.hpp"

#include "emulator/tests/harness.hpp"

namespace popcheck::emulator {
namespace {

using namespace testing;

json find_by(const json& list, const std::string& key, const std::string& id) {
  for (const auto& item : list) {
    if (item.value(key, std::string()) == id) return item;
  }
  return json();
}

TEST(DocumentedExamples, EachSeedRequestExampleSucceedsOnTheDefaultState) {
  // The request examples of the seed pages, as written there (placeholders included).
  std::vector<core::Params> examples = {
      ecs("RemoveTags", {{"RegionId", "cn-shenzhen"},
                         {"ResourceId", "s-946ntx4wr"},
                         {"ResourceType", "snapshot"},
                         {"Tag.1.value", "FinanceJoshua"},
                         {"Tag.1.key", "Finance"},
                         {"Tag.1.Key", "Finance"},
                         {"Tag.1.Value", "FinanceJoshua"}}),
      ecs("DetachDisk", {{"InstanceId", "i-23jggx34b"}, {"DiskId", "d-23jbf2v5m"}}),
      ecs("DeleteInstances", {{"InstanceId.1", "i-instance1"}, {"Force", "false"}}),
      vpc("TagResources", {{"ResourceType", "VPC"},
                           {"RegionId", "cn-hangzhou"},
                           {"ResourceId.1", "vpc-bp16qjewdsunr41m1****"},
                           {"Tag.1.Key", "FinanceDept"},
                           {"Tag.1.Value", "FinanceJoshua"}}),
      ess("RemoveInstances",
          {{"ScalingGroupId", "AG6CQdPU8OKdwLjgZcJ****"}, {"InstanceId.1", "i-28wt4****"}}),
  };
  for (const auto& params : examples) {
    Harness h;
    Reply r = h.call(params);
    EXPECT_EQ(r.status, 200) << params[0].second << ": " << r.body;
    EXPECT_TRUE(r.json_body.contains("RequestId")) << r.body;
    // A sandboxed request (x-popcheck-state: initial) succeeds every time without touching the
    // shared state, so the JSON and XML runs of a consuming example both pass.
    Harness sandboxed;
    for (int i = 0; i < 2; ++i) {
      Reply s = sandboxed.call(params, "GET", {{"x-popcheck-state", "initial"}});
      EXPECT_EQ(s.status, 200) << params[0].second << " sandboxed run " << i << ": " << s.body;
    }
    EXPECT_EQ(sandboxed.state(), Harness().state()) << "a sandboxed call changes nothing";
  }
}

TEST(RemoveTags, RemovesOnlyTheGivenKeys) {
  Harness h;
  auto vars =
      h.provision(json::array({{{"var", "i"},
                                {"resource", "instance"},
                                {"with", {{"Tags", {{"a", "1"}, {"b", "2"}, {"c", "3"}}}}}}}));
  Reply r = h.call(ecs("RemoveTags", {{"RegionId", "cn-hangzhou"},
                                      {"ResourceType", "instance"},
                                      {"ResourceId", vars["i"]},
                                      {"Tag.1.Key", "a"},
                                      {"Tag.2.Key", "c"},
                                      {"Tag.2.Value", "not-the-value"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  json tags = find_by(h.state()["Instances"], "InstanceId", vars["i"])["Tags"];
  // "a" goes; "c" stays because its value differs; "b" was never named.
  EXPECT_EQ(tags, (json{{"b", "2"}, {"c", "3"}}));
}

TEST(RemoveTags, ValidatesRequiredThenRegionThenTypeThenTagsThenExistence) {
  Harness h;
  EXPECT_EQ(h.call(ecs("RemoveTags", {{"ResourceType", "bogus"}, {"ResourceId", "x"}})).code(),
            "MissingParameter");
  EXPECT_EQ(h.call(ecs("RemoveTags",
                       {{"RegionId", "xx-none"}, {"ResourceType", "bogus"}, {"ResourceId", "x"}}))
                .code(),
            "InvalidRegionId.NotFound");
  EXPECT_EQ(h.call(ecs("RemoveTags", {{"RegionId", "cn-hangzhou"},
                                      {"ResourceType", "bogus"},
                                      {"ResourceId", "x"},
                                      {"Tag.1.Key", "aliyunx"}}))
                .code(),
            "InvalidResourceType.NotFound");
  EXPECT_EQ(h.call(ecs("RemoveTags", {{"RegionId", "cn-hangzhou"},
                                      {"ResourceType", "disk"},
                                      {"ResourceId", "x"},
                                      {"Tag.1.Key", "aliyunx"}}))
                .code(),
            "InvalidTagKey.Malformed");
  EXPECT_EQ(h.call(ecs("RemoveTags", {{"RegionId", "cn-hangzhou"},
                                      {"ResourceType", "disk"},
                                      {"ResourceId", "x"},
                                      {"Tag.1.Key", "ok"}}))
                .code(),
            "InvalidResourceId.NotFound");
  // A resource of another region is not found from this one.
  EXPECT_EQ(h.call(ecs("RemoveTags", {{"RegionId", "cn-hangzhou"},
                                      {"ResourceType", "snapshot"},
                                      {"ResourceId", "s-946ntx4wr"}}))
                .code(),
            "InvalidResourceId.NotFound");
}

TEST(DetachDisk, DetachesAndClearsDeleteWithInstance) {
  Harness h;
  auto vars = h.provision(
      json::array({{{"var", "i"}, {"resource", "instance"}},
                   {{"var", "d"},
                    {"resource", "disk"},
                    {"with", {{"InstanceId", "${i}"}, {"DeleteWithInstance", true}}}}}));
  Reply r = h.call(ecs("DetachDisk", {{"InstanceId", vars["i"]}, {"DiskId", vars["d"]}}));
  ASSERT_EQ(r.status, 200) << r.body;
  json disk = find_by(h.state()["Disks"], "DiskId", vars["d"]);
  EXPECT_EQ(disk["InstanceId"], "");
  EXPECT_EQ(disk["Status"], "Available");
  EXPECT_EQ(disk["DeleteWithInstance"], false);
  // Detached once, it is no longer on the instance.
  EXPECT_EQ(h.call(ecs("DetachDisk", {{"InstanceId", vars["i"]}, {"DiskId", vars["d"]}})).code(),
            "IncorrectDiskStatus");
}

TEST(DetachDisk, ChecksExistenceBeforeState) {
  Harness h;
  auto vars = h.provision(
      json::array({{{"var", "i"}, {"resource", "instance"}, {"with", {{"Status", "Starting"}}}},
                   {{"var", "d"}, {"resource", "disk"}, {"with", "$released"}}}));
  // Instance first, then the disk, and only then the instance's status.
  EXPECT_EQ(h.call(ecs("DetachDisk", {{"InstanceId", "i-none"}, {"DiskId", vars["d"]}})).code(),
            "InvalidInstanceId.NotFound");
  EXPECT_EQ(h.call(ecs("DetachDisk", {{"InstanceId", vars["i"]}, {"DiskId", vars["d"]}})).code(),
            "InvalidDiskId.Released");
  EXPECT_EQ(h.call(ecs("DetachDisk", {{"InstanceId", ""}, {"DiskId", vars["d"]}})).code(),
            "InvalidParameter");
}

TEST(DeleteInstances, ReleasesDisksThatGoWithTheInstance) {
  Harness h;
  auto vars = h.provision(
      json::array({{{"var", "i"}, {"resource", "instance"}, {"with", {{"Status", "Stopped"}}}},
                   {{"var", "goes"}, {"resource", "disk"}, {"with", {{"InstanceId", "${i}"}}}},
                   {{"var", "stays"},
                    {"resource", "disk"},
                    {"with", {{"InstanceId", "${i}"}, {"DeleteWithInstance", false}}}}}));
  Reply r = h.call(ecs("DeleteInstances", {{"InstanceId.1", vars["i"]}}));
  ASSERT_EQ(r.status, 200) << r.body;
  json state = h.state();
  EXPECT_TRUE(find_by(state["Instances"], "InstanceId", vars["i"]).is_null());
  EXPECT_TRUE(find_by(state["Disks"], "DiskId", vars["goes"]).is_null());
  json kept = find_by(state["Disks"], "DiskId", vars["stays"]);
  EXPECT_EQ(kept["Status"], "Available");
  EXPECT_EQ(kept["InstanceId"], "");
  // Released ids are remembered: the disk that went is now "released", not "never existed".
  EXPECT_EQ(h.call(ecs("DetachDisk", {{"InstanceId", vars["i"]}, {"DiskId", vars["goes"]}})).code(),
            "InvalidInstanceId.NotFound");
  auto other = h.provision(json::array({{{"var", "j"}, {"resource", "instance"}}}));
  EXPECT_EQ(
      h.call(ecs("DetachDisk", {{"InstanceId", other["j"]}, {"DiskId", vars["goes"]}})).code(),
      "InvalidDiskId.Released");
}

TEST(DeleteInstances, ForceReleasesRunningAndDryRunChangesNothing) {
  Harness h;
  auto vars = h.provision(json::array({{{"var", "i"}, {"resource", "instance"}}}));
  Reply dry = h.call(
      ecs("DeleteInstances", {{"InstanceId.1", vars["i"]}, {"DryRun", "true"}, {"Force", "true"}}));
  EXPECT_EQ(dry.status, 400);
  EXPECT_EQ(dry.code(), "DryRunOperation");
  EXPECT_FALSE(find_by(h.state()["Instances"], "InstanceId", vars["i"]).is_null());
  EXPECT_EQ(h.call(ecs("DeleteInstances", {{"InstanceId.1", vars["i"]}})).code(),
            "IncorrectInstanceStatus");
  EXPECT_EQ(h.call(ecs("DeleteInstances", {{"InstanceId.1", vars["i"]}, {"Force", "true"}})).status,
            200);
  EXPECT_TRUE(find_by(h.state()["Instances"], "InstanceId", vars["i"]).is_null());
  EXPECT_EQ(h.call(ecs("DeleteInstances", {{"InstanceId.1", vars["i"]}})).code(),
            "InvalidInstanceId.NotFound");
}

TEST(DeleteInstances, IsAllOrNothingAndRejectsGarbage) {
  Harness h;
  auto vars = h.provision(
      json::array({{{"var", "a"}, {"resource", "instance"}, {"with", {{"Status", "Stopped"}}}},
                   {{"var", "b"},
                    {"resource", "instance"},
                    {"with", {{"Status", "Stopped"}, {"DeletionProtection", true}}}}}));
  Reply r =
      h.call(ecs("DeleteInstances", {{"InstanceId.1", vars["a"]}, {"InstanceId.2", vars["b"]}}));
  EXPECT_EQ(r.code(), "InvalidOperation.DeletionProtection");
  EXPECT_FALSE(find_by(h.state()["Instances"], "InstanceId", vars["a"]).is_null())
      << "nothing is released when one instance refuses";
  EXPECT_EQ(
      h.call(ecs("DeleteInstances", {{"InstanceId.1", vars["a"]}, {"Force", "maybe"}})).code(),
      "InvalidParameter");
  EXPECT_EQ(h.call(ecs("DeleteInstances", {})).code(), "MissingParameter");
  EXPECT_EQ(h.call(ecs("DeleteInstances", {{"InstanceId.x", vars["a"]}})).code(),
            "InvalidParameter");
  EXPECT_EQ(h.call(ecs("DeleteInstances", {{"InstanceId.101", vars["a"]}})).code(),
            "InvalidParameter");
}

TEST(DeleteInstances, SecurityLockedWithForceTakesEveryDisk) {
  Harness h;
  auto vars = h.provision(
      json::array({{{"var", "i"}, {"resource", "instance"}, {"with", {{"SecurityLocked", true}}}},
                   {{"var", "d"},
                    {"resource", "disk"},
                    {"with", {{"InstanceId", "${i}"}, {"DeleteWithInstance", false}}}}}));
  EXPECT_EQ(h.call(ecs("DeleteInstances", {{"InstanceId.1", vars["i"]}})).code(),
            "InstanceLockedForSecurity");
  ASSERT_EQ(h.call(ecs("DeleteInstances", {{"InstanceId.1", vars["i"]}, {"Force", "true"}})).status,
            200);
  EXPECT_TRUE(find_by(h.state()["Disks"], "DiskId", vars["d"]).is_null());
}

TEST(DeleteInstances, ExpiredSubscriptionNeedsTerminateSubscription) {
  Harness h;
  auto vars = h.provision(json::array(
      {{{"var", "i"},
        {"resource", "instance"},
        {"with", {{"Status", "Stopped"}, {"InstanceChargeType", "PrePaid"}, {"Expired", true}}}}}));
  EXPECT_EQ(h.call(ecs("DeleteInstances", {{"InstanceId.1", vars["i"]}})).code(),
            "IncorrectInstanceStatus");
  EXPECT_EQ(h.call(ecs("DeleteInstances",
                       {{"InstanceId.1", vars["i"]}, {"TerminateSubscription", "true"}}))
                .status,
            200);
}

TEST(TagResources, AddsOverwritesAndEnforcesTwentyTags) {
  Harness h;
  auto vars = h.provision(json::array(
      {{{"var", "v"}, {"resource", "vswitch"}, {"with", {{"Tags", {{"$count", 19}}}}}}}));
  core::Params base = {
      {"RegionId", "cn-hangzhou"}, {"ResourceType", "VSWITCH"}, {"ResourceId.1", vars["v"]}};
  auto with = [&](core::Params tags) {
    core::Params p = base;
    p.insert(p.end(), tags.begin(), tags.end());
    return vpc("TagResources", p);
  };
  // Overwriting an existing key does not count against the limit.
  ASSERT_EQ(h.call(with({{"Tag.1.Key", "key1"}, {"Tag.1.Value", "new"}})).status, 200);
  ASSERT_EQ(h.call(with({{"Tag.1.Key", "twentieth"}, {"Tag.1.Value", ""}})).status, 200);
  EXPECT_EQ(h.call(with({{"Tag.1.Key", "twenty-first"}, {"Tag.1.Value", "x"}})).code(),
            "QuotaExceeded.TagNum");
  json tags;
  json state = h.state();
  for (const auto& r : state["Resources"]) {
    if (r["ResourceId"] == vars["v"]) tags = r["Tags"];
  }
  EXPECT_EQ(tags.size(), 20u);
  EXPECT_EQ(tags["key1"], "new");
  EXPECT_EQ(tags["twentieth"], "");
  // The type must match the resource: a vSwitch is not found as a VPC.
  base[1].second = "VPC";
  EXPECT_EQ(h.call(with({{"Tag.1.Key", "k"}, {"Tag.1.Value", "v"}})).code(),
            "InvalidInstanceIds.NotFound");
}

TEST(RemoveInstances, RespectsMinSizeAndReturnsAnActivity) {
  Harness h;
  auto vars = h.provision(json::array(
      {{{"var", "g"}, {"resource", "scalinggroup"}, {"with", {{"MinSize", 1}}}},
       {{"var", "auto"}, {"resource", "scalinginstance"}, {"with", {{"ScalingGroupId", "${g}"}}}},
       {{"var", "manual"},
        {"resource", "scalinginstance"},
        {"with", {{"ScalingGroupId", "${g}"}, {"CreationType", "Attached"}}}}}));
  EXPECT_EQ(h.call(ess("RemoveInstances", {{"ScalingGroupId", vars["g"]},
                                           {"InstanceId.1", vars["auto"]},
                                           {"InstanceId.2", vars["manual"]}}))
                .code(),
            "IncorrectCapacity.MinSize");
  Reply r = h.call(
      ess("RemoveInstances", {{"ScalingGroupId", vars["g"]}, {"InstanceId.1", vars["auto"]}}));
  ASSERT_EQ(r.status, 200) << r.body;
  std::string activity = r.json_body.value("ScalingActivityId", std::string());
  EXPECT_FALSE(activity.empty());
  json state = h.state();
  // The instance the group created is released; the one a user attached would have stayed.
  EXPECT_TRUE(find_by(state["Instances"], "InstanceId", vars["auto"]).is_null());
  json group = find_by(state["ScalingGroups"], "ScalingGroupId", vars["g"]);
  EXPECT_EQ(group["Instances"].size(), 1u);
  EXPECT_EQ(group["Activities"][0], activity);
}

TEST(RemoveInstances, AttachedInstancesStayAndRecycleStops) {
  Harness h;
  auto vars = h.provision(json::array(
      {{{"var", "g"}, {"resource", "scalinggroup"}, {"with", {{"ScalingPolicy", "recycle"}}}},
       {{"var", "auto"}, {"resource", "scalinginstance"}, {"with", {{"ScalingGroupId", "${g}"}}}},
       {{"var", "manual"},
        {"resource", "scalinginstance"},
        {"with", {{"ScalingGroupId", "${g}"}, {"CreationType", "Attached"}}}}}));
  Reply r = h.call(ess("RemoveInstances", {{"ScalingGroupId", vars["g"]},
                                           {"InstanceId.1", vars["auto"]},
                                           {"InstanceId.2", vars["manual"]},
                                           {"RemovePolicy", "recycle"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  json state = h.state();
  EXPECT_EQ(find_by(state["Instances"], "InstanceId", vars["auto"])["Status"], "Stopped");
  EXPECT_EQ(find_by(state["Instances"], "InstanceId", vars["manual"])["Status"], "Running");
  EXPECT_TRUE(find_by(state["ScalingGroups"], "ScalingGroupId", vars["g"])["Instances"].empty());
  // A second removal of the same instance: it is no longer in the group.
  EXPECT_EQ(h.call(ess("RemoveInstances",
                       {{"ScalingGroupId", vars["g"]}, {"InstanceId.1", vars["auto"]}}))
                .code(),
            "InvalidInstanceId.NotFound");
}

TEST(RemoveInstances, ValidatesGroupStateBeforeMembers) {
  Harness h;
  auto vars = h.provision(json::array(
      {{{"var", "g"}, {"resource", "scalinggroup"}, {"with", {{"Status", "Inactive"}}}}}));
  EXPECT_EQ(h.call(ess("RemoveInstances", {{"InstanceId.1", "i-x"}})).code(), "MissingParameter");
  EXPECT_EQ(h.call(ess("RemoveInstances", {{"ScalingGroupId", vars["g"]}})).code(),
            "MissingParameter");
  EXPECT_EQ(h.call(ess("RemoveInstances", {{"ScalingGroupId", vars["g"]},
                                           {"InstanceId.1", "i-x"},
                                           {"RemovePolicy", "shred"}}))
                .code(),
            "InvalidParameter");
  EXPECT_EQ(h.call(ess("RemoveInstances", {{"ScalingGroupId", vars["g"]}, {"InstanceId.1", "i-x"}}))
                .code(),
            "IncorrectScalingGroupStatus");
}

}  // namespace
}  // namespace popcheck::emulator

namespace popcheck::emulator {
namespace {

using namespace testing;

TEST(RemoveTags, ValuesAreLimitedLikeKeys) {
  Harness h;
  auto vars = h.provision(json::array({{{"var", "s"}, {"resource", "snapshot"}}}));
  auto with_value = [&](std::string value) {
    return h.call(ecs("RemoveTags", {{"RegionId", "cn-hangzhou"},
                                     {"ResourceType", "snapshot"},
                                     {"ResourceId", vars["s"]},
                                     {"Tag.1.Key", "k"},
                                     {"Tag.1.Value", value}}));
  };
  EXPECT_EQ(with_value(std::string(128, 'v')).status, 200);
  EXPECT_EQ(with_value(std::string(129, 'v')).code(), "InvalidTagValue.Malformed");
  EXPECT_EQ(with_value("aliyun-v").code(), "InvalidTagValue.Malformed");
  EXPECT_EQ(with_value("see https://x").code(), "InvalidTagValue.Malformed");
}

TEST(Provision, TheRequestRegionDoesNotBecomeKnown) {
  Harness h;
  // The runner passes the request's RegionId; a case about an unknown region must still see it unknown.
  auto vars = h.provision(json::array({{{"var", "s"}, {"resource", "snapshot"}}}), "xx-nowhere-1");
  Reply r = h.call(
      ecs("RemoveTags",
          {{"RegionId", "xx-nowhere-1"}, {"ResourceType", "snapshot"}, {"ResourceId", vars["s"]}}));
  EXPECT_EQ(r.code(), "InvalidRegionId.NotFound");
  // A region a need names itself is made known.
  auto named = h.provision(json::array(
      {{{"var", "s"}, {"resource", "snapshot"}, {"with", {{"RegionId", "xx-private-1"}}}}}));
  EXPECT_EQ(h.call(ecs("RemoveTags", {{"RegionId", "xx-private-1"},
                                      {"ResourceType", "snapshot"},
                                      {"ResourceId", named["s"]}}))
                .status,
            200);
}

}  // namespace
}  // namespace popcheck::emulator
