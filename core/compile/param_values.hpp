#pragma once
// Values of one parameter against the constraints its contract states: a value that meets them all
// (the generator's valid requests), a value that breaks a given one (its negative and error cases),
// and which constraints a value breaks (the emulator's validation). The constraint kinds are named
// as the case ids and the generator's triggers name them: "type", "allowed", "max_length",
// "min_length", "non_empty", "maximum", "minimum", "pattern", "forbidden_prefix",
// "forbidden_substring".
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/model.hpp"

namespace popcheck::core::values {

// A breaking value larger than this is not generated: a request carrying it says nothing that a
// smaller one does not, and 2^31-1 characters of it is a 2 GB catalogue file.
inline constexpr int64_t kMaxBreakingBytes = 64 * 1024;

// "its breaking value would be N bytes (WHAT), over the 64 KiB bound".
std::string too_large(int64_t bytes, const std::string& what);
// Request bytes of n items of a list parameter, saturating.
int64_t list_bytes(int64_t n, size_t item);

// Integral values of any size as their exact decimal digits; others in the shortest form that
// reads back.
std::string fmt_number(double v);
// The nearest number past a bound (dir +1: above, -1: below); nullopt past the largest double.
std::optional<double> past(double bound, int dir);

// The parameter's pattern compiled (ECMAScript); nullopt when it has none or it does not compile.
std::optional<std::regex> compile_pattern(const Param& p);

// The constraints `value` breaks, in the order a service checks them: type, allowed values, lengths
// (max_length, min_length, non_empty), ranges (maximum, minimum), pattern, forbidden prefixes and
// substrings. An empty value breaks only non_empty (an empty optional parameter is an absent one).
// `pattern` is the compiled p.pattern (compile_pattern), or nullptr to leave patterns out.
std::vector<std::string_view> violations(const Param& p, std::string_view value,
                                         const std::regex* pattern);

// A value that meets every constraint the contract states for p: its example when that does, else
// the example with masks ("123****") made digits, an allowed value, or a typed default. RegionId
// without an example is cn-hangzhou.
std::string default_value(const Param& p);
// default_value with a distinct suffix for the i-th item of a list, so that repeated keys stay
// unique.
std::string nth_value(const Param& p, int i);
// An id that cannot exist: the example's prefix ("d-", "i-", "vpc-") kept so that format checks
// pass.
std::string missing_id(const std::string& example);
// missing_id made to meet p's constraints (a number for a numeric id, within its length), so that
// only the lookup can refuse it.
std::string missing_value(const Param& p, const std::string& example);

// A value of p that breaks one stated constraint, and the constraint's kind: the first of
// RegionId's region, allowed values, forbidden prefix and substring, max_length, maximum, minimum,
// type, non_empty, min_length, pattern. nullopt when p states nothing breakable.
std::optional<std::pair<std::string, std::string>> breaking_value(const Param& p);
// A value that the pattern does not match; nullopt when every candidate matches.
std::optional<std::string> pattern_breaker(const Param& p);

}  // namespace popcheck::core::values
