#include "core/compile/needs.hpp"

#include <algorithm>
#include <array>

#include "core/compile/names.hpp"
#include "core/support/text.hpp"

namespace popcheck::core::needs {

namespace {

using sv = std::string_view;
using text::iequals;
using text::to_lower;
using T = AttrType;

// Values lists. Status values are in the order the generator tries them for a status outside an
// allowed set; the first is the default.
constexpr std::array<sv, 5> kInstanceStatus = {"Running", "Stopped", "Starting", "Stopping",
                                               "Pending"};
constexpr std::array<sv, 5> kDiskStatus = {"Available", "In_use", "Attaching", "Detaching",
                                           "Creating"};
constexpr std::array<sv, 3> kGroupStatus = {"Active", "Inactive", "Deleting"};
constexpr std::array<sv, 2> kChargeType = {"PostPaid", "PrePaid"};
constexpr std::array<sv, 2> kDiskType = {"data", "system"};
constexpr std::array<sv, 2> kPolicy = {"release", "recycle"};
constexpr std::array<sv, 2> kLbStatus = {"active", "inactive"};
constexpr std::array<sv, 2> kDbStatus = {"Running", "Stopped"};
constexpr std::array<sv, 2> kCreation = {"AutoCreated", "Attached"};
constexpr std::array<sv, 1> kFalse = {"false"};
constexpr std::array<sv, 1> kTrue = {"true"};
constexpr std::array<sv, 1> kZero = {"0"};
constexpr std::array<sv, 1> kHundred = {"100"};
constexpr std::array<sv, 1> kOne = {"1"};
constexpr std::array<sv, 1> kError500 = {"500"};

constexpr Attribute kRegion{"RegionId", T::text, {}};
constexpr Attribute kTags{"Tags", T::tags, {}};

constexpr std::array<Attribute, 9> kInstance = {{kRegion,
                                                 {"Status", T::text, kInstanceStatus},
                                                 {"DeletionProtection", T::boolean, kFalse},
                                                 {"SecurityLocked", T::boolean, kFalse},
                                                 {"InstanceChargeType", T::text, kChargeType},
                                                 {"Expired", T::boolean, kFalse},
                                                 {"SLBConfiguring", T::boolean, kFalse},
                                                 {"RouteEntry", T::boolean, kFalse},
                                                 kTags}};
constexpr std::array<Attribute, 8> kDisk = {{kRegion,
                                             {"InstanceId", T::reference, {}},
                                             {"Type", T::text, kDiskType},
                                             {"Portable", T::boolean, kTrue},
                                             {"Status", T::text, kDiskStatus},
                                             {"DeleteWithInstance", T::boolean, kTrue},
                                             {"Released", T::boolean, kFalse},
                                             kTags}};
constexpr std::array<Attribute, 2> kTagged = {{kRegion, kTags}};
constexpr std::array<Attribute, 8> kGroup = {{kRegion,
                                              {"Status", T::text, kGroupStatus},
                                              {"MinSize", T::integer, kZero},
                                              {"MaxSize", T::integer, kHundred},
                                              {"ActivityInProgress", T::boolean, kFalse},
                                              {"ScalingPolicy", T::text, kPolicy},
                                              {"LoadBalancerStatus", T::text, kLbStatus},
                                              {"DBInstanceStatus", T::text, kDbStatus}}};
constexpr std::array<Attribute, 3> kScalingInstance = {
    {{"ScalingGroupId", T::reference, {}}, {"CreationType", T::text, kCreation}, kTags}};
constexpr std::array<Attribute, 6> kFault = {{{"Action", T::text, {}},
                                              {"Status", T::integer, kError500},
                                              {"Code", T::text, {}},
                                              {"Message", T::text, {}},
                                              {"Match", T::tags, {}},
                                              {"Count", T::integer, kOne}}};

constexpr std::array<Resource, 15> kResources = {{
    {"instance", "InstanceId", "i-", "an ECS instance", kInstance, false, "Ecs"},
    {"disk", "DiskId", "d-", "a disk", kDisk, false, "Ecs"},
    {"snapshot", "SnapshotId", "s-", "a snapshot", kTagged, true, "Ecs"},
    {"image", "ImageId", "m-", "an image", kTagged, true, "Ecs"},
    {"securitygroup", "SecurityGroupId", "sg-", "a security group", kTagged, true, "Ecs"},
    {"vpc", "VpcId", "vpc-", "a VPC", kTagged, true, "Vpc"},
    {"vswitch", "VSwitchId", "vsw-", "a vSwitch", kTagged, true, "Vpc"},
    {"routetable", "RouteTableId", "vtb-", "a route table", kTagged, true, "Vpc"},
    {"eip", "AllocationId", "eip-", "an EIP", kTagged, true, "Vpc"},
    {"vpngateway", "VpnGatewayId", "vpn-", "a VPN gateway", kTagged, true, "Vpc"},
    {"natgateway", "NatGatewayId", "ngw-", "a NAT gateway", kTagged, true, "Vpc"},
    {"scalinggroup", "ScalingGroupId", "asg-", "a scaling group", kGroup, false, "Ess"},
    {"scalinginstance", "", "i-", "an ECS instance", kScalingInstance, false, "Ess"},
    {"fault", "", "fault-", "an injected error", kFault},
    // The generic kinds' attributes (is_generic_kind); not a resource name of its own.
    {"generic", "", "", "a resource", kTagged},
}};

// Kinds whose ids the emulator makes but that no need asks for.
constexpr std::array<std::pair<sv, sv>, 3> kInternalPrefixes = {
    {{"activity", "asa-"}, {"loadbalancer", "lb-"}, {"dbinstance", "rm-"}}};

// The network resources every product refers to by id.
constexpr std::array<sv, 3> kShared = {"vpc", "vswitch", "securitygroup"};

}  // namespace

std::span<const Resource> resources() { return std::span(kResources).first(kResources.size() - 1); }

const Resource* find(std::string_view name) {
  if (is_generic_kind(name)) return &kResources.back();
  for (const auto& r : kResources)
    if (r.name == name) return &r;
  return nullptr;
}

const Attribute* attribute(const Resource& r, std::string_view name) {
  for (const auto& a : r.attributes)
    if (a.name == name) return &a;
  return nullptr;
}

std::span<const std::string_view> values_of(std::string_view resource, std::string_view name) {
  const Resource* r = find(resource);
  const Attribute* a = r ? attribute(*r, name) : nullptr;
  // A scaling group's instance is an ECS instance: its status is an instance's.
  if (a == nullptr && resource == "scalinginstance") a = attribute(*find("instance"), name);
  if (a == nullptr || a->type != AttrType::text) return {};
  return a->values;
}

std::string id_prefix(std::string_view kind) {
  if (const Resource* r = find(kind); r && !is_generic_kind(kind)) return std::string(r->id_prefix);
  for (const auto& [k, p] : kInternalPrefixes)
    if (k == kind) return std::string(p);
  return std::string(kind) + "-";
}

bool vocabulary_product(std::string_view product) {
  return iequals(product, "Ecs") || iequals(product, "Vpc") || iequals(product, "Ess");
}

namespace {
bool shared_resource(std::string_view name) {
  return std::find(kShared.begin(), kShared.end(), name) != kShared.end();
}
}  // namespace

std::optional<std::string> resource_of_id_param(std::string_view product, std::string_view root) {
  for (const auto& r : resources()) {
    if (r.id_param.empty() || r.id_param != root) continue;
    if (vocabulary_product(product) || shared_resource(r.name)) return std::string(r.name);
  }
  return std::nullopt;
}

std::optional<std::string> resource_of_type_value(std::string_view product,
                                                  std::string_view value) {
  std::string l = to_lower(value);
  for (const auto& r : resources()) {
    if (r.id_param.empty() || r.name == "scalinggroup" || r.name != l) continue;
    if (vocabulary_product(product) || shared_resource(r.name)) return std::string(r.name);
  }
  return std::nullopt;
}

const Resource* tagged_resource(std::string_view product, std::string_view type_value) {
  for (const auto& r : resources())
    if (iequals(r.product, product) && iequals(r.name, type_value) && !r.id_param.empty() &&
        (r.tags_only || r.name == "instance" || r.name == "disk"))
      return &r;
  return nullptr;
}

bool is_generic_kind(std::string_view kind) { return kind.find(':') != std::string_view::npos; }

std::string generic_kind(std::string_view product, std::string_view id_root) {
  std::string_view name = id_root;
  if (name.ends_with("Id") || name.ends_with("ID")) name.remove_suffix(2);
  return std::string(product) + ":" + std::string(name);
}

std::optional<std::string> id_kind(std::string_view product, std::string_view param_name,
                                   const std::string* resource_type) {
  auto segs = names::segments(param_name);
  if (segs.size() != 1) return std::nullopt;
  const std::string& root = segs.front();
  if (root.size() <= 2 || !(root.ends_with("Id") || root.ends_with("ID"))) return std::nullopt;
  if (root == "RegionId") return std::nullopt;  // regions are not resources (the region check)
  if (auto r = resource_of_id_param(product, root)) return r;
  if (root == "ResourceId" && resource_type)
    if (auto r = resource_of_type_value(product, *resource_type)) return r;
  if (root == "ResourceId" && vocabulary_product(product)) return std::nullopt;
  return generic_kind(product, root);
}

std::string describe(std::string_view resource) {
  if (is_generic_kind(resource)) {
    std::string_view product = resource.substr(0, resource.find(':'));
    return "a " + std::string(product) + " " + std::string(resource.substr(product.size() + 1));
  }
  if (const Resource* r = find(resource)) return std::string(r->description);
  return "a " + std::string(resource);
}

}  // namespace popcheck::core::needs
