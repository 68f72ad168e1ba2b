// Error rows that need a resource in some state (a status, a flag, a tag quota): the request stays
// valid and a need of docs/needs.md gets the attribute that makes the row fire. See
// casegen_internal.hpp.
#include <algorithm>
#include <cctype>

#include "core/compile/casegen_internal.hpp"
#include "core/compile/needs.hpp"

namespace popcheck::core::casegen {

namespace {

bool word_at(string_view text, size_t pos, size_t len) {
  auto alpha = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
  if (pos > 0 && alpha(text[pos - 1])) return false;
  if (pos + len < text.size() && alpha(text[pos + len])) return false;
  return true;
}

std::vector<string> sentences(string_view text) {
  std::vector<string> out;
  string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    bool end = text[i] == '\n' || text[i] == ';' ||
               (text[i] == '.' && (i + 1 == text.size() || text[i + 1] == ' '));
    if (text.substr(i).starts_with("。") || text.substr(i).starts_with("；")) {
      end = true;
      i += 2;
    }
    if (end) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += text[i];
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

std::vector<string> statuses_in(string_view text, const string& resource) {
  std::vector<string> out;
  string l = lower(text);
  for (const auto& s : needs::values_of(resource, "Status")) {
    string w = lower(s);
    for (size_t pos = l.find(w); pos != string::npos; pos = l.find(w, pos + 1))
      if (word_at(l, pos, w.size())) {
        out.emplace_back(s);
        break;
      }
  }
  return out;
}

std::vector<string> required_statuses(const Contract& c, const string& resource) {
  auto scan = [&](const string& text) -> std::vector<string> {
    for (const auto& s : sentences(text)) {
      bool says_must = s.find("必须") != string::npos || icontains(s, "must ") ||
                       s.find("仅") != string::npos || s.find("才") != string::npos;
      if (!says_must) continue;
      auto found = statuses_in(s, resource);
      if (!found.empty()) return found;
    }
    return {};
  };
  for (const auto& e : c.errors)
    if (icontains(e.code, "Status"))
      if (auto f = scan(e.description); !f.empty()) return f;
  for (const auto& p : c.params)
    if (auto f = scan(p.description); !f.empty()) return f;
  return {};
}

string describe_need(const Need& n) {
  string out = needs::describe(n.resource);
  string attrs, extra;
  for (auto it = n.with.begin(); it != n.with.end(); ++it) {
    const string& k = it.key();
    const ojson& v = it.value();
    if (k == "InstanceId" && v.is_string()) {
      extra += " attached to " + v.get<string>();
    } else if (k == "ScalingGroupId" && v.is_string()) {
      extra += " in scaling group " + v.get<string>();
    } else if (k == "Tags") {
      if (v.contains("$count"))
        extra += " carrying " + v["$count"].dump() + " tags";
      else
        extra += " carrying the tags " + v.dump();
    } else if (k == "Like" && v.is_string()) {
      extra += " with an id like " + v.get<string>();
    } else {
      attrs += (attrs.empty() ? "" : ", ") + k + "=" + (v.is_string() ? v.get<string>() : v.dump());
    }
  }
  if (!attrs.empty()) out += " (" + attrs + ")";
  return out + extra;
}

// The var whose resource the request's resource id names (for tag quota and state rules).
std::optional<string> Generator::var_for_resource(const Draft& d, const string& resource) const {
  for (const auto& n : d.needs)
    if (n.resource == resource || (resource == "instance" && n.resource == "scalinginstance"))
      return n.var;
  return std::nullopt;
}

std::optional<string> Generator::tagged_var(const Draft& d) const {
  for (const auto& [pattern, var] : bound_)
    if (root_of(pattern) == "ResourceId") return var;
  if (!d.needs.empty()) return d.needs.front().var;
  return std::nullopt;
}

// The parameter whose value is the var's resource id ("InstanceId", "ResourceId.N").
string Generator::pattern_of_var(const string& var) const {
  for (const auto& [pattern, v] : bound_)
    if (v == var) return pattern;
  return {};
}

Generator::RuleResult Generator::tag_quota_rule(const ErrorRow& row) {
  if (!icontains(row.code, "Quota") || !icontains(row.code, "Tag")) return std::nullopt;
  const Param* key = find_param("TagKey");
  if (!key || !has_n(key->name)) return std::nullopt;
  Draft d = base_;
  auto var = tagged_var(d);
  if (!var) return std::nullopt;
  Need* n = find_need(d, *var);
  int quota = key->repeat && key->repeat->max ? *key->repeat->max : 20;
  n->with["Tags"] = ojson{{"$count", quota}};
  n->description = describe_need(*n);
  erase_group(d.params, *key);
  for (const Param* q : group_of(*key))
    d.params.emplace_back(instantiate(q->name, 1),
                          q == key ? "popcheck-quota-extra" : nth_value(*q, 1));
  d.description = "The resource already carries " + std::to_string(quota) +
                  " tags and the request adds another one.";
  current_.kind = TriggerKind::tag_quota;
  current_.param = key->name;
  current_.id_param = pattern_of_var(*var);
  current_.limit = quota;
  return d;
}

// "The specified group does not support the specified RemovePolicy": a parameter whose values are
// also values of a resource attribute; the resource gets one, the request the other.
Generator::RuleResult Generator::unsupported_value_rule(const ErrorRow& row) {
  if (!icontains(row.message, "not support the specified")) return std::nullopt;
  const Param* target = param_in_message(row.message);
  if (!target || target->allowed.empty()) return std::nullopt;
  struct Attr {
    const char* resource;
    const char* name;
  };
  static const std::vector<Attr> attrs = {{"scalinggroup", "ScalingPolicy"},
                                          {"instance", "InstanceChargeType"}};
  Draft d = base_;
  for (const auto& a : attrs) {
    auto var = var_for_resource(d, a.resource);
    if (!var) continue;
    auto values = needs::values_of(a.resource, a.name);
    std::vector<string> common;
    for (const auto& v : values)
      for (const auto& al : target->allowed)
        if (lower(v) == lower(al)) common.push_back(al);
    if (common.size() < 2) continue;
    Need* n = find_need(d, *var);
    n->with[a.name] = string(values.front());
    string other;
    for (const auto& v : common)
      if (lower(v) != lower(values.front()) && other.empty()) other = v;
    set_value(d, *target, other);
    d.description = "The " + string(a.resource) + " has " + a.name + "=" + string(values.front()) +
                    ", which does not support " + target->name + "=" + other + ".";
    current_.kind = TriggerKind::unsupported_value;
    current_.param = target->name;
    current_.id_param = pattern_of_var(*var);
    current_.attribute = a.name;
    return d;
  }
  return std::nullopt;
}

// A status outside the allowed ones of the row's description (or the contract's requirement).
string Generator::bad_status(const ErrorRow& row, const string& resource, const Need& n,
                             std::vector<string>* allowed_out) const {
  auto vocab = needs::values_of(resource, "Status");
  auto allowed = statuses_in(row.description, resource);
  if (allowed.empty()) allowed = required_statuses(c_, resource);
  // Nothing documented: a status that no action accepts is a transitional one, so every stable
  // status counts as allowed.
  if (allowed.empty()) allowed = {"Running", "Stopped", "Available", "In_use", "Active"};
  *allowed_out = allowed;
  bool attached = n.with.contains("InstanceId");
  for (const auto& s : vocab) {
    if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) continue;
    if (resource == "disk" && attached && (s == "Available" || s == "Creating")) continue;
    return string(s);
  }
  return vocab.empty() ? string() : string(vocab.back());
}

Generator::RuleResult Generator::state_rule(const ErrorRow& row) {
  Draft d = base_;
  const string& code = row.code;
  auto set = [&](const string& resource, const string& attr, ojson value,
                 const string& what) -> RuleResult {
    auto var = var_for_resource(d, resource);
    if (!var) return std::nullopt;
    Need* n = find_need(d, *var);
    // The state the valid request provisions: it never fires the row.
    string before = n->with.contains(attr) && n->with[attr].is_string()
                        ? n->with[attr].get<string>()
                        : string();
    n->with[attr] = std::move(value);
    n->description = describe_need(*n);
    d.description =
        "Needs " + needs::describe(n->resource) + " " + what + ": " + n->description + ".";
    current_.kind = TriggerKind::state;
    current_.id_param = pattern_of_var(*var);
    current_.resource = n->resource;
    current_.attribute = attr;
    if (current_.values.empty()) {
      const ojson& v = n->with[attr];
      current_.values = {v.is_string() ? v.get<string>() : v.dump()};
    } else if (!before.empty() && std::find(current_.values.begin(), current_.values.end(),
                                            before) == current_.values.end()) {
      current_.values.push_back(before);
    }
    return d;
  };

  // Incorrect<Resource>Status, IncorrectStatus.<Resource>.
  if (icontains(code, "Status") && (icontains(code, "Incorrect") || icontains(code, "Invalid"))) {
    if (icontains(code, "LoadBalancer"))
      return set("scalinggroup", "LoadBalancerStatus", "inactive",
                 "whose load balancer is not active");
    if (icontains(code, "DBInstance"))
      return set("scalinggroup", "DBInstanceStatus", "Stopped",
                 "whose RDS instance is not running");
    for (const string& res : {string("ScalingGroup"), string("Disk"), string("Instance")}) {
      if (!icontains(code, res)) continue;
      string r = lower(res);
      auto var = var_for_resource(d, r);
      if (!var) return std::nullopt;
      Need* n = find_need(d, *var);
      std::vector<string> allowed;
      string status = bad_status(row, n->resource, *n, &allowed);
      if (status.empty()) return std::nullopt;
      // Fires for any status outside the allowed ones and the valid request's own.
      current_.values = allowed;
      current_.negate = true;
      if (!n->with.contains("Status")) {
        auto vocab = needs::values_of(n->resource, "Status");
        if (!vocab.empty()) current_.values.emplace_back(vocab.front());
        if (n->resource == "disk") current_.values.emplace_back("In_use");
      }
      return set(r, "Status", status, "in status " + status);
    }
  }
  struct Flag {
    const char* code_word;
    const char* resource;
    const char* attr;
    bool value;
    const char* what;
  };
  static const std::vector<Flag> flags = {
      {"LockedForSecurity", "instance", "SecurityLocked", true, "locked for security"},
      {"SecurityLock", "instance", "SecurityLocked", true, "locked for security"},
      {"DeletionProtection", "instance", "DeletionProtection", true, "with deletion protection on"},
      {"SLBConfiguring", "instance", "SLBConfiguring", true,
       "used by a load balancer that is being configured"},
      {"RouteEntry", "instance", "RouteEntry", true, "the target of a custom route entry"},
      {"Expired", "instance", "Expired", true, "expired"},
      {"NotPortable", "disk", "Portable", false, "not portable"},
      {"Released", "disk", "Released", true, "released"},
      {"ActivityInProgress", "scalinggroup", "ActivityInProgress", true,
       "with a scaling activity in progress"}};
  for (const auto& f : flags)
    if (icontains(code, f.code_word)) return set(f.resource, f.attr, f.value, f.what);
  if (icontains(code, "DiskTypeViolation") || icontains(row.message, "is a system disk"))
    return set("disk", "Type", "system", "that is the instance's system disk");
  if (icontains(code, "MinSize") || icontains(row.message, "lesser than the MinSize")) {
    int items = 0;
    for (const auto& [k, v] : d.params)
      if (k.starts_with("InstanceId.")) ++items;
    auto r = set("scalinggroup", "MinSize", std::max(items, 1),
                 "whose MinSize equals its only instance");
    if (r) current_.kind = TriggerKind::min_size;
    return r;
  }
  // DependencyViolation between a disk and the instance named with it: the disk is attached to a
  // different instance, so status checks pass and only the attachment check fails.
  if (istarts_with(code, "DependencyViolation") &&
      (icontains(row.message, "not been attached") || icontains(row.message, "not attached"))) {
    auto disk = var_for_resource(d, "disk");
    auto inst = var_for_resource(d, "instance");
    if (!disk || !inst) return std::nullopt;
    Need other;
    other.var = "other_instance";
    other.resource = "instance";
    other.with = ojson{{"Status", find_need(d, *inst)->with.value("Status", "Running")}};
    other.description = describe_need(other);
    auto pos =
        std::find_if(d.needs.begin(), d.needs.end(), [&](const Need& n) { return n.var == *disk; });
    d.needs.insert(pos, other);
    Need* dn = find_need(d, *disk);
    dn->with["InstanceId"] = "${other_instance}";
    dn->description = describe_need(*dn);
    d.description =
        "Needs a disk attached to another instance than the requested one: " + dn->description +
        ".";
    current_.kind = TriggerKind::attached_elsewhere;
    current_.id_param = pattern_of_var(*disk);
    current_.resource = "disk";
    return d;
  }
  return std::nullopt;
}

}  // namespace popcheck::core::casegen
