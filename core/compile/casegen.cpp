#include "core/compile/casegen.hpp"

#include <algorithm>
#include <iterator>

#include "core/compile/casegen_internal.hpp"
#include "core/compile/needs.hpp"
#include "core/protocol/normalize.hpp"

// The generator's base request and example cases; the rules are in casegen_errors.cpp,
// casegen_state.cpp and casegen_negative.cpp (see casegen_internal.hpp).

namespace popcheck::core {

namespace casegen {

namespace {

// Past this many bytes of parameters a request is sent as a POST form.
constexpr size_t kMaxUrlBytes = 4096;

// Parameters that a request example carries but that are the signer's business, not the case's.
bool is_signing_param(string_view name) {
  static const std::set<string, std::less<>> names = {
      "Format",    "AccessKeyId",    "Signature",     "SignatureMethod", "SignatureVersion",
      "Timestamp", "SignatureNonce", "SecurityToken", "SignatureType",   "Version"};
  return names.contains(name);
}

string action_verb(const Contract& c) {
  auto w = camel_words(c.action);
  return w.empty() ? string() : w.front();
}

}  // namespace

bool is_system_param(string_view name) {
  return name == "Action" || name == "Version" || name == "Format";
}

Need* find_need(Draft& d, const string& var) {
  for (auto& n : d.needs)
    if (n.var == var) return &n;
  return nullptr;
}

namespace {
bool mentions(const ojson& j, const string& ref) {
  if (j.is_string()) return j.get_ref<const string&>().find(ref) != string::npos;
  if (j.is_structured())
    for (const auto& v : j)
      if (mentions(v, ref)) return true;
  return false;
}
}  // namespace

void prune_needs(Draft& d) {
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t i = 0; i < d.needs.size(); ++i) {
      string ref = "${" + d.needs[i].var + "}";
      bool used = false;
      for (const auto& [k, v] : d.params)
        if (v.find(ref) != string::npos) used = true;
      for (size_t j = 0; j < d.needs.size() && !used; ++j)
        if (j != i && mentions(d.needs[j].with, ref)) used = true;
      if (!used) {
        d.needs.erase(d.needs.begin() + static_cast<long>(i));
        changed = true;
        break;
      }
    }
  }
}

string* param_value(Params& ps, const string& name) { return find_param(ps, name); }

const string* param_value(const Params& ps, const string& name) { return find_param(ps, name); }

void erase_instances(Params& ps, const string& pattern) {
  std::erase_if(ps, [&](const auto& kv) { return instance_of(kv.first, pattern); });
}

bool has_instance(const Params& ps, const string& pattern) {
  return std::any_of(ps.begin(), ps.end(),
                     [&](const auto& kv) { return instance_of(kv.first, pattern); });
}

Generator::Generator(const Contract& c, string prefix)
    : c_(c), prefix_(prefix.empty() ? c.product + "." + c.action : std::move(prefix)) {
  // Rules look parameters up by normalised name once per error row; metadata APIs have up to a few
  // hundred rows and parameters, so the derived names are computed once.
  const size_t n = c.params.size();
  norm_.resize(n);
  root_lower_.resize(n);
  shadowed_.assign(n, false);
  for (size_t i = 0; i < n; ++i) {
    norm_[i] = norm_name(c.params[i].name);
    root_lower_[i] = lower(root_of(c.params[i].name));
  }
  std::map<string, std::vector<size_t>> by_lower;
  for (size_t i = 0; i < n; ++i) by_lower[lower(c.params[i].name)].push_back(i);
  for (const auto& [k, idx] : by_lower)
    for (size_t i : idx)
      for (size_t j : idx)
        if (j != i && c.params[j].name < c.params[i].name) shadowed_[i] = true;
  method_ = "GET";
  for (const auto& p : c.params)
    if (p.position == "Body") method_ = "POST";
  // Parameters a Missing row names by itself: a row that names no parameter leaves them to the rows
  // that do.
  for (const auto& row : c.errors) {
    bool named = false;
    if (const Param* p = missing_target(row, &named); p && named) named_missing_.insert(p->name);
  }
  build_base();
}

std::vector<Case> Generator::run() {
  std::vector<Case> out;
  example_case(out, "JSON");
  example_case(out, "XML");
  for (const auto& row : c_.errors) out.push_back(error_case(row));
  negative_cases(out);
  return out;
}

const Param* Generator::param(const string& name) const {
  for (const auto& p : c_.params)
    if (p.name == name) return &p;
  return nullptr;
}

// The parameter an error code's word names: "ResourceId", "TagKey", "InstanceIds", "TagNum".
const Param* Generator::find_param(const string& word) const {
  if (word.empty()) return nullptr;
  string w = lower(word);
  for (const string& strip : {string("invalid"), string("parameter.")})
    if (w.starts_with(strip) && w.size() > strip.size()) w = w.substr(strip.size());
  std::erase(w, '.');
  std::vector<string> tries = {w};
  for (const string& suffix : {string("num"), string("count"), string("s"), string("number")})
    if (w.ends_with(suffix) && w.size() > suffix.size())
      tries.push_back(w.substr(0, w.size() - suffix.size()));
  // Tagging APIs call their resources "instances" in error codes (InvalidInstanceIds.NotFound for
  // ResourceId.N): read "instance" as "resource" when the action takes a ResourceType.
  if (param("ResourceType"))
    for (size_t i = 0, n = tries.size(); i < n; ++i)
      if (tries[i].starts_with("instance")) tries.push_back("resource" + tries[i].substr(8));
  for (const auto& t : tries) {
    for (const auto& p : c_.params)
      if (!shadowed(p) && norm_[index_of(p)] == t) return &p;
    for (const auto& p : c_.params)
      if (!shadowed(p) && norm_[index_of(p)] == t + "id") return &p;
  }
  // "Tag" (InvalidTagCount, SizeLimitExceeded.TagNum) names a whole group: its first member.
  for (const auto& t : tries)
    for (const auto& p : c_.params)
      if (!shadowed(p) && has_n(p.name) && root_lower_[index_of(p)] == t) return &p;
  return nullptr;
}

// Members of the repeat group p belongs to ("Tag.N.Key" -> Tag.N.Key, Tag.N.Value), canonical only.
std::vector<const Param*> Generator::group_of(const Param& p) const {
  std::vector<const Param*> out;
  string r = root_of(p.name);
  for (const auto& q : c_.params)
    if (!shadowed(q) && has_n(q.name) && root_of(q.name) == r && q.depth == p.depth)
      out.push_back(&q);
  return out;
}

// Removes every item of p's list group from the request, deprecated spellings included.
void Generator::erase_group(Params& ps, const Param& p) const {
  string r = root_of(p.name);
  for (const auto& q : c_.params)
    if (has_n(q.name) && root_of(q.name) == r && q.depth == p.depth) erase_instances(ps, q.name);
}

bool Generator::in_action_words(const Param& p) const {
  string r = lower(root_of(p.name));
  for (const auto& w : camel_words(c_.action)) {
    string ws = w.ends_with("s") ? w.substr(0, w.size() - 1) : w;
    if (r == w || r == ws) return true;
  }
  return false;
}

// The documented request example, or one built from parameter examples: required parameters plus
// the parameters the action is named after (TagResources carries a tag). Action and Version first.
// A documented value that breaks its own parameter's constraints is replaced by one that meets
// them, so that every rule starts from a request the service accepts.
void Generator::build_base() {
  Params ps{{"Action", c_.action}, {"Version", c_.version}};
  for (const auto& [k, v] : c_.examples.request_params) {
    if (k == "Action" || is_signing_param(k) || k.empty()) continue;
    if (param_value(ps, k)) continue;
    string value = v;
    for (const auto& p : c_.params)
      if (!shadowed(p) && instance_of(k, p.name)) {
        auto re = values::compile_pattern(p);
        if (!values::violations(p, value, re ? &*re : nullptr).empty() ||
            value.find("${") != string::npos)
          value = default_value(p);
        break;
      }
    ps.emplace_back(k, value);
  }
  bool from_example = ps.size() > 2;
  for (const auto& p : c_.params) {
    if (is_system_param(p.name) || shadowed(p)) continue;
    bool want = p.required || p.name == "RegionId" || (!from_example && in_action_words(p));
    // A list that is in the action's name must have at least one item for a valid call.
    if (!want || has_instance(ps, p.name) || param_value(ps, p.name)) continue;
    if (from_example && !p.required && p.name != "RegionId") continue;
    ps.emplace_back(has_n(p.name) ? instantiate(p.name, 1) : p.name, default_value(p));
  }
  base_.params = std::move(ps);
  original_ = base_.params;
  // Id parameters an error row says may name nothing: the emulator looks them up, so the base
  // request carries provisioned resources there.
  for (const auto& row : c_.errors)
    if (const Param* p = not_found_target(row); p && exists_kind(*p))
      exists_params_.insert(p->name);
  bind_resources();
}

void Generator::add_need(const string& var, const string& resource, ojson with,
                         const string& description) {
  Need n;
  n.var = var;
  n.resource = resource;
  n.with = std::move(with);
  n.description = description.empty() ? describe_need(n) : description;
  base_.needs.push_back(std::move(n));
  var_resource_[var] = resource;
}

// The kind of resource an id parameter names when an error row may say it names nothing: the
// emulator looks such ids up, so valid requests carry provisioned ones. nullopt for parameters whose
// values the emulator cannot look up (not one id, or a ResourceId whose type is not known).
std::optional<string> Generator::exists_kind(const Param& p) const {
  if (p.depth != 0 || shadowed(p)) return std::nullopt;
  const string* type = nullptr;
  if (root_of(p.name) == "ResourceId")
    if (const Param* t = param("ResourceType")) type = param_value(base_.params, t->name);
  return needs::id_kind(c_.product, p.name, type);
}

// Replaces ids of provisionable resources with ${var} and declares the happy-path state: the request
// must succeed as it stands, so that each error rule changes one thing only.
void Generator::bind_resources() {
  auto& ps = base_.params;
  const Param* group_param = param("ScalingGroupId");
  string verb = action_verb(c_);
  bool attaching = verb == "attach" || verb == "add" || verb == "create" || verb == "enter";

  // Resource order matters: a need may refer to an earlier one.
  std::vector<std::pair<string, string>> wanted;  // (pattern, resource)
  for (const auto& p : c_.params) {
    if (p.depth != 0 || shadowed(p)) continue;
    auto segs = segments(p.name);
    if (segs.size() != 1) continue;
    std::optional<string> res = needs::resource_of_id_param(c_.product, segs[0]);
    if (segs[0] == "ResourceId")
      if (const Param* t = param("ResourceType"))
        if (string* v = param_value(ps, t->name))
          res = needs::resource_of_type_value(c_.product, *v);
    // Any other id the emulator looks up is a generic resource of the product.
    if (!res && exists_params_.contains(p.name)) res = exists_kind(p);
    if (!res) continue;
    if (*res == "instance" && group_param && !attaching) res = "scalinginstance";
    wanted.emplace_back(p.name, *res);
  }
  auto rank = [](const string& r) {
    return r == "scalinggroup" ? 0 : r == "instance" ? 1 : r == "scalinginstance" ? 2 : 3;
  };
  std::stable_sort(wanted.begin(), wanted.end(),
                   [&](const auto& a, const auto& b) { return rank(a.second) < rank(b.second); });

  std::map<string, string> var_of;  // resource -> var
  for (const auto& [pattern, res] : wanted) {
    string target = has_n(pattern) ? instantiate(pattern, 1) : pattern;
    string* value = param_value(ps, target);
    if (!value) continue;
    string var = res == "scalinginstance" ? "instance" : res;
    if (needs::is_generic_kind(res)) var = lower(res.substr(res.find(':') + 1));
    if (var_resource_.contains(var)) var += std::to_string(var_resource_.size() + 1);
    ojson with = ojson::object();
    if (res == "instance") {
      auto st = required_statuses(c_, "instance");
      with["Status"] = st.empty() ? "Running" : st.front();
    } else if (res == "scalinginstance") {
      with["ScalingGroupId"] = "${" + var_of["scalinggroup"] + "}";
    } else if (res == "disk" && var_of.contains("instance") && verb == "detach") {
      with["InstanceId"] = "${" + var_of["instance"] + "}";
      with["Type"] = "data";
      with["Portable"] = true;
      with["Status"] = "In_use";
    } else if (needs::is_generic_kind(res)) {
      // The new id takes the documented one's shape, so that it meets the parameter's format.
      with["Like"] = *value;
    }
    // Removing tags is only meaningful where the tags exist.
    if (icontains(c_.action, "Tag") && (verb == "remove" || verb == "untag")) {
      ojson tags = ojson::object();
      for (const auto& [k, v] : ps)
        if (k.starts_with("Tag.") && k.ends_with(".Key")) {
          string vk = k.substr(0, k.size() - 3) + "Value";
          string* tv = param_value(ps, vk);
          tags[v] = tv ? *tv : string();
        }
      if (!tags.empty()) with["Tags"] = tags;
    }
    *value = "${" + var + "}";
    bound_[pattern] = var;
    var_of[res] = var;
    add_need(var, res, std::move(with));
  }
}

string Generator::unique_id(const string& base) {
  int n = ++id_counts_[base];
  return n == 1 ? base : base + "." + std::to_string(n);
}

Case Generator::make_case(CaseKind kind, const string& id, const Draft& d, const string& format) {
  Case k;
  k.id = unique_id(id);
  k.kind = kind;
  k.product = c_.product;
  k.version = c_.version;
  k.action = c_.action;
  k.description = d.description;
  // A request too long for a URL (a list past its maximum of long ids) goes as a form body, as
  // SDKs send it.
  size_t bytes = 0;
  for (const auto& [name, value] : d.params) bytes += name.size() + value.size() + 2;
  k.request.method = bytes > kMaxUrlBytes ? "POST" : method_;
  k.request.format = format;
  k.request.params = d.params;
  k.needs = d.needs;
  return k;
}

void Generator::example_case(std::vector<Case>& out, const string& format) {
  Draft d = base_;
  bool json = format == "JSON";
  const auto& ex = json ? c_.examples.json : c_.examples.xml;
  Shape shape = ex && ex->valid                ? Shape::example
                : c_.response.children.empty() ? Shape::none
                                               : Shape::contract;
  d.description =
      string(c_.examples.request_params.empty() ? "A request built from the parameters' examples"
                                                : "The documented request example") +
      ", with Format=" + format + "; " +
      (shape == Shape::example
           ? "the response must have the shape of the documented " + lower(format) + " example."
       : shape == Shape::contract
           ? "there is no valid " + lower(format) +
                 " example, so the response is checked against the documented "
                 "response fields."
           : "there is neither a valid example nor a response table, so only the "
             "status is checked.");
  Case k = make_case(CaseKind::example, prefix_ + ".example." + lower(format), d, format);
  k.expect.status = 200;
  k.expect.shape = shape;
  if (!json) k.expect.root = c_.action + "Response";
  out.push_back(std::move(k));
}

}  // namespace casegen

std::vector<Case> generate_cases(const Contract& contract, std::vector<std::string>* skipped,
                                 const std::string& id_prefix) {
  casegen::Generator g(contract, id_prefix);
  std::vector<Case> out = g.run();
  if (skipped) skipped->insert(skipped->end(), g.skipped_.begin(), g.skipped_.end());
  return out;
}

namespace {

// The spellings of TriggerKind, in its order.
constexpr std::string_view kTriggerKinds[] = {"required",
                                              "sibling",
                                              "repeat",
                                              "duplicate",
                                              "region",
                                              "exists",
                                              "type",
                                              "allowed",
                                              "max_length",
                                              "min_length",
                                              "non_empty",
                                              "maximum",
                                              "minimum",
                                              "pattern",
                                              "forbidden_prefix",
                                              "forbidden_substring",
                                              "state",
                                              "tag_quota",
                                              "unsupported_value",
                                              "min_size",
                                              "attached_elsewhere",
                                              "fault"};
static_assert(std::size(kTriggerKinds) == static_cast<size_t>(TriggerKind::fault) + 1);

}  // namespace

std::string_view to_string(TriggerKind k) { return kTriggerKinds[static_cast<size_t>(k)]; }

bool is_value_constraint(TriggerKind k) {
  return k >= TriggerKind::type && k <= TriggerKind::forbidden_substring;
}

std::optional<TriggerKind> constraint_trigger(std::string_view constraint) {
  for (auto k = static_cast<size_t>(TriggerKind::type);
       k <= static_cast<size_t>(TriggerKind::forbidden_substring); ++k)
    if (kTriggerKinds[k] == constraint) return static_cast<TriggerKind>(k);
  return std::nullopt;
}

std::vector<ErrorTrigger> error_triggers(const Contract& contract) {
  casegen::Generator g(contract, {});
  g.derive_triggers();
  return std::move(g.triggers_);
}

}  // namespace popcheck::core
