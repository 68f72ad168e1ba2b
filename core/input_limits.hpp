#pragma once
// Limits on untrusted JSON and XML: every parse of a file, request or response body goes through
// here, so that a document nesting deeper than kMaxNestingDepth (or larger than its byte limit) is
// refused with an error naming the input instead of reaching code that walks the tree recursively
// (dump(), copies, comparisons, the project's own tree walkers), where 100,000 levels overflow the
// stack. The parsers themselves never recurse: nlohmann's is SAX-driven with a heap stack (the depth
// is counted while parsing and parsing stops at the first level too deep), pugixml's is a loop and
// the XML depth is checked by an iterative walk of the parsed document.
//
// Why 512 levels: the deepest real document in the workshop material (every api-docs.json of the
// metadata catalogue, the corpus, the seeds) nests 53 levels; 512 leaves ten times that for real
// APIs and wrappers around them (a fixture nests a body 2 levels down, a catalogue a snapshot 4),
// while bounding every recursion over a parsed tree at a depth any thread's stack holds easily.
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace popcheck::core {

inline constexpr size_t kMaxNestingDepth = 512;
// The byte limit unless a caller says otherwise: above any real API answer or document.
inline constexpr size_t kMaxParseBytes = size_t(64) << 20;

struct InputLimits {
  size_t max_depth = kMaxNestingDepth;  // containers (JSON) or elements (XML) open at once
  size_t max_bytes = kMaxParseBytes;
};

// Parses `text` as JSON within the limits. Errors name `what` (a file path, "request body", ...) in
// Error::file: "json.too_large", "json.too_deep", "json.parse" (nlohmann's reason and byte offset).
Expected<nlohmann::json> parse_json(std::string_view text, const std::string& what,
                                    InputLimits limits = {});
Expected<nlohmann::ordered_json> parse_ordered_json(std::string_view text, const std::string& what,
                                                    InputLimits limits = {});

// A document whose too-deep parts were cut off: each container that would open past the limit is
// replaced by null and its JSON pointer ("/apis/DescribeX/responses/200/schema/...") listed, so a
// reader of a many-part document (one api-docs.json, many APIs) can refuse only the parts affected.
struct PrunedJson {
  nlohmann::ordered_json value;
  std::vector<std::string> pruned;  // JSON pointers (RFC 6901) of the cut-off containers, in order
};
Expected<PrunedJson> parse_ordered_json_pruned(std::string_view text, const std::string& what,
                                               InputLimits limits = {});

// Parses `text` into `doc` (pugi::parse_default unless `options` says otherwise) within the limits.
// Errors name `what`: "xml.too_large", "xml.parse" (pugixml's reason and byte offset),
// "xml.too_deep". On error `doc` is left empty.
Expected<void> load_xml(pugi::xml_document& doc, std::string_view text, const std::string& what,
                        InputLimits limits = {}, unsigned options = pugi::parse_default);

// The nesting depth of a JSON value (a scalar is 0, "[]" is 1), counted iteratively; it stops
// counting once past `stop_after`. For trees built in memory (an XML body turned into JSON) before
// they are written where the limit will apply on reading.
size_t json_depth(const nlohmann::ordered_json& value, size_t stop_after = kMaxNestingDepth);

// The element nesting depth of a parsed document (the root element is 1), counted iteratively; it
// stops counting once past `stop_after`.
size_t xml_depth(const pugi::xml_node& root, size_t stop_after = kMaxNestingDepth);

// True when an element has element children (a container), and when it holds text other than white
// space (a value): how a response's XML structure is read.
bool xml_has_elements(const pugi::xml_node& n);
bool xml_has_text(const pugi::xml_node& n);

}  // namespace popcheck::core
