// Error values (core/error.hpp): to_string shows what is known of file, line, message and code, in
// that order, and fail() builds the unexpected value every core function returns.
#include "core/error.hpp"

#include <gtest/gtest.h>

namespace popcheck {
namespace {

TEST(Error, ToStringShowsFileLineMessageAndCode) {
  Error e{"json.parse", "unexpected '}'", "cases/ecs/RemoveTags.json", 12};
  EXPECT_EQ(e.to_string(), "cases/ecs/RemoveTags.json:12: unexpected '}' [json.parse]");
}

TEST(Error, ToStringLeavesOutWhatIsUnknown) {
  EXPECT_EQ((Error{"io.read", "read failed", "a.md", 0}).to_string(),
            "a.md: read failed [io.read]");
  EXPECT_EQ((Error{"usage.shard", "--shard takes I/N", "", 3}).to_string(),
            "--shard takes I/N [usage.shard]");
  EXPECT_EQ((Error{"", "no code", "", 0}).to_string(), "no code");
}

Expected<int> half(int n) {
  if (n % 2 != 0) return fail("demo.odd", std::to_string(n) + " is odd", "input.txt", 4);
  return n / 2;
}

TEST(Error, FailCarriesEveryPartToTheCaller) {
  ASSERT_TRUE(half(8));
  EXPECT_EQ(*half(8), 4);
  auto odd = half(7);
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().code, "demo.odd");
  EXPECT_EQ(odd.error().message, "7 is odd");
  EXPECT_EQ(odd.error().file, "input.txt");
  EXPECT_EQ(odd.error().line, 4);
}

}  // namespace
}  // namespace popcheck
