#include "emulator/state.hpp"

#include <algorithm>
#include <type_traits>

#include "core/compile/needs.hpp"
#include "emulator/state_fields.hpp"

namespace popcheck::emulator {

namespace needs = core::needs;

namespace {

// A generic "<Product>:Resource" kind stands for any resource of the product.
bool kind_matches(const std::string& wanted, const std::string& actual) {
  if (wanted == actual) return true;
  if (!wanted.ends_with(":Resource")) return false;
  std::string_view product = std::string_view(wanted).substr(0, wanted.size() - 8);
  return actual.starts_with(product);
}

// An attribute's member as text: "Running", "true", "100".
std::string text(const std::string& s) { return s; }
std::string text(bool b) { return b ? "true" : "false"; }
std::string text(int n) { return std::to_string(n); }

// The attribute `name` of the resource `id` of one of the state's maps, by the visitor of its
// kind's members (state_fields.hpp); Tags are not an attribute.
template <class Map>
std::optional<std::string> attribute_of(const Map& resources, const std::string& id,
                                        const std::string& name) {
  auto it = resources.find(id);
  if (it == resources.end()) return std::nullopt;
  if (name == "RegionId") return it->second.region;
  std::optional<std::string> out;
  fields::visit(it->second, [&](const char* key, const auto& member) {
    if constexpr (!std::is_same_v<std::decay_t<decltype(member)>, Tags>)
      if (!out && name == key) out = text(member);
  });
  return out;
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

namespace {

// The serial in base 36, zero-padded to `width`: short, unique ids.
std::string base36(uint64_t n, size_t width) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string digits;
  do {
    digits.insert(digits.begin(), kDigits[n % 36]);
    n /= 36;
  } while (n > 0);
  return std::string(width - std::min(width, digits.size()), '0') + digits;
}

}  // namespace

std::string State::new_id(const std::string& kind) {
  std::string prefix = needs::id_prefix(kind);
  for (;;) {
    // "pc" marks ids this emulator made; the serial in base 36 keeps them short and unique.
    std::string id = prefix + "pc" + base36(next_serial++, 14);
    if (kind_of(id).empty() && !is_released(kind, id)) return id;
  }
}

std::string State::new_id_like(const std::string& kind, const std::string& like) {
  bool digits = !like.empty() && like.size() <= 18 &&
                std::all_of(like.begin(), like.end(), [](char c) { return c >= '0' && c <= '9'; });
  size_t dash = like.rfind('-');
  std::string prefix = dash != std::string::npos && dash < 24 ? like.substr(0, dash + 1) : "";
  size_t width = std::clamp<size_t>(
      like.size() > prefix.size() + 2 ? like.size() - prefix.size() - 2 : 8, 6, 22);
  for (;;) {
    uint64_t n = next_serial++;
    std::string id;
    if (digits) {
      // A number of the documented one's length (at least 6 digits), never starting with 0.
      std::string s = std::to_string(n);
      size_t len = std::max<size_t>(like.size(), 6);
      id = "9" + std::string(len - 1 - std::min(len - 1, s.size()), '0') + s;
    } else {
      id = prefix + "pc" + base36(n, width);
    }
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
  if (it == resources.end() || !kind_matches(kind, it->second.kind)) return nullptr;
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

bool State::exists(const std::string& kind, const std::string& id) const {
  if (kind == "instance" || kind == "scalinginstance") return instances.contains(id);
  if (kind == "disk") return disks.contains(id);
  if (kind == "scalinggroup") return scaling_groups.contains(id);
  auto it = resources.find(id);
  return it != resources.end() && kind_matches(kind, it->second.kind);
}

std::optional<std::string> State::attribute(const std::string& kind, const std::string& id,
                                            const std::string& name) const {
  if (name == "Released") {
    if (exists(kind, id)) return "false";
    if (is_released(kind, id)) return "true";
    return std::nullopt;
  }
  if (kind == "instance" || kind == "scalinginstance") return attribute_of(instances, id, name);
  if (kind == "disk") return attribute_of(disks, id, name);
  if (kind == "scalinggroup") return attribute_of(scaling_groups, id, name);
  auto it = resources.find(id);
  if (it == resources.end() || !kind_matches(kind, it->second.kind)) return std::nullopt;
  if (name == "RegionId") return it->second.region;
  return std::nullopt;
}

void State::add(const std::string& kind, const std::string& id, const std::string& region) {
  if (kind == "instance" || kind == "scalinginstance") {
    instances[id] = Instance{.id = id, .region = region};
  } else if (kind == "disk") {
    disks[id] = Disk{.id = id, .region = region};
  } else if (kind == "scalinggroup") {
    scaling_groups[id] = ScalingGroup{.id = id, .region = region};
  } else {
    resources[id] = TaggedResource{id, kind, region, {}};
  }
}

bool State::remove(const std::string& kind, const std::string& id) {
  if (!exists(kind, id)) return false;
  if (kind == "instance" || kind == "scalinginstance") {
    release_instance(id, false);
    return true;
  }
  std::string stored = kind;
  if (kind == "disk") {
    disks.erase(id);
  } else if (kind == "scalinggroup") {
    scaling_groups.erase(id);
  } else {
    stored = resources[id].kind;
    resources.erase(id);
  }
  released[stored].insert(id);
  return true;
}

bool State::has_kind(const std::string& kind) const {
  if (auto it = released.find(kind); it != released.end() && !it->second.empty()) return true;
  if (kind == "instance") return !instances.empty();
  if (kind == "disk") return !disks.empty();
  if (kind == "scalinggroup") return !scaling_groups.empty();
  return std::any_of(resources.begin(), resources.end(),
                     [&](const auto& r) { return kind_matches(kind, r.second.kind); });
}

std::vector<std::string> State::ids_of(const std::string& kind, const std::string& region) const {
  std::vector<std::string> out;
  auto in_region = [&](const std::string& r) { return region.empty() || r.empty() || r == region; };
  if (kind == "instance") {
    for (const auto& [id, i] : instances)
      if (in_region(i.region)) out.push_back(id);
  } else if (kind == "disk") {
    for (const auto& [id, d] : disks)
      if (in_region(d.region)) out.push_back(id);
  } else if (kind == "scalinggroup") {
    for (const auto& [id, g] : scaling_groups)
      if (in_region(g.region)) out.push_back(id);
  } else {
    for (const auto& [id, r] : resources)
      if (kind_matches(kind, r.kind) && in_region(r.region)) out.push_back(id);
  }
  return out;
}

std::optional<Fault> State::take_fault(
    const std::string& action, const std::vector<std::pair<std::string, std::string>>& params,
    const std::string& case_id) {
  for (auto it = faults.begin(); it != faults.end(); ++it) {
    Fault& f = *it;
    if (f.count == 0) continue;
    if (!f.action.empty() && f.action != action) continue;
    if (!f.case_id.empty() && !case_id.empty() && f.case_id != case_id) continue;
    bool matches = std::all_of(f.match.begin(), f.match.end(), [&](const auto& kv) {
      return std::any_of(params.begin(), params.end(), [&](const auto& p) {
        return p.first == kv.first && p.second == kv.second;
      });
    });
    if (!matches) continue;
    Fault fired = f;
    if (f.count > 0 && --f.count == 0) faults.erase(it);
    return fired;
  }
  return std::nullopt;
}

}  // namespace popcheck::emulator
