#include "emulator/state.hpp"

#include <set>

#include <gtest/gtest.h>

namespace popcheck::emulator {
namespace {

TEST(State, DefaultRoundTripsThroughJson) {
  State s = default_state();
  auto back = state_from_json(to_json(s));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(to_json(*back), to_json(s));
}
}  // namespace
}  // namespace popcheck::emulator

namespace popcheck::emulator {
namespace {

TEST(State, ReadingNamesThePathOfWhatIsWrong) {
  auto bad = state_from_json(ojson::parse(R"({"Disks":[{"DiskId":"d-1"},{"DiskId":"d-2","Portable":"yes"}]})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "state.format");
  EXPECT_NE(bad.error().message.find("Disks[1].Portable"), std::string::npos) << bad.error().message;
  auto kind = state_from_json(ojson::parse(R"({"Resources":[{"ResourceId":"x","ResourceType":"ship"}]})"));
  ASSERT_FALSE(kind);
  EXPECT_NE(kind.error().message.find("ship"), std::string::npos);
  EXPECT_FALSE(state_from_json(ojson::parse("[]")));
  EXPECT_FALSE(state_from_json(ojson::parse(R"({"Instances":[{"Status":"Running"}]})")));
}

TEST(State, ReleasingAnInstanceHonoursDeleteWithInstance) {
  State s;
  s.instances["i-1"] = Instance{.id = "i-1", .region = "r"};
  s.disks["d-go"] = Disk{.id = "d-go", .region = "r", .instance_id = "i-1", .status = "In_use"};
  s.disks["d-stay"] = Disk{.id = "d-stay", .region = "r", .instance_id = "i-1", .status = "In_use",
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
