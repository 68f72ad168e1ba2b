#include "emulator/state.hpp"

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
