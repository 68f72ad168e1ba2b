#include "core/support/utc_time.hpp"

#include <cstdio>

namespace popcheck::core {

std::string format_utc(std::chrono::system_clock::time_point t, UtcFormat format) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day date{day};
  const hh_mm_ss time{ms - day};
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d",
                        static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                        static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                        static_cast<int>(time.minutes().count()),
                        static_cast<int>(time.seconds().count()));
  std::string out(buf, static_cast<size_t>(n));
  if (format.milliseconds) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(time.subseconds().count()));
    out += buf;
  }
  if (format.zone) out += 'Z';
  return out;
}

}  // namespace popcheck::core
