#include "emulator/state.hpp"

#include <algorithm>
#include <array>

namespace popcheck::emulator {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kPrefixes = {{
    {"instance", "i-"},       {"disk", "d-"},          {"snapshot", "s-"},
    {"image", "m-"},          {"securitygroup", "sg-"}, {"vpc", "vpc-"},
    {"vswitch", "vsw-"},      {"routetable", "vtb-"},   {"eip", "eip-"},
    {"vpngateway", "vpn-"},   {"natgateway", "ngw-"},   {"scalinggroup", "asg-"},
    {"fault", "fault-"},      {"activity", "asa-"},     {"loadbalancer", "lb-"},
    {"dbinstance", "rm-"},
}};

// The kinds that exist only as TaggedResource.
constexpr std::array<std::string_view, 9> kTaggedKinds = {
    "snapshot", "image", "securitygroup", "vpc", "vswitch", "routetable", "eip", "vpngateway",
    "natgateway"};

bool is_tagged_kind(std::string_view kind) {
  return std::find(kTaggedKinds.begin(), kTaggedKinds.end(), kind) != kTaggedKinds.end();
}

ojson tags_json(const Tags& tags) {
  ojson out = ojson::object();
  for (const auto& [k, v] : tags) out[k] = v;
  return out;
}

// A reader that names the JSON path of anything malformed.
class Reader {
 public:
  Reader(const ojson& json, std::string path) : json_(json), path_(std::move(path)) {}

  Expected<std::string> str(const char* key, std::string fallback = {}) const {
    if (!json_.contains(key)) return fallback;
    const auto& v = json_[key];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return fallback;
    return fail("state.format", path_ + "." + key + " must be a string");
  }
  Expected<bool> boolean(const char* key, bool fallback) const {
    if (!json_.contains(key)) return fallback;
    const auto& v = json_[key];
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_string() && (v == "true" || v == "false")) return v == "true";
    return fail("state.format", path_ + "." + key + " must be true or false");
  }
  Expected<int64_t> integer(const char* key, int64_t fallback) const {
    if (!json_.contains(key)) return fallback;
    const auto& v = json_[key];
    if (v.is_number_integer()) return v.get<int64_t>();
    return fail("state.format", path_ + "." + key + " must be an integer");
  }
  Expected<Tags> tags(const char* key = "Tags") const {
    Tags out;
    if (!json_.contains(key) || json_[key].is_null()) return out;
    const auto& v = json_[key];
    if (!v.is_object()) {
      return fail("state.format", path_ + "." + key + " must be an object of key: value");
    }
    for (const auto& [k, value] : v.items()) {
      if (!value.is_string()) {
        return fail("state.format", path_ + "." + key + "." + k + " must be a string");
      }
      out.emplace_back(k, value.get<std::string>());
    }
    return out;
  }

 private:
  const ojson& json_;
  std::string path_;
};

// Assigns the value of an Expected expression, or returns its error from the enclosing function.
#define POPCHECK_TRY(target, expr)                     \
  do {                                                 \
    auto value_ = (expr);                              \
    if (!value_) return std::unexpected(value_.error()); \
    target = std::move(*value_);                       \
  } while (0)

Expected<Instance> instance_from(const ojson& j, const std::string& path) {
  Reader r(j, path);
  Instance i;
  POPCHECK_TRY(i.id, r.str("InstanceId"));
  if (i.id.empty()) return fail("state.format", path + ".InstanceId is missing");
  POPCHECK_TRY(i.region, r.str("RegionId", "cn-hangzhou"));
  POPCHECK_TRY(i.status, r.str("Status", "Running"));
  POPCHECK_TRY(i.deletion_protection, r.boolean("DeletionProtection", false));
  POPCHECK_TRY(i.security_locked, r.boolean("SecurityLocked", false));
  POPCHECK_TRY(i.charge_type, r.str("InstanceChargeType", "PostPaid"));
  POPCHECK_TRY(i.expired, r.boolean("Expired", false));
  POPCHECK_TRY(i.slb_configuring, r.boolean("SLBConfiguring", false));
  POPCHECK_TRY(i.route_entry, r.boolean("RouteEntry", false));
  POPCHECK_TRY(i.tags, r.tags());
  return i;
}

Expected<Disk> disk_from(const ojson& j, const std::string& path) {
  Reader r(j, path);
  Disk d;
  POPCHECK_TRY(d.id, r.str("DiskId"));
  if (d.id.empty()) return fail("state.format", path + ".DiskId is missing");
  POPCHECK_TRY(d.region, r.str("RegionId", "cn-hangzhou"));
  POPCHECK_TRY(d.instance_id, r.str("InstanceId"));
  POPCHECK_TRY(d.type, r.str("Type", "data"));
  POPCHECK_TRY(d.portable, r.boolean("Portable", true));
  POPCHECK_TRY(d.status, r.str("Status", d.instance_id.empty() ? "Available" : "In_use"));
  POPCHECK_TRY(d.delete_with_instance, r.boolean("DeleteWithInstance", true));
  POPCHECK_TRY(d.tags, r.tags());
  return d;
}

Expected<ScalingGroup> group_from(const ojson& j, const std::string& path) {
  Reader r(j, path);
  ScalingGroup g;
  POPCHECK_TRY(g.id, r.str("ScalingGroupId"));
  if (g.id.empty()) return fail("state.format", path + ".ScalingGroupId is missing");
  POPCHECK_TRY(g.region, r.str("RegionId", "cn-hangzhou"));
  POPCHECK_TRY(g.status, r.str("Status", "Active"));
  int64_t n = 0;
  POPCHECK_TRY(n, r.integer("MinSize", 0));
  g.min_size = static_cast<int>(n);
  POPCHECK_TRY(n, r.integer("MaxSize", 100));
  g.max_size = static_cast<int>(n);
  POPCHECK_TRY(g.activity_in_progress, r.boolean("ActivityInProgress", false));
  POPCHECK_TRY(g.scaling_policy, r.str("ScalingPolicy", "release"));
  POPCHECK_TRY(g.load_balancer_status, r.str("LoadBalancerStatus", "active"));
  POPCHECK_TRY(g.db_instance_status, r.str("DBInstanceStatus", "Running"));
  POPCHECK_TRY(g.load_balancer_id, r.str("LoadBalancerId"));
  POPCHECK_TRY(g.db_instance_id, r.str("DBInstanceId"));
  if (j.contains("Instances")) {
    if (!j["Instances"].is_array()) return fail("state.format", path + ".Instances must be a list");
    size_t k = 0;
    for (const auto& m : j["Instances"]) {
      std::string mp = path + ".Instances[" + std::to_string(k++) + "]";
      if (!m.is_object()) return fail("state.format", mp + " must be an object");
      Reader mr(m, mp);
      ScalingMember member;
      POPCHECK_TRY(member.instance_id, mr.str("InstanceId"));
      POPCHECK_TRY(member.creation_type, mr.str("CreationType", "AutoCreated"));
      g.instances.push_back(std::move(member));
    }
  }
  if (j.contains("Activities")) {
    if (!j["Activities"].is_array()) return fail("state.format", path + ".Activities must be a list");
    for (const auto& a : j["Activities"]) {
      if (a.is_string()) g.activities.push_back(a.get<std::string>());
    }
  }
  return g;
}

Expected<Fault> fault_from(const ojson& j, const std::string& path) {
  Reader r(j, path);
  Fault f;
  POPCHECK_TRY(f.id, r.str("FaultId"));
  POPCHECK_TRY(f.action, r.str("Action"));
  int64_t n = 0;
  POPCHECK_TRY(n, r.integer("Status", 500));
  f.status = static_cast<int>(n);
  POPCHECK_TRY(f.code, r.str("Code", f.code));
  POPCHECK_TRY(f.message, r.str("Message", f.message));
  POPCHECK_TRY(n, r.integer("Count", 1));
  f.count = static_cast<int>(n);
  if (j.contains("Match")) {
    if (!j["Match"].is_object()) return fail("state.format", path + ".Match must be an object");
    for (const auto& [k, v] : j["Match"].items()) {
      f.match[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  return f;
}


}  // namespace

bool State::has_region(const std::string& region) const {
  return std::find(regions.begin(), regions.end(), region) != regions.end();
}

bool State::is_released(const std::string& kind, const std::string& id) const {
  auto it = released.find(kind);
  return it != released.end() && it->second.contains(id);
}

void State::release_instance(const std::string& id, bool all_disks) {
  for (auto it = disks.begin(); it != disks.end();) {
    Disk& d = it->second;
    if (d.instance_id == id) {
      if (all_disks || d.delete_with_instance) {
        released["disk"].insert(d.id);
        it = disks.erase(it);
        continue;
      }
      d.instance_id.clear();
      d.status = "Available";
    }
    ++it;
  }
  for (auto& [gid, group] : scaling_groups) {
    std::erase_if(group.instances, [&](const ScalingMember& m) { return m.instance_id == id; });
  }
  instances.erase(id);
  released["instance"].insert(id);
}

std::string State::new_id(const std::string& kind) {
  std::string prefix = kind + "-";
  for (const auto& [k, p] : kPrefixes) {
    if (k == kind) prefix = std::string(p);
  }
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  for (;;) {
    uint64_t n = next_serial++;
    // "pc" marks ids this emulator made; the serial in base 36 keeps them short and unique.
    std::string digits;
    do {
      digits.insert(digits.begin(), kDigits[n % 36]);
      n /= 36;
    } while (n > 0);
    std::string id = prefix + "pc" + std::string(14 - std::min<size_t>(14, digits.size()), '0') + digits;
    if (kind_of(id).empty() && !is_released(kind, id)) return id;
  }
}

Tags* State::tags_of(const std::string& kind, const std::string& id) {
  if (kind == "instance") {
    auto it = instances.find(id);
    return it == instances.end() ? nullptr : &it->second.tags;
  }
  if (kind == "disk") {
    auto it = disks.find(id);
    return it == disks.end() ? nullptr : &it->second.tags;
  }
  auto it = resources.find(id);
  if (it == resources.end() || it->second.kind != kind) return nullptr;
  return &it->second.tags;
}

std::string State::kind_of(const std::string& id) const {
  if (instances.contains(id)) return "instance";
  if (disks.contains(id)) return "disk";
  if (scaling_groups.contains(id)) return "scalinggroup";
  if (auto it = resources.find(id); it != resources.end()) return it->second.kind;
  for (const auto& f : faults) {
    if (f.id == id) return "fault";
  }
  return {};
}

State default_state() {
  State s;
  // The public regions of ECS, VPC and ESS (their metadata's endpoint lists).
  s.regions = {"cn-qingdao",     "cn-beijing",      "cn-zhangjiakou", "cn-huhehaote",
               "cn-wulanchabu",  "cn-hangzhou",     "cn-shanghai",    "cn-nanjing",
               "cn-fuzhou",      "cn-shenzhen",     "cn-heyuan",      "cn-guangzhou",
               "cn-chengdu",     "cn-wuhan-lr",     "cn-hongkong",    "ap-northeast-1",
               "ap-northeast-2", "ap-southeast-1",  "ap-southeast-2", "ap-southeast-3",
               "ap-southeast-5", "ap-southeast-6",  "ap-southeast-7", "ap-south-1",
               "us-east-1",      "us-west-1",       "eu-west-1",      "eu-central-1",
               "me-east-1",      "me-central-1",    "cn-shanghai-finance-1",
               "cn-shenzhen-finance-1", "cn-beijing-finance-1", "cn-hangzhou-finance",
               "cn-zhengzhou-jva",      "cn-north-2-gov-1"};
  auto add_instance = [&](const std::string& id, const std::string& region, const std::string& status) {
    Instance i;
    i.id = id;
    i.region = region;
    i.status = status;
    s.instances[id] = i;
    Disk system;
    system.id = "d-sys-" + id.substr(2);
    system.region = region;
    system.instance_id = id;
    system.type = "system";
    system.portable = false;
    system.status = "In_use";
    s.disks[system.id] = system;
  };
  auto add_disk = [&](const std::string& id, const std::string& region, const std::string& instance) {
    Disk d;
    d.id = id;
    d.region = region;
    d.instance_id = instance;
    d.status = instance.empty() ? "Available" : "In_use";
    s.disks[id] = d;
  };
  auto add_resource = [&](const std::string& id, const std::string& kind, const std::string& region,
                          Tags tags = {}) {
    s.resources[id] = TaggedResource{id, kind, region, std::move(tags)};
  };

  // ECS RemoveTags (seed 000 and its metadata example): a tagged snapshot in cn-shenzhen.
  add_resource("s-946ntx4wr", "snapshot", "cn-shenzhen", {{"Finance", "FinanceJoshua"}});
  add_resource("s-946ntx4****", "snapshot", "cn-shenzhen", {{"Finance", "FinanceJoshua"}});
  // ECS DetachDisk (seed 002 and metadata): a running instance with a portable data disk attached.
  add_instance("i-23jggx34b", "cn-hangzhou", "Running");
  add_disk("d-23jbf2v5m", "cn-hangzhou", "i-23jggx34b");
  add_instance("i-bp67acfmxazb4p****", "cn-hangzhou", "Running");
  add_disk("d-bp67acfmxazb4p****", "cn-hangzhou", "i-bp67acfmxazb4p****");
  // ECS DeleteInstances (seed 003 request and parameter examples, metadata): stopped pay-as-you-go
  // instances, each with a system disk and a data disk kept on release.
  for (const char* id : {"i-instance1", "i-instanceid1", "i-bp1g6zv0ce8oghu7****"}) {
    add_instance(id, "cn-hangzhou", "Stopped");
    std::string data = std::string("d-data-") + (id + 2);
    add_disk(data, "cn-hangzhou", id);
    s.disks[data].delete_with_instance = false;
  }
  // ESS RemoveInstances (seed 004 and metadata): an active group with instances it created.
  for (const char* gid : {"AG6CQdPU8OKdwLjgZcJ****", "asg-bp18p2yfxow2dloq****"}) {
    ScalingGroup g;
    g.id = gid;
    g.region = "cn-hangzhou";
    g.load_balancer_id = "lb-pc-default";
    g.db_instance_id = "rm-pc-default";
    for (const char* iid : {"i-28wt4****", "i-28wt5****"}) {
      std::string member = std::string(iid);
      if (std::string(gid).starts_with("asg-")) member = "i-asg" + member.substr(2);
      add_instance(member, "cn-hangzhou", "Running");
      g.instances.push_back({member, "AutoCreated"});
    }
    s.scaling_groups[gid] = g;
  }
  // VPC TagResources (seed 001 parameter examples): one resource of each taggable VPC kind.
  add_resource("vpc-bp16qjewdsunr41m1****", "vpc", "cn-hangzhou", {{"FinanceDept", "FinanceJoshua"}});
  add_resource("vsw-bp1pc0000000000000001", "vswitch", "cn-hangzhou");
  add_resource("vtb-bp1pc0000000000000001", "routetable", "cn-hangzhou");
  add_resource("eip-bp1pc0000000000000001", "eip", "cn-hangzhou");
  add_resource("vpn-bp1pc0000000000000001", "vpngateway", "cn-hangzhou");
  add_resource("ngw-bp1pc0000000000000001", "natgateway", "cn-hangzhou");
  // Further ECS taggable resources, for people trying the emulator by hand.
  add_resource("m-bp1pc0000000000000001", "image", "cn-hangzhou", {{"env", "test"}});
  add_resource("sg-bp1pc0000000000000001", "securitygroup", "cn-hangzhou");
  add_resource("s-bp1pc0000000000000001", "snapshot", "cn-hangzhou");
  return s;
}

ojson to_json(const State& s) {
  ojson out = ojson::object();
  out["Regions"] = s.regions;
  ojson instances = ojson::array();
  for (const auto& [id, i] : s.instances) {
    instances.push_back({{"InstanceId", i.id},
                         {"RegionId", i.region},
                         {"Status", i.status},
                         {"DeletionProtection", i.deletion_protection},
                         {"SecurityLocked", i.security_locked},
                         {"InstanceChargeType", i.charge_type},
                         {"Expired", i.expired},
                         {"SLBConfiguring", i.slb_configuring},
                         {"RouteEntry", i.route_entry},
                         {"Tags", tags_json(i.tags)}});
  }
  out["Instances"] = std::move(instances);
  ojson disks = ojson::array();
  for (const auto& [id, d] : s.disks) {
    disks.push_back({{"DiskId", d.id},
                     {"RegionId", d.region},
                     {"InstanceId", d.instance_id},
                     {"Type", d.type},
                     {"Portable", d.portable},
                     {"Status", d.status},
                     {"DeleteWithInstance", d.delete_with_instance},
                     {"Tags", tags_json(d.tags)}});
  }
  out["Disks"] = std::move(disks);
  ojson resources = ojson::array();
  for (const auto& [id, r] : s.resources) {
    resources.push_back({{"ResourceId", r.id},
                         {"ResourceType", r.kind},
                         {"RegionId", r.region},
                         {"Tags", tags_json(r.tags)}});
  }
  out["Resources"] = std::move(resources);
  ojson groups = ojson::array();
  for (const auto& [id, g] : s.scaling_groups) {
    ojson members = ojson::array();
    for (const auto& m : g.instances) {
      members.push_back({{"InstanceId", m.instance_id}, {"CreationType", m.creation_type}});
    }
    groups.push_back({{"ScalingGroupId", g.id},
                      {"RegionId", g.region},
                      {"Status", g.status},
                      {"MinSize", g.min_size},
                      {"MaxSize", g.max_size},
                      {"ActivityInProgress", g.activity_in_progress},
                      {"ScalingPolicy", g.scaling_policy},
                      {"LoadBalancerStatus", g.load_balancer_status},
                      {"DBInstanceStatus", g.db_instance_status},
                      {"LoadBalancerId", g.load_balancer_id},
                      {"DBInstanceId", g.db_instance_id},
                      {"Instances", std::move(members)},
                      {"Activities", g.activities}});
  }
  out["ScalingGroups"] = std::move(groups);
  ojson released = ojson::object();
  for (const auto& [kind, ids] : s.released) {
    released[kind] = ojson(std::vector<std::string>(ids.begin(), ids.end()));
  }
  out["Released"] = std::move(released);
  ojson faults = ojson::array();
  for (const auto& f : s.faults) {
    ojson match = ojson::object();
    for (const auto& [k, v] : f.match) match[k] = v;
    faults.push_back({{"FaultId", f.id},
                      {"Action", f.action},
                      {"Status", f.status},
                      {"Code", f.code},
                      {"Message", f.message},
                      {"Match", std::move(match)},
                      {"Count", f.count}});
  }
  out["Faults"] = std::move(faults);
  out["NextSerial"] = s.next_serial;
  return out;
}

Expected<State> state_from_json(const ojson& j) {
  if (!j.is_object()) return fail("state.format", "the state must be a JSON object");
  State s;
  auto list = [&](const char* key) -> Expected<const ojson*> {
    if (!j.contains(key) || j[key].is_null()) return nullptr;
    if (!j[key].is_array()) return fail("state.format", std::string(key) + " must be a list");
    return &j[key];
  };
  auto regions = list("Regions");
  if (!regions) return std::unexpected(regions.error());
  if (*regions) {
    for (const auto& r : **regions) {
      if (!r.is_string()) return fail("state.format", "Regions must hold strings");
      s.regions.push_back(r.get<std::string>());
    }
  } else {
    s.regions = default_state().regions;
  }
  auto each = [&](const char* key, auto&& add) -> Expected<void> {
    auto items = list(key);
    if (!items) return std::unexpected(items.error());
    if (!*items) return {};
    size_t k = 0;
    for (const auto& item : **items) {
      std::string path = std::string(key) + "[" + std::to_string(k++) + "]";
      if (!item.is_object()) return fail("state.format", path + " must be an object");
      auto added = add(item, path);
      if (!added) return added;
    }
    return {};
  };
  Expected<void> ok = each("Instances", [&](const ojson& item, const std::string& path) -> Expected<void> {
    auto i = instance_from(item, path);
    if (!i) return std::unexpected(i.error());
    s.instances[i->id] = std::move(*i);
    return {};
  });
  if (ok) ok = each("Disks", [&](const ojson& item, const std::string& path) -> Expected<void> {
    auto d = disk_from(item, path);
    if (!d) return std::unexpected(d.error());
    s.disks[d->id] = std::move(*d);
    return {};
  });
  if (ok) ok = each("Resources", [&](const ojson& item, const std::string& path) -> Expected<void> {
    Reader r(item, path);
    TaggedResource res;
    auto id = r.str("ResourceId");
    auto kind = r.str("ResourceType");
    auto region = r.str("RegionId", "cn-hangzhou");
    auto tags = r.tags();
    if (!id) return std::unexpected(id.error());
    if (!kind) return std::unexpected(kind.error());
    if (!region) return std::unexpected(region.error());
    if (!tags) return std::unexpected(tags.error());
    if (id->empty()) return fail("state.format", path + ".ResourceId is missing");
    if (!is_tagged_kind(*kind)) {
      return fail("state.format", path + ".ResourceType '" + *kind +
                                      "' is not one of snapshot, image, securitygroup, vpc, vswitch, "
                                      "routetable, eip, vpngateway, natgateway");
    }
    s.resources[*id] = TaggedResource{*id, *kind, *region, std::move(*tags)};
    return {};
  });
  if (ok) ok = each("ScalingGroups", [&](const ojson& item, const std::string& path) -> Expected<void> {
    auto g = group_from(item, path);
    if (!g) return std::unexpected(g.error());
    s.scaling_groups[g->id] = std::move(*g);
    return {};
  });
  if (ok) ok = each("Faults", [&](const ojson& item, const std::string& path) -> Expected<void> {
    auto f = fault_from(item, path);
    if (!f) return std::unexpected(f.error());
    s.faults.push_back(std::move(*f));
    return {};
  });
  if (!ok) return std::unexpected(ok.error());
  if (j.contains("Released")) {
    if (!j["Released"].is_object()) return fail("state.format", "Released must be an object");
    for (const auto& [kind, ids] : j["Released"].items()) {
      if (!ids.is_array()) return fail("state.format", "Released." + kind + " must be a list");
      for (const auto& id : ids) {
        if (id.is_string()) s.released[kind].insert(id.get<std::string>());
      }
    }
  }
  if (j.contains("NextSerial")) {
    if (!j["NextSerial"].is_number_unsigned()) {
      return fail("state.format", "NextSerial must be a positive integer");
    }
    s.next_serial = j["NextSerial"].get<uint64_t>();
  }
  for (auto& f : s.faults) {
    if (f.id.empty()) f.id = s.new_id("fault");
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------
// Provisioning (docs/needs.md).

namespace {

// A need's attribute as a string, accepting JSON strings, numbers and booleans.
std::string scalar(const ojson& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return {};
  return v.dump();
}

class NeedReader {
 public:
  NeedReader(const ojson& with, std::string where, const std::map<std::string, std::string>& vars)
      : with_(with), where_(std::move(where)), vars_(vars) {}

  bool has(const char* key) const { return with_.is_object() && with_.contains(key); }

  // ${var} references are replaced by the ids of earlier needs.
  Expected<std::string> str(const char* key, std::string fallback,
                            std::initializer_list<std::string_view> allowed = {}) const {
    if (!has(key)) return fallback;
    std::string v = substitute(scalar(with_[key]));
    if (allowed.size() > 0 &&
        std::find(allowed.begin(), allowed.end(), std::string_view(v)) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return fail("provision.need", where_ + ": " + key + " '" + v + "' is not one of " + list);
    }
    return v;
  }
  Expected<bool> boolean(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    std::string v = scalar(with_[key]);
    if (v == "true") return true;
    if (v == "false") return false;
    return fail("provision.need", where_ + ": " + key + " must be true or false");
  }
  Expected<int> integer(const char* key, int fallback) const {
    if (!has(key)) return fallback;
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
      for (int k = 1; k <= n; ++k) {
        out.emplace_back("key" + std::to_string(k), "value" + std::to_string(k));
      }
      return out;
    }
    for (const auto& [k, v] : t.items()) out.emplace_back(k, substitute(scalar(v)));
    return out;
  }
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
  const std::string& where() const { return where_; }

 private:
  const ojson& with_;
  std::string where_;
  const std::map<std::string, std::string>& vars_;
};

// "$missing" / "$released" asked for the need itself: with == "$missing", or an id attribute that
// holds it ({"InstanceId": "$missing"} on an instance need, {"Id": "$released"}).
std::string special_of(const ojson& with, const std::string& resource) {
  auto is_special = [](const ojson& v) {
    return v.is_string() && (v == "$missing" || v == "$released");
  };
  if (is_special(with)) return with.get<std::string>();
  if (!with.is_object()) return {};
  for (const char* key : {"Id", "ResourceId", "$id"}) {
    if (with.contains(key) && is_special(with[key])) return with[key].get<std::string>();
  }
  static const std::map<std::string, std::string> kIdKey = {
      {"instance", "InstanceId"}, {"disk", "DiskId"}, {"scalinggroup", "ScalingGroupId"},
      {"snapshot", "SnapshotId"}, {"image", "ImageId"}, {"securitygroup", "SecurityGroupId"},
      {"vpc", "VpcId"}, {"vswitch", "VSwitchId"}, {"routetable", "RouteTableId"},
      {"eip", "AllocationId"}, {"vpngateway", "VpnGatewayId"}, {"natgateway", "NatGatewayId"}};
  auto it = kIdKey.find(resource);
  if (it != kIdKey.end() && with.contains(it->second) && is_special(with[it->second])) {
    return with[it->second].get<std::string>();
  }
  return {};
}

}  // namespace

Expected<ojson> provision(State& s, const ojson& request) {
  if (!request.is_object() || !request.contains("needs") || !request["needs"].is_array()) {
    return fail("provision.need", "the body must be {\"needs\": [...], \"region\": \"...\"}");
  }
  std::string case_id;
  if (request.contains("case") && request["case"].is_string()) case_id = request["case"].get<std::string>();
  std::string default_region = "cn-hangzhou";
  if (request.contains("region") && request["region"].is_string() &&
      !request["region"].get<std::string>().empty()) {
    default_region = request["region"].get<std::string>();
  }
  // Work on a copy so that a need that fails leaves the state as it was.
  State work = s;
  std::map<std::string, std::string> vars;
  size_t index = 0;
  for (const auto& need : request["needs"]) {
    std::string where = "needs[" + std::to_string(index++) + "]";
    if (!need.is_object()) return fail("provision.need", where + " must be an object");
    std::string var = need.value("var", std::string());
    std::string resource = need.value("resource", std::string());
    if (!var.empty()) where += " (" + var + ")";
    const ojson with = need.contains("with") && !need["with"].is_null() ? need["with"]
                                                                       : ojson::object();
    if (!with.is_object() && !with.is_string()) {
      return fail("provision.need", where + ": with must be an object");
    }
    NeedReader r(with, where, vars);
    auto region = r.str("RegionId", default_region);
    if (!region) return std::unexpected(region.error());
    // A region the need names explicitly becomes known; the request's region does not, so that a
    // case sending an unknown RegionId still gets InvalidRegionId.NotFound.
    if (r.has("RegionId") && !work.has_region(*region)) work.regions.push_back(*region);

    // An id that never existed, or one that existed and is gone.
    std::string special = special_of(with, resource);
    if (!special.empty()) {
      std::string id = work.new_id(resource);
      if (special == "$released") work.released[resource].insert(id);
      vars[var] = id;
      continue;
    }


    std::string id;
    if (resource == "instance") {
      Instance i;
      i.id = id = work.new_id("instance");
      i.region = *region;
      POPCHECK_TRY(i.status,
                    r.str("Status", "Running", {"Running", "Stopped", "Pending", "Starting", "Stopping"}));
      POPCHECK_TRY(i.deletion_protection, r.boolean("DeletionProtection", false));
      POPCHECK_TRY(i.security_locked, r.boolean("SecurityLocked", false));
      POPCHECK_TRY(i.charge_type, r.str("InstanceChargeType", "PostPaid", {"PostPaid", "PrePaid"}));
      POPCHECK_TRY(i.expired, r.boolean("Expired", false));
      POPCHECK_TRY(i.slb_configuring, r.boolean("SLBConfiguring", false));
      POPCHECK_TRY(i.route_entry, r.boolean("RouteEntry", false));
      POPCHECK_TRY(i.tags, r.tags());
      work.instances[id] = std::move(i);
    } else if (resource == "disk") {
      Disk d;
      d.id = id = work.new_id("disk");
      d.region = *region;
      POPCHECK_TRY(d.instance_id, r.str("InstanceId", ""));
      if (!d.instance_id.empty() && !work.instances.contains(d.instance_id)) {
        return fail("provision.need", where + ": InstanceId '" + d.instance_id +
                                          "' is not an instance of this emulator");
      }
      POPCHECK_TRY(d.type, r.str("Type", "data", {"data", "system"}));
      POPCHECK_TRY(d.portable, r.boolean("Portable", true));
      POPCHECK_TRY(d.status, r.str("Status", d.instance_id.empty() ? "Available" : "In_use",
                                    {"In_use", "Available", "Attaching", "Detaching", "Creating"}));
      POPCHECK_TRY(d.delete_with_instance, r.boolean("DeleteWithInstance", true));
      POPCHECK_TRY(d.tags, r.tags());
      bool released = false;
      POPCHECK_TRY(released, r.boolean("Released", false));
      if (released) {
        work.released["disk"].insert(id);
      } else {
        work.disks[id] = std::move(d);
      }
    } else if (is_tagged_kind(resource)) {
      TaggedResource t;
      t.id = id = work.new_id(resource);
      t.kind = resource;
      t.region = *region;
      POPCHECK_TRY(t.tags, r.tags());
      work.resources[id] = std::move(t);
    } else if (resource == "scalinggroup") {
      ScalingGroup g;
      g.id = id = work.new_id("scalinggroup");
      g.region = *region;
      POPCHECK_TRY(g.status, r.str("Status", "Active", {"Active", "Inactive", "Deleting"}));
      POPCHECK_TRY(g.min_size, r.integer("MinSize", 0));
      POPCHECK_TRY(g.max_size, r.integer("MaxSize", 100));
      POPCHECK_TRY(g.activity_in_progress, r.boolean("ActivityInProgress", false));
      POPCHECK_TRY(g.scaling_policy, r.str("ScalingPolicy", "release", {"release", "recycle"}));
      POPCHECK_TRY(g.load_balancer_status,
                    r.str("LoadBalancerStatus", "active", {"active", "inactive"}));
      POPCHECK_TRY(g.db_instance_status, r.str("DBInstanceStatus", "Running", {"Running", "Stopped"}));
      g.load_balancer_id = work.new_id("loadbalancer");
      g.db_instance_id = work.new_id("dbinstance");
      work.scaling_groups[id] = std::move(g);
    } else if (resource == "scalinginstance") {
      std::string group_id;
      POPCHECK_TRY(group_id, r.str("ScalingGroupId", ""));
      auto git = work.scaling_groups.find(group_id);
      if (git == work.scaling_groups.end()) {
        return fail("provision.need", where + ": ScalingGroupId '" + group_id +
                                          "' is not a scaling group of this emulator");
      }
      std::string creation;
      POPCHECK_TRY(creation, r.str("CreationType", "AutoCreated", {"AutoCreated", "Attached"}));
      Instance i;
      i.id = id = work.new_id("instance");
      i.region = git->second.region;
      POPCHECK_TRY(i.tags, r.tags());
      work.instances[id] = std::move(i);
      git->second.instances.push_back({id, creation});
    } else if (resource == "fault") {
      Fault f;
      f.id = id = work.new_id("fault");
      POPCHECK_TRY(f.action, r.str("Action", ""));
      POPCHECK_TRY(f.status, r.integer("Status", 500));
      POPCHECK_TRY(f.code, r.str("Code", f.code));
      POPCHECK_TRY(f.message, r.str("Message", f.message));
      POPCHECK_TRY(f.count, r.integer("Count", 1));
      f.case_id = case_id;
      if (with.is_object() && with.contains("Match")) {
        if (!with["Match"].is_object()) {
          return fail("provision.need", where + ": Match must be an object");
        }
        for (const auto& [k, v] : with["Match"].items()) f.match[k] = r.substitute(scalar(v));
      }
      work.faults.push_back(std::move(f));
    } else {
      return fail("provision.need", where + ": unknown resource '" + resource +
                                        "' (see docs/needs.md for the vocabulary)");
    }
    if (!var.empty()) vars[var] = id;
  }
  s = std::move(work);
  ojson out = ojson::object();
  out["vars"] = ojson::object();
  for (const auto& [k, v] : vars) out["vars"][k] = v;
  return out;
}

#undef POPCHECK_TRY

}  // namespace popcheck::emulator
