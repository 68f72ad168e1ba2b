#pragma once
// Product and version of each page of a compile (docs/readers.md, "Product and version"), part of
// compile_texts. The metadata API of the page's action fixes both: the page's own words about its
// product (an example's host, an API Explorer link) only rank several metadata APIs of that name.
// Without one, the page's stated product, else --product, else the host's; the page's version,
// else --version, else the product's only version in the metadata. What is still unknown the
// batch's other pages of the same product may give (compile_batch.hpp); a page left without product
// or version is an error (compile.no_product, compile.no_version) and the others still compile.
#include <set>
#include <string>
#include <vector>

#include "core/compile/compile.hpp"
#include "core/model.hpp"

namespace popcheck::core {

struct ResolvedPages {
  std::vector<Contract> pages;   // in input order, each with product, version and endpoint
  std::set<size_t> merged_meta;  // indexes into `meta` of the metadata APIs a page took over
};

// Resolves `pages` against every metadata API of the compile (`meta`, `known_products` their
// products and --product). A page that fails is added to out.errors (out.summary.failed_inputs
// counts it); one that took its product or version from the batch adds a line to out.batch_notes.
ResolvedPages resolve_pages(std::vector<Contract>&& pages, const std::vector<Contract>& meta,
                            const std::set<std::string>& known_products,
                            const CompileOptions& options, CompileResult& out);

}  // namespace popcheck::core
