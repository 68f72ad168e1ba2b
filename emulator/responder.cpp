#include "emulator/responder.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "core/compile/names.hpp"
#include "core/compile/needs.hpp"
#include "core/compile/param_values.hpp"

// Preparing a contract and checking the request alone (step 1 of responder.hpp). The state checks
// and links are in links.cpp, the bodies in render.cpp.

namespace popcheck::emulator {

namespace names = core::names;

ContractApi::ContractApi(const core::Contract& contract) : contract_(contract) {
  params_.reserve(contract.params.size());
  for (size_t i = 0; i < contract.params.size(); ++i) {
    const core::Param& p = contract.params[i];
    const bool list = names::has_n(p.name);
    params_.push_back({&p, core::values::compile_pattern(p), list});
    // Lists are found by their pattern with N (a concrete "Tag.3.Key" is looked up as "Tag.N.Key").
    by_name_.emplace(list ? names::pattern_of(names::instantiate(p.name, 1)) : p.name, i);
    if (p.required && p.depth == 0 && p.name != "Action" && p.name != "Version")
      required_.push_back(i);
    if (p.required && p.depth > 0 && list) required_members_.push_back(i);
  }
  triggers_ = core::error_triggers(contract);
  for (const auto& t : triggers_) {
    if (t.kind == core::TriggerKind::region) region_row_ = t.row;
    if (!t.param.empty()) rows_.emplace(std::make_pair(t.kind, t.param), t.row);
    // A row about one constraint of a parameter's value ("InvalidName.Malformed") is that value's
    // documented error whichever constraint it breaks.
    if (core::is_value_constraint(t.kind)) value_rows_.emplace(t.param, t.row);
  }
  prepare_bodies();
  prepare_links();
}

ApiResult ContractApi::row_error(size_t row, const std::string& fill) const {
  const core::ErrorRow& r = contract_.errors[row];
  std::string message = r.message.empty() ? r.code : r.message;
  for (size_t at = message.find("%s"); at != std::string::npos;
       at = message.find("%s", at + fill.size()))
    message.replace(at, 2, fill);
  return api_error(r.http ? *r.http : 400, r.code, std::move(message));
}

// The documented row for (kind, parameter), if the contract names one.
std::optional<ApiResult> ContractApi::answer(const std::string& param, core::TriggerKind kind,
                                             const std::string& fill) const {
  auto it = rows_.find(std::make_pair(kind, param));
  if (it == rows_.end()) return std::nullopt;
  return row_error(it->second, fill);
}

// The documented row for any constraint of the parameter's value, if the contract names one.
std::optional<ApiResult> ContractApi::value_answer(const std::string& param,
                                                   const std::string& fill) const {
  auto it = value_rows_.find(param);
  if (it == value_rows_.end()) return std::nullopt;
  return row_error(it->second, fill);
}

std::vector<ContractApi::Given> ContractApi::match(const core::Params& params) const {
  std::vector<Given> out;
  out.reserve(params.size());
  for (const auto& [name, value] : params) {
    int index = 0;
    auto exact = by_name_.find(name);
    if (exact != by_name_.end()) out.push_back({exact->second, &name, &value, index});
    // "DataDisk.1.Category" is also an item of "DataDisk.N.Category" where a contract has both.
    if (name.find('.') == std::string::npos) continue;
    auto item = by_name_.find(names::pattern_of(name, &index));
    if (item != by_name_.end() && item != exact)
      out.push_back({item->second, &name, &value, index});
  }
  return out;
}

std::optional<ApiResult> ContractApi::validate(const core::Params& params) const {
  const std::vector<Given> given = match(params);
  auto present = [&](size_t p) {
    const core::Param& cp = *params_[p].param;
    for (const auto& g : given)
      if (g.param == p && (!g.value->empty() || cp.non_empty)) return true;
    // An object or list given by its members ("Foo.1.Bar" for a required "Foo").
    std::string prefix = params_[p].list ? names::root_of(cp.name) + "." : cp.name + ".";
    return std::any_of(params.begin(), params.end(),
                       [&](const auto& kv) { return kv.first.starts_with(prefix); });
  };
  // Required parameters, in documented order.
  for (size_t p : required_) {
    if (present(p)) continue;
    const std::string& name = params_[p].param->name;
    if (auto r = answer(name, core::TriggerKind::required, name)) return r;
    return missing_parameter(name);
  }
  // A list item given without a member it needs: a required member ("Instance.1.Name" without
  // "Instance.1.Id"), or one a row says its siblings need ("Tag.1.Value" without "Tag.1.Key").
  auto item_without = [&](const std::string& member) {
    std::string root = names::root_of(member);
    std::set<int> with_member, with_sibling;
    for (const auto& g : given) {
      const core::Param& cp = *params_[g.param].param;
      if (!params_[g.param].list || names::root_of(cp.name) != root) continue;
      (cp.name == member ? with_member : with_sibling).insert(g.index);
    }
    return std::any_of(with_sibling.begin(), with_sibling.end(),
                       [&](int i) { return !with_member.contains(i); });
  };
  for (size_t p : required_members_) {
    const std::string& name = params_[p].param->name;
    // The metadata reader marks a member required only when its list is required too: a request
    // with no item of the list lacks it as well.
    std::string prefix = names::root_of(name) + ".";
    bool no_items = std::none_of(params.begin(), params.end(),
                                 [&](const auto& kv) { return kv.first.starts_with(prefix); });
    if (!no_items && !item_without(name)) continue;
    if (auto r = answer(name, core::TriggerKind::required, name)) return r;
    return missing_parameter(name);
  }
  for (const auto& t : triggers_)
    if (t.kind == core::TriggerKind::sibling && item_without(t.param))
      return row_error(t.row, t.param);
  // Values, one kind of check at a time over the whole request: types, allowed values, lengths,
  // ranges, patterns, then forbidden text. A value that breaks several constraints answers the row
  // documented for any of them, else the generic error of the first.
  static const std::vector<std::vector<std::string_view>> kPhases = {
      {"type"},
      {"allowed"},
      {"max_length", "min_length", "non_empty"},
      {"maximum", "minimum"},
      {"pattern"},
      {"forbidden_prefix", "forbidden_substring"}};
  std::vector<std::vector<std::string_view>> broken(given.size());
  bool any = false;
  for (size_t i = 0; i < given.size(); ++i) {
    const ParamInfo& info = params_[given[i].param];
    broken[i] = core::values::violations(*info.param, *given[i].value,
                                         info.pattern ? &*info.pattern : nullptr);
    any = any || !broken[i].empty();
  }
  if (any) {
    for (const auto& phase : kPhases)
      for (size_t i = 0; i < given.size(); ++i) {
        const auto& b = broken[i];
        if (std::none_of(phase.begin(), phase.end(), [&](std::string_view k) {
              return std::find(b.begin(), b.end(), k) != b.end();
            }))
          continue;
        const std::string& name = params_[given[i].param].param->name;
        for (auto constraint : b)
          if (auto kind = core::constraint_trigger(constraint))
            if (auto r = answer(name, *kind, name)) return r;
        if (auto r = value_answer(name, name)) return r;
        return invalid_parameter(name);
      }
  }
  // List sizes: more items than the maximum, or an N past it.
  std::map<size_t, std::set<int>> indices;
  for (const auto& g : given)
    if (params_[g.param].list) indices[g.param].insert(g.index);
  for (const auto& [p, seen] : indices) {
    const core::Param& cp = *params_[p].param;
    if (!cp.repeat || !cp.repeat->max) continue;
    int max = *cp.repeat->max;
    if (static_cast<int>(seen.size()) <= max && *seen.rbegin() <= max) continue;
    // The row of the list may name any member of its group.
    std::string root = names::root_of(cp.name);
    for (const auto& t : triggers_)
      if (t.kind == core::TriggerKind::repeat && names::root_of(t.param) == root)
        return row_error(t.row, cp.name);
    return api_error(400, "InvalidParameter",
                     "The specified parameter \"" + cp.name + "\" is not valid: at most " +
                         std::to_string(max) + " items.");
  }
  // The same value twice in a list the contract says must not repeat.
  for (const auto& t : triggers_) {
    if (t.kind != core::TriggerKind::duplicate) continue;
    std::set<std::string_view> seen;
    for (const auto& g : given)
      if (params_[g.param].param->name == t.param && !seen.insert(*g.value).second)
        return row_error(t.row, *g.value);
  }
  return std::nullopt;
}

// The kind of resource a parameter's values name in this request (the ResourceType it carries
// decides what a ResourceId is).
std::optional<std::string> ContractApi::kind_of_param(const std::string& param,
                                                      const core::Params& params) const {
  const std::string* type =
      names::root_of(param) == "ResourceId" ? find_param(params, "ResourceType") : nullptr;
  return core::needs::id_kind(contract_.product, param, type);
}

const ContractApi& Responder::api(const core::Contract& contract) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = apis_.find(&contract); it != apis_.end()) return *it->second;
  }
  auto prepared = std::make_unique<ContractApi>(contract);
  std::unique_lock lock(mutex_);
  auto [it, added] = apis_.emplace(&contract, std::move(prepared));
  return *it->second;
}

std::optional<ApiResult> validate_against(const core::Contract& contract,
                                          const core::Params& params) {
  return ContractApi(contract).validate(params);
}

std::string example_body(const core::Contract& contract, bool xml, const std::string& request_id) {
  ContractApi api(contract);
  return api.render(Outcome{}, {}, xml, request_id);
}

}  // namespace popcheck::emulator
