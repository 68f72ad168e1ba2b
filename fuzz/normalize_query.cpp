// Fuzz target: a GET whose query is the input ("/?<input>"), through parse_query_string and every
// normalisation path of core/protocol/normalize.hpp, which must agree (fuzz/check.hpp).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/check.hpp"

using namespace popcheck;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string query(reinterpret_cast<const char*>(data), size);
  (void)core::parse_query_string(query);
  const std::string target = "/?" + query;
  const core::Headers headers;
  fuzz::check_request({"GET", target, &headers, {}}, core::MatchOptions{});
  core::MatchOptions options;
  options.extra_ignored = {"ClientToken"};
  options.default_format.clear();
  fuzz::check_request({"GET", target, &headers, {}}, options);
  return 0;
}
