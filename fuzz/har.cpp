// Fuzz target: a HAR capture through har_to_exchanges (proxy/fixtures/har.hpp), what `popcheck fixtures
// import` runs. Every exchange it produces must be a fixture the proxy can write and load again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/check.hpp"
#include "proxy/fixtures/har.hpp"

using namespace popcheck;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  proxy::HarImportOptions options;
  options.redact_paths = {"$.AccessKeySecret", "Credentials.*", "Users[0].Password"};
  const proxy::HarImport import = proxy::har_to_exchanges(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.har", options);
  fuzz::require(import.exchanges.size() <= import.entries, "no more exchanges than entries");
  for (const auto& converted : import.exchanges) {
    const std::string text = proxy::exchange_to_text(converted.exchange);
    fuzz::require(proxy::exchange_from_text(text, "imported.json").has_value(),
                  "an imported exchange loads back as a fixture");
  }
  return 0;
}
