#include "emulator/catalogue.hpp"

#include "core/compile/metadata.hpp"
#include "core/files.hpp"

namespace popcheck::emulator {

ContractCatalogue::ContractCatalogue(std::vector<core::Contract> contracts) {
  std::call_once(once_, [] {});
  for (auto& c : contracts) {
    products_[c.version] = c.product;
    contracts_[{c.version, c.action}] = std::move(c);
  }
}

void ContractCatalogue::load() {
  std::call_once(once_, [this] {
    for (const auto& file : files_) {
      auto text = core::read_file(file);
      if (!text) {
        errors_.push_back(text.error().to_string());
        continue;
      }
      std::vector<Error> skipped;
      auto contracts = core::read_metadata(*text, file, &skipped);
      for (const auto& e : skipped) errors_.push_back(e.to_string());
      if (!contracts) {
        errors_.push_back(contracts.error().to_string());
        continue;
      }
      for (auto& c : *contracts) {
        products_[c.version] = c.product;
        auto key = std::make_pair(c.version, c.action);
        contracts_.emplace(std::move(key), std::move(c));
      }
    }
  });
}

const core::Contract* ContractCatalogue::find(const std::string& version, const std::string& action) {
  load();
  auto it = contracts_.find({version, action});
  return it == contracts_.end() ? nullptr : &it->second;
}

std::string ContractCatalogue::product_of_version(const std::string& version) {
  load();
  auto it = products_.find(version);
  return it == products_.end() ? std::string() : it->second;
}

std::vector<std::string> ContractCatalogue::load_errors() {
  load();
  return errors_;
}

}  // namespace popcheck::emulator
