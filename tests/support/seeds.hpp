#pragma once
// The pages the reader tests read, as the document reader reads them: the seed pages of
// ../shared/seeds (the caller gates on the shared folder first: POPCHECK_NEEDS_SHARED) and the
// project's own reader-test pages (tests/data/pages); and the views of a contract those tests compare
// (parameters with their required flags, error rows). Header-only: it needs core/compile, which only
// the tests of the readers and the case generator link.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

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

// tests/data/pages/NAME, one of the project's own reader-test pages.
inline std::filesystem::path own_page(const std::string& name) {
  return pages_dir() / "pages" / name;
}

// The contract of own_page(name); a test failure and an empty contract when it does not read.
inline core::Contract read_own_page(const std::string& name) {
  std::filesystem::path page = own_page(name);
  auto c = core::read_document(read_text(page), page.string());
  EXPECT_TRUE(c) << c.error().to_string();
  return c ? *c : core::Contract{};
}

// The parameter of `c` named `name`; nullptr when there is none.
inline const core::Param* find_param(const core::Contract& c, const std::string& name) {
  for (const auto& p : c.params)
    if (p.name == name) return &p;
  return nullptr;
}

// (name, required) of each parameter, in order: of a contract's params or of a parameter's fields.
using Flags = std::vector<std::pair<std::string, bool>>;
inline Flags required_flags(const std::vector<core::Param>& params) {
  Flags out;
  for (const auto& p : params) out.emplace_back(p.name, p.required);
  return out;
}

// (HTTP status, code, message) of each error row, in order.
using ErrorRows = std::vector<std::tuple<std::optional<int>, std::string, std::string>>;
inline ErrorRows error_rows(const core::Contract& c) {
  ErrorRows out;
  for (const auto& e : c.errors) out.emplace_back(e.http, e.code, e.message);
  return out;
}

}  // namespace popcheck::test_support
