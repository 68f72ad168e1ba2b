// Fuzz target: a POST form. The input is split (FuzzedDataProvider) into a query, a Content-Type and
// a form body; every normalisation path of core/protocol/normalize.hpp must agree (fuzz/check.hpp).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/check.hpp"

using namespace popcheck;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string target = in.ConsumeRandomLengthString(256);
  const std::string content_type = in.ConsumeRandomLengthString(64);
  const std::string body = in.ConsumeRemainingBytesAsString();
  (void)core::is_form_content_type(content_type);
  (void)core::parse_query_string(body);
  const core::Headers headers{{"Content-Type", content_type}};
  fuzz::check_request({"POST", target, &headers, body}, core::MatchOptions{});
  return 0;
}
