#pragma once
// Reading Alibaba's api-docs.json metadata (one product/version per file) into Contracts.
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"

namespace popcheck::core {

// Every API of the file, in the file's order. Errors: "metadata.json" (not JSON, with the line),
// "metadata.format" (JSON but not api-docs.json).
Expected<std::vector<Contract>> read_metadata(std::string_view text, const std::string& file);

}  // namespace popcheck::core
