#pragma once
// Variables: the values a case's `needs` and `${var}` references resolve to (docs/needs.md).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/model.hpp"

namespace popcheck::runner {

using Vars = std::map<std::string, std::string>;

// "NAME=VALUE" (the value may be empty and may contain '='). Error "usage.var" names the bad text.
Expected<void> parse_var(std::string_view text, Vars& into);
// A --vars file: a JSON object of strings (numbers and booleans are written as JSON text), or
// NAME=VALUE lines (spaces around NAME and VALUE trimmed) with blank lines and # comments allowed.
// Errors name the file and line.
Expected<Vars> parse_vars_text(std::string_view text, const std::string& path);

// Every ${name} in text replaced by its value. Names without a value are appended to `missing`
// (once each) and left as they were.
std::string substitute(std::string_view text, const Vars& vars, std::vector<std::string>* missing);
// The params with every value substituted.
core::Params substitute(const core::Params& params, const Vars& vars,
                        std::vector<std::string>* missing);

}  // namespace popcheck::runner
