#pragma once
// The emulator's world: regions, ECS instances and disks, taggable resources (ECS snapshots, images and
// security groups; VPC resources; the generic resources of every other product, "Slb:LoadBalancer"),
// ESS scaling groups and injected faults. Plain values guarded by the caller (the emulator holds one
// mutex); serialised to and from the JSON of GET/PUT /__popcheck/state (state_json.cpp). The
// resource kinds and their attributes are the needs vocabulary (core/compile/needs.hpp); the
// built-in world is world.cpp, provisioning provision.cpp.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/model.hpp"

namespace popcheck::emulator {

using core::ojson;
using Tags = std::vector<std::pair<std::string, std::string>>;  // insertion order, unique keys

// The most tags one resource carries (ECS and VPC pages: "up to 20 tags to each instance").
inline constexpr size_t kMaxTagsPerResource = 20;

struct Instance {
  std::string id, region;
  std::string status = "Running";  // Running, Stopped, Pending, Starting, Stopping
  bool deletion_protection = false;
  bool security_locked = false;
  std::string charge_type = "PostPaid";  // PostPaid, PrePaid
  bool expired = false;
  bool slb_configuring = false;  // used by an SLB that is being configured
  bool route_entry = false;      // the next hop of a custom route entry
  Tags tags;
};

struct Disk {
  std::string id, region;
  std::string instance_id;    // empty: not attached
  std::string type = "data";  // data, system
  bool portable = true;
  std::string status = "Available";  // In_use, Available, Attaching, Detaching, Creating
  bool delete_with_instance = true;
  Tags tags;
};

// Resources that only carry tags here. Kinds: snapshot, image, securitygroup (ECS); vpc, vswitch,
// routetable, eip, vpngateway, natgateway (VPC); any generic kind "<Product>:<Name>" (needs.hpp).
struct TaggedResource {
  std::string id, kind, region;
  Tags tags;
};

struct ScalingMember {
  std::string instance_id;
  std::string creation_type = "AutoCreated";  // AutoCreated, Attached
};

struct ScalingGroup {
  std::string id, region;
  std::string status = "Active";  // Active, Inactive, Deleting
  int min_size = 0;
  int max_size = 100;
  bool activity_in_progress = false;
  std::string scaling_policy = "release";  // release, recycle
  std::string load_balancer_status = "active";
  std::string db_instance_status = "Running";
  std::string load_balancer_id, db_instance_id;
  std::vector<ScalingMember> instances;
  std::vector<std::string> activities;  // ScalingActivityIds of accepted removals
};

// An error answered instead of the real behaviour, for conditions no resource state produces.
struct Fault {
  std::string id;
  std::string action;  // empty: any action
  int status = 500;
  std::string code = "InternalError";
  std::string message = "The request processing has failed due to some unknown error.";
  std::map<std::string, std::string> match;  // fires only for requests carrying these values
  int count = 1;                             // how many more times it fires; < 0: always
  // The case that provisioned it ("case" of the provision body). A fault with a case does not fire for
  // requests naming another case in the x-popcheck-case header, so that cases run side by side with
  // equal parameters never trip over each other's faults; requests naming no case (SDKs driven
  // through adapters cannot add headers, and run one case at a time) still see it. Empty: any request.
  std::string case_id;
};

// The request header that names the case a request belongs to (sent by `popcheck run`).
inline constexpr const char* kCaseHeader = "x-popcheck-case";

struct State {
  std::vector<std::string> regions;
  std::map<std::string, Instance> instances;
  std::map<std::string, Disk> disks;
  std::map<std::string, TaggedResource> resources;
  std::map<std::string, ScalingGroup> scaling_groups;
  std::map<std::string, std::set<std::string>> released;  // kind -> ids that existed and are gone
  std::vector<Fault> faults;
  uint64_t next_serial = 1;  // makes generated ids unique within this state

  bool has_region(const std::string& region) const;
  bool is_released(const std::string& kind, const std::string& id) const;
  // Removes an instance, its membership in scaling groups and, per DeleteWithInstance (or all of them
  // when `all_disks`), its disks; the rest of its disks become Available.
  void release_instance(const std::string& id, bool all_disks);
  // A fresh id with the kind's prefix ("i-", "d-", ...) that this state has never used.
  std::string new_id(const std::string& kind);
  // A fresh id shaped like `like` (a documented id such as "lb-bp1o94dp5i6ea****" or "123456"): the
  // same prefix up to its last '-', digits for an all-digit one, about the same length.
  std::string new_id_like(const std::string& kind, const std::string& like);
  // The tags of any taggable resource by kind and id; nullptr when there is no such resource.
  Tags* tags_of(const std::string& kind, const std::string& id);
  // The kind of whatever resource has this id ("instance", "disk", "vpc", ...); empty when none.
  std::string kind_of(const std::string& id) const;

  // Resources by kind, as the contract-driven responder sees them. A generic "<Product>:Resource"
  // kind stands for any resource of that product.
  bool exists(const std::string& kind, const std::string& id) const;
  // A resource attribute as text ("Status" -> "Running", "SecurityLocked" -> "false",
  // "Released" -> "true" for an id that existed and is gone); nullopt when there is no such
  // resource or attribute.
  std::optional<std::string> attribute(const std::string& kind, const std::string& id,
                                       const std::string& name) const;
  // Adds a resource of a kind a Create/Allocate API made (the vocabulary's defaults for the rest).
  void add(const std::string& kind, const std::string& id, const std::string& region);
  // Removes a resource (Delete/Release); the id is remembered as released. False when none.
  bool remove(const std::string& kind, const std::string& id);
  // True when the state holds, or has held, a resource of the kind.
  bool has_kind(const std::string& kind) const;
  // Ids of a kind, in id order, in `region` when it is not empty (resources with no region
  // included).
  std::vector<std::string> ids_of(const std::string& kind, const std::string& region) const;

  // The first fault that applies to this request, counted down; a spent fault is dropped.
  std::optional<Fault> take_fault(const std::string& action,
                                  const std::vector<std::pair<std::string, std::string>>& params,
                                  const std::string& case_id);
};

// The built-in world (world.cpp): a few regions and resources, including every id the seed pages
// use in their request examples and parameter examples, so that each documented request succeeds.
State default_state();

// state_json.cpp: the JSON of GET/PUT /__popcheck/state.
ojson to_json(const State& state);
// Errors: "state.format" naming the JSON path that is wrong.
Expected<State> state_from_json(const ojson& json);

// POST /__popcheck/provision: creates the resources the needs describe (docs/needs.md), in order,
// substituting ${var} references to earlier needs. Returns {"vars": {...}}. Errors: "provision.need"
// naming the need and the attribute.
Expected<ojson> provision(State& state, const ojson& request);

}  // namespace popcheck::emulator
