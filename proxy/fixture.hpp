#pragma once
// One recorded exchange (request + response + provenance) and its on-disk form: one JSON file per
// exchange under <fixtures>/<product>/<Action>/NNNNNN-<hash>.json, keys in a fixed order. The request is
// stored without credentials (core/protocol/redact) and the response with configured JSON paths removed;
// the response body is stored readably (JSON as JSON, XML and text as a string) yet replays byte for byte.
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/model.hpp"
#include "core/protocol/normalize.hpp"
#include "core/protocol/redact.hpp"
#include "popcheck/version.hpp"

namespace popcheck::proxy {

using core::Headers;
using core::Params;

struct RecordedRequest {
  std::string method;  // as sent by the client
  std::string path;    // the target without its query ("/" for RPC)
  Params params;       // merge_params of the request, credentials and signatures removed
  Headers headers;     // identifying headers only (never credentials, dates, nonces or host)
  std::string body;    // only when the body is not a form (a form's fields are in `params`)
};

struct RecordedResponse {
  int status = 200;
  std::string content_type;  // exact bytes, replayed as such
  Headers headers;           // other end-to-end headers worth replaying (no Date, Content-Length, ...)
  std::string body;          // exact bytes
};

struct Provenance {
  std::string recorded_at;  // UTC with milliseconds, "2026-11-23T15:04:05.123Z" (older: whole seconds)
  std::string upstream;     // "https://ecs.aliyuncs.com"
  std::string api_version;  // the request's Version
  long long duration_ms = 0;
  std::string popcheck_version{kVersion};
};

struct Exchange {
  std::string product;  // lowercase folder name: "ecs", "vpc", "ess"
  std::string action;
  RecordedRequest request;
  RecordedResponse response;
  Provenance provenance;
};

// Parameters that identify the caller or sign one request; they never reach a fixture.
bool is_credential_param(std::string_view name);
// Headers that carry credentials, signatures or per-request noise; they never reach a fixture.
bool is_unrecorded_header(std::string_view name);

// The serialised fixture (pretty JSON with a trailing newline).
std::string exchange_to_text(const Exchange& e);
// Parses a fixture file's text; errors name `file`.
Expected<Exchange> exchange_from_text(std::string_view text, const std::string& file);

// Removes every node a path selects from a JSON body. Paths: "$.AccessKeySecret", "Credentials.*",
// "$.Items.Item[*].Secret", "Users[0].Password". Returns true when something was removed. A body that is
// not JSON is left alone (and false returned). A JSON body too deep or too large to walk
// (core/input_limits.hpp) cannot be redacted: it is withheld, replaced whole by a JSON note saying
// why (and true returned), so that what the paths name never reaches a fixture.
bool redact_json_paths(std::string& body, const std::vector<std::string>& paths);

// The request's parameters, headers and body through `redactor` (core/protocol/redact): values of
// credential names, known secret values, sensitive keys of a JSON or XML body. Every path that
// makes or exports a fixture (recording, HAR import and export) calls it.
void redact_recorded(RecordedRequest& request, const core::Redactor& redactor);

// Response headers that belong to one connection or one moment (Content-Length, Connection, Date,
// Set-Cookie, ...); never recorded nor relayed as such.
bool is_transient_response_header(std::string_view name);

// Whether `s` is valid UTF-8, so that a JSON string can hold it without loss.
bool is_valid_utf8(std::string_view s);

// The number at the start of a fixture file name ("000012-ab34cd56.json" -> 12); -1 when none.
long fixture_sequence(std::string_view filename);

// One fixture as read from a folder.
struct FixtureFile {
  std::string path;      // as found below the folder ("<dir>/ecs/RemoveTags/000001-....json")
  std::string relative;  // the same relative to the folder, '/'-separated ("ecs/RemoveTags/...")
  Exchange exchange;
};

struct FixtureListing {
  std::vector<FixtureFile> fixtures;  // in recorded order
  std::vector<Error> errors;          // unreadable or corrupt files, each named; the rest still load
};

// Every fixture below `dir` (*.json; hidden files and folders, such as the temporary files of an
// interrupted atomic write, left out) in recorded order: by provenance.recorded_at (whole seconds and
// fractions compare as times), then by path. Within one Action folder the proxy numbers the files in
// recording order, so there the sequence numbers always decide. A missing folder is an error.
FixtureListing read_fixture_folder(const std::string& dir);

// Stable short hash of a match key (FNV-1a 64, 8 lowercase hex digits) used in file names.
std::string short_hash(std::string_view key);

// The product folder for a request: the first label of a named upstream host ("ecs" for
// ecs.cn-hangzhou.aliyuncs.com), else the product of a known API version, else "version-<Version>".
std::string product_for(std::string_view upstream_host, std::string_view version);

}  // namespace popcheck::proxy
