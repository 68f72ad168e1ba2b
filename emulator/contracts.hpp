#pragma once
// The contract-driven responder: every API of the metadata files that is not one of the five seed
// APIs validates its required parameters, allowed values and scalar types, then answers with the
// documented example (JSON or XML) carrying a fresh RequestId. Metadata is read on first use, so that
// starting the emulator stays fast.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "emulator/apis.hpp"

namespace popcheck::emulator {

class ContractCatalogue {
 public:
  explicit ContractCatalogue(std::vector<std::string> files) : files_(std::move(files)) {}
  // For tests: contracts given directly (nothing is read).
  explicit ContractCatalogue(std::vector<core::Contract> contracts);

  // The contract of (Version, Action); nullptr when none. Loads the metadata on first use.
  const core::Contract* find(const std::string& version, const std::string& action);
  // The product name ("Ecs") of a version any loaded file declares; empty when none.
  std::string product_of_version(const std::string& version);
  // Files that could not be read or parsed (they are skipped; the rest still serve).
  std::vector<std::string> load_errors();

 private:
  void load();
  std::vector<std::string> files_;
  std::once_flag once_;
  std::map<std::pair<std::string, std::string>, core::Contract> contracts_;  // (version, action)
  std::map<std::string, std::string> products_;                              // version -> product
  std::vector<std::string> errors_;
};

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
