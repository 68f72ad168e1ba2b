// Fuzz target: the plain-text web-page copy of a reference page (seed 001's form). read_document
// picks the plain-text reader when looks_like_plaintext says so; the seed corpus is of that form, and
// an input the detector calls markdown is read as markdown all the same (both are the real path).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/compile/docs.hpp"
#include "core/compile/markdown.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)popcheck::core::doc::looks_like_plaintext(text);
  popcheck::core::ReadOptions options;
  options.product = "Ecs";
  (void)popcheck::core::read_document(text, "fuzz.txt", options);
  return 0;
}
