// The contract-driven responder and the state (responder.hpp, steps 2 and 3): the region, the
// existence and state of the resources a request names, tag quotas, and the links between APIs
// that their contracts make plain:
//   - Create/Allocate/Run/Copy/Import/Clone/Purchase<Noun> answering a field <Noun>Id (or an id
//     field whose resource the noun names: AllocateEipAddress's AllocationId) makes a resource of
//     that kind with a new id, which the answer carries;
//   - Delete/Release<Noun> taking <Noun>Id (or its list) removes those resources;
//   - Describe/List<Noun> answering a list of items with a <Noun>Id field lists the resources of
//     that kind in the request's region (those the request names, when it filters by id), a page
//     at a time (PageSize/MaxResults, PageNumber), with TotalCount, once the state holds or has
//     held a resource of that kind (before, the documented example: nothing creates zones);
//   - any other answer's top-level id field that is also a request parameter repeats the request.
// Kinds are the needs vocabulary's (core/compile/needs.hpp), so what a case provisions, what a
// Create makes and what a NotFound check looks up are one store.
#include <algorithm>
#include <set>

#include "core/compile/names.hpp"
#include "core/compile/needs.hpp"
#include "core/support/text.hpp"
#include "emulator/responder.hpp"

namespace popcheck::emulator {

namespace names = core::names;
namespace needs = core::needs;

namespace {

// The values a request gives a parameter: "X", every "X.N" of a list, a JSON list or a
// comma-separated list in "Xs".
std::vector<std::string> values_of(const core::Params& params, const std::string& param) {
  std::vector<std::string> out;
  for (const auto& [k, v] : params)
    if (!v.empty() && (k == param || names::instance_of(k, param))) out.push_back(v);
  return out;
}

std::vector<std::string> list_values(const std::string& text) {
  std::vector<std::string> out;
  if (text.starts_with("[")) {
    auto parsed = ojson::parse(text, nullptr, false);
    if (parsed.is_array())
      for (const auto& v : parsed)
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
  }
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool id_field(const std::string& name) {
  return name.size() > 2 && name.ends_with("Id") && name != "RequestId";
}

int number_or(const core::Params& params, std::initializer_list<const char*> keys, int fallback) {
  for (const char* k : keys)
    if (const std::string* v = find_param(params, k)) {
      try {
        return std::stoi(*v);
      } catch (...) {
      }
    }
  return fallback;
}

}  // namespace

void ContractApi::prepare_links() {
  const std::string& action = contract_.action;
  auto words = names::camel_words(action);
  if (words.size() < 2) return;
  const std::string& verb = words.front();
  const std::string noun = action.substr(verb.size());
  const std::string singular = noun.ends_with("s") ? noun.substr(0, noun.size() - 1) : noun;
  auto names_noun = [&](std::string_view root) {
    return core::text::iequals(root, noun) || core::text::iequals(root, singular);
  };
  const std::string& product = contract_.product;
  static const std::set<std::string> kCreate = {"create", "allocate", "run",     "copy",
                                                "import", "clone",    "purchase"};
  static const std::set<std::string> kDelete = {"delete", "release"};
  static const std::set<std::string> kList = {"describe", "list"};

  if (kCreate.contains(verb)) {
    int best = 0;
    for (const auto& [k, v] : fields_.items()) {
      if (!v.is_string() || !id_field(k)) continue;
      auto kind = needs::id_kind(product, k);
      if (!kind) continue;
      std::string root = k.substr(0, k.size() - 2);
      int score = names_noun(root) ? 3
                  : names::icontains(noun, root) ||
                          (!needs::is_generic_kind(*kind) && names::icontains(noun, *kind))
                      ? 2
                      : 0;
      if (score > best) {
        best = score;
        link_ = Link::creates;
        link_kind_ = *kind;
        link_field_ = k;
      }
    }
  } else if (kDelete.contains(verb)) {
    const core::Param* only = nullptr;
    int ids = 0;
    for (const auto& p : contract_.params) {
      if (p.depth != 0 || !needs::id_kind(product, p.name, nullptr).has_value()) continue;
      auto segs = names::segments(p.name);
      std::string root = segs.front().substr(0, segs.front().size() - 2);
      if (names_noun(root)) {
        link_param_ = p.name;
        break;
      }
      if (p.required) {
        only = &p;
        ++ids;
      }
    }
    if (link_param_.empty() && ids == 1) link_param_ = only->name;
    if (!link_param_.empty()) {
      link_ = Link::deletes;
      link_kind_ = needs::id_kind(product, link_param_, nullptr).value_or("");
    }
  } else if (kList.contains(verb)) {
    // The first array of objects (below objects only) whose items carry the noun's id.
    std::vector<std::string> path;
    auto search = [&](auto&& self, const ojson& obj) -> bool {
      for (const auto& [k, v] : obj.items()) {
        path.push_back(k);
        if (v.is_array() && !v.empty() && v[0].is_object()) {
          for (const auto& [field, value] : v[0].items())
            if (value.is_string() && id_field(field) &&
                names_noun(field.substr(0, field.size() - 2))) {
              list_id_field_ = field;
              return true;
            }
        } else if (v.is_object() && path.size() < 4 && self(self, v)) {
          return true;
        }
        path.pop_back();
      }
      return false;
    };
    if (search(search, fields_)) {
      if (auto kind = needs::id_kind(product, list_id_field_)) {
        link_ = Link::lists;
        link_kind_ = *kind;
        list_path_ = path;
        for (const std::string& name :
             {list_id_field_, list_id_field_ + ".N", list_id_field_ + "s"})
          for (const auto& p : contract_.params)
            if (link_param_.empty() && p.name == name) link_param_ = name;
      }
    }
  }
  if (link_ != Link::creates)
    for (const auto& [k, v] : fields_.items())
      if (v.is_string() && id_field(k))
        for (const auto& p : contract_.params)
          if (p.name == k) echo_fields_.push_back(k);
}

Outcome ContractApi::apply(const core::Params& params, State& state) const {
  Outcome out;
  const std::string* region = find_param(params, "RegionId");
  if (region_row_ && region && !region->empty() && !state.has_region(*region)) {
    out.error = row_error(*region_row_, *region);
    return out;
  }
  // Existence: every id the request gives a parameter that a NotFound row names.
  for (const auto& t : triggers_) {
    if (t.kind != core::TriggerKind::exists) continue;
    auto kind = kind_of_param(t.param, params);
    if (!kind) continue;
    for (const auto& id : values_of(params, t.param)) {
      if (state.exists(*kind, id)) continue;
      // An id that existed and is gone answers the contract's Released row, where it has one.
      for (const auto& s : triggers_)
        if (s.kind == core::TriggerKind::state && s.attribute == "Released" &&
            s.id_param == t.param && state.is_released(*kind, id)) {
          out.error = row_error(s.row, id);
          return out;
        }
      out.error = row_error(t.row, id);
      return out;
    }
  }
  // States: a status outside the allowed ones, a flag set.
  for (const auto& t : triggers_) {
    if (t.kind != core::TriggerKind::state || t.id_param.empty() || t.attribute == "Released")
      continue;
    auto kind = t.resource.empty() ? kind_of_param(t.id_param, params) : std::optional(t.resource);
    if (!kind) continue;
    for (const auto& id : values_of(params, t.id_param)) {
      auto attr = state.attribute(*kind, id, t.attribute);
      if (!attr) continue;
      bool listed = std::find(t.values.begin(), t.values.end(), *attr) != t.values.end();
      if (t.negate != listed) {
        out.error = row_error(t.row, id);
        return out;
      }
    }
  }
  // Tag quotas: the tags a resource carries and the new keys the request adds.
  for (const auto& t : triggers_) {
    if (t.kind != core::TriggerKind::tag_quota || t.id_param.empty()) continue;
    auto kind = kind_of_param(t.id_param, params);
    if (!kind) continue;
    std::vector<std::string> keys = values_of(params, t.param);
    for (const auto& id : values_of(params, t.id_param)) {
      const Tags* tags = state.tags_of(*kind, id);
      if (tags == nullptr) continue;
      std::set<std::string> all;
      for (const auto& [k, v] : *tags) all.insert(k);
      all.insert(keys.begin(), keys.end());
      if (static_cast<int>(all.size()) > t.limit) {
        out.error = row_error(t.row, id);
        return out;
      }
    }
  }
  // Success: what it changes.
  std::string where = region ? *region : std::string();
  if (link_ == Link::creates) {
    const ojson& example = fields_[link_field_];
    std::string like = example.is_string() ? example.get<std::string>() : std::string();
    bool vocabulary = !needs::is_generic_kind(link_kind_);
    std::string id = vocabulary ? state.new_id(link_kind_) : state.new_id_like(link_kind_, like);
    state.add(link_kind_, id, where);
    out.created.push_back(std::move(id));
  } else if (link_ == Link::deletes) {
    if (auto kind = kind_of_param(link_param_, params))
      for (const auto& id : values_of(params, link_param_)) state.remove(*kind, id);
  } else if (link_ == Link::lists && state.has_kind(link_kind_)) {
    // A kind the state has never held (zones, regions of a product: nothing creates them) is
    // answered as documented.
    out.listing = true;
    std::vector<std::string> ids;
    std::vector<std::string> wanted;
    if (!link_param_.empty()) {
      if (link_param_.ends_with("s")) {
        if (const std::string* v = find_param(params, link_param_)) wanted = list_values(*v);
      } else {
        wanted = values_of(params, link_param_);
        if (wanted.size() == 1 && wanted[0].find(',') != std::string::npos)
          wanted = list_values(wanted[0]);
      }
    }
    if (!wanted.empty()) {
      for (const auto& id : wanted)
        if (state.exists(link_kind_, id)) ids.push_back(id);
    } else {
      ids = state.ids_of(link_kind_, where);
    }
    out.total = ids.size();
    int size = std::clamp(number_or(params, {"PageSize", "MaxResults"}, 10), 1, 100);
    int page = std::max(number_or(params, {"PageNumber"}, 1), 1);
    size_t from = std::min(ids.size(), static_cast<size_t>(page - 1) * static_cast<size_t>(size));
    for (size_t i = from; i < ids.size() && i < from + static_cast<size_t>(size); ++i)
      out.listed.push_back({ids[i], state.attribute(link_kind_, ids[i], "RegionId").value_or(""),
                            state.attribute(link_kind_, ids[i], "Status").value_or("")});
  }
  return out;
}

}  // namespace popcheck::emulator
