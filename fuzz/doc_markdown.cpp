// Fuzz target: API reference pages in markdown through read_document (core/compile/docs.hpp), the
// reader `popcheck compile` runs on every page, and json_top_keys, which reads the pages' examples.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/compile/docs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)popcheck::core::read_document(text, "fuzz.md");
  (void)popcheck::core::json_top_keys(text);
  return 0;
}
