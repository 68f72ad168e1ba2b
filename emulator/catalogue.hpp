#pragma once
// The metadata the contract-driven responder serves: api-docs.json files read into contracts and
// indexed by (Version, Action). Metadata is read on first use, so that starting the emulator stays
// fast.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/model.hpp"

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

}  // namespace popcheck::emulator
