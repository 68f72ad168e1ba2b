#pragma once
// HAR 1.2 interchange (http://www.softwareishard.com/blog/har-12-spec/): fixtures exported as one
// HAR log that browsers' devtools and other proxies can open, and HAR captures (Chrome, Firefox,
// mitmproxy, Charles, another popcheck) imported as fixtures that the proxy replays. The
// conversions are pure (values in, values out); reading a fixtures folder and writing imported
// fixtures are separate functions at the end.
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/model.hpp"
#include "proxy/fixture.hpp"
#include "proxy/store.hpp"

namespace popcheck::proxy {

// The HAR log of the fixtures, one entry each, in the order given. Every field HAR 1.2 requires is
// written; each entry also carries `_popcheck` (fixture file, product, provenance) so that an
// import of the export restores the product folder and provenance exactly.
core::ojson fixtures_to_har(const std::vector<FixtureFile>& fixtures);
// The same serialised (two-space indentation, trailing newline).
std::string fixtures_to_har_text(const std::vector<FixtureFile>& fixtures);

struct HarImportOptions {
  // JSON paths removed from every response body, as the proxy's --redact-response-path.
  std::vector<std::string> redact_paths;
  core::MatchOptions match;
};

// One entry turned into a fixture, with the match key the proxy will look it up by.
struct HarExchange {
  size_t index = 0;  // position in log.entries
  Exchange exchange;
  std::string key;
};

struct HarImport {
  size_t entries = 0;                  // entries in the file
  std::vector<HarExchange> exchanges;  // Alibaba RPC calls, in file order
  size_t skipped = 0;                  // entries that are not Alibaba RPC calls (no Action)
  std::vector<Error> errors;           // "entries[3].response.status: missing", naming `file`
};

// Turns the entries of a HAR document into exchanges. A document that is not a HAR log is one error
// and no exchanges; a malformed entry is one error and the others still convert. Credentials never
// reach an exchange: credential parameters and headers are dropped, and every key id, token and
// signature the entry carries is replaced by "<redacted>" wherever else it appears.
HarImport har_to_exchanges(std::string_view text, const std::string& file,
                           const HarImportOptions& options = {});

// "2026-11-23T16:17:17.1234+08:00" -> "2026-11-23T08:17:17.123Z" (UTC, milliseconds, the form the
// proxy records); empty when the text is not an ISO 8601 date and time.
std::string utc_millis(std::string_view iso);

// Writes the exchanges of an import into `store` (atomic files numbered after the existing ones).
// Returns the number written; a failed write is added to `import.errors` and the rest continue.
size_t record_import(FixtureStore& store, HarImport& import, const std::string& file);

}  // namespace popcheck::proxy
