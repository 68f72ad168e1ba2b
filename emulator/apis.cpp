#include "emulator/apis.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>

#include "core/compile/needs.hpp"
#include "core/support/text.hpp"

namespace popcheck::emulator {

namespace {

using core::Params;

// A required parameter's value; nullptr when absent or empty.
const std::string* required(const Params& params, std::string_view name) {
  const std::string* v = find_param(params, name);
  return (v == nullptr || v->empty()) ? nullptr : v;
}

using core::text::iequals;

std::optional<int> parse_index(std::string_view s) {
  if (s.empty() || s.size() > 6) return std::nullopt;
  int n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// "Name.N" parameters in N order. `bad` receives the first name whose N is not a number.
std::map<int, std::string> repeat_list(const Params& params, std::string_view name,
                                       std::string* bad) {
  std::map<int, std::string> out;
  std::string prefix = std::string(name) + ".";
  for (const auto& [k, v] : params) {
    if (!k.starts_with(prefix)) continue;
    auto n = parse_index(std::string_view(k).substr(prefix.size()));
    if (!n) {
      if (bad && bad->empty()) *bad = k;
      continue;
    }
    out.emplace(*n, v);  // the first of duplicates wins, as with any other parameter
  }
  return out;
}

struct TagParam {
  std::optional<std::string> key, value;
};

// Tag.N.Key / Tag.N.Value (and the deprecated lower-case Tag.N.key / Tag.N.value, used when the
// upper-case form is absent). `bad` receives the first Tag.* name that is not of that form.
std::map<int, TagParam> tag_params(const Params& params, std::string* bad) {
  std::map<int, TagParam> out;
  std::map<int, TagParam> legacy;
  for (const auto& [k, v] : params) {
    if (!k.starts_with("Tag.")) continue;
    std::string_view rest = std::string_view(k).substr(4);
    size_t dot = rest.find('.');
    auto n = dot == std::string_view::npos ? std::nullopt : parse_index(rest.substr(0, dot));
    std::string_view field = dot == std::string_view::npos ? "" : rest.substr(dot + 1);
    if (!n || (field != "Key" && field != "Value" && field != "key" && field != "value")) {
      if (bad->empty()) *bad = k;
      continue;
    }
    auto& slot = (field == "Key" || field == "Value") ? out[*n] : legacy[*n];
    auto& target = (field == "Key" || field == "key") ? slot.key : slot.value;
    if (!target) target = v;
  }
  for (auto& [n, t] : legacy) {
    auto& slot = out[n];
    if (!slot.key) slot.key = t.key;
    if (!slot.value) slot.value = t.value;
  }
  return out;
}

bool has_forbidden_text(std::string_view s) {
  return s.starts_with("aliyun") || s.starts_with("acs:") ||
         s.find("http://") != std::string_view::npos ||
         s.find("https://") != std::string_view::npos;
}

using core::text::utf8_length;  // in characters, as the pages count lengths

std::optional<bool> parse_bool(const std::string& v) {
  if (iequals(v, "true")) return true;
  if (iequals(v, "false")) return false;
  return std::nullopt;
}

// An optional Boolean parameter: its value, the default when absent, or an InvalidParameter error.
std::optional<ApiResult> read_bool(const Params& params, std::string_view name, bool& out) {
  const std::string* v = find_param(params, name);
  if (v == nullptr || v->empty()) return std::nullopt;
  auto b = parse_bool(*v);
  if (!b) return invalid_parameter(name);
  out = *b;
  return std::nullopt;
}

constexpr std::array<Product, 3> kProducts = {{
    {"Ecs", "2014-05-26", "ecs.aliyuncs.com"},
    {"Vpc", "2016-04-28", "vpc.aliyuncs.com"},
    {"Ess", "2014-08-28", "ess.aliyuncs.com"},
}};

constexpr std::array<SeedApi, 5> kSeedApis = {{
    {"Ecs", "2014-05-26", "RemoveTags", &remove_tags},
    {"Ecs", "2014-05-26", "DetachDisk", &detach_disk},
    {"Ecs", "2014-05-26", "DeleteInstances", &delete_instances},
    {"Vpc", "2016-04-28", "TagResources", &tag_resources},
    {"Ess", "2014-08-28", "RemoveInstances", &remove_instances},
}};

}  // namespace

ApiResult api_error(int status, std::string code, std::string message) {
  ApiResult r;
  r.status = status;
  r.code = std::move(code);
  r.message = std::move(message);
  return r;
}

ApiResult missing_parameter(std::string_view name) {
  return api_error(400, "MissingParameter",
                   "The input parameter \"" + std::string(name) +
                       "\" that is mandatory for processing this request is not supplied.");
}

ApiResult invalid_parameter(std::string_view name) {
  return api_error(400, "InvalidParameter",
                   "The specified parameter \"" + std::string(name) + "\" is not valid.");
}

std::span<const SeedApi> seed_apis() { return kSeedApis; }
std::span<const Product> known_products() { return kProducts; }

const SeedApi* find_seed_api(std::string_view product, std::string_view action) {
  for (const auto& api : kSeedApis) {
    if (iequals(api.product, product) && api.action == action) return &api;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------------
// ECS RemoveTags (seed 000).

ApiResult remove_tags(const Params& params, State& state) {
  const std::string* region = required(params, "RegionId");
  if (!region) return missing_parameter("RegionId");
  const std::string* resource_id = required(params, "ResourceId");
  if (!resource_id) return missing_parameter("ResourceId");
  const std::string* type = required(params, "ResourceType");
  if (!type) return missing_parameter("ResourceType");

  if (!state.has_region(*region)) {
    return api_error(404, "InvalidRegionId.NotFound", "The specified RegionId does not exist.");
  }
  // The page's five types, lower case only. Types ECS knows elsewhere but this API does not tag are
  // "not in our records" (404); anything else is not a resource type at all (400).
  // The page's five types, lower case only: ECS's taggable resources of the needs vocabulary.
  static const std::set<std::string, std::less<>> kOtherEcsTypes = {
      "volume", "eni", "ddh", "keypair", "launchtemplate", "reservedinstance", "snapshotpolicy"};
  const core::needs::Resource* tagged = core::needs::tagged_resource("Ecs", *type);
  if (tagged == nullptr || tagged->name != *type) {
    if (kOtherEcsTypes.contains(*type)) {
      return api_error(404, "InvalidResourceType.NotFound",
                       "The ResourceType provided does not exist in our records.");
    }
    return api_error(400, "InvalidResourceType.NotFound",
                     "The specified ResourceType does not exist.");
  }

  std::string bad;
  auto tags = tag_params(params, &bad);
  if (!bad.empty()) return invalid_parameter(bad);
  if (tags.size() > kMaxTagsPerResource ||
      (!tags.empty() && (tags.begin()->first < 1 || tags.rbegin()->first > 20))) {
    return api_error(400, "InvalidTagCount", "The specified tags are beyond the permitted range.");
  }
  for (const auto& [n, t] : tags) {
    if (t.key && (t.key->empty() || utf8_length(*t.key) > 64 || has_forbidden_text(*t.key))) {
      return api_error(400, "InvalidTagKey.Malformed", "The specified Tag.n.Key is not valid.");
    }
    // The page limits values as it limits keys; ECS names that error InvalidTagValue.Malformed
    // (its metadata lists the code for the tag APIs).
    if (t.value && (utf8_length(*t.value) > 128 || has_forbidden_text(*t.value))) {
      return api_error(400, "InvalidTagValue.Malformed", "The specified Tag.n.Value is not valid.");
    }
  }

  Tags* current = state.tags_of(*type, *resource_id);
  if (current == nullptr) {
    std::string kind = state.kind_of(*resource_id);
    if (!kind.empty() && kind != *type) {
      return api_error(403, "InvalidResourceId.NotSupported",
                       "The specified ResourceId does not support tagging.");
    }
    return api_error(404, "InvalidResourceId.NotFound",
                     "The specified ResourceId is not found in our records.");
  }
  // Tags are regional: a resource of another region is not found from this one.
  std::string resource_region;
  if (*type == "instance")
    resource_region = state.instances[*resource_id].region;
  else if (*type == "disk")
    resource_region = state.disks[*resource_id].region;
  else
    resource_region = state.resources[*resource_id].region;
  if (resource_region != *region) {
    return api_error(404, "InvalidResourceId.NotFound",
                     "The specified ResourceId is not found in our records.");
  }

  // Only the given keys go; a key given with a value goes only when the value matches.
  for (const auto& [n, t] : tags) {
    if (!t.key) continue;
    std::erase_if(*current, [&](const auto& kv) {
      return kv.first == *t.key && (!t.value || kv.second == *t.value);
    });
  }
  return {};
}

// ---------------------------------------------------------------------------------------------------
// ECS DetachDisk (seed 002).

ApiResult detach_disk(const Params& params, State& state) {
  // This page answers InvalidParameter, not MissingParameter, for an absent or empty id.
  static const char* kEmpty =
      "The input parameter is mandatory for processing this request is empty.";
  const std::string* instance_id = required(params, "InstanceId");
  if (!instance_id) return api_error(400, "InvalidParameter", kEmpty);
  const std::string* disk_id = required(params, "DiskId");
  if (!disk_id) return api_error(400, "InvalidParameter", kEmpty);
  bool keep_flag = false;  // DeleteWithInstance (metadata only): accepted, must be a Boolean
  if (auto e = read_bool(params, "DeleteWithInstance", keep_flag)) return *e;

  auto iit = state.instances.find(*instance_id);
  if (iit == state.instances.end()) {
    return api_error(404, "InvalidInstanceId.NotFound", "The specified InstanceId does not exist.");
  }
  auto dit = state.disks.find(*disk_id);
  if (dit == state.disks.end()) {
    if (state.is_released("disk", *disk_id)) {
      return api_error(403, "InvalidDiskId.Released", "The specified disk has been released.");
    }
    return api_error(404, "InvalidDiskId.NotFound", "The specified DiskId does not exist.");
  }
  Instance& instance = iit->second;
  Disk& disk = dit->second;
  if (!disk.instance_id.empty() && disk.instance_id != instance.id) {
    return api_error(403, "DependencyViolation",
                     "The specified disk has not been attached on the specified instance.");
  }
  if (disk.status != "In_use" || disk.instance_id.empty()) {
    return api_error(403, "IncorrectDiskStatus",
                     "The current disk status does not support this operation.");
  }
  if (disk.type == "system") {
    return api_error(403, "DiskTypeViolation",
                     "The specified disk is a system disk and cannot support the operation.");
  }
  if (!disk.portable) {
    return api_error(403, "DiskNotPortable", "The specified disk is not a portable disk.");
  }
  if (instance.security_locked) {
    return api_error(403, "InstanceLockedForSecurity", "The instance is locked due to security.");
  }
  if (instance.status != "Running" && instance.status != "Stopped") {
    return api_error(403, "IncorrectInstanceStatus",
                     "The current status of the resource does not support this operation.");
  }
  disk.instance_id.clear();
  disk.status = "Available";
  disk.delete_with_instance = false;
  return {};
}

// ---------------------------------------------------------------------------------------------------
// ECS DeleteInstances (seed 003).

ApiResult delete_instances(const Params& params, State& state) {
  std::string bad;
  auto ids = repeat_list(params, "InstanceId", &bad);
  if (!bad.empty()) return invalid_parameter(bad);
  std::erase_if(ids, [](const auto& kv) { return kv.second.empty(); });
  if (ids.empty()) return missing_parameter("InstanceId.N");
  if (ids.size() > 100 || ids.begin()->first < 1 || ids.rbegin()->first > 100) {
    return api_error(
        400, "InvalidParameter",
        "The specified parameter \"InstanceId.N\" is not valid: N ranges from 1 to 100.");
  }
  bool force = false, dry_run = false, terminate_subscription = false;
  if (auto e = read_bool(params, "Force", force)) return *e;
  if (auto e = read_bool(params, "DryRun", dry_run)) return *e;
  if (auto e = read_bool(params, "TerminateSubscription", terminate_subscription)) return *e;
  if (const std::string* token = find_param(params, "ClientToken")) {
    bool ascii = std::all_of(token->begin(), token->end(),
                             [](unsigned char c) { return c >= 0x20 && c < 0x7F; });
    if (!ascii || token->size() > 64) return invalid_parameter("ClientToken");
  }
  const std::string* region = find_param(params, "RegionId");
  if (region != nullptr && !region->empty() && !state.has_region(*region)) {
    return api_error(404, "InvalidRegionId.NotFound", "The specified RegionId does not exist.");
  }
  // A dry run checks the request only, never the resources.
  if (dry_run) {
    return api_error(400, "DryRunOperation",
                     "Request validation has been passed with DryRun flag set.");
  }

  std::vector<Instance*> targets;
  std::set<std::string> seen;
  for (const auto& [n, id] : ids) {
    if (!seen.insert(id).second) continue;
    auto it = state.instances.find(id);
    if (it == state.instances.end() ||
        (region != nullptr && !region->empty() && it->second.region != *region)) {
      return api_error(404, "InvalidInstanceId.NotFound",
                       "The specified InstanceId does not exist.");
    }
    targets.push_back(&it->second);
  }
  for (Instance* i : targets) {
    if (i->security_locked && !force) {
      return api_error(403, "InstanceLockedForSecurity",
                       "The specified operation is denied as your instance is locked for security "
                       "reasons.");
    }
    if (i->deletion_protection) {
      return api_error(403, "InvalidOperation.DeletionProtection",
                       "The instance \"" + i->id +
                           "\" has deletion protection enabled; disable it before releasing.");
    }
    if (i->slb_configuring) {
      return api_error(
          400, "DependencyViolation.SLBConfiguring",
          "Specified operation is denied as your instance is using by another product.");
    }
    if (i->route_entry) {
      return api_error(400, "DependencyViolation.RouteEntry",
                       "Specified instance is used by route entry.");
    }
    if (i->charge_type == "PrePaid" && !i->expired) {
      return api_error(403, "IncorrectInstanceStatus",
                       "The subscription instance \"" + i->id + "\" has not expired.");
    }
    if (i->charge_type == "PrePaid" && !terminate_subscription) {
      return api_error(403, "IncorrectInstanceStatus",
                       "The expired subscription instance \"" + i->id +
                           "\" is released only with TerminateSubscription=true.");
    }
    bool releasable = i->status == "Stopped" || (i->status == "Running" && force);
    if (!releasable) {
      return api_error(403, "IncorrectInstanceStatus",
                       "The current status of the resource does not support this operation.");
    }
  }
  // A security-locked instance takes every disk with it, whatever DeleteWithInstance says.
  std::vector<std::pair<std::string, bool>> release;
  release.reserve(targets.size());
  for (Instance* i : targets) release.emplace_back(i->id, i->security_locked);
  for (const auto& [id, all_disks] : release) state.release_instance(id, all_disks);
  return {};
}

// ---------------------------------------------------------------------------------------------------
// VPC TagResources (seed 001).

ApiResult tag_resources(const Params& params, State& state) {
  const std::string* region = required(params, "RegionId");
  if (!region) return missing_parameter("RegionId");
  const std::string* type = required(params, "ResourceType");
  if (!type) return missing_parameter("ResourceType");
  std::string bad;
  auto ids = repeat_list(params, "ResourceId", &bad);
  if (!bad.empty()) return invalid_parameter(bad);
  std::erase_if(ids, [](const auto& kv) { return kv.second.empty(); });
  if (ids.empty()) return missing_parameter("ResourceId.N");

  // VPC's taggable resources of the needs vocabulary, any case.
  const core::needs::Resource* kind = core::needs::tagged_resource("Vpc", *type);
  if (kind == nullptr) {
    return api_error(400, "InvalidInstanceType.NotFound", "The instance type is not found");
  }
  if (ids.size() > 20 || ids.rbegin()->first > 20) {
    return api_error(400, "SizeLimitExceeded.ResourceId",
                     "The maximum number of resource IDs is exceeded.");
  }
  auto tags = tag_params(params, &bad);
  if (!bad.empty()) return invalid_parameter(bad);
  if (tags.size() > kMaxTagsPerResource || (!tags.empty() && tags.rbegin()->first > 20)) {
    return api_error(400, "SizeLimitExceeded.TagNum", "The maximum number of tags is exceeded.");
  }
  static const char* kNoKey =
      "The input parameter TagKey that is mandatory for processing this request is not supplied.";
  if (tags.empty()) return api_error(400, "MissingParameter.TagKey", kNoKey);
  std::set<std::string> keys;
  for (const auto& [n, t] : tags) {
    if (!t.key || t.key->empty()) return api_error(400, "MissingParameter.TagKey", kNoKey);
    if (!t.value) {
      return api_error(400, "MissingParameter.TagValue",
                       "The input parameter TagValue that is mandatory for processing this request "
                       "is not supplied.");
    }
    const std::string& key = *t.key;
    // acs: keys are the platform's own system tags: well-formed, but not for users to set.
    if (key.starts_with("acs:")) {
      return api_error(400, "Forbidden.TagKeys",
                       "The request do not allow to operate the tag keys");
    }
    bool starts_with_letter = (key[0] >= 'A' && key[0] <= 'Z') ||
                              (key[0] >= 'a' && key[0] <= 'z') ||
                              static_cast<unsigned char>(key[0]) >= 0x80;
    if (utf8_length(key) > 64 || has_forbidden_text(key) || !starts_with_letter) {
      return api_error(400, "InvalidTagKey", "The tag keys are not valid.");
    }
    if (utf8_length(*t.value) > 128 || has_forbidden_text(*t.value)) {
      return api_error(400, "InvalidTagValue", "The tag values are not valid.");
    }
    if (!keys.insert(key).second) {
      return api_error(400, "Forbidden.TagKey.Duplicated", "The specified tag key already exists.");
    }
  }
  // Tags live in a region: a region this account has no scope in has no tags at all.
  if (!state.has_region(*region)) {
    return api_error(400, "InvalidTagScope.NotFound", "The tag scope is not found");
  }
  std::vector<Tags*> targets;
  for (const auto& [n, id] : ids) {
    auto it = state.resources.find(id);
    if (it == state.resources.end() || it->second.kind != kind->name ||
        it->second.region != *region) {
      return api_error(400, "InvalidInstanceIds.NotFound", "The instanceIds are not found");
    }
    targets.push_back(&it->second.tags);
  }
  for (Tags* current : targets) {
    size_t total = current->size();
    for (const auto& key : keys) {
      bool present = std::any_of(current->begin(), current->end(),
                                 [&](const auto& kv) { return kv.first == key; });
      if (!present) ++total;
    }
    if (total > kMaxTagsPerResource) {
      return api_error(400, "QuotaExceeded.TagNum", "Custom Tags quota exceeded");
    }
  }
  for (Tags* current : targets) {
    for (const auto& [n, t] : tags) {
      auto it = std::find_if(current->begin(), current->end(),
                             [&](const auto& kv) { return kv.first == *t.key; });
      if (it != current->end())
        it->second = *t.value;
      else
        current->emplace_back(*t.key, *t.value);
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------------------------
// ESS RemoveInstances (seed 004).

ApiResult remove_instances(const Params& params, State& state) {
  const std::string* group_id = required(params, "ScalingGroupId");
  if (!group_id) return missing_parameter("ScalingGroupId");
  std::string bad;
  auto ids = repeat_list(params, "InstanceId", &bad);
  if (!bad.empty()) return invalid_parameter(bad);
  std::erase_if(ids, [](const auto& kv) { return kv.second.empty(); });
  if (ids.empty()) return missing_parameter("InstanceId.N");
  if (ids.size() > 20 || ids.begin()->first < 1 || ids.rbegin()->first > 20) {
    return api_error(
        400, "InvalidParameter",
        "The specified parameter \"InstanceId.N\" is not valid: at most 20 instances.");
  }
  std::string policy = "release";
  if (const std::string* p = find_param(params, "RemovePolicy"); p != nullptr && !p->empty()) {
    if (*p != "release" && *p != "recycle") return invalid_parameter("RemovePolicy");
    policy = *p;
  }
  bool decrease = true, ignore_invalid = false;
  if (auto e = read_bool(params, "DecreaseDesiredCapacity", decrease)) return *e;
  if (auto e = read_bool(params, "IgnoreInvalidInstance", ignore_invalid)) return *e;

  auto git = state.scaling_groups.find(*group_id);
  const std::string* region = find_param(params, "RegionId");
  if (git == state.scaling_groups.end() ||
      (region != nullptr && !region->empty() && git->second.region != *region)) {
    return api_error(404, "InvalidScalingGroupId.NotFound",
                     "The specified scaling group does not exist.");
  }
  ScalingGroup& group = git->second;
  if (group.status != "Active") {
    return api_error(400, "IncorrectScalingGroupStatus",
                     "The current status of the specified scaling group does not support this "
                     "action.");
  }
  if (group.activity_in_progress) {
    return api_error(
        400, "ScalingActivityInProgress",
        "You cannot delete a scaling group or launch a new scaling activity while there "
        "is a scaling activity in progress for the specified scaling group.");
  }
  if (policy == "recycle" && group.scaling_policy != "recycle") {
    return api_error(400, "InvalidParameter",
                     "The specified group does not support the specified RemovePolicy.");
  }
  std::vector<ScalingMember> members;
  std::set<std::string> seen;
  for (const auto& [n, id] : ids) {
    if (!seen.insert(id).second) continue;
    auto it = std::find_if(group.instances.begin(), group.instances.end(),
                           [&](const ScalingMember& m) { return m.instance_id == id; });
    if (it == group.instances.end()) {
      if (ignore_invalid) continue;
      return api_error(404, "InvalidInstanceId.NotFound",
                       "Instance \"" + id + "\" does not exist.");
    }
    members.push_back(*it);
  }
  if (group.load_balancer_status != "active") {
    return api_error(400, "IncorrectLoadBalancerStatus",
                     "The current status of the specified load balancer does not support this "
                     "action.");
  }
  if (group.db_instance_status != "Running") {
    return api_error(400, "IncorrectDBInstanceStatus",
                     "The current status of DB instance \"" + group.db_instance_id +
                         "\" does not support this action.");
  }
  if (static_cast<int>(group.instances.size() - members.size()) < group.min_size) {
    return api_error(
        400, "IncorrectCapacity.MinSize",
        "To remove the instances, the total capacity will be lesser than the MinSize.");
  }

  std::string activity = state.new_id("activity");
  group.activities.push_back(activity);
  for (const auto& m : members) {
    std::erase_if(group.instances,
                  [&](const ScalingMember& x) { return x.instance_id == m.instance_id; });
    // Instances a user attached stay as they are; instances the group created are stopped
    // (recycle) or released.
    if (m.creation_type != "AutoCreated") continue;
    if (policy == "recycle") {
      if (auto it = state.instances.find(m.instance_id); it != state.instances.end()) {
        it->second.status = "Stopped";
      }
    } else if (state.instances.contains(m.instance_id)) {
      state.release_instance(m.instance_id, false);
    }
  }
  ApiResult r;
  r.body["ScalingActivityId"] = activity;
  return r;
}

}  // namespace popcheck::emulator
