#pragma once
// Case discovery and selection: which cases of the catalogue run, and on which CI shard.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/model.hpp"

namespace popcheck::runner {

// A case to run, with the contract of its action (shared by the cases of one catalogue file).
struct CaseItem {
  core::Case c;
  std::shared_ptr<const core::Contract> contract;
};

// Every filter is a list of accepted values; an empty list accepts everything. Product and action
// compare case-insensitively ("ecs" selects "Ecs"; a product is matched whole, so "cms" never
// selects "cms-export"); a product may be PRODUCT:VERSION to select one version of a product; ids
// match shell globs (fnmatch: * ? [..]).
struct Selection {
  std::vector<std::string> products, actions;
  std::vector<core::CaseKind> kinds;
  std::vector<std::string> id_globs;
};

// Shard I of N, 1-based: "--shard 2/3".
struct Shard {
  int index = 1;
  int count = 1;
};
// Errors: "usage.shard" for anything but I/N with 1 <= I <= N.
Expected<Shard> parse_shard(std::string_view text);

// The selected cases in a stable order: sorted by id (ties keep catalogue order). Sharding then
// takes every N-th unit of that order starting at I-1, a unit being one case, or all the cases of
// one scenario (recorded steps that must run together). The N shards are disjoint, their union is
// the whole selection, and without scenarios their sizes differ by at most one.
std::vector<CaseItem> select_cases(const std::vector<core::CatalogueEntry>& entries,
                                   const Selection& selection, const Shard& shard = {});

}  // namespace popcheck::runner
