// The memory bounds of the proxy (proxy/limits.hpp): a client-supplied value is kept whole up to the
// limit, and beyond it as its start, its length and a digest that still tells two values apart.
#include "proxy/limits.hpp"

#include <gtest/gtest.h>

#include "proxy/fixtures/fixture.hpp"

namespace popcheck::proxy {
namespace {

TEST(Limits, ShortValuesAreKeptWhole) {
  EXPECT_EQ(shorten("DescribeRegions"), "DescribeRegions");
  std::string at_limit(kMaxKeptValue, 'a');
  EXPECT_EQ(shorten(at_limit), at_limit);
  EXPECT_EQ(shorten(""), "");
}

TEST(Limits, LongValuesKeepTheirStartLengthAndDigest) {
  std::string value = std::string(kMaxKeptValue, 'a') + "tail";
  EXPECT_EQ(shorten(value), std::string(kMaxKeptValue, 'a') + "...[" +
                                std::to_string(value.size()) + " bytes, fnv " + short_hash(value) +
                                "]");
  // Two long values with the same start differ in their digest.
  std::string other = std::string(kMaxKeptValue, 'a') + "TAIL";
  EXPECT_NE(shorten(value), shorten(other));
  EXPECT_EQ(shorten(value, 4),
            "aaaa...[" + std::to_string(value.size()) + " bytes, fnv " + short_hash(value) + "]");
}

TEST(Limits, TheCutNeverSplitsAUtf8Character) {
  // "地" is three bytes: a cut after 4 bytes would fall inside the second character.
  std::string value = "地域地域地域";
  std::string kept = shorten(value, 4);
  EXPECT_TRUE(kept.starts_with("地...[18 bytes, fnv ")) << kept;
  EXPECT_TRUE(shorten(value, 6).starts_with("地域...[")) << shorten(value, 6);
}

}  // namespace
}  // namespace popcheck::proxy
