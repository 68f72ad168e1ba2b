#pragma once
// The two page readers behind read_document (docs.hpp) and the pieces they share: example
// classification, request-example decoding, the action rule, product/endpoint inference and the
// response tree. Internal to the compile module; other modules use docs.hpp.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/compile/docs.hpp"
#include "core/model.hpp"

namespace popcheck::core::doc {

// Reads a markdown reference page (the caller has checked size, encoding and binary content).
Expected<Contract> read_markdown(std::string_view text, const std::string& file,
                                 const ReadOptions& options);

// Reads the plain-text web-page copy of a reference page (seed 001's form).
Expected<Contract> read_plaintext(std::string_view text, const std::string& file,
                                  const ReadOptions& options);

// True when the text looks like the plain-text web-page form rather than markdown.
bool looks_like_plaintext(std::string_view text);

// The three readings of the action name (oracle.json's action_sources).
struct ActionSources {
  std::optional<std::string> title;            // an action-shaped H1 (^[A-Z][A-Za-z0-9]+$)
  std::optional<std::string> action_param;     // the Action row's example, else its description
  std::optional<std::string> request_example;  // Action= in the first request example
};

// "取值：X", "取值为X", "Set the value to X", "Value: X" in an Action row's description.
std::optional<std::string> action_from_description(std::string_view description);

// True for ^[A-Z][A-Za-z0-9]+$.
bool action_shaped(std::string_view s);

// Where a fenced block sits: the label text seen before it says "error response" (异常返回示例).
enum class ExampleContext { Any, Success, Error };

// Classifies one example block and files it into `ex`: request (info {#request_demo}, Action=, a URL,
// GET/POST), error response (<Error> root, JSON with HostId+Code+Message, or an error label), XML or
// JSON success response (the first of each is kept), else ignored. Invalid JSON/XML examples are kept
// with valid=false and a warning.
void add_example(Examples& ex, std::string_view info, std::string_view body, ExampleContext context,
                 std::vector<std::string>& warnings);

// Decodes the parameters of a request example ("https://host/?Action=X\n&A=1\n&<公共请求参数>"):
// percent-decoded, placeholders dropped, document order kept.
Params decode_request_params(std::string_view body);

// The host of a request example URL ("ecs.aliyuncs.com"), or empty.
std::string request_host(std::string_view body);

// The response type of a documented type ("String" -> string, "Array of Region" -> array).
ValueType normalize_response_type(std::string_view raw);

// A documented response row before the tree is built.
struct ResponseRow {
  std::string name, raw_type, description, example;
  int depth = 0;
};

// Builds the response tree: each row hangs under the nearest shallower row before it.
ResponseNode build_response_tree(const std::vector<ResponseRow>& rows);

// Resolves the action (recording a warning when the sources disagree), infers product, version and
// endpoint from what the page says (API Explorer links, doc anchors, the request example's host),
// applies the options' overrides, and extracts parameter constraints. `hints` is the page text to
// search for links and anchors.
Expected<void> finish_contract(Contract& c, const ActionSources& sources, std::string_view hints,
                               const ReadOptions& options);

}  // namespace popcheck::core::doc
