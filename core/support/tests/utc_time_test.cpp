// UTC timestamps (core/support/utc_time.hpp).
#include "core/support/utc_time.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace popcheck::core {
namespace {

using namespace std::chrono;

// 2026-11-23T15:04:05.123Z
const sys_time<milliseconds> kSample =
    sys_days{year{2026} / November / 23} + hours{15} + minutes{4} + seconds{5} + milliseconds{123};

TEST(FormatUtc, TheThreeForms) {
  EXPECT_EQ(format_utc(kSample), "2026-11-23T15:04:05Z");
  EXPECT_EQ(format_utc(kSample, {.milliseconds = true}), "2026-11-23T15:04:05.123Z");
  EXPECT_EQ(format_utc(kSample, {.zone = false}), "2026-11-23T15:04:05");
  EXPECT_EQ(format_utc(kSample, {.milliseconds = true, .zone = false}), "2026-11-23T15:04:05.123");
}

TEST(FormatUtc, TruncatesAndPadsEveryField) {
  EXPECT_EQ(format_utc(system_clock::time_point{}), "1970-01-01T00:00:00Z");
  const auto almost = sys_days{year{1999} / December / 31} + hours{23} + minutes{59} + seconds{59} +
                      microseconds{999999};
  EXPECT_EQ(format_utc(almost, {.milliseconds = true}), "1999-12-31T23:59:59.999Z");
  EXPECT_EQ(
      format_utc(sys_days{year{2024} / February / 29} + milliseconds{7}, {.milliseconds = true}),
      "2024-02-29T00:00:00.007Z");
}

TEST(FormatUtc, AgreesWithTheCLibrary) {
  // Every day boundary of four years, and an odd second in each: the formatter and gmtime agree.
  for (long long s = 1'700'000'000; s < 1'700'000'000 + 4LL * 366 * 86400; s += 86400 + 3607) {
    const std::time_t t = static_cast<std::time_t>(s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char expected[32];
    std::strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ASSERT_EQ(format_utc(system_clock::from_time_t(t)), expected) << s;
  }
}

}  // namespace
}  // namespace popcheck::core
