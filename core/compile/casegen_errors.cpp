// Error rows that a request alone triggers (missing, too many, duplicated, unknown and malformed
// values), the fault fallback, and the error case itself. See casegen_internal.hpp.
#include <algorithm>
#include <cctype>

#include "core/compile/casegen_internal.hpp"

namespace popcheck::core::casegen {

// "InvalidDiskId.NotFound" -> "InvalidDiskId"; "NotFound.DiskId" -> "DiskId".
string Generator::code_word_before(const string& code, string_view suffix) {
  if (auto pos = code.rfind(string(suffix)); pos != string::npos) {
    string before = code.substr(0, pos);
    while (!before.empty() && before.back() == '.') before.pop_back();
    if (!before.empty()) {
      auto dot = before.rfind('.');
      return dot == string::npos ? before : before.substr(dot + 1);
    }
    string after = code.substr(pos + suffix.size());
    while (!after.empty() && after.front() == '.') after.erase(0, 1);
    return after;
  }
  return {};
}

// "MissingParameter.TagKey" -> "TagKey"; "Forbidden.TagKey.Duplicated" -> "TagKey".
string Generator::code_word_after(const string& code, string_view head) {
  auto pos = code.find(string(head));
  if (pos == string::npos) return {};
  string rest = code.substr(pos + head.size());
  while (!rest.empty() && rest.front() == '.') rest.erase(0, 1);
  auto dot = rest.find('.');
  return dot == string::npos ? rest : rest.substr(0, dot);
}

// A parameter name quoted in a message: "The input parameter TagValue that is mandatory...".
const Param* Generator::param_in_message(const string& msg) const {
  for (const string& marker : {string("parameter "), string("Parameter "), string("specified ")}) {
    for (size_t pos = msg.find(marker); pos != string::npos; pos = msg.find(marker, pos + 1)) {
      size_t b = pos + marker.size();
      while (b < msg.size() && (msg[b] == '"' || msg[b] == '\'' || msg[b] == '`')) ++b;
      size_t e = b;
      while (e < msg.size() && (std::isalnum(static_cast<unsigned char>(msg[e])) || msg[e] == '.'))
        ++e;
      string word = msg.substr(b, e - b);
      while (!word.empty() && word.back() == '.') word.pop_back();
      if (word.size() < 3 || std::islower(static_cast<unsigned char>(word[0]))) continue;
      if (const Param* p = find_param(word)) return p;
    }
  }
  return nullptr;
}

// The parameter a Missing row is about; `named` says whether the row names it (by code or message)
// or it is only the first required parameter of the request.
const Param* Generator::missing_target(const ErrorRow& row, bool* named) const {
  *named = false;
  // The message markers count only when the message is about a parameter: "A required
  // authorization ... is not supplied" is a permission error.
  bool missing =
      icontains(row.code, "Missing") ||
      (icontains(row.message, "parameter") &&
       (icontains(row.message, "mandatory") || icontains(row.message, "is not supplied") ||
        icontains(row.message, "must be specified") || icontains(row.message, "is required")));
  if (!missing) return nullptr;
  const Param* target = find_param(code_word_after(row.code, "MissingParameter"));
  if (!target && istarts_with(row.code, "Missing")) {
    // "MissingInstanceId", "MissingParam.vpcId".
    auto dot = row.code.find('.');
    target = find_param(dot == string::npos ? row.code.substr(7) : row.code.substr(dot + 1));
  }
  if (!target) target = param_in_message(row.message);
  if (target) {
    *named = true;
    return target;
  }
  // Any required parameter will do; prefer one that is not a region or a system parameter, nor one
  // that another row names.
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& p : c_.params)
      if (p.required && !is_system_param(p.name) && !shadowed(p) &&
          (pass == 1 || p.name != "RegionId") && has_instance(base_.params, p.name) &&
          !named_missing_.contains(p.name))
        return &p;
  return nullptr;
}

Generator::RuleResult Generator::missing_rule(const ErrorRow& row) {
  bool named = false;
  const Param* target = missing_target(row, &named);
  if (!target) return std::nullopt;
  Draft d = base_;
  if (target->required) {
    erase_instances(d.params, target->name);
    std::erase_if(d.params, [&](const auto& kv) { return kv.first == target->name; });
    if (target->name == "RegionId") pin_region(d);
    d.description = "Omits the required parameter " + target->name + ".";
    current_.kind = TriggerKind::required;
  } else if (has_n(target->name)) {
    // An optional list member is required once its siblings are given: send a sibling alone.
    const Param* sibling = nullptr;
    for (const Param* q : group_of(*target))
      if (q != target) sibling = sibling ? sibling : q;
    if (!sibling) return std::nullopt;
    erase_instances(d.params, target->name);
    if (!has_instance(d.params, sibling->name))
      d.params.emplace_back(instantiate(sibling->name, 1), nth_value(*sibling, 1));
    d.description =
        "Sends " + instantiate(sibling->name, 1) + " without " + instantiate(target->name, 1) + ".";
    current_.kind = TriggerKind::sibling;
  } else {
    return std::nullopt;
  }
  current_.param = target->name;
  covered_.insert({target->name, "required"});
  prune_needs(d);
  return d;
}

Generator::RuleResult Generator::count_rule(const ErrorRow& row) {
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
  if (int64_t bytes = values::list_bytes(n, target->name.size() + default_value(*target).size());
      bytes > values::kMaxBreakingBytes) {
    skipped_.push_back("error case " + row.code + " is not derived from " + target->name + ": " +
                       values::too_large(bytes, std::to_string(n) + " items"));
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
      // A provisioned first id stays; the others are well-formed ids that the count check rejects
      // before any lookup.
      if (i == 1 && q == target && !first_value.empty()) v = first_value;
      d.params.emplace_back(instantiate(q->name, i), v);
    }
  d.description = "Sends " + std::to_string(n) + " items of " + target->name +
                  ", one more than the documented maximum of " +
                  std::to_string(*target->repeat->max) + ".";
  covered_.insert({target->name, "repeat"});
  for (const Param* q : members) covered_.insert({q->name, "repeat"});
  current_.kind = TriggerKind::repeat;
  current_.param = target->name;
  prune_needs(d);
  return d;
}

Generator::RuleResult Generator::duplicate_rule(const ErrorRow& row) {
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
  current_.kind = TriggerKind::duplicate;
  current_.param = target->name;
  prune_needs(d);
  return d;
}

// Sets the value of `target` in the request (its first item for a list). Resources are provisioned
// in the request's region by default; when the region itself is what the case breaks, they keep the
// valid one.
void Generator::set_value(Draft& d, const Param& target, const string& value) const {
  if (target.name == "RegionId") pin_region(d);
  set_value_only(d, target, value);
  // A list item needs the members a Missing row says it must have ("Tag.1.Value" alone is a
  // missing Tag.1.Key), so that only the value is wrong.
  if (has_n(target.name))
    for (const Param* q : group_of(target))
      if (q != &target && named_missing_.contains(q->name) && !has_instance(d.params, q->name))
        d.params.emplace_back(instantiate(q->name, 1), nth_value(*q, 1));
}

void Generator::pin_region(Draft& d) const {
  if (const string* region = param_value(original_, "RegionId"))
    for (auto& n : d.needs)
      if (n.resource != "fault" && !n.with.contains("RegionId")) {
        n.with["RegionId"] = *region;
        n.description = describe_need(n);
      }
}

void Generator::set_value_only(Draft& d, const Param& target, const string& value) {
  string name = has_n(target.name) ? instantiate(target.name, 1) : target.name;
  if (string* v = param_value(d.params, name)) {
    *v = value;
    return;
  }
  d.params.emplace_back(name, value);
}

// The parameter a "not found" row is about ("InvalidDiskId.NotFound", "NotExist.Vpc"); nullptr
// when the row is no such row or names no parameter.
const Param* Generator::not_found_target(const ErrorRow& row) const {
  string word;
  for (const string& s : {string("NotFound"), string("NotExist"), string("NotExists")})
    if (word.empty() && icontains(row.code, s)) {
      auto pos = lower(row.code).find(lower(s));
      word = code_word_before(row.code, row.code.substr(pos, s.size()));
    }
  if (word.empty()) return nullptr;
  const Param* target = find_param(word);
  if (!target) target = param_in_message(row.message);
  if (!target || is_system_param(target->name)) return nullptr;
  return target;
}

Generator::RuleResult Generator::not_found_rule(const ErrorRow& row) {
  const Param* target = not_found_target(row);
  if (!target) return std::nullopt;
  Draft d = base_;
  if (target->name == "RegionId") {
    set_value(d, *target, "popcheck-nowhere-1");
    d.description = "Sends a RegionId that does not exist.";
    covered_.insert({target->name, "allowed"});
    current_.kind = TriggerKind::region;
  } else if (!target->allowed.empty() && !id_like(target->name)) {
    set_value(d, *target, "popcheck-unsupported");
    d.description = "Sends " + target->name +
                    "=popcheck-unsupported, outside the documented "
                    "values.";
    covered_.insert({target->name, "allowed"});
    current_.kind = TriggerKind::allowed;
  } else {
    // Only an id the emulator can look up: a value that names nothing else is for a fault.
    if (!exists_kind(*target)) return std::nullopt;
    const string* cur =
        param_value(original_, has_n(target->name) ? instantiate(target->name, 1) : target->name);
    string example = target->example.empty() && cur ? *cur : target->example;
    string id = values::missing_value(*target, example);
    set_value(d, *target, id);
    d.description = "Sends " + target->name + "=" + id + ", an id that cannot exist.";
    current_.kind = TriggerKind::exists;
  }
  current_.param = target->name;
  prune_needs(d);
  return d;
}

Generator::RuleResult Generator::invalid_value_rule(const ErrorRow& row) {
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
  auto bad = values::breaking_value(*target);
  if (!bad) return std::nullopt;
  Draft d = base_;
  set_value(d, *target, bad->first);
  d.description =
      "Sends a value of " + target->name + " that breaks its " + bad->second + " constraint.";
  covered_.insert({target->name, bad->second});
  // breaking_value names only the constraints constraint_trigger knows.
  current_.kind = target->name == "RegionId"
                      ? TriggerKind::region
                      : constraint_trigger(bad->second).value_or(TriggerKind::fault);
  current_.param = target->name;
  prune_needs(d);
  return d;
}

// The fault need for an error no request or state produces, scoped to this request so that cases
// running in parallel never see each other's faults.
Draft Generator::fault_rule(const ErrorRow& row) {
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

namespace {

string id_word(const string& code, size_t index) {
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
string expected_message(const string& msg) {
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

string trigger_key(const ErrorTrigger& t) {
  string key = string(to_string(t.kind)) + "|" + t.param + "|" + t.id_param + "|" + t.attribute +
               "|" + (t.negate ? "!" : "") + std::to_string(t.limit);
  for (const auto& v : t.values) key += "|" + v;
  return key;
}

}  // namespace

bool Generator::lowest_status_of_code(const ErrorRow& row) const {
  if (!row.http) return true;
  for (const auto& other : c_.errors)
    if (other.code == row.code && other.http && *other.http < *row.http) return false;
  return true;
}

Draft Generator::error_draft(const ErrorRow& row) {
  RuleResult r;
  for (auto rule :
       {&Generator::missing_rule, &Generator::count_rule, &Generator::tag_quota_rule,
        &Generator::duplicate_rule, &Generator::unsupported_value_rule, &Generator::not_found_rule,
        &Generator::state_rule, &Generator::invalid_value_rule}) {
    current_ = ErrorTrigger{};
    r = (this->*rule)(row);
    if (r) break;
  }
  // A code documented with several statuses (RemoveTags: InvalidResourceType.NotFound as 400 and as
  // 404) gets the same derived request for each row, and one request earns one answer. The service
  // validates the request before it looks anything up, so the lowest status keeps the derived
  // trigger and the other rows need the answer injected. Likewise a request another row's case
  // already sends, for another answer.
  if (r && !lowest_status_of_code(row)) r.reset();
  if (r) {
    auto [owner, added] =
        trigger_owner_.emplace(trigger_key(current_), std::make_pair(row.http, row.code));
    if (!added && owner->second != std::make_pair(row.http, row.code)) r.reset();
  }
  if (!r) current_ = ErrorTrigger{};
  current_.row = static_cast<size_t>(&row - c_.errors.data());
  triggers_.push_back(current_);
  return r ? std::move(*r) : fault_rule(row);
}

Case Generator::error_case(const ErrorRow& row) {
  Draft d = error_draft(row);
  size_t index = static_cast<size_t>(&row - c_.errors.data());
  Case k = make_case(CaseKind::error, prefix_ + ".error." + id_word(row.code, index), d, "JSON");
  if (row.http) {
    k.expect.status = *row.http;
  } else {
    k.expect.status = 400;
    k.expect.status_max = 599;
  }
  k.expect.code = row.code;
  if (!row.message.empty()) k.expect.message = expected_message(row.message);
  k.expect.shape = Shape::error;
  return k;
}

}  // namespace popcheck::core::casegen
