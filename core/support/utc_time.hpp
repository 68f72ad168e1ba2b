#pragma once
// UTC timestamps in ISO 8601 as the reports and fixtures write them. The caller reads the clock and
// passes the time: the functions here are pure, so that core stays free of clocks.
#include <chrono>
#include <string>

namespace popcheck::core {

struct UtcFormat {
  bool milliseconds = false;  // ".123" after the seconds (truncated, not rounded)
  bool zone = true;           // the "Z" designator; JUnit's timestamp attribute is written without
};

// "2026-11-23T15:04:05Z"; with milliseconds "2026-11-23T15:04:05.123Z"; without the zone
// "2026-11-23T15:04:05". Times before 1970 are written as well (the calendar is proleptic
// Gregorian).
std::string format_utc(std::chrono::system_clock::time_point t, UtcFormat format = {});

}  // namespace popcheck::core
