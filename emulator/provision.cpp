// POST /__popcheck/provision (state.hpp: provision; docs/needs.md). The attributes, their allowed
// values and defaults are the needs vocabulary's (core/compile/needs.hpp). Resources are added to
// the state as they are read; a need that fails undoes what the request added, so that the state
// is never copied (it holds every resource earlier cases provisioned).
#include <algorithm>

#include "core/compile/needs.hpp"
#include "emulator/state.hpp"
#include "emulator/state_fields.hpp"

namespace popcheck::emulator {

namespace {

namespace needs = core::needs;

// A need's attribute as a string, accepting JSON strings, numbers and booleans.
std::string scalar(const ojson& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return {};
  return v.dump();
}

class NeedReader {
 public:
  NeedReader(const ojson& with, std::string where, const std::map<std::string, std::string>& vars,
             std::string resource)
      : with_(with), where_(std::move(where)), vars_(vars), resource_(std::move(resource)) {}

  bool has(const char* key) const { return with_.is_object() && with_.contains(key); }

  // A text attribute: one of the vocabulary's values when it lists some, the first by default (or
  // `fallback`). ${var} references are replaced by the ids of earlier needs.
  Expected<std::string> text(const char* key, std::optional<std::string> fallback = {}) const {
    auto values = needs::values_of(resource_, key);
    std::string def = fallback ? *fallback : values.empty() ? "" : std::string(values.front());
    if (!has(key)) return def;
    std::string v = substitute(scalar(with_[key]));
    if (!values.empty() && std::find(values.begin(), values.end(), v) == values.end()) {
      std::string list;
      for (auto a : values) list += (list.empty() ? "" : ", ") + std::string(a);
      return fail("provision.need", where_ + ": " + key + " '" + v + "' is not one of " + list);
    }
    return v;
  }
  Expected<bool> boolean(const char* key) const {
    const auto* a = attribute(key);
    bool def = a && !a->values.empty() && a->values.front() == "true";
    if (!has(key)) return def;
    std::string v = scalar(with_[key]);
    if (v == "true") return true;
    if (v == "false") return false;
    return fail("provision.need", where_ + ": " + key + " must be true or false");
  }
  Expected<int> integer(const char* key) const {
    const auto* a = attribute(key);
    int def = a && !a->values.empty() ? std::stoi(std::string(a->values.front())) : 0;
    if (!has(key)) return def;
    std::string v = scalar(with_[key]);
    try {
      size_t used = 0;
      int n = std::stoi(v, &used);
      if (used == v.size()) return n;
    } catch (...) {
    }
    return fail("provision.need", where_ + ": " + key + " must be an integer");
  }
  Expected<Tags> tags() const {
    Tags out;
    if (!has("Tags")) return out;
    const auto& t = with_["Tags"];
    if (!t.is_object()) return fail("provision.need", where_ + ": Tags must be an object");
    if (t.contains("$count")) {
      int n = 0;
      try {
        n = std::stoi(scalar(t["$count"]));
      } catch (...) {
        return fail("provision.need", where_ + ": Tags.$count must be an integer");
      }
      if (n < 0 || n > 1000) return fail("provision.need", where_ + ": Tags.$count out of range");
      for (int k = 1; k <= n; ++k)
        out.emplace_back("key" + std::to_string(k), "value" + std::to_string(k));
      return out;
    }
    for (const auto& [k, v] : t.items()) out.emplace_back(k, substitute(scalar(v)));
    return out;
  }
  // One attribute into a state member, by the member's type; `error` keeps the first failure.
  void get(const char* key, std::string& out, std::optional<Error>& error) const {
    keep(text(key), out, error);
  }
  void get(const char* key, bool& out, std::optional<Error>& error) const {
    keep(boolean(key), out, error);
  }
  void get(const char* key, int& out, std::optional<Error>& error) const {
    keep(integer(key), out, error);
  }
  void get(const char*, Tags& out, std::optional<Error>& error) const { keep(tags(), out, error); }

  std::string substitute(std::string v) const {
    size_t pos = 0;
    while ((pos = v.find("${", pos)) != std::string::npos) {
      size_t end = v.find('}', pos);
      if (end == std::string::npos) break;
      auto it = vars_.find(v.substr(pos + 2, end - pos - 2));
      if (it == vars_.end()) {
        pos = end + 1;
        continue;
      }
      v.replace(pos, end - pos + 1, it->second);
      pos += it->second.size();
    }
    return v;
  }

 private:
  template <class T>
  static void keep(Expected<T> v, T& out, std::optional<Error>& error) {
    if (error) return;
    if (v)
      out = std::move(*v);
    else
      error = v.error();
  }

  const needs::Attribute* attribute(const char* key) const {
    const needs::Resource* r = needs::find(resource_);
    return r ? needs::attribute(*r, key) : nullptr;
  }

  const ojson& with_;
  std::string where_;
  const std::map<std::string, std::string>& vars_;
  std::string resource_;
};

// Assigns the value of an Expected expression, or returns its error from the enclosing function.
#define POPCHECK_TRY(target, expr)                       \
  do {                                                   \
    auto value_ = (expr);                                \
    if (!value_) return std::unexpected(value_.error()); \
    (target) = std::move(*value_);                       \
  } while (0)

// "$missing" / "$released" asked for the need itself: with == "$missing", or an id attribute that
// holds it ({"InstanceId": "$missing"} on an instance need, {"Id": "$released"}).
std::string special_of(const ojson& with, const std::string& resource) {
  auto is_special = [](const ojson& v) {
    return v.is_string() && (v == "$missing" || v == "$released");
  };
  if (is_special(with)) return with.get<std::string>();
  if (!with.is_object()) return {};
  std::vector<std::string> keys = {"Id", "ResourceId", "$id"};
  if (const auto* r = needs::find(resource); r && !r->id_param.empty())
    keys.emplace_back(r->id_param);
  for (const auto& key : keys)
    if (with.contains(key) && is_special(with[key])) return with[key].get<std::string>();
  return {};
}

// What one provisioning added, so that a need that fails takes it all back.
struct Added {
  State& s;
  std::vector<std::pair<std::string, std::string>> resources;  // (kind, id)
  std::vector<std::pair<std::string, std::string>> released;
  std::vector<std::pair<std::string, std::string>> members;  // (group, instance)
  std::vector<std::string> regions;
  size_t faults = 0;
  uint64_t serial = 0;

  void undo() {
    for (const auto& [kind, id] : resources) {
      s.instances.erase(id);
      s.disks.erase(id);
      s.scaling_groups.erase(id);
      s.resources.erase(id);
    }
    for (const auto& [kind, id] : released) s.released[kind].erase(id);
    for (const auto& [group, id] : members)
      if (auto g = s.scaling_groups.find(group); g != s.scaling_groups.end())
        std::erase_if(g->second.instances,
                      [&](const ScalingMember& m) { return m.instance_id == id; });
    for (const auto& r : regions) std::erase(s.regions, r);
    s.faults.resize(faults);
    s.next_serial = serial;
  }
};

// Adds one need's resource; returns its id.
Expected<std::string> add_need(State& s, Added& added, const ojson& with,
                               const std::string& resource, const std::string& region,
                               const std::string& case_id, const NeedReader& r,
                               const std::string& where) {
  std::string id;
  std::optional<Error> error;
  auto read = [&](const char* key, auto& member) { r.get(key, member, error); };
  // A resource of the state's own kinds: a new id, the region, then the need's fields.
  auto fresh = [&](auto& made, const char* kind) {
    made.id = id = s.new_id(kind);
    made.region = region;
    fields::visit(made, read);
  };
  if (resource == "instance") {
    Instance i;
    fresh(i, "instance");
    if (error) return std::unexpected(*error);
    s.instances[id] = std::move(i);
  } else if (resource == "disk") {
    Disk d;
    fresh(d, "disk");
    bool released = false;
    read("Released", released);
    if (error) return std::unexpected(*error);
    if (!d.instance_id.empty() && !s.instances.contains(d.instance_id))
      return fail("provision.need", where + ": InstanceId '" + d.instance_id +
                                        "' is not an instance of this emulator");
    if (!r.has("Status")) d.status = d.instance_id.empty() ? "Available" : "In_use";
    if (released) {
      s.released["disk"].insert(id);
      added.released.emplace_back("disk", id);
      return id;
    }
    s.disks[id] = std::move(d);
  } else if (needs::is_generic_kind(resource) ||
             (needs::find(resource) && needs::find(resource)->tags_only)) {
    TaggedResource t;
    std::string like;
    if (needs::is_generic_kind(resource)) POPCHECK_TRY(like, r.text("Like"));
    t.id = id = like.empty() ? s.new_id(resource) : s.new_id_like(resource, like);
    t.kind = resource;
    t.region = region;
    POPCHECK_TRY(t.tags, r.tags());
    s.resources[id] = std::move(t);
  } else if (resource == "scalinggroup") {
    ScalingGroup g;
    fresh(g, "scalinggroup");
    if (error) return std::unexpected(*error);
    g.load_balancer_id = s.new_id("loadbalancer");
    g.db_instance_id = s.new_id("dbinstance");
    s.scaling_groups[id] = std::move(g);
  } else if (resource == "scalinginstance") {
    std::string group_id;
    POPCHECK_TRY(group_id, r.text("ScalingGroupId"));
    auto git = s.scaling_groups.find(group_id);
    if (git == s.scaling_groups.end())
      return fail("provision.need", where + ": ScalingGroupId '" + group_id +
                                        "' is not a scaling group of this emulator");
    std::string creation;
    POPCHECK_TRY(creation, r.text("CreationType"));
    Instance i;
    i.id = id = s.new_id("instance");
    i.region = git->second.region;
    POPCHECK_TRY(i.tags, r.tags());
    s.instances[id] = std::move(i);
    git->second.instances.push_back({id, creation});
    added.members.emplace_back(group_id, id);
  } else if (resource == "fault") {
    Fault f;
    f.id = id = s.new_id("fault");
    POPCHECK_TRY(f.action, r.text("Action"));
    POPCHECK_TRY(f.status, r.integer("Status"));
    POPCHECK_TRY(f.code, r.text("Code", f.code));
    POPCHECK_TRY(f.message, r.text("Message", f.message));
    POPCHECK_TRY(f.count, r.integer("Count"));
    f.case_id = case_id;
    if (with.is_object() && with.contains("Match")) {
      if (!with["Match"].is_object())
        return fail("provision.need", where + ": Match must be an object");
      for (const auto& [k, v] : with["Match"].items()) f.match[k] = r.substitute(scalar(v));
    }
    s.faults.push_back(std::move(f));
    return id;
  } else {
    return fail("provision.need", where + ": unknown resource '" + resource +
                                      "' (see docs/needs.md for the vocabulary)");
  }
  added.resources.emplace_back(resource, id);
  return id;
}

}  // namespace

Expected<ojson> provision(State& s, const ojson& request) {
  if (!request.is_object() || !request.contains("needs") || !request["needs"].is_array())
    return fail("provision.need", "the body must be {\"needs\": [...], \"region\": \"...\"}");
  std::string case_id;
  if (request.contains("case") && request["case"].is_string())
    case_id = request["case"].get<std::string>();
  std::string default_region = "cn-hangzhou";
  if (request.contains("region") && request["region"].is_string() &&
      !request["region"].get<std::string>().empty())
    default_region = request["region"].get<std::string>();
  Added added{s};
  added.faults = s.faults.size();
  added.serial = s.next_serial;
  auto failed = [&](Error e) -> Expected<ojson> {
    added.undo();
    return std::unexpected(std::move(e));
  };
  std::map<std::string, std::string> vars;
  size_t index = 0;
  for (const auto& need : request["needs"]) {
    std::string where = "needs[" + std::to_string(index++) + "]";
    if (!need.is_object()) return failed({"provision.need", where + " must be an object", {}, 0});
    std::string var = need.value("var", std::string());
    std::string resource = need.value("resource", std::string());
    if (!var.empty()) where += " (" + var + ")";
    const ojson with =
        need.contains("with") && !need["with"].is_null() ? need["with"] : ojson::object();
    if (!with.is_object() && !with.is_string())
      return failed({"provision.need", where + ": with must be an object", {}, 0});
    NeedReader r(with, where, vars, resource);
    auto region = r.text("RegionId", default_region);
    if (!region) return failed(region.error());
    // A region the need names explicitly becomes known; the request's region does not, so that a
    // case sending an unknown RegionId still gets InvalidRegionId.NotFound.
    if (r.has("RegionId") && !s.has_region(*region)) {
      s.regions.push_back(*region);
      added.regions.push_back(*region);
    }
    // An id that never existed, or one that existed and is gone.
    if (std::string special = special_of(with, resource); !special.empty()) {
      std::string id = s.new_id(resource);
      if (special == "$released") {
        s.released[resource].insert(id);
        added.released.emplace_back(resource, id);
      }
      vars[var] = id;
      continue;
    }
    auto id = add_need(s, added, with, resource, *region, case_id, r, where);
    if (!id) return failed(id.error());
    if (!var.empty()) vars[var] = *id;
  }
  ojson out = ojson::object();
  out["vars"] = ojson::object();
  for (const auto& [k, v] : vars) out["vars"][k] = v;
  return out;
}

#undef POPCHECK_TRY

}  // namespace popcheck::emulator
