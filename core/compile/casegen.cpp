#include "core/compile/casegen.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <charconv>
#include <cstdio>
#include <map>
#include <set>

// How error rows become requests. The same rules run over the five seed pages and every API of the
// metadata, so they are keyed on code shapes ("X.NotFound", "MissingParameter.X",
// "Incorrect<R>Status"), on parameter names and on words of the row's description, never on
// particular actions. Each rule starts from one valid base request (the documented example, or one
// built from parameter examples, with resource ids replaced by provisioned ${vars}) and changes the
// one thing that should make exactly that error fire, so an emulator validating in the usual order
// (common parameters, required parameters, formats and limits, existence, state) answers with the
// documented row. An error that no request or state of docs/needs.md can produce becomes a `fault`
// need scoped to this request.

namespace popcheck::core {

namespace {

using std::string;
using std::string_view;

string lower(string_view s) {
  string out(s);
  for (auto& c : out) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

char lower_char(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool icontains(string_view hay, string_view needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return lower_char(a) == lower_char(b); });
  return it != hay.end() || needle.empty();
}

bool starts_with_ci(string_view s, string_view p) {
  return s.size() >= p.size() && lower(s.substr(0, p.size())) == lower(p);
}

// Segments of a parameter name without the N placeholders: "Tag.N.Key" -> {"Tag", "Key"}.
std::vector<string> segments(string_view name) {
  std::vector<string> out;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    string seg(name.substr(start, dot == string_view::npos ? string_view::npos : dot - start));
    if (!seg.empty() && seg != "N" && seg != "n") out.push_back(seg);
    if (dot == string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

// "Tag.N.Key" -> "tagkey": the spelling error codes use when they name a parameter.
string norm_name(string_view name) {
  string out;
  for (const auto& s : segments(name)) out += lower(s);
  return out;
}

string root_of(string_view name) {
  auto segs = segments(name);
  return segs.empty() ? string() : segs.front();
}

bool has_n(string_view name) {
  for (const auto& part : {".N.", ".n."})
    if (name.find(part) != string_view::npos) return true;
  return name.ends_with(".N") || name.ends_with(".n");
}

// "Tag.N.Key" with i -> "Tag.3.Key"; later N placeholders (nested lists) take 1.
string instantiate(string_view name, int i) {
  string out;
  bool first = true;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    string seg(name.substr(start, dot == string_view::npos ? string_view::npos : dot - start));
    if (seg == "N" || seg == "n") {
      seg = std::to_string(first ? i : 1);
      first = false;
    }
    if (!out.empty()) out += '.';
    out += seg;
    if (dot == string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

// True when `concrete` ("Tag.3.Key") is an instance of `pattern` ("Tag.N.Key").
bool instance_of(string_view concrete, string_view pattern) {
  if (!has_n(pattern)) return concrete == pattern;
  size_t i = 0, j = 0;
  while (i < pattern.size() && j < concrete.size()) {
    bool at_n = (pattern[i] == 'N' || pattern[i] == 'n') && (i == 0 || pattern[i - 1] == '.') &&
                (i + 1 == pattern.size() || pattern[i + 1] == '.');
    if (at_n) {
      size_t k = j;
      while (k < concrete.size() && std::isdigit(static_cast<unsigned char>(concrete[k]))) ++k;
      if (k == j) return false;
      j = k;
      ++i;
      continue;
    }
    if (pattern[i] != concrete[j]) return false;
    ++i;
    ++j;
  }
  return i == pattern.size() && j == concrete.size();
}

// Camel-case words of an action: "TagResources" -> {"tag", "resources"}.
std::vector<string> camel_words(string_view s) {
  std::vector<string> out;
  string cur;
  for (char c : s) {
    if (std::isupper(static_cast<unsigned char>(c)) && !cur.empty()) {
      out.push_back(lower(cur));
      cur.clear();
    }
    cur += c;
  }
  if (!cur.empty()) out.push_back(lower(cur));
  return out;
}

string action_verb(const Contract& c) {
  auto w = camel_words(c.action);
  return w.empty() ? string() : w.front();
}

bool is_system_param(string_view name) {
  return name == "Action" || name == "Version" || name == "Format";
}

// Parameters that a request example carries but that are the signer's business, not the case's.
bool is_signing_param(string_view name) {
  static const std::set<string, std::less<>> names = {
      "Format",    "AccessKeyId",    "Signature",     "SignatureMethod", "SignatureVersion",
      "Timestamp", "SignatureNonce", "SecurityToken", "SignatureType",   "Version"};
  return names.contains(name);
}

bool numeric_type(string_view t) {
  string l = lower(t);
  return l == "integer" || l == "long" || l == "int" || l == "float" || l == "double" ||
         l == "number";
}

// Integral values of any size print as their exact decimal digits (2^63 as 9223372036854775808,
// never through an int64 that cannot hold it); others in the shortest form that reads back.
string fmt_number(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[400];  // the largest double has 309 digits
  if (v == std::trunc(v)) {
    int n = std::snprintf(buf, sizeof buf, "%.0f", v);
    return string(buf, static_cast<size_t>(n));
  }
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return string(buf, r.ptr);
}

// The nearest number past a bound (dir +1: above, -1: below). Below 2^53 doubles hold every
// integer, so an integral bound steps by one; beyond, by the next double, which is still a different
// number once printed. Nothing lies past the largest double.
std::optional<double> past(double bound, int dir) {
  double v = std::abs(bound) < 9007199254740992.0 ? bound + dir
                                                   : std::nextafter(bound, dir * HUGE_VAL);
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

// A breaking value larger than this is not generated: a request carrying it says nothing that a
// smaller one does not, and 2^31-1 characters of it is a 2 GB catalogue file.
constexpr int64_t kMaxBreakingBytes = 64 * 1024;

std::string too_large(int64_t bytes, const string& what) {
  return "its breaking value would be " + (bytes >= kMaxBreakingBytes * 1024
                                               ? std::string("over 64 MiB")
                                               : std::to_string(bytes) + " bytes") +
         " (" + what + "), over the 64 KiB bound";
}

// Request bytes of n items of a list parameter, saturating.
int64_t list_bytes(int64_t n, size_t item) {
  int64_t per = static_cast<int64_t>(item) + 8;
  return n > INT64_MAX / per ? INT64_MAX : n * per;
}

// ---- parameter values --------------------------------------------------------------------------

string default_value(const Param& p) {
  if (!p.example.empty()) return p.example;
  if (!p.allowed.empty()) return p.allowed.front();
  string t = lower(p.type);
  if (numeric_type(t)) return p.minimum ? fmt_number(*p.minimum) : "1";
  if (t == "boolean" || t == "bool") return "false";
  return "popcheck";
}

// A value that meets every constraint the contract states for p, with a distinct suffix for the
// i-th item of a list so that repeated keys stay unique.
string nth_value(const Param& p, int i) {
  string v = default_value(p);
  if (i <= 1 || numeric_type(p.type) || !p.allowed.empty()) return v;
  // Documented examples mask ids ("vpc-bp16qjewdsunr41m1****"); the mask becomes the item number so
  // that every item is a well-formed, distinct value.
  if (auto star = v.find("****"); star != string::npos) {
    string n = std::to_string(i);
    v.replace(star, 4, string(n.size() < 4 ? 4 - n.size() : 0, '0') + n);
    return v;
  }
  string s = v + std::to_string(i);
  if (p.max_length && static_cast<int64_t>(s.size()) > *p.max_length)
    s = s.substr(s.size() - static_cast<size_t>(*p.max_length));
  return s;
}

// An id that cannot exist: the example's prefix ("d-", "i-", "vpc-") kept so that format checks
// pass.
string missing_id(const string& example) {
  auto dash = example.find('-');
  string prefix = dash != string::npos && dash <= 6 ? example.substr(0, dash + 1) : string();
  return prefix + "popcheck0missing0000";
}

// ---- resources and needs
// ---------------------------------------------------------------------------

// Id parameters whose resource the emulator can provision (docs/needs.md).
std::optional<string> resource_of_id_param(string_view root) {
  static const std::map<string, string, std::less<>> ids = {{"InstanceId", "instance"},
                                                            {"DiskId", "disk"},
                                                            {"SnapshotId", "snapshot"},
                                                            {"ImageId", "image"},
                                                            {"SecurityGroupId", "securitygroup"},
                                                            {"VpcId", "vpc"},
                                                            {"VSwitchId", "vswitch"},
                                                            {"RouteTableId", "routetable"},
                                                            {"AllocationId", "eip"},
                                                            {"VpnGatewayId", "vpngateway"},
                                                            {"NatGatewayId", "natgateway"},
                                                            {"ScalingGroupId", "scalinggroup"}};
  if (auto it = ids.find(root); it != ids.end()) return it->second;
  return std::nullopt;
}

// A ResourceType value ("snapshot", "VPC", "VpnGateway") as a resource of the vocabulary.
std::optional<string> resource_of_type_value(string_view value) {
  static const std::set<string, std::less<>> known = {
      "instance", "disk",       "snapshot", "image",      "securitygroup", "vpc",
      "vswitch",  "routetable", "eip",      "vpngateway", "natgateway"};
  string l = lower(value);
  if (known.contains(l)) return l;
  return std::nullopt;
}

string describe_resource(const string& resource) {
  static const std::map<string, string, std::less<>> names = {
      {"instance", "an ECS instance"},
      {"disk", "a disk"},
      {"snapshot", "a snapshot"},
      {"image", "an image"},
      {"securitygroup", "a security group"},
      {"vpc", "a VPC"},
      {"vswitch", "a vSwitch"},
      {"routetable", "a route table"},
      {"eip", "an EIP"},
      {"vpngateway", "a VPN gateway"},
      {"natgateway", "a NAT gateway"},
      {"scalinggroup", "a scaling group"},
      {"scalinginstance", "an ECS instance"}};
  if (auto it = names.find(resource); it != names.end()) return it->second;
  return "a " + resource;
}

// The status vocabulary of docs/needs.md in the order used to pick a status outside an allowed set.
const std::vector<string>& status_vocabulary(const string& resource) {
  static const std::vector<string> instance = {"Running", "Stopped", "Starting", "Stopping",
                                               "Pending"};
  static const std::vector<string> disk = {"Available", "In_use", "Attaching", "Detaching",
                                           "Creating"};
  static const std::vector<string> group = {"Active", "Inactive", "Deleting"};
  static const std::vector<string> none;
  if (resource == "instance" || resource == "scalinginstance") return instance;
  if (resource == "disk") return disk;
  if (resource == "scalinggroup") return group;
  return none;
}

bool word_at(string_view text, size_t pos, size_t len) {
  auto alpha = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
  if (pos > 0 && alpha(text[pos - 1])) return false;
  if (pos + len < text.size() && alpha(text[pos + len])) return false;
  return true;
}

// Vocabulary statuses named in `text` (as words, any case), in vocabulary order.
std::vector<string> statuses_in(string_view text, const std::vector<string>& vocab) {
  std::vector<string> out;
  string l = lower(text);
  for (const auto& s : vocab) {
    string w = lower(s);
    for (size_t pos = l.find(w); pos != string::npos; pos = l.find(w, pos + 1))
      if (word_at(l, pos, w.size())) {
        out.push_back(s);
        break;
      }
  }
  return out;
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

// Statuses a contract says the instance must be in ("必须处于已停止（Stopped）状态", "must be in
// the Running state"), from sentences that state a requirement. Empty when the contract does not
// say.
std::vector<string> required_statuses(const Contract& c, const string& resource) {
  const auto& vocab = status_vocabulary(resource);
  auto scan = [&](const string& text) -> std::vector<string> {
    for (const auto& s : sentences(text)) {
      if (!(s.find("必须") != string::npos || icontains(s, "must ") ||
            s.find("仅") != string::npos || s.find("才") != string::npos))
        continue;
      auto found = statuses_in(s, vocab);
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

// "an ECS instance (Status=Stopped, DeletionProtection=true)", "a disk (Type=data, ...) attached to
// ${instance}": what a need asks for, for people and for skip reasons, built from its attributes so
// that it always says what the need really is.
string describe_need(const Need& n) {
  string out = describe_resource(n.resource);
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
    } else {
      attrs += (attrs.empty() ? "" : ", ") + k + "=" + (v.is_string() ? v.get<string>() : v.dump());
    }
  }
  if (!attrs.empty()) out += " (" + attrs + ")";
  return out + extra;
}

struct Draft {
  Params params;
  std::vector<Need> needs;
  string description;
};

Need* find_need(Draft& d, const string& var) {
  for (auto& n : d.needs)
    if (n.var == var) return &n;
  return nullptr;
}

bool mentions(const ojson& j, const string& ref) {
  if (j.is_string()) return j.get_ref<const string&>().find(ref) != string::npos;
  if (j.is_structured())
    for (const auto& v : j)
      if (mentions(v, ref)) return true;
  return false;
}

// Drops needs that neither the request nor a later need refers to (a rule replaced the id).
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

string* param_value(Params& ps, const string& name) {
  for (auto& [k, v] : ps)
    if (k == name) return &v;
  return nullptr;
}

void erase_instances(Params& ps, const string& pattern) {
  std::erase_if(ps, [&](const auto& kv) { return instance_of(kv.first, pattern); });
}

bool has_instance(const Params& ps, const string& pattern) {
  return std::any_of(ps.begin(), ps.end(),
                     [&](const auto& kv) { return instance_of(kv.first, pattern); });
}

// ---- the generator
// -------------------------------------------------------------------------------

class Generator {
 public:
  Generator(const Contract& c, string prefix)
      : c_(c), prefix_(prefix.empty() ? c.product + "." + c.action : std::move(prefix)) {
    // Rules look parameters up by normalised name once per error row; metadata APIs have up to a
    // few hundred rows and parameters, so the derived names are computed once.
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
    build_base();
  }

  // What was not generated and why ("negative case ... is not generated: ..."), for the contract's
  // warnings.
  std::vector<string> skipped_;

  std::vector<Case> run() {
    std::vector<Case> out;
    example_case(out, "JSON");
    example_case(out, "XML");
    for (size_t i = 0; i < c_.errors.size(); ++i) out.push_back(error_case(c_.errors[i]));
    negative_cases(out);
    return out;
  }

 private:
  const Contract& c_;
  string prefix_;
  string method_;
  Draft base_;
  Params original_;                 // the base request before ids were replaced by ${vars}
  std::map<string, string> bound_;  // parameter pattern -> var of the resource its value names
  std::map<string, string> var_resource_;
  std::set<std::pair<string, string>> covered_;  // (parameter, constraint kind) an error case uses
  std::map<string, int> id_counts_;
  std::vector<string> norm_, root_lower_;
  std::vector<bool> shadowed_;
  int faults_ = 0;

  const Param* param(const string& name) const {
    for (const auto& p : c_.params)
      if (p.name == name) return &p;
    return nullptr;
  }

  // A parameter that another one shadows by case only ("Tag.N.key" next to "Tag.N.Key") is a
  // deprecated spelling: requests use the canonical one.
  size_t index_of(const Param& p) const { return static_cast<size_t>(&p - c_.params.data()); }
  bool shadowed(const Param& p) const { return shadowed_[index_of(p)]; }

  // The parameter an error code's word names: "ResourceId", "TagKey", "InstanceIds", "TagNum".
  const Param* find_param(string word) const {
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

  // Members of the repeat group p belongs to ("Tag.N.Key" -> Tag.N.Key, Tag.N.Value), canonical
  // only.
  std::vector<const Param*> group_of(const Param& p) const {
    std::vector<const Param*> out;
    string r = root_of(p.name);
    for (const auto& q : c_.params)
      if (!shadowed(q) && has_n(q.name) && root_of(q.name) == r && q.depth == p.depth)
        out.push_back(&q);
    return out;
  }

  // Removes every item of p's list group from the request, deprecated spellings included.
  void erase_group(Params& ps, const Param& p) const {
    string r = root_of(p.name);
    for (const auto& q : c_.params)
      if (has_n(q.name) && root_of(q.name) == r && q.depth == p.depth) erase_instances(ps, q.name);
  }

  bool in_action_words(const Param& p) const {
    string r = lower(root_of(p.name));
    for (const auto& w : camel_words(c_.action)) {
      string ws = w.ends_with("s") ? w.substr(0, w.size() - 1) : w;
      if (r == w || r == ws) return true;
    }
    return false;
  }

  // The documented request example, or one built from parameter examples: required parameters plus
  // the parameters the action is named after (TagResources carries a tag). Action and Version
  // first.
  void build_base() {
    Params ps{{"Action", c_.action}, {"Version", c_.version}};
    for (const auto& [k, v] : c_.examples.request_params) {
      if (k == "Action" || is_signing_param(k) || k.empty()) continue;
      if (!param_value(ps, k)) ps.emplace_back(k, v);
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
    bind_resources();
  }

  void add_need(const string& var, const string& resource, ojson with,
                const string& description = {}) {
    Need n;
    n.var = var;
    n.resource = resource;
    n.with = std::move(with);
    n.description = description.empty() ? describe_need(n) : description;
    base_.needs.push_back(std::move(n));
    var_resource_[var] = resource;
  }

  // Replaces ids of provisionable resources with ${var} and declares the happy-path state: the
  // request must succeed as it stands, so that each error rule changes one thing only.
  void bind_resources() {
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
      std::optional<string> res = resource_of_id_param(segs[0]);
      if (segs[0] == "ResourceId")
        if (const Param* t = param("ResourceType"))
          if (string* v = param_value(ps, t->name)) res = resource_of_type_value(*v);
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

  string unique_id(const string& base) {
    int n = ++id_counts_[base];
    return n == 1 ? base : base + "." + std::to_string(n);
  }

  Case make_case(const string& kind, const string& id, const Draft& d, const string& format) {
    Case k;
    k.id = unique_id(id);
    k.kind = kind;
    k.product = c_.product;
    k.version = c_.version;
    k.action = c_.action;
    k.description = d.description;
    k.request.method = method_;
    k.request.format = format;
    k.request.params = d.params;
    k.needs = d.needs;
    return k;
  }

  void example_case(std::vector<Case>& out, const string& format) {
    Draft d = base_;
    bool json = format == "JSON";
    const auto& ex = json ? c_.examples.json : c_.examples.xml;
    string shape = ex && ex->valid ? "example" : c_.response.children.empty() ? "none" : "contract";
    d.description = string(c_.examples.request_params.empty() ? "A request built from the "
                                                                "parameters' examples"
                                                              : "The documented request example") +
                    ", with Format=" + format + "; " +
                    (shape == "example" ? "the response must have the shape of the documented " +
                                              lower(format) + " example."
                     : shape == "contract" ? "there is no valid " + lower(format) +
                                                 " example, so the response is checked against the "
                                                 "documented response fields."
                                           : "there is neither a valid example nor a response "
                                             "table, so only the status is checked.");
    Case k = make_case("example", prefix_ + ".example." + lower(format), d, format);
    k.expect.status = 200;
    k.expect.shape = shape;
    if (!json) k.expect.root = c_.action + "Response";
    out.push_back(std::move(k));
  }

  // ---- error rules -----------------------------------------------------------------------------

  static string code_word_before(const string& code, string_view suffix) {
    // "InvalidDiskId.NotFound" -> "InvalidDiskId"; "NotFound.DiskId" -> "DiskId".
    string c = code;
    if (auto pos = c.rfind(string(suffix)); pos != string::npos) {
      string before = c.substr(0, pos);
      while (!before.empty() && before.back() == '.') before.pop_back();
      if (!before.empty()) {
        auto dot = before.rfind('.');
        return dot == string::npos ? before : before.substr(dot + 1);
      }
      string after = c.substr(pos + suffix.size());
      while (!after.empty() && after.front() == '.') after.erase(0, 1);
      return after;
    }
    return {};
  }

  // "MissingParameter.TagKey" -> "TagKey"; "Forbidden.TagKey.Duplicated" -> "TagKey".
  static string code_word_after(const string& code, string_view head) {
    auto pos = code.find(string(head));
    if (pos == string::npos) return {};
    string rest = code.substr(pos + head.size());
    while (!rest.empty() && rest.front() == '.') rest.erase(0, 1);
    auto dot = rest.find('.');
    return dot == string::npos ? rest : rest.substr(0, dot);
  }

  // A parameter name quoted in a message: "The input parameter TagValue that is mandatory...".
  const Param* param_in_message(const string& msg) const {
    for (const string& marker :
         {string("parameter "), string("Parameter "), string("specified ")}) {
      for (size_t pos = msg.find(marker); pos != string::npos; pos = msg.find(marker, pos + 1)) {
        size_t b = pos + marker.size();
        while (b < msg.size() && (msg[b] == '"' || msg[b] == '\'' || msg[b] == '`')) ++b;
        size_t e = b;
        while (e < msg.size() &&
               (std::isalnum(static_cast<unsigned char>(msg[e])) || msg[e] == '.'))
          ++e;
        string word = msg.substr(b, e - b);
        while (!word.empty() && word.back() == '.') word.pop_back();
        if (word.size() < 3 || std::islower(static_cast<unsigned char>(word[0]))) continue;
        if (const Param* p = find_param(word)) return p;
      }
    }
    return nullptr;
  }

  // Applies `rule` to a copy of the base request; nullopt when the rule does not fit the contract.
  using RuleResult = std::optional<Draft>;

  RuleResult missing_rule(const ErrorRow& row) {
    // The message markers count only when the message is about a parameter: "A required
    // authorization ... is not supplied" is a permission error.
    bool missing =
        icontains(row.code, "Missing") ||
        (icontains(row.message, "parameter") &&
         (icontains(row.message, "mandatory") || icontains(row.message, "is not supplied") ||
          icontains(row.message, "must be specified") || icontains(row.message, "is required")));
    if (!missing) return std::nullopt;
    const Param* target = find_param(code_word_after(row.code, "MissingParameter"));
    if (!target && starts_with_ci(row.code, "Missing")) {
      // "MissingInstanceId", "MissingParam.vpcId".
      auto dot = row.code.find('.');
      target = find_param(dot == string::npos ? row.code.substr(7) : row.code.substr(dot + 1));
    }
    if (!target) target = param_in_message(row.message);
    Draft d = base_;
    if (!target) {
      // Any required parameter will do; prefer one that is not a region or a system parameter.
      for (int pass = 0; pass < 2 && !target; ++pass)
        for (const auto& p : c_.params)
          if (p.required && !is_system_param(p.name) && !shadowed(p) &&
              (pass == 1 || p.name != "RegionId") && has_instance(d.params, p.name)) {
            target = &p;
            break;
          }
    }
    if (!target) return std::nullopt;
    if (target->required) {
      erase_instances(d.params, target->name);
      std::erase_if(d.params, [&](const auto& kv) { return kv.first == target->name; });
      if (target->name == "RegionId") pin_region(d);
      d.description = "Omits the required parameter " + target->name + ".";
    } else if (has_n(target->name)) {
      // An optional list member is required once its siblings are given: send a sibling alone.
      const Param* sibling = nullptr;
      for (const Param* q : group_of(*target))
        if (q != target) sibling = sibling ? sibling : q;
      if (!sibling) return std::nullopt;
      erase_instances(d.params, target->name);
      if (!has_instance(d.params, sibling->name))
        d.params.emplace_back(instantiate(sibling->name, 1), nth_value(*sibling, 1));
      d.description = "Sends " + instantiate(sibling->name, 1) + " without " +
                      instantiate(target->name, 1) + ".";
    } else {
      return std::nullopt;
    }
    covered_.insert({target->name, "required"});
    prune_needs(d);
    return d;
  }

  RuleResult count_rule(const ErrorRow& row) {
    bool count = icontains(row.code, "Count") || icontains(row.code, "SizeLimitExceeded") ||
                 icontains(row.code, "ExceedLimit") || icontains(row.code, "TooMany") ||
                 icontains(row.message, "beyond the permitted range") ||
                 icontains(row.message, "maximum number of") || icontains(row.message, "number of");
    if (!count || icontains(row.code, "Quota")) return std::nullopt;
    string word = code_word_after(row.code, "SizeLimitExceeded");
    if (word.empty()) word = code_word_before(row.code, "ExceedLimit");
    if (word.empty()) {
      word = row.code;
      auto dot = word.find('.');
      if (dot != string::npos) word = word.substr(0, dot);
    }
    const Param* target = find_param(word);
    if (!target || !has_n(target->name)) target = param_in_message(row.message);
    if (!target || !has_n(target->name) || !target->repeat || !target->repeat->max)
      return std::nullopt;
    const int64_t n = int64_t{*target->repeat->max} + 1;
    if (int64_t bytes = list_bytes(n, target->name.size() + default_value(*target).size());
        bytes > kMaxBreakingBytes) {
      skipped_.push_back("error case " + row.code + " is not derived from " + target->name + ": " +
                         too_large(bytes, std::to_string(n) + " items"));
      return std::nullopt;
    }
    Draft d = base_;
    auto group = group_of(*target);
    // Only the members the base request carries (or the target itself) are repeated.
    std::vector<const Param*> members;
    for (const Param* q : group)
      if (has_instance(d.params, q->name) || q == target) members.push_back(q);
    string first_value;
    for (const Param* q : members)
      if (string* v = param_value(d.params, instantiate(q->name, 1)); v && q == target)
        first_value = *v;
    erase_group(d.params, *target);
    for (int i = 1; i <= static_cast<int>(n); ++i)
      for (const Param* q : members) {
        string v = nth_value(*q, i);
        // A provisioned first id stays; the others are well-formed ids that the count check
        // rejects before any lookup.
        if (i == 1 && q == target && !first_value.empty()) v = first_value;
        d.params.emplace_back(instantiate(q->name, i), v);
      }
    d.description = "Sends " + std::to_string(n) + " items of " + target->name +
                    ", one more than the documented maximum of " +
                    std::to_string(*target->repeat->max) + ".";
    covered_.insert({target->name, "repeat"});
    for (const Param* q : members) covered_.insert({q->name, "repeat"});
    prune_needs(d);
    return d;
  }

  // The var whose resource the request's resource id names (for tag quota and state rules).
  std::optional<string> var_for_resource(const Draft& d, const string& resource) const {
    for (const auto& n : d.needs)
      if (n.resource == resource || (resource == "instance" && n.resource == "scalinginstance"))
        return n.var;
    return std::nullopt;
  }

  std::optional<string> tagged_var(const Draft& d) const {
    for (const auto& [pattern, var] : bound_)
      if (root_of(pattern) == "ResourceId") return var;
    if (!d.needs.empty()) return d.needs.front().var;
    return std::nullopt;
  }

  RuleResult tag_quota_rule(const ErrorRow& row) {
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
    return d;
  }

  RuleResult duplicate_rule(const ErrorRow& row) {
    if (!icontains(row.code, "Duplicat")) return std::nullopt;
    string word = code_word_before(row.code, "Duplicated");
    if (word.empty()) word = code_word_before(row.code, "Duplicate");
    const Param* target = find_param(word);
    if (!target || !has_n(target->name)) return std::nullopt;
    Draft d = base_;
    auto group = group_of(*target);
    erase_group(d.params, *target);
    for (int i = 1; i <= 2; ++i)
      for (const Param* q : group)
        if (q == target || has_instance(base_.params, q->name))
          d.params.emplace_back(instantiate(q->name, i),
                                q == target ? nth_value(*q, 1) : nth_value(*q, i));
    d.description = "Sends the same " + target->name + " twice.";
    covered_.insert({target->name, "duplicate"});
    prune_needs(d);
    return d;
  }

  // Sets the value of `target` in the request (its first item for a list). Resources are
  // provisioned in the request's region by default; when the region itself is what the case breaks,
  // they keep the valid one.
  void set_value(Draft& d, const Param& target, const string& value) const {
    if (target.name == "RegionId") pin_region(d);
    set_value_only(d, target, value);
  }

  void pin_region(Draft& d) const {
    if (const string* region = param_value_const(original_, "RegionId"))
      for (auto& n : d.needs)
        if (n.resource != "fault" && !n.with.contains("RegionId")) {
          n.with["RegionId"] = *region;
          n.description = describe_need(n);
        }
  }

  static const string* param_value_const(const Params& ps, const string& name) {
    for (const auto& [k, v] : ps)
      if (k == name) return &v;
    return nullptr;
  }

  static void set_value_only(Draft& d, const Param& target, const string& value) {
    string name = has_n(target.name) ? instantiate(target.name, 1) : target.name;
    if (string* v = param_value(d.params, name)) {
      *v = value;
      return;
    }
    d.params.emplace_back(name, value);
  }

  static bool id_like(const Param& p) {
    string last = segments(p.name).empty() ? string() : segments(p.name).back();
    return last.ends_with("Id") || last.ends_with("Ids") || last.ends_with("ID");
  }

  RuleResult not_found_rule(const ErrorRow& row) {
    string word;
    for (const string& s : {string("NotFound"), string("NotExist"), string("NotExists")})
      if (word.empty() && icontains(row.code, s)) {
        auto pos = lower(row.code).find(lower(s));
        word = code_word_before(row.code, row.code.substr(pos, s.size()));
      }
    if (word.empty()) return std::nullopt;
    const Param* target = find_param(word);
    if (!target) target = param_in_message(row.message);
    if (!target || is_system_param(target->name)) return std::nullopt;
    Draft d = base_;
    if (target->name == "RegionId") {
      set_value(d, *target, "popcheck-nowhere-1");
      d.description = "Sends a RegionId that does not exist.";
      covered_.insert({target->name, "allowed"});
    } else if (!target->allowed.empty() && !id_like(*target)) {
      set_value(d, *target, "popcheck-unsupported");
      d.description = "Sends " + target->name +
                      "=popcheck-unsupported, outside the documented "
                      "values.";
      covered_.insert({target->name, "allowed"});
    } else {
      string* cur =
          param_value(original_, has_n(target->name) ? instantiate(target->name, 1) : target->name);
      string example = target->example.empty() && cur ? *cur : target->example;
      string id = missing_id(example);
      set_value(d, *target, id);
      d.description = "Sends " + target->name + "=" + id + ", an id that cannot exist.";
    }
    prune_needs(d);
    return d;
  }

  // A value of p that breaks one stated constraint, and the constraint's kind.
  static std::optional<std::pair<string, string>> invalid_value(const Param& p) {
    string ex = default_value(p);
    if (p.name == "RegionId") return std::pair<string, string>{"popcheck-nowhere-1", "allowed"};
    if (!p.allowed.empty()) return std::pair<string, string>{"popcheck-unsupported", "allowed"};
    if (!p.forbidden_prefixes.empty())
      return std::pair<string, string>{p.forbidden_prefixes.front() + ex, "forbidden_prefix"};
    if (!p.forbidden_substrings.empty())
      return std::pair<string, string>{ex + p.forbidden_substrings.front(), "forbidden_substring"};
    if (p.max_length && *p.max_length < kMaxBreakingBytes)
      return std::pair<string, string>{string(static_cast<size_t>(*p.max_length) + 1, 'a'),
                                       "max_length"};
    if (numeric_type(p.type)) {
      if (auto v = p.maximum ? past(*p.maximum, 1) : std::nullopt)
        return std::pair<string, string>{fmt_number(*v), "maximum"};
      if (auto v = p.minimum ? past(*p.minimum, -1) : std::nullopt)
        return std::pair<string, string>{fmt_number(*v), "minimum"};
      return std::pair<string, string>{"popcheck-not-a-number", "type"};
    }
    string t = lower(p.type);
    if (t == "boolean" || t == "bool")
      return std::pair<string, string>{"popcheck-not-a-boolean", "type"};
    if (p.non_empty) return std::pair<string, string>{"", "non_empty"};
    if (p.min_length && *p.min_length > 1 && *p.min_length <= kMaxBreakingBytes)
      return std::pair<string, string>{string(static_cast<size_t>(*p.min_length) - 1, 'a'),
                                       "min_length"};
    return std::nullopt;
  }

  RuleResult invalid_value_rule(const ErrorRow& row) {
    string word;
    for (const string& s : {string("Malformed"), string("MalFormed"), string("ValueNotSupported"),
                            string("Invalid"), string("Format"), string("Malformd")})
      if (word.empty() && row.code.ends_with("." + s)) word = code_word_before(row.code, s);
    if (word.empty()) word = code_word_after(row.code, "InvalidParameter");
    if (word.empty() && row.code.starts_with("Invalid") && row.code.find('.') == string::npos)
      word = row.code;
    if (word.empty()) return std::nullopt;
    const Param* target = find_param(word);
    if (!target) target = param_in_message(row.message);
    if (!target || is_system_param(target->name)) return std::nullopt;
    auto bad = invalid_value(*target);
    if (!bad) return std::nullopt;
    Draft d = base_;
    set_value(d, *target, bad->first);
    d.description =
        "Sends a value of " + target->name + " that breaks its " + bad->second + " constraint.";
    covered_.insert({target->name, bad->second});
    prune_needs(d);
    return d;
  }

  // "The specified group does not support the specified RemovePolicy": a parameter whose values are
  // also values of a resource attribute; the resource gets one, the request the other.
  RuleResult unsupported_value_rule(const ErrorRow& row) {
    if (!icontains(row.message, "not support the specified")) return std::nullopt;
    const Param* target = param_in_message(row.message);
    if (!target || target->allowed.empty()) return std::nullopt;
    struct Attr {
      const char* resource;
      const char* name;
      std::vector<string> values;
    };
    static const std::vector<Attr> attrs = {
        {"scalinggroup", "ScalingPolicy", {"release", "recycle"}},
        {"instance", "InstanceChargeType", {"PostPaid", "PrePaid"}}};
    Draft d = base_;
    for (const auto& a : attrs) {
      auto var = var_for_resource(d, a.resource);
      if (!var) continue;
      std::vector<string> common;
      for (const auto& v : a.values)
        for (const auto& al : target->allowed)
          if (lower(v) == lower(al)) common.push_back(al);
      if (common.size() < 2) continue;
      Need* n = find_need(d, *var);
      n->with[a.name] = a.values.front();
      string other;
      for (const auto& v : common)
        if (lower(v) != lower(a.values.front()) && other.empty()) other = v;
      set_value(d, *target, other);
      d.description = "The " + string(a.resource) + " has " + a.name + "=" + a.values.front() +
                      ", which does not support " + target->name + "=" + other + ".";
      return d;
    }
    return std::nullopt;
  }

  // A status outside the allowed ones of the row's description (or the contract's requirement).
  string bad_status(const ErrorRow& row, const string& resource, const Need& n) const {
    const auto& vocab = status_vocabulary(resource);
    auto allowed = statuses_in(row.description, vocab);
    if (allowed.empty()) allowed = required_statuses(c_, resource);
    // Nothing documented: a status that no action accepts is a transitional one, so every stable
    // status counts as allowed.
    if (allowed.empty()) allowed = {"Running", "Stopped", "Available", "In_use", "Active"};
    bool attached = n.with.contains("InstanceId");
    for (const auto& s : vocab) {
      if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) continue;
      if (resource == "disk" && attached && (s == "Available" || s == "Creating")) continue;
      return s;
    }
    return vocab.empty() ? string() : vocab.back();
  }

  RuleResult state_rule(const ErrorRow& row) {
    Draft d = base_;
    const string& code = row.code;
    auto set = [&](const string& resource, const string& attr, ojson value,
                   const string& what) -> RuleResult {
      auto var = var_for_resource(d, resource);
      if (!var) return std::nullopt;
      Need* n = find_need(d, *var);
      n->with[attr] = std::move(value);
      n->description = describe_need(*n);
      d.description =
          "Needs " + describe_resource(n->resource) + " " + what + ": " + n->description + ".";
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
        string status = bad_status(row, n->resource, *n);
        if (status.empty()) return std::nullopt;
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
        {"DeletionProtection", "instance", "DeletionProtection", true,
         "with deletion protection on"},
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
      return set("scalinggroup", "MinSize", std::max(items, 1),
                 "whose MinSize equals its only instance");
    }
    // DependencyViolation between a disk and the instance named with it: the disk is attached to a
    // different instance, so status checks pass and only the attachment check fails.
    if (starts_with_ci(code, "DependencyViolation") &&
        (icontains(row.message, "not been attached") || icontains(row.message, "not attached"))) {
      auto disk = var_for_resource(d, "disk");
      auto inst = var_for_resource(d, "instance");
      if (!disk || !inst) return std::nullopt;
      Need other;
      other.var = "other_instance";
      other.resource = "instance";
      other.with = ojson{{"Status", find_need(d, *inst)->with.value("Status", "Running")}};
      other.description = describe_need(other);
      auto pos = std::find_if(d.needs.begin(), d.needs.end(),
                              [&](const Need& n) { return n.var == *disk; });
      d.needs.insert(pos, other);
      Need* dn = find_need(d, *disk);
      dn->with["InstanceId"] = "${other_instance}";
      dn->description = describe_need(*dn);
      d.description =
          "Needs a disk attached to another instance than the requested one: " + dn->description +
          ".";
      return d;
    }
    return std::nullopt;
  }

  // The fault need for an error no request or state produces, scoped to this request so that cases
  // running in parallel never see each other's faults.
  Draft fault_rule(const ErrorRow& row) {
    Draft d = base_;
    ojson match = ojson::object();
    for (const auto& [k, v] : d.params)
      if (v.starts_with("${")) {
        match[k] = v;
        break;
      }
    if (match.empty())
      if (const Param* t = param("ClientToken")) {
        string token = "popcheck-" + prefix_ + "-fault-" + std::to_string(++faults_);
        set_value(d, *t, token);
        match[t->name] = token;
      }
    if (match.empty())
      for (const auto& [k, v] : d.params)
        if (!is_system_param(k) && k != "RegionId") {
          match[k] = v;
          break;
        }
    Need f;
    f.var = "fault";
    f.resource = "fault";
    f.with = ojson::object();
    f.with["Action"] = c_.action;
    f.with["Status"] = row.http ? *row.http : 500;
    f.with["Code"] = row.code;
    f.with["Message"] = row.message;
    f.with["Match"] = match;
    f.description = "an injected " + row.code + " error (no request or resource state produces it)";
    d.needs.push_back(std::move(f));
    d.description = "Only a fault can produce " + row.code + ".";
    return d;
  }

  static string id_word(const string& code, size_t index) {
    string out;
    for (char ch : code)
      out += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-')
                 ? ch
                 : '_';
    while (!out.empty() && (out.back() == '.' || out.back() == '_')) out.pop_back();
    if (out.empty()) out = "row" + std::to_string(index + 1);
    return out;
  }

  // Documents write placeholders as "XXX" where the service names the resource; expect anything.
  static string expected_message(const string& msg) {
    string out;
    for (size_t i = 0; i < msg.size();) {
      size_t j = i;
      while (j < msg.size() && msg[j] == 'X') ++j;
      bool quoted = i > 0 && j < msg.size() && (msg[i - 1] == '"' || msg[i - 1] == '\'') &&
                    msg[j] == msg[i - 1];
      if (j - i >= 3 && quoted) {
        out += "%s";
        i = j;
      } else {
        out += msg[i++];
      }
    }
    return out;
  }

  bool lowest_status_of_code(const ErrorRow& row) const {
    if (!row.http) return true;
    for (const auto& other : c_.errors)
      if (other.code == row.code && other.http && *other.http < *row.http) return false;
    return true;
  }

  Case error_case(const ErrorRow& row) {
    RuleResult r;
    for (auto rule :
         {&Generator::missing_rule, &Generator::count_rule, &Generator::tag_quota_rule,
          &Generator::duplicate_rule, &Generator::unsupported_value_rule,
          &Generator::not_found_rule, &Generator::state_rule, &Generator::invalid_value_rule}) {
      r = (this->*rule)(row);
      if (r) break;
    }
    // A code documented with several statuses (RemoveTags: InvalidResourceType.NotFound as 400 and
    // as 404) gets the same derived request for each row, and one request earns one answer. The
    // service validates the request before it looks anything up, so the lowest status keeps the
    // derived trigger and the other rows need the answer injected.
    if (r && !lowest_status_of_code(row)) r.reset();
    Draft d = r ? std::move(*r) : fault_rule(row);
    size_t index = static_cast<size_t>(&row - c_.errors.data());
    Case k = make_case("error", prefix_ + ".error." + id_word(row.code, index), d, "JSON");
    if (row.http) {
      k.expect.status = *row.http;
    } else {
      k.expect.status = 400;
      k.expect.status_max = 599;
    }
    k.expect.code = row.code;
    if (!row.message.empty()) k.expect.message = expected_message(row.message);
    k.expect.shape = "error";
    return k;
  }

  // ---- negative cases
  // ----------------------------------------------------------------------------

  void negative_cases(std::vector<Case>& out) {
    for (const auto& p : c_.params) {
      if (is_system_param(p.name) || shadowed(p)) continue;
      std::vector<std::pair<string, string>> tries;  // (kind, value); value "\x01" = omit
      if (p.required) tries.emplace_back("required", "\x01");
      if (!p.allowed.empty() && !id_like(p)) tries.emplace_back("allowed", "popcheck-unsupported");
      string ex = default_value(p);
      for (const auto& pre : p.forbidden_prefixes)
        if (tries.end() == std::find_if(tries.begin(), tries.end(), [](const auto& t) {
              return t.first == "forbidden_prefix";
            }))
          tries.emplace_back("forbidden_prefix", pre + ex);
      if (!p.forbidden_substrings.empty())
        tries.emplace_back("forbidden_substring", ex + p.forbidden_substrings.front());
      // Lengths, counts and bounds are whatever the metadata says, up to 2^63-1: a breaking value
      // over kMaxBreakingBytes is not generated and the reason goes to the contract's warnings.
      auto skip = [&](const string& kind, const string& why) {
        if (!covered_.contains({p.name, kind}))
          skipped_.push_back("negative case " + prefix_ + ".negative." + p.name + "." + kind +
                             " is not generated: " + why);
      };
      if (p.max_length && *p.max_length >= kMaxBreakingBytes)
        skip("max_length", too_large(*p.max_length == INT64_MAX ? INT64_MAX : *p.max_length + 1,
                                     "maxLength " + std::to_string(*p.max_length)));
      else if (p.max_length)
        tries.emplace_back("max_length", string(static_cast<size_t>(*p.max_length) + 1, 'a'));
      if (p.min_length && *p.min_length > kMaxBreakingBytes)
        skip("min_length", too_large(*p.min_length - 1,
                                     "minLength " + std::to_string(*p.min_length)));
      else if (p.min_length && *p.min_length > 1)
        tries.emplace_back("min_length", string(static_cast<size_t>(*p.min_length) - 1, 'a'));
      if (p.non_empty) tries.emplace_back("non_empty", "");
      if (numeric_type(p.type) && p.maximum) {
        if (auto v = past(*p.maximum, 1))
          tries.emplace_back("maximum", fmt_number(*v));
        else
          skip("maximum", "no number is above the maximum " + fmt_number(*p.maximum));
      }
      if (numeric_type(p.type) && p.minimum) {
        if (auto v = past(*p.minimum, -1))
          tries.emplace_back("minimum", fmt_number(*v));
        else
          skip("minimum", "no number is below the minimum " + fmt_number(*p.minimum));
      }
      if (has_n(p.name) && p.repeat && p.repeat->max) {
        int64_t n = int64_t{*p.repeat->max} + 1;
        if (int64_t bytes = list_bytes(n, p.name.size() + default_value(p).size());
            bytes > kMaxBreakingBytes)
          skip("repeat", too_large(bytes, std::to_string(n) + " items"));
        else
          tries.emplace_back("repeat", "\x02");
      }
      for (const auto& [kind, value] : tries) {
        if (covered_.contains({p.name, kind})) continue;
        Draft d = base_;
        if (kind == "required") {
          erase_instances(d.params, p.name);
          std::erase_if(d.params, [&](const auto& kv) { return kv.first == p.name; });
          if (p.name == "RegionId") pin_region(d);
          d.description = "Omits the required parameter " + p.name + "; no error row names this.";
        } else if (kind == "repeat") {
          int n = *p.repeat->max + 1;  // bounded above: n items fit in kMaxBreakingBytes
          string first;
          if (string* v = param_value(d.params, instantiate(p.name, 1))) first = *v;
          erase_instances(d.params, p.name);
          for (int i = 1; i <= n; ++i)
            d.params.emplace_back(instantiate(p.name, i),
                                  i == 1 && !first.empty() ? first : nth_value(p, i));
          d.description = "Sends " + std::to_string(n) + " items of " + p.name +
                          ", above the documented maximum; no error row names this.";
        } else {
          set_value(d, p, value);
          d.description =
              "Breaks the " + kind + " constraint of " + p.name + "; no error row names this.";
        }
        prune_needs(d);
        Case k = make_case("negative", prefix_ + ".negative." + p.name + "." + kind, d, "JSON");
        k.expect.status = 400;
        k.expect.status_max = 499;
        k.expect.shape = "error";
        out.push_back(std::move(k));
      }
    }
  }
};

}  // namespace

std::vector<Case> generate_cases(const Contract& contract, std::vector<std::string>* skipped,
                                 const std::string& id_prefix) {
  Generator g(contract, id_prefix);
  std::vector<Case> out = g.run();
  if (skipped) skipped->insert(skipped->end(), g.skipped_.begin(), g.skipped_.end());
  return out;
}

}  // namespace popcheck::core
