#include "emulator/state.hpp"

#include <set>
#include <tuple>

#include <gtest/gtest.h>

namespace popcheck::emulator {
namespace {

TEST(State, DefaultRoundTripsThroughJson) {
  State s = default_state();
  auto back = state_from_json(to_json(s));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(to_json(*back), to_json(s));
}

// What the responder's state checks read (State::attribute) is what /__popcheck/state shows: every
// attribute of an instance, a disk and a scaling group, each set away from its default.
TEST(State, EveryAttributeIsTheStateJsonsField) {
  auto s = state_from_json(ojson::parse(R"({
    "Instances": [{"InstanceId": "i-1", "RegionId": "cn-beijing", "Status": "Stopped",
                   "DeletionProtection": true, "SecurityLocked": true, "InstanceChargeType": "PrePaid",
                   "Expired": true, "SLBConfiguring": true, "RouteEntry": true, "Tags": {"k": "v"}}],
    "Disks": [{"DiskId": "d-1", "RegionId": "cn-beijing", "InstanceId": "i-1", "Type": "system",
               "Portable": false, "Status": "Detaching", "DeleteWithInstance": false}],
    "ScalingGroups": [{"ScalingGroupId": "asg-1", "RegionId": "cn-beijing", "Status": "Inactive",
                       "MinSize": 3, "MaxSize": 7, "ActivityInProgress": true,
                       "ScalingPolicy": "recycle", "LoadBalancerStatus": "inactive",
                       "DBInstanceStatus": "Stopped"}]})"));
  ASSERT_TRUE(s) << s.error().to_string();
  ojson shown = to_json(*s);
  size_t checked = 0;
  for (const auto& [kind, list, id_key] :
       {std::tuple{"instance", "Instances", "InstanceId"}, std::tuple{"disk", "Disks", "DiskId"},
        std::tuple{"scalinggroup", "ScalingGroups", "ScalingGroupId"}}) {
    const ojson& item = shown[list][0];
    std::string id = item[id_key];
    for (const auto& [key, value] : item.items()) {
      if (key == id_key || !(value.is_string() || value.is_boolean() || value.is_number()))
        continue;
      if (key == "LoadBalancerId" || key == "DBInstanceId") continue;  // links, not attributes
      std::string want = value.is_string() ? value.get<std::string>() : value.dump();
      EXPECT_EQ(s->attribute(kind, id, key), want) << kind << " " << key;
      ++checked;
    }
    EXPECT_EQ(s->attribute(kind, id, "Tags"), std::nullopt) << kind;
    EXPECT_EQ(s->attribute(kind, id, "Released"), "false") << kind;
    EXPECT_EQ(s->attribute(kind, id + "-absent", "Status"), std::nullopt) << kind;
  }
  EXPECT_EQ(checked, 8u + 6u + 8u);
}

TEST(State, ReadingNamesThePathOfWhatIsWrong) {
  auto bad = state_from_json(
      ojson::parse(R"({"Disks":[{"DiskId":"d-1"},{"DiskId":"d-2","Portable":"yes"}]})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "state.format");
  EXPECT_NE(bad.error().message.find("Disks[1].Portable"), std::string::npos)
      << bad.error().message;
  auto kind =
      state_from_json(ojson::parse(R"({"Resources":[{"ResourceId":"x","ResourceType":"ship"}]})"));
  ASSERT_FALSE(kind);
  EXPECT_NE(kind.error().message.find("ship"), std::string::npos);
  EXPECT_FALSE(state_from_json(ojson::parse("[]")));
  EXPECT_FALSE(state_from_json(ojson::parse(R"({"Instances":[{"Status":"Running"}]})")));
}

TEST(State, ReleasingAnInstanceHonoursDeleteWithInstance) {
  State s;
  s.instances["i-1"] = Instance{.id = "i-1", .region = "r"};
  s.disks["d-go"] = Disk{.id = "d-go", .region = "r", .instance_id = "i-1", .status = "In_use"};
  s.disks["d-stay"] = Disk{.id = "d-stay",
                           .region = "r",
                           .instance_id = "i-1",
                           .status = "In_use",
                           .delete_with_instance = false};
  s.scaling_groups["g"] = ScalingGroup{.id = "g", .instances = {{"i-1", "AutoCreated"}}};
  s.release_instance("i-1", false);
  EXPECT_FALSE(s.instances.contains("i-1"));
  EXPECT_TRUE(s.is_released("instance", "i-1"));
  EXPECT_TRUE(s.is_released("disk", "d-go"));
  ASSERT_TRUE(s.disks.contains("d-stay"));
  EXPECT_EQ(s.disks["d-stay"].status, "Available");
  EXPECT_TRUE(s.scaling_groups["g"].instances.empty());
}

TEST(State, NewIdsAreUniqueAndCarryTheKindsPrefix) {
  State s = default_state();
  std::set<std::string> ids;
  for (int k = 0; k < 500; ++k) {
    std::string id = s.new_id("instance");
    EXPECT_TRUE(id.starts_with("i-"));
    s.instances[id] = Instance{.id = id};
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 500u);
  EXPECT_TRUE(s.new_id("securitygroup").starts_with("sg-"));
  EXPECT_TRUE(s.new_id("natgateway").starts_with("ngw-"));
  // A state read back without NextSerial never hands out an id it already has.
  ojson j = to_json(s);
  j.erase("NextSerial");
  auto back = state_from_json(j);
  ASSERT_TRUE(back);
  for (int k = 0; k < 50; ++k) EXPECT_FALSE(ids.contains(back->new_id("instance")));
}

}  // namespace
}  // namespace popcheck::emulator
