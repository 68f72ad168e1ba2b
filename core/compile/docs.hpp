#pragma once
// Reading API reference pages into Contracts: markdown pages (Chinese and English, every table layout of
// docs/readers.md) and the plain-text web-page copy. Pure functions of text.
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"

namespace popcheck::core {

struct ReadOptions {
  std::string product;  // overrides what the page says (--product)
  std::string version;  // overrides what the page says (--version)
};

// Detects the page's form (markdown or plain text) and reads it. `file` is used for error messages and
// Contract::source. Errors: "doc.empty", "doc.binary", "doc.utf8" (with the line), "doc.no_action",
// "doc.no_tables", "doc.truncated_table" (with the line), ...
Expected<Contract> read_document(std::string_view text, const std::string& file,
                                 const ReadOptions& options = {});

// The top-level keys of a JSON example, in order, literal. Parses strictly when the text is valid JSON
// (after dropping an "HTTP/1.1 200 OK" preamble); otherwise scans tolerantly for strings at brace depth 1
// followed by ':' (a brace-less body counts as depth 1).
std::vector<std::string> json_top_keys(std::string_view example);

}  // namespace popcheck::core
