#pragma once
// The values that flow along popcheck's data path: Contract (what a document says about one action) and
// Case (one request with its expectation). Both serialise to the on-disk catalogue format
// DIR/<product>/<Action>.json = {"contract": Contract, "cases": [Case...]} with a stable key order
// (nlohmann::ordered_json, keys written in the order of the fields below). See docs/catalogue.md.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/types.hpp"

namespace popcheck::core {

using ojson = nlohmann::ordered_json;

// An ordered list of name/value pairs: request parameters keep the order in which they were written.
using Params = std::vector<std::pair<std::string, std::string>>;

// "Tag.N.Key": the name contains an N placeholder (RepeatList); `min`/`max` bound N when the text says so.
struct Repeat {
  int min = 1;
  std::optional<int> max;
};

struct Param {
  std::string name;  // as documented: "RegionId", "InstanceId.N", "Tag.N.Key"
  ParamType
      type;  // as documented ("String", "Long", "RepeatList", ...) and its class (core/types.hpp)
  bool required = false;
  std::string example;
  std::string description;
  std::string position;  // "Query", "Body", ... when the document says; empty otherwise
  int depth = 0;  // nesting level for sub-parameters (└ markers or metadata object properties)
  int table =
      0;  // 0: the first request-parameter table; 1..: further tables of the request section

  // Constraints, present only where the text (or metadata) states them.
  std::vector<std::string> allowed;  // enumerated values ("取值范围：disk, instance")
  std::optional<Repeat> repeat;      // the .N structure and its range
  std::optional<int64_t> min_length, max_length;
  std::optional<double> minimum, maximum;
  std::vector<std::string> forbidden_prefixes;    // "不能以 aliyun 和 acs: 开头"
  std::vector<std::string> forbidden_substrings;  // "不能包含 http:// 或者 https://"
  std::optional<std::string> pattern;             // a regular expression from metadata
  bool non_empty = false;  // "不允许为空字符串" / "cannot be an empty string"

  // The fields of a JSON-valued parameter that the page describes in a table or list of their own
  // ("Sources 各字段含义", the options of OptionsJson): they travel inside the parameter's value, so
  // they are not request parameters.
  std::vector<Param> fields;
};

// A node of the response tree. The root is an unnamed "object".
struct ResponseNode {
  std::string name;
  ValueType type = ValueType::any;  // normalised (core/types.hpp); written "object", "array", ...
  std::string raw_type;             // as documented ("String", "Array of Region", ...)
  std::string description;
  std::string example;
  std::vector<ResponseNode> children;
};

struct ErrorRow {
  std::optional<int> http;  // the HTTP status when the cell is digits
  std::string http_raw;     // the cell as written
  std::string code;
  std::string message;  // may contain %s wildcards
  std::string description;
};

struct ExampleBlock {
  std::string format;  // "url", "json", "xml", "text"
  std::string body;    // verbatim (stripped) content of the block
  bool valid = true;   // parses in its format
};

struct Examples {
  std::vector<ExampleBlock> requests;  // request examples (URLs or HTTP requests)
  std::optional<ExampleBlock> json;    // first JSON success example
  std::optional<ExampleBlock> xml;     // first XML success example
  std::vector<ExampleBlock> errors;    // error-response examples
  Params request_params;  // parameters of the first request example (decoded, placeholders dropped)
};

struct Source {
  std::string file;
  std::string format;    // "markdown", "plaintext", "metadata"
  std::string language;  // "zh", "en", "" (unknown)
};

struct Contract {
  std::string product;   // "Ecs", "Vpc", "Ess" (metadata spelling)
  std::string version;   // "2014-05-26"
  std::string action;    // "RemoveTags"
  std::string endpoint;  // "ecs.aliyuncs.com"
  std::string title;
  std::vector<Param> params;
  ResponseNode response;
  Examples examples;
  std::vector<ErrorRow> errors;  // in document order, duplicates kept
  Source source;
  std::vector<std::string>
      warnings;  // things the reader noticed but tolerated (invalid JSON example, ...)
};

// State a case needs that its request alone cannot create. The vocabulary is in docs/needs.md.
struct Need {
  std::string var;       // variable the case's params refer to as ${var}
  std::string resource;  // "instance", "disk", "scalinggroup", "fault", ...
  ojson with =
      ojson::object();  // attributes the resource must have; string values may hold ${other_var}
  std::string description;  // for people and for skip reasons
};

struct CaseRequest {
  std::string method = "GET";   // GET or POST
  std::string format = "JSON";  // JSON or XML
  Params params;  // API parameters (Action and Version included); values may contain ${var}
};

struct Expect {
  int status = 200;  // exact status, or the lower bound of a range
  int status_max =
      0;  // 0: exact; otherwise the inclusive upper bound (a "4xx" expectation is 400..499)
  std::optional<std::string> code;     // error Code, exact
  std::optional<std::string> message;  // error Message; %s is a wildcard
  std::string root;  // XML root element expected ("RemoveTagsResponse" or "Error"); empty for JSON
  // Where the expected body shape comes from (core/types.hpp): the documented example in this
  // format, the response tree, a well-formed error body, the recorded body in `snapshot` (see
  // core/check/snapshot.hpp), or none. Written "example", "contract", "error", "snapshot", "none".
  Shape shape = Shape::example;
  // shape "snapshot": the recorded body, normalised (volatile values replaced by tokens).
  ojson snapshot;  // null when the case has none
  // Paths the snapshot comparison leaves out: the register of known parity gaps ("[*]" and "*"
  // wildcards). Kept when cases are derived again from a new recording.
  std::vector<std::string> skip;
  // References the request names, bound before comparison to the values sent:
  // {"<instance-id:1>": "i-bp67acfmxazb4ph3"}.
  ojson refs = ojson::object();
};

struct Case {
  std::string id;  // "Ecs.RemoveTags.example.json", stable and unique within the catalogue
  CaseKind kind = CaseKind::example;  // written as "example", "error", "negative", "recorded"
  std::string product, version, action;
  std::string description;
  CaseRequest request;
  Expect expect;
  std::vector<Need> needs;
  // Cases derived from one recording share a scenario and run one after another in step order (on
  // one worker), because each may depend on the state the earlier ones left. Empty: independent.
  std::string scenario;
  int step = 0;
};

struct CatalogueEntry {
  Contract contract;
  std::vector<Case> cases;
};

// JSON conversion with stable key order. Readers are tolerant of missing optional keys and report
// malformed ones as Error values.
ojson to_json(const Contract& c);
ojson to_json(const Case& c);
ojson to_json(const CatalogueEntry& e);
ojson to_json(const ResponseNode& n);
Expected<Contract> contract_from_json(const ojson& j);
Expected<Case> case_from_json(const ojson& j);
Expected<CatalogueEntry> catalogue_entry_from_json(const ojson& j);

// Reads one catalogue file, naming the file in any error.
Expected<CatalogueEntry> load_catalogue_file(const std::string& path);
// Reads every *.json below each path (a file or a folder), in sorted path order.
struct LoadedCatalogue {
  std::vector<CatalogueEntry> entries;
  std::vector<Error> errors;  // files that could not be read; the rest still load
};
LoadedCatalogue load_catalogue(const std::vector<std::string>& paths);

// Writes entry to DIR/<product lowercase>/<Action>.json atomically (temp file + rename).
Expected<std::string> write_catalogue_entry(const std::string& dir, const CatalogueEntry& e);

}  // namespace popcheck::core
