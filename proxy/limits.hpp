#pragma once
// Bounds on what a client's requests can make the proxy keep in memory. Everything the proxy holds
// on to after answering (the miss log, the per-action counters of the fault injector and the stats,
// the validator's results) is built from these, so that no request, however big or however many
// distinct values a client invents, can grow the process without bound. The figures are documented
// in proxy/README.md and docs/validating-proxy.md.
#include <cstddef>
#include <string>
#include <string_view>

namespace popcheck::proxy {

// Bytes of one client-supplied value (a parameter, an Action, a difference) kept in a log or a
// counter's name. Longer values keep their start and a digest (see shorten).
inline constexpr size_t kMaxKeptValue = 256;
// Parameters kept per miss-log entry (a request may carry thousands); the others are counted.
inline constexpr size_t kMaxMissParams = 64;
// Differences ("X: recorded 'a', request 'b'") kept per miss-log entry.
inline constexpr size_t kMaxMissDifferences = 16;
// Distinct Action values counted apart by the fault injector's and the validator's per-action
// counters; requests of further actions are counted under kOtherActions.
inline constexpr size_t kMaxTrackedActions = 1000;
// The counter name that collects the actions beyond kMaxTrackedActions.
inline constexpr std::string_view kOtherActions = "<other actions>";

// `text` itself when it has at most `max` bytes; else its first bytes (cut on a UTF-8 character
// boundary) followed by "...[N bytes, fnv XXXXXXXX]", N the whole length and XXXXXXXX the
// short_hash of the whole value, so that two long values can still be told apart and compared.
std::string shorten(std::string_view text, size_t max = kMaxKeptValue);

}  // namespace popcheck::proxy
