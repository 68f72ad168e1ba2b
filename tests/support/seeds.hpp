#pragma once
// The seed pages of ../shared/seeds as the document reader reads them, for the tests of the readers
// and the case generator. Header-only: it needs core/compile, which only those test binaries link.
// The caller gates on the shared folder first (POPCHECK_NEEDS_SHARED).
#include <gtest/gtest.h>

#include <string_view>

#include "core/compile/docs.hpp"
#include "tests/support/files.hpp"
#include "tests/support/paths.hpp"

namespace popcheck::test_support {

// The contract of the seed page whose file name starts with `prefix` ("000"), read with `options`;
// a test failure and an empty contract when there is no such page or it does not read.
inline core::Contract read_seed(std::string_view prefix, const core::ReadOptions& options = {}) {
  std::filesystem::path page = seed_page(prefix);
  if (page.empty()) {
    ADD_FAILURE() << "no seed page " << prefix << " in " << (shared_dir() / "seeds").string();
    return {};
  }
  auto c = core::read_document(read_text(page), page.string(), options);
  EXPECT_TRUE(c) << c.error().to_string();
  return c ? *c : core::Contract{};
}

}  // namespace popcheck::test_support
