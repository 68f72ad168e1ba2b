#pragma once
// Generating the cases of one contract: example cases (JSON and XML), one error case per documented error
// row, and negative cases for constraints that no error row names. See docs/catalogue.md and docs/needs.md.
#include <string>
#include <vector>

#include "core/model.hpp"

namespace popcheck::core {

// Never builds a breaking value over 64 KiB (a maxLength of 2^31-1, a maxItems of 2^31-1): such a
// case is not generated and, when `skipped` is given, one line saying which and why is added there.
// Bounds up to 2^63-1 and beyond any 64-bit integer are handled exactly (docs/catalogue.md).
// Case ids start with `id_prefix`, by default "Product.Action" ("Product.Version.Action" tells apart
// two versions of one product compiled together).
std::vector<Case> generate_cases(const Contract& contract,
                                 std::vector<std::string>* skipped = nullptr,
                                 const std::string& id_prefix = {});

}  // namespace popcheck::core
