// The JSON of GET/PUT /__popcheck/state (state.hpp: to_json, state_from_json), through nlohmann's
// to_json/from_json for each part. A malformed value is refused with the JSON path of what is wrong
// ("Disks[1].Portable must be true or false").
#include <stdexcept>

#include "core/compile/needs.hpp"
#include "emulator/state.hpp"
#include "emulator/state_fields.hpp"

namespace popcheck::emulator {

namespace {

// What a from_json below throws; the message is the path below the part being read and what is
// wrong with it. state_from_json prefixes the part's own path.
struct FormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const ojson* field(const ojson& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

// Optional fields: absent or null keeps what `out` holds (the default).
void read(const ojson& j, const char* key, std::string& out) {
  if (const ojson* v = field(j, key)) {
    if (!v->is_string()) throw FormatError(std::string(key) + " must be a string");
    out = v->get<std::string>();
  }
}

void read(const ojson& j, const char* key, bool& out) {
  if (const ojson* v = field(j, key)) {
    if (v->is_boolean())
      out = v->get<bool>();
    else if (v->is_string() && (*v == "true" || *v == "false"))
      out = *v == "true";
    else
      throw FormatError(std::string(key) + " must be true or false");
  }
}

void read(const ojson& j, const char* key, int& out) {
  if (const ojson* v = field(j, key)) {
    if (!v->is_number_integer()) throw FormatError(std::string(key) + " must be an integer");
    out = v->get<int>();
  }
}

void read(const ojson& j, const char* key, Tags& out) {
  const ojson* v = field(j, key);
  if (v == nullptr) return;
  if (!v->is_object()) throw FormatError(std::string(key) + " must be an object of key: value");
  for (const auto& [k, value] : v->items()) {
    if (!value.is_string()) throw FormatError(std::string(key) + "." + k + " must be a string");
    out.emplace_back(k, value.get<std::string>());
  }
}

void read_id(const ojson& j, const char* key, std::string& out) {
  read(j, key, out);
  if (out.empty()) throw FormatError(std::string(key) + " is missing");
}

ojson tags_json(const Tags& tags) {
  ojson out = ojson::object();
  for (const auto& [k, v] : tags) out[k] = v;
  return out;
}

// A list of objects under `key`, each read as T; errors name "Key[i].field".
template <class T, class Add>
void read_list(const ojson& j, const char* key, Add&& add) {
  const ojson* items = field(j, key);
  if (items == nullptr) return;
  if (!items->is_array()) throw FormatError(std::string(key) + " must be a list");
  size_t k = 0;
  for (const auto& item : *items) {
    std::string path = std::string(key) + "[" + std::to_string(k++) + "]";
    if (!item.is_object()) throw FormatError(path + " must be an object");
    try {
      add(item.get<T>());
    } catch (const FormatError& e) {
      throw FormatError(path + "." + e.what());
    }
  }
}

}  // namespace

// A value as the state JSON writes it: tags as an object {key: value}.
template <class T>
ojson put(const T& v) {
  return ojson(v);
}
template <>
ojson put(const Tags& v) {
  return tags_json(v);
}

void to_json(ojson& j, const Instance& i) {
  j = {{"InstanceId", i.id}, {"RegionId", i.region}};
  fields::visit(i, [&](const char* key, const auto& v) { j[key] = put(v); });
}

void from_json(const ojson& j, Instance& i) {
  i = Instance{};
  i.region = "cn-hangzhou";
  read_id(j, "InstanceId", i.id);
  read(j, "RegionId", i.region);
  fields::visit(i, [&](const char* key, auto& v) { read(j, key, v); });
}

void to_json(ojson& j, const Disk& d) {
  j = {{"DiskId", d.id}, {"RegionId", d.region}};
  fields::visit(d, [&](const char* key, const auto& v) { j[key] = put(v); });
}

void from_json(const ojson& j, Disk& d) {
  d = Disk{};
  d.region = "cn-hangzhou";
  read_id(j, "DiskId", d.id);
  read(j, "RegionId", d.region);
  d.status.clear();
  fields::visit(d, [&](const char* key, auto& v) { read(j, key, v); });
  if (d.status.empty()) d.status = d.instance_id.empty() ? "Available" : "In_use";
}

void to_json(ojson& j, const TaggedResource& r) {
  j = {{"ResourceId", r.id},
       {"ResourceType", r.kind},
       {"RegionId", r.region},
       {"Tags", tags_json(r.tags)}};
}

void from_json(const ojson& j, TaggedResource& r) {
  r = TaggedResource{};
  r.region = "cn-hangzhou";
  read_id(j, "ResourceId", r.id);
  read(j, "ResourceType", r.kind);
  read(j, "RegionId", r.region);
  read(j, "Tags", r.tags);
  const auto* known = core::needs::find(r.kind);
  if (known == nullptr || (!known->tags_only && !core::needs::is_generic_kind(r.kind)))
    throw FormatError("ResourceType '" + r.kind +
                      "' is not one of snapshot, image, securitygroup, vpc, vswitch, routetable, "
                      "eip, vpngateway, natgateway, or a generic Product:Name");
}

void to_json(ojson& j, const ScalingMember& m) {
  j = {{"InstanceId", m.instance_id}, {"CreationType", m.creation_type}};
}

void from_json(const ojson& j, ScalingMember& m) {
  m = ScalingMember{};
  read(j, "InstanceId", m.instance_id);
  read(j, "CreationType", m.creation_type);
}

void to_json(ojson& j, const ScalingGroup& g) {
  j = {{"ScalingGroupId", g.id}, {"RegionId", g.region}};
  fields::visit(g, [&](const char* key, const auto& v) { j[key] = put(v); });
  j["LoadBalancerId"] = g.load_balancer_id;
  j["DBInstanceId"] = g.db_instance_id;
  j["Instances"] = g.instances;
  j["Activities"] = g.activities;
}

void from_json(const ojson& j, ScalingGroup& g) {
  g = ScalingGroup{};
  g.region = "cn-hangzhou";
  read_id(j, "ScalingGroupId", g.id);
  read(j, "RegionId", g.region);
  fields::visit(g, [&](const char* key, auto& v) { read(j, key, v); });
  read(j, "LoadBalancerId", g.load_balancer_id);
  read(j, "DBInstanceId", g.db_instance_id);
  read_list<ScalingMember>(j, "Instances",
                           [&](ScalingMember m) { g.instances.push_back(std::move(m)); });
  if (const ojson* a = field(j, "Activities")) {
    if (!a->is_array()) throw FormatError("Activities must be a list");
    for (const auto& id : *a)
      if (id.is_string()) g.activities.push_back(id.get<std::string>());
  }
}

void to_json(ojson& j, const Fault& f) {
  ojson match = ojson::object();
  for (const auto& [k, v] : f.match) match[k] = v;
  j = {{"FaultId", f.id},      {"Action", f.action},        {"Status", f.status}, {"Code", f.code},
       {"Message", f.message}, {"Match", std::move(match)}, {"Count", f.count}};
}

void from_json(const ojson& j, Fault& f) {
  f = Fault{};
  read(j, "FaultId", f.id);
  read(j, "Action", f.action);
  read(j, "Status", f.status);
  read(j, "Code", f.code);
  read(j, "Message", f.message);
  read(j, "Count", f.count);
  if (const ojson* m = field(j, "Match")) {
    if (!m->is_object()) throw FormatError("Match must be an object");
    for (const auto& [k, v] : m->items())
      f.match[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
}

ojson to_json(const State& s) {
  ojson out = ojson::object();
  out["Regions"] = s.regions;
  ojson instances = ojson::array(), disks = ojson::array(), resources = ojson::array(),
        groups = ojson::array();
  for (const auto& [id, i] : s.instances) instances.push_back(i);
  for (const auto& [id, d] : s.disks) disks.push_back(d);
  for (const auto& [id, r] : s.resources) resources.push_back(r);
  for (const auto& [id, g] : s.scaling_groups) groups.push_back(g);
  out["Instances"] = std::move(instances);
  out["Disks"] = std::move(disks);
  out["Resources"] = std::move(resources);
  out["ScalingGroups"] = std::move(groups);
  ojson released = ojson::object();
  for (const auto& [kind, ids] : s.released)
    released[kind] = ojson(std::vector<std::string>(ids.begin(), ids.end()));
  out["Released"] = std::move(released);
  out["Faults"] = s.faults;
  out["NextSerial"] = s.next_serial;
  return out;
}

Expected<State> state_from_json(const ojson& j) {
  if (!j.is_object()) return fail("state.format", "the state must be a JSON object");
  State s;
  try {
    if (const ojson* regions = field(j, "Regions")) {
      if (!regions->is_array()) throw FormatError("Regions must be a list");
      for (const auto& r : *regions) {
        if (!r.is_string()) throw FormatError("Regions must hold strings");
        s.regions.push_back(r.get<std::string>());
      }
    } else {
      s.regions = default_state().regions;
    }
    read_list<Instance>(j, "Instances", [&](Instance i) { s.instances[i.id] = std::move(i); });
    read_list<Disk>(j, "Disks", [&](Disk d) { s.disks[d.id] = std::move(d); });
    read_list<TaggedResource>(j, "Resources",
                              [&](TaggedResource r) { s.resources[r.id] = std::move(r); });
    read_list<ScalingGroup>(j, "ScalingGroups",
                            [&](ScalingGroup g) { s.scaling_groups[g.id] = std::move(g); });
    read_list<Fault>(j, "Faults", [&](Fault f) { s.faults.push_back(std::move(f)); });
    if (const ojson* released = field(j, "Released")) {
      if (!released->is_object()) throw FormatError("Released must be an object");
      for (const auto& [kind, ids] : released->items()) {
        if (!ids.is_array()) throw FormatError("Released." + kind + " must be a list");
        for (const auto& id : ids)
          if (id.is_string()) s.released[kind].insert(id.get<std::string>());
      }
    }
    if (const ojson* serial = field(j, "NextSerial")) {
      if (!serial->is_number_unsigned()) throw FormatError("NextSerial must be a positive integer");
      s.next_serial = serial->get<uint64_t>();
    }
  } catch (const FormatError& e) {
    return fail("state.format", e.what());
  }
  for (auto& f : s.faults)
    if (f.id.empty()) f.id = s.new_id("fault");
  return s;
}

}  // namespace popcheck::emulator
