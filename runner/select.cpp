#include "runner/select.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "core/support/text.hpp"

namespace popcheck::runner {

namespace {

using core::text::iequals;

bool any_of_kinds(const std::vector<core::CaseKind>& list, core::CaseKind kind) {
  return list.empty() || std::find(list.begin(), list.end(), kind) != list.end();
}

bool any_iequal(const std::vector<std::string>& list, std::string_view value) {
  return list.empty() || std::any_of(list.begin(), list.end(),
                                     [&](const std::string& v) { return iequals(v, value); });
}

// A product selector is PRODUCT or PRODUCT:VERSION. Products are told apart by their whole code
// ("cms" never selects "cms-export"); two versions of one product by the version.
bool product_selected(const std::vector<std::string>& list, std::string_view product,
                      std::string_view version) {
  return list.empty() || std::any_of(list.begin(), list.end(), [&](const std::string& v) {
           std::string_view sel = v;
           auto colon = sel.find(':');
           if (colon == std::string_view::npos) return iequals(sel, product);
           return iequals(sel.substr(0, colon), product) && sel.substr(colon + 1) == version;
         });
}

bool any_glob(const std::vector<std::string>& globs, const std::string& id) {
  return globs.empty() || std::any_of(globs.begin(), globs.end(), [&](const std::string& g) {
           return fnmatch(g.c_str(), id.c_str(), 0) == 0;
         });
}

}  // namespace

Expected<Shard> parse_shard(std::string_view text) {
  auto bad = [&] {
    return fail("usage.shard", "--shard takes I/N with 1 <= I <= N (for example 2/4), not '" +
                                   std::string(text) + "'");
  };
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad();
  Shard s;
  auto a = text.substr(0, slash), b = text.substr(slash + 1);
  auto r1 = std::from_chars(a.data(), a.data() + a.size(), s.index);
  auto r2 = std::from_chars(b.data(), b.data() + b.size(), s.count);
  if (r1.ec != std::errc{} || r1.ptr != a.data() + a.size() || r2.ec != std::errc{} ||
      r2.ptr != b.data() + b.size() || s.count < 1 || s.index < 1 || s.index > s.count)
    return bad();
  return s;
}

std::vector<CaseItem> select_cases(const std::vector<core::CatalogueEntry>& entries,
                                   const Selection& selection, const Shard& shard) {
  std::vector<CaseItem> all;
  for (const auto& e : entries) {
    auto contract = std::make_shared<const core::Contract>(e.contract);
    for (const auto& c : e.cases) {
      const std::string& product = c.product.empty() ? e.contract.product : c.product;
      const std::string& action = c.action.empty() ? e.contract.action : c.action;
      const std::string& version = c.version.empty() ? e.contract.version : c.version;
      if (!product_selected(selection.products, product, version) ||
          !any_iequal(selection.actions, action) || !any_of_kinds(selection.kinds, c.kind) ||
          !any_glob(selection.id_globs, c.id))
        continue;
      CaseItem item{c, contract};
      if (item.c.product.empty()) item.c.product = product;
      if (item.c.action.empty()) item.c.action = action;
      if (item.c.version.empty()) item.c.version = e.contract.version;
      all.push_back(std::move(item));
    }
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const CaseItem& a, const CaseItem& b) { return a.c.id < b.c.id; });
  if (shard.count <= 1) return all;
  // Shards are dealt whole units: a case of its own, or every case of one scenario (the recorded
  // steps of one recording depend on each other's state and must run together, in one shard).
  std::vector<size_t> unit_of(all.size());
  std::map<std::string, size_t> scenario_unit;
  size_t units = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const std::string& scenario = all[i].c.scenario;
    if (scenario.empty()) {
      unit_of[i] = units++;
      continue;
    }
    auto [it, added] = scenario_unit.emplace(scenario, units);
    if (added) ++units;
    unit_of[i] = it->second;
  }
  std::vector<CaseItem> out;
  const auto count = static_cast<size_t>(shard.count), index = static_cast<size_t>(shard.index - 1);
  for (size_t i = 0; i < all.size(); ++i)
    if (unit_of[i] % count == index) out.push_back(std::move(all[i]));
  return out;
}

}  // namespace popcheck::runner
