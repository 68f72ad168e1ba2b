#pragma once
// The attributes of the state's resources by name, written once for the JSON of /__popcheck/state
// (state_json.cpp), provisioning (provision.cpp) and the responder's state checks
// (State::attribute, state.cpp): the names are the needs vocabulary's
// (core/compile/needs.hpp) and the state JSON's keys. visit(resource, f) calls f(name, member) in
// the order the JSON writes them, for an Instance, a Disk or a ScalingGroup, const or not, so that
// code written once serves every kind; ids and regions are each caller's own business.
#include <concepts>
#include <type_traits>

#include "emulator/state.hpp"

namespace popcheck::emulator::fields {

// R is T or const T.
template <class R, class T>
concept either = std::same_as<std::remove_const_t<R>, T>;

template <either<Instance> I, class F>
void visit(I& i, F&& f) {
  f("Status", i.status);
  f("DeletionProtection", i.deletion_protection);
  f("SecurityLocked", i.security_locked);
  f("InstanceChargeType", i.charge_type);
  f("Expired", i.expired);
  f("SLBConfiguring", i.slb_configuring);
  f("RouteEntry", i.route_entry);
  f("Tags", i.tags);
}

// InstanceId first: a disk's default status depends on it (In_use when attached, else Available).
template <either<Disk> D, class F>
void visit(D& d, F&& f) {
  f("InstanceId", d.instance_id);
  f("Type", d.type);
  f("Portable", d.portable);
  f("Status", d.status);
  f("DeleteWithInstance", d.delete_with_instance);
  f("Tags", d.tags);
}

template <either<ScalingGroup> G, class F>
void visit(G& g, F&& f) {
  f("Status", g.status);
  f("MinSize", g.min_size);
  f("MaxSize", g.max_size);
  f("ActivityInProgress", g.activity_in_progress);
  f("ScalingPolicy", g.scaling_policy);
  f("LoadBalancerStatus", g.load_balancer_status);
  f("DBInstanceStatus", g.db_instance_status);
}

}  // namespace popcheck::emulator::fields
