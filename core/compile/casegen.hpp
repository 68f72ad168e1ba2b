#pragma once
// Generating the cases of one contract: example cases (JSON and XML), one error case per documented error
// row, and negative cases for constraints that no error row names. See docs/catalogue.md and docs/needs.md.
#include <vector>

#include "core/model.hpp"

namespace popcheck::core {

std::vector<Case> generate_cases(const Contract& contract);

}  // namespace popcheck::core
