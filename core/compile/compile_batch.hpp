#pragma once
// The batch rule of `popcheck compile` (docs/readers.md, "Product and version"): many reference
// pages name their product (an example host, an API Explorer link) but not their API version, and
// some neither. Compiled together with other pages of the same product, such a page takes what
// those pages agree on:
//   - a page without a product takes the one product the batch's other pages name (none or
//     several: it fails with compile.no_product, naming those found); the metadata is then
//     consulted for it as if it had been given --product (compile_pages.cpp);
//   - a page of product P still without a version takes the version of the batch's settled pages
//     of P when they all have the same one (a warning names the page, the version and how many
//     pages have it); when they have several, it fails with compile.no_version naming each and how
//     many pages have it, and saying to pass --version or the product's metadata.
// Pages of one product are those whose product codes are equal ignoring case. Only what the page,
// the user's flags and the metadata could not settle is filled here: a settled page is never
// changed, so --product, --version and --metadata always win. Pure: no I/O, no global state.
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace popcheck::core {

// One page of a batch as compile_texts resolved it from the page, the flags and the metadata.
struct BatchPage {
  std::string file;     // the page's path, for messages
  std::string product;  // empty: unknown
  std::string version;  // empty: unknown
  // Both known: the page compiles with them, and it counts for the others. Unsettled pages count
  // for no version, but their product counts among the batch's products.
  bool settled = false;
  // Why the page has no product, as compile.no_product would say it without the batch ("the page
  // does not name its product"); used when the batch does not give one either.
  std::string no_product_reason;
};

// What a page takes from the batch: a product or a version, or the error saying why it cannot.
struct BatchFill {
  std::string value;           // the product or version taken (empty on failure)
  std::string warning;         // what was taken and where from (empty on failure)
  std::optional<Error> error;  // compile.no_product / compile.no_version
};

// For pages[i], which has no product: the one product the batch's other pages have (settled or
// not), spelled as a settled page spells it.
BatchFill product_from_batch(const std::vector<BatchPage>& pages, size_t i);

// For pages[i], whose product is known and version is not: the one version the batch's other
// settled pages of that product have.
BatchFill version_from_batch(const std::vector<BatchPage>& pages, size_t i);

}  // namespace popcheck::core
