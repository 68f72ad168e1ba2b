#pragma once
// Reading Alibaba's api-docs.json metadata (one product/version per file) into Contracts.
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"

namespace popcheck::core {

// Every API of the file, in the file's order. Errors: "metadata.json" (not JSON, with the line),
// "metadata.format" (JSON but not api-docs.json). An API that cannot be read is left out and, when
// api_errors is given, reported there naming product, version and action; the other APIs are still
// read: "metadata.too_deep" for a description nesting deeper than kMaxNestingDepth
// (core/input_limits.hpp), "metadata.api" for anything else (a value no reader foresaw). Too-deep
// JSON outside "apis" refuses the file ("metadata.too_deep"). Numbers are read as what they are:
// lengths and item counts saturate at the integer range, a negative length is ignored with a
// warning, a bound beyond any double is no bound.
Expected<std::vector<Contract>> read_metadata(std::string_view text, const std::string& file,
                                              std::vector<Error>* api_errors = nullptr);

}  // namespace popcheck::core
