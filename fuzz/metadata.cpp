// Fuzz target: Alibaba's api-docs.json metadata through read_metadata (core/compile/metadata.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/compile/metadata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)popcheck::core::read_metadata(std::string_view(reinterpret_cast<const char*>(data), size),
                                      "fuzz-api-docs.json");
  return 0;
}
