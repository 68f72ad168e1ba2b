// Fuzz target: a V3 (ROA-style RPC) POST whose Action and Version travel in x-acs-* headers. The
// input gives (FuzzedDataProvider) the target, up to 8 headers with names drawn from the ones the
// normaliser looks at or free, the match options and the body; every normalisation path of
// core/protocol/normalize.hpp must agree (fuzz/check.hpp).
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/check.hpp"

using namespace popcheck;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::array<const char*, 6> kNames{"x-acs-action",          "X-Acs-Version",
                                                 "content-type",          "Content-Type",
                                                 "x-acs-signature-nonce", "Authorization"};
  FuzzedDataProvider in(data, size);
  const std::string target = in.ConsumeRandomLengthString(256);
  core::Headers headers;
  const int count = in.ConsumeIntegralInRange(0, 8);
  for (int i = 0; i < count; ++i) {
    std::string name = in.ConsumeBool()
                           ? kNames[in.ConsumeIntegralInRange<size_t>(0, kNames.size() - 1)]
                           : in.ConsumeRandomLengthString(32);
    headers.emplace_back(std::move(name), in.ConsumeRandomLengthString(128));
  }
  core::MatchOptions options;
  if (in.ConsumeBool()) options.extra_ignored.insert(in.ConsumeRandomLengthString(16));
  if (in.ConsumeBool()) options.default_format = in.ConsumeRandomLengthString(8);
  const std::string body = in.ConsumeRemainingBytesAsString();
  for (const auto& [name, value] : headers) (void)core::is_volatile_header(name);
  (void)core::header_value(headers, "x-acs-action");
  fuzz::check_request({"POST", target, &headers, body}, options);
  return 0;
}
