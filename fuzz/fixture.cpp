// Fuzz target: a fixture file through exchange_from_text (proxy/fixtures/fixture.hpp), which the fixture
// loader (read_fixture_folder) and the replay store run on every file. A fixture that loads must
// write back to text that loads again and then writes the same bytes: what the proxy saves it can
// replay.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/check.hpp"
#include "proxy/fixtures/fixture.hpp"

using namespace popcheck;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto exchange = proxy::exchange_from_text(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
  if (!exchange) return 0;
  const std::string text = proxy::exchange_to_text(*exchange);
  auto again = proxy::exchange_from_text(text, "fuzz.json");
  fuzz::require(again.has_value(), "a fixture written by exchange_to_text loads");
  fuzz::require(proxy::exchange_to_text(*again) == text,
                "exchange_to_text is stable across a reload");
  return 0;
}
