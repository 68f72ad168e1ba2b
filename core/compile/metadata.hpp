#pragma once
// Reading Alibaba's api-docs.json metadata (one product/version per file) into Contracts.
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"

namespace popcheck::core {

// Every API of the file, in the file's order. Errors: "metadata.json" (not JSON, with the line),
// "metadata.format" (JSON but not api-docs.json).
// An API whose description nests deeper than kMaxNestingDepth (core/input_limits.hpp) is left out
// and reported in `skipped` ("metadata.too_deep", naming product, version and action); the other
// APIs are read. Too-deep JSON outside "apis" refuses the file ("metadata.too_deep").
Expected<std::vector<Contract>> read_metadata(std::string_view text, const std::string& file,
                                              std::vector<Error>* skipped = nullptr);

}  // namespace popcheck::core
