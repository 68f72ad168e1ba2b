#pragma once
// The contract-driven responder: every API of the metadata files that is not one of the five seed
// APIs validates its required parameters, allowed values and scalar types, then answers with the
// documented example (JSON or XML) carrying a fresh RequestId. The contracts come from the
// catalogue (emulator/catalogue.hpp).
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "emulator/apis.hpp"

namespace popcheck::emulator {

// Validates the request against the contract: MissingParameter for a required parameter that is
// absent, InvalidParameter for a value outside the allowed set or of the wrong scalar type.
// Returns an error ApiResult, or nullopt when the request is acceptable.
std::optional<ApiResult> validate_against(const core::Contract& contract, const core::Params& params);

// The documented example body in the requested format with `request_id` in place of the example's.
// XML gets the declaration and, when the contract has only a JSON example, is built from it.
std::string example_body(const core::Contract& contract, bool xml, const std::string& request_id);

// Success rendering shared with the seed APIs: {"RequestId": .., fields...} or
// <?xml ...?><ActionResponse>fields..<RequestId>..</RequestId></ActionResponse>, lists nested as
// Regions/Region[] in both.
std::string render_success(const std::string& action, const ojson& fields, bool xml,
                           const std::string& request_id);

}  // namespace popcheck::emulator
