#include "proxy/faults.hpp"

#include <algorithm>
#include <boost/beast/http.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

#include "core/support/text.hpp"
#include "proxy/limits.hpp"

namespace popcheck::proxy {

using core::ojson;

namespace {

constexpr std::string_view kFlagKeys = "action, p, count, status, message, retry-after, bytes";

size_t kind_index(FaultKind kind) { return static_cast<size_t>(kind); }

std::string_view trim(std::string_view s) { return core::text::trim_ascii(s); }

std::optional<uint64_t> parse_uint(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// "200", "200ms" or "2s", in milliseconds.
std::optional<uint64_t> parse_ms(std::string_view s) {
  uint64_t scale = 1;
  if (s.ends_with("ms")) {
    s.remove_suffix(2);
  } else if (s.ends_with("s")) {
    s.remove_suffix(1);
    scale = 1000;
  }
  auto v = parse_uint(s);
  if (!v || *v > (uint64_t(1) << 40)) return std::nullopt;
  return *v * scale;
}

std::optional<double> parse_probability(std::string_view s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || std::isnan(v) || v < 0 ||
      v > 1)
    return std::nullopt;
  return v;
}

std::vector<std::string> split_actions(std::string_view s) {
  std::vector<std::string> out;
  while (true) {
    size_t bar = s.find('|');
    std::string_view one = trim(s.substr(0, bar));
    if (!one.empty()) out.emplace_back(one);
    if (bar == std::string_view::npos) break;
    s.remove_prefix(bar + 1);
  }
  return out;
}

std::unexpected<Error> bad(std::string_view spec, std::string_view part, std::string_view why) {
  return fail("fault.parse",
              "'" + std::string(part) + "' in '" + std::string(spec) + "': " + std::string(why));
}

// Fills in the defaults of an error rule and checks what the rule needs; `where` names the rule.
Expected<void> finish(FaultRule& rule, const std::string& where) {
  auto problem = [&](const std::string& why) { return fail("fault.parse", where + ": " + why); };
  if (rule.kind == FaultKind::error) {
    if (rule.code.empty()) return problem("an error needs a Code, e.g. error:Throttling.User");
    for (char c : rule.code)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
        return problem("the Code '" + rule.code + "' may hold letters, digits, '.', '_' and '-'");
    auto known = known_error(rule.code);
    if (rule.status == 0) {
      if (!known)
        return problem("the Code '" + rule.code +
                       "' is not one popcheck knows (Throttling.User, Throttling, Throttling.Api, "
                       "ServiceUnavailable, InternalError): give its status=");
      rule.status = known->status;
    }
    if (rule.status < 400 || rule.status > 599)
      return problem("status " + std::to_string(rule.status) + " is not an error status (400-599)");
    if (rule.message.empty())
      rule.message = known ? std::string(known->message)
                           : "The request was denied (" + rule.code + ", injected by popcheck).";
  } else {
    if (!rule.code.empty() || rule.status != 0 || !rule.message.empty() || rule.retry_after_ms)
      return problem("status, message and retry-after belong to error rules");
  }
  if (rule.kind == FaultKind::latency && rule.max_ms > kMaxLatencyMs)
    return problem("a delay of " + std::to_string(rule.max_ms) + " ms is over the maximum of " +
                   std::to_string(kMaxLatencyMs) + " ms (one hour)");
  if (rule.kind == FaultKind::latency && rule.min_ms > rule.max_ms)
    return problem("the latency range " + std::to_string(rule.min_ms) + "-" +
                   std::to_string(rule.max_ms) + " ends before it starts");
  if (rule.kind != FaultKind::latency && (rule.min_ms || rule.max_ms))
    return problem("a delay belongs to latency rules");
  if (rule.kind != FaultKind::truncate && rule.bytes)
    return problem("bytes belongs to truncate rules");
  return {};
}

std::optional<FaultKind> kind_of(std::string_view name) {
  for (FaultKind k : kFaultKinds)
    if (name == fault_kind_name(k)) return k;
  return std::nullopt;
}

std::string format_probability(double p) {
  std::ostringstream out;
  out << p;
  return out.str();
}

// splitmix64: spreads (seed, rule position) over the generator's seed space, so that neighbouring
// seeds and rules do not start correlated sequences.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// A uniform double in [0, 1) from the top 53 bits, the same on every platform (the standard's
// distributions are not specified bit for bit).
double unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// The size of the status line and headers the server will write for `response` (HTTP/1.1,
// keep-alive), so that a default truncation falls inside the body.
size_t head_size(const net::HttpResponse& response) {
  namespace http = boost::beast::http;
  http::response<http::empty_body> head;
  head.version(11);
  head.result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : response.fields()) {
    if (boost::beast::iequals(name, "Transfer-Encoding") ||
        boost::beast::iequals(name, "Connection") || boost::beast::iequals(name, "Content-Length"))
      continue;
    head.insert(name, value);
  }
  head.content_length(response.content().size());
  std::ostringstream out;
  out << head.base();
  return out.str().size();
}

}  // namespace

std::string_view fault_kind_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::latency:
      return "latency";
    case FaultKind::error:
      return "error";
    case FaultKind::reset:
      return "reset";
    case FaultKind::truncate:
      return "truncate";
  }
  return "error";
}

std::optional<KnownError> known_error(std::string_view code) {
  // Codes and messages as the cloud's gateway sends them.
  static constexpr std::pair<std::string_view, KnownError> kKnown[] = {
      {"Throttling.User", {400, "Request was denied due to user flow control."}},
      {"Throttling.Api", {400, "Request was denied due to api flow control."}},
      {"Throttling", {400, "Request was denied due to request throttling."}},
      {"ServiceUnavailable",
       {503, "The request has failed due to a temporary failure of the server."}},
      {"InternalError",
       {500, "The request processing has failed due to some unknown error, exception or failure."}},
  };
  for (const auto& [name, known] : kKnown)
    if (name == code) return known;
  return std::nullopt;
}

Expected<FaultRule> parse_fault(std::string_view spec) {
  std::string_view text = trim(spec);
  if (text.empty())
    return fail("fault.parse", "an empty fault; use latency, error, reset or truncate");
  // Parts keep their spaces so that a message with commas is put back together exactly.
  std::vector<std::string_view> raw;
  while (true) {
    size_t comma = text.find(',');
    raw.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  std::vector<std::string_view> parts;
  parts.reserve(raw.size());
  for (std::string_view r : raw) parts.push_back(trim(r));
  FaultRule rule;
  std::string_view head = parts[0];
  size_t colon = head.find(':');
  std::string_view kind_name = trim(head.substr(0, colon));
  std::string_view arg =
      colon == std::string_view::npos ? std::string_view() : trim(head.substr(colon + 1));
  auto kind = kind_of(kind_name);
  if (!kind)
    return bad(spec, kind_name, "unknown fault kind; use latency, error, reset or truncate");
  rule.kind = *kind;
  switch (rule.kind) {
    case FaultKind::latency: {
      if (arg.empty())
        return bad(spec, head, "latency needs a delay: latency:MS or latency:MIN-MAX");
      size_t dash = arg.find('-');
      auto lo = parse_ms(trim(arg.substr(0, dash)));
      auto hi = dash == std::string_view::npos ? lo : parse_ms(trim(arg.substr(dash + 1)));
      if (!lo || !hi)
        return bad(spec, arg,
                   "a delay is milliseconds, at most " + std::to_string(kMaxLatencyMs) +
                       ": 50, 50ms, 2s or 50-200");
      rule.min_ms = *lo;
      rule.max_ms = *hi;
      break;
    }
    case FaultKind::error:
      if (arg.empty()) return bad(spec, head, "an error needs a Code: error:Throttling.User");
      rule.code = std::string(arg);
      break;
    case FaultKind::reset:
    case FaultKind::truncate:
      if (!arg.empty()) return bad(spec, head, "this kind takes no ':' argument");
      break;
  }
  bool in_message = false;
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      // A comma inside the message: the message runs on.
      if (in_message) {
        rule.message += ",";
        rule.message += raw[i];
        continue;
      }
      return bad(spec, part, std::string("expected key=value (") + std::string(kFlagKeys) + ")");
    }
    std::string_view key = trim(part.substr(0, eq));
    std::string_view value = trim(part.substr(eq + 1));
    if (in_message) {
      // Only known keys end a message; anything else with '=' is message text.
      static constexpr std::string_view kKeys[] = {
          "action", "p", "probability", "count", "status", "retry-after", "bytes", "message"};
      if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
        rule.message += ",";
        rule.message += raw[i];
        continue;
      }
      in_message = false;
    }
    if (key == "action") {
      rule.actions = split_actions(value);
      if (rule.actions.empty()) return bad(spec, part, "action needs a name (A or A|B)");
    } else if (key == "p" || key == "probability") {
      auto p = parse_probability(value);
      if (!p) return bad(spec, part, "the probability is a number from 0 to 1");
      rule.probability = *p;
    } else if (key == "count") {
      auto n = parse_uint(value);
      if (!n || *n == 0) return bad(spec, part, "count is a positive whole number");
      rule.count = *n;
    } else if (key == "status") {
      auto n = parse_uint(value);
      if (!n || *n < 400 || *n > 599) return bad(spec, part, "status is an error status, 400-599");
      rule.status = static_cast<int>(*n);
    } else if (key == "message") {
      // Up to the end of the raw part, so that trailing text after later commas joins exactly.
      std::string_view raw_value = raw[i].substr(raw[i].find('=') + 1);
      while (!raw_value.empty() && std::isspace(static_cast<unsigned char>(raw_value.front())))
        raw_value.remove_prefix(1);
      rule.message = std::string(raw_value);
      in_message = true;
    } else if (key == "retry-after") {
      auto ms = parse_ms(value);
      if (!ms) return bad(spec, part, "retry-after is milliseconds: 20, 20ms or 1s");
      rule.retry_after_ms = *ms;
    } else if (key == "bytes") {
      auto n = parse_uint(value);
      if (!n) return bad(spec, part, "bytes is a whole number");
      rule.bytes = static_cast<size_t>(*n);
    } else {
      return bad(spec, part,
                 "unknown key '" + std::string(key) + "' (" + std::string(kFlagKeys) + ")");
    }
  }
  if (auto ok = finish(rule, "'" + std::string(spec) + "'"); !ok)
    return std::unexpected(ok.error());
  return rule;
}

std::string fault_to_spec(const FaultRule& rule) {
  std::string out(fault_kind_name(rule.kind));
  if (rule.kind == FaultKind::latency) {
    out += ":" + std::to_string(rule.min_ms);
    if (rule.max_ms != rule.min_ms) out += "-" + std::to_string(rule.max_ms);
  } else if (rule.kind == FaultKind::error) {
    out += ":" + rule.code;
  }
  if (!rule.actions.empty()) {
    out += ",action=";
    for (size_t i = 0; i < rule.actions.size(); ++i) out += (i ? "|" : "") + rule.actions[i];
  }
  if (rule.probability != 1.0) out += ",p=" + format_probability(rule.probability);
  if (rule.count) out += ",count=" + std::to_string(*rule.count);
  if (rule.kind == FaultKind::error) {
    out += ",status=" + std::to_string(rule.status);
    if (rule.retry_after_ms) out += ",retry-after=" + std::to_string(*rule.retry_after_ms);
  }
  if (rule.bytes) out += ",bytes=" + std::to_string(*rule.bytes);
  // Last, because a message may hold commas.
  if (rule.kind == FaultKind::error) out += ",message=" + rule.message;
  return out;
}

Expected<FaultRule> fault_from_json(const ojson& json, const std::string& where) {
  if (json.is_string()) {
    auto rule = parse_fault(json.get<std::string>());
    if (!rule) return fail("fault.parse", where + ": " + rule.error().message);
    return rule;
  }
  if (!json.is_object())
    return fail("fault.parse", where + ": a rule is an object or a string in flag syntax");
  FaultRule rule;
  auto problem = [&](const std::string& key, const std::string& why) {
    return fail("fault.parse", where + "." + key + ": " + why);
  };
  auto get_uint = [&](const ojson& v) -> std::optional<uint64_t> {
    if (v.is_number_unsigned()) return v.get<uint64_t>();
    if (v.is_number_integer() && v.get<int64_t>() >= 0)
      return static_cast<uint64_t>(v.get<int64_t>());
    return std::nullopt;
  };
  if (!json.contains("kind") || !json["kind"].is_string())
    return fail("fault.parse",
                where + ": \"kind\" (latency, error, reset or truncate) is required");
  auto kind = kind_of(json["kind"].get<std::string>());
  if (!kind)
    return problem("kind", "unknown fault kind '" + json["kind"].get<std::string>() +
                               "'; use latency, error, reset or truncate");
  rule.kind = *kind;
  bool has_min = false, has_max = false;
  for (const auto& [key, value] : json.items()) {
    if (key == "kind" || key == "spec" || key == "injected") {
      // "spec" and "injected" are what GET adds; accepting them lets a client PUT back what it
      // read.
      continue;
    } else if (key == "action") {
      if (value.is_string()) {
        rule.actions = split_actions(value.get<std::string>());
      } else if (value.is_array()) {
        for (const auto& a : value) {
          if (!a.is_string() || a.get<std::string>().empty())
            return problem(key, "every action is a non-empty string");
          rule.actions.push_back(a.get<std::string>());
        }
      } else if (!value.is_null()) {
        return problem(key, "a name or a list of names");
      }
    } else if (key == "probability") {
      if (!value.is_number() || std::isnan(value.get<double>()) || value.get<double>() < 0 ||
          value.get<double>() > 1)
        return problem(key, "a number from 0 to 1");
      rule.probability = value.get<double>();
    } else if (key == "count") {
      if (value.is_null()) continue;
      auto n = get_uint(value);
      if (!n || *n == 0) return problem(key, "a positive whole number");
      rule.count = *n;
    } else if (key == "min_ms" || key == "max_ms" || key == "latency_ms") {
      auto n = get_uint(value);
      if (!n) return problem(key, "milliseconds, a whole number");
      if (key != "max_ms") rule.min_ms = *n, has_min = true;
      if (key != "min_ms") rule.max_ms = *n, has_max = true;
    } else if (key == "code") {
      if (!value.is_string()) return problem(key, "a string");
      rule.code = value.get<std::string>();
    } else if (key == "status") {
      auto n = get_uint(value);
      if (!n || *n < 400 || *n > 599) return problem(key, "an error status, 400-599");
      rule.status = static_cast<int>(*n);
    } else if (key == "message") {
      if (!value.is_string()) return problem(key, "a string");
      rule.message = value.get<std::string>();
    } else if (key == "retry_after_ms") {
      if (value.is_null()) continue;
      auto n = get_uint(value);
      if (!n) return problem(key, "milliseconds, a whole number");
      rule.retry_after_ms = *n;
    } else if (key == "bytes") {
      if (value.is_null()) continue;
      auto n = get_uint(value);
      if (!n) return problem(key, "a whole number");
      rule.bytes = static_cast<size_t>(*n);
    } else {
      return problem(key,
                     "unknown key (kind, action, probability, count, min_ms, max_ms, code, "
                     "status, message, retry_after_ms, bytes)");
    }
  }
  if (rule.kind == FaultKind::latency && !has_min && !has_max)
    return fail("fault.parse", where + ": a latency rule needs min_ms/max_ms or latency_ms");
  if (has_min && !has_max) rule.max_ms = rule.min_ms;
  if (has_max && !has_min) rule.min_ms = rule.max_ms;
  if (auto ok = finish(rule, where); !ok) return std::unexpected(ok.error());
  return rule;
}

ojson fault_to_json(const FaultRule& rule) {
  ojson j;
  j["kind"] = fault_kind_name(rule.kind);
  if (!rule.actions.empty()) j["action"] = rule.actions;
  j["probability"] = rule.probability;
  j["count"] = rule.count ? ojson(*rule.count) : ojson(nullptr);
  switch (rule.kind) {
    case FaultKind::latency:
      j["min_ms"] = rule.min_ms;
      j["max_ms"] = rule.max_ms;
      break;
    case FaultKind::error:
      j["code"] = rule.code;
      j["status"] = rule.status;
      j["message"] = rule.message;
      if (rule.retry_after_ms) j["retry_after_ms"] = *rule.retry_after_ms;
      break;
    case FaultKind::truncate:
      if (rule.bytes) j["bytes"] = *rule.bytes;
      break;
    case FaultKind::reset:
      break;
  }
  j["spec"] = fault_to_spec(rule);
  return j;
}

Expected<FaultConfig> fault_config_from_json(const ojson& json, uint64_t default_seed) {
  if (!json.is_object())
    return fail("fault.parse",
                "the fault configuration is an object: {\"seed\": N, \"rules\": [...]}");
  FaultConfig config;
  config.seed = default_seed;
  for (const auto& [key, value] : json.items()) {
    if (key == "seed") {
      if (!value.is_number_unsigned() && (!value.is_number_integer() || value.get<int64_t>() < 0))
        return fail("fault.parse", "seed: a whole number");
      config.seed = value.get<uint64_t>();
    } else if (key == "rules") {
      if (!value.is_array()) return fail("fault.parse", "rules: a list of rules");
      for (size_t i = 0; i < value.size(); ++i) {
        auto rule = fault_from_json(value[i], "rules[" + std::to_string(i) + "]");
        if (!rule) return std::unexpected(rule.error());
        config.rules.push_back(std::move(*rule));
      }
    } else {
      return fail("fault.parse", "unknown key '" + key + "' (seed, rules)");
    }
  }
  return config;
}

void FaultDecision::apply(net::HttpResponse& response) const {
  response.delay = delay;
  response.abort = abort;
  if (abort == net::HttpResponse::Abort::truncate) {
    size_t body = response.content().size();
    if (truncate_bytes)
      response.truncate_at = *truncate_bytes;
    else if (body == 0)
      // A cut in an empty body would fall after the last byte; cut the head instead.
      response.truncate_at = head_size(response) / 2;
    else
      response.truncate_at = head_size(response) + body / 2;
  }
}

FaultInjector::FaultInjector(FaultConfig config) { configure(std::move(config)); }

void FaultInjector::configure(FaultConfig config) {
  std::lock_guard lock(mutex_);
  seed_ = config.seed;
  rules_.clear();
  for (size_t i = 0; i < config.rules.size(); ++i)
    rules_.push_back(Rule{std::move(config.rules[i]), std::mt19937_64(mix(seed_ ^ mix(i + 1))), 0});
}

FaultConfig FaultInjector::config() const {
  std::lock_guard lock(mutex_);
  FaultConfig c;
  c.seed = seed_;
  for (const auto& r : rules_) c.rules.push_back(r.rule);
  return c;
}

ojson FaultInjector::config_json() const {
  std::lock_guard lock(mutex_);
  ojson rules = ojson::array();
  for (const auto& r : rules_) {
    ojson j = fault_to_json(r.rule);
    j["injected"] = r.injected;
    rules.push_back(std::move(j));
  }
  ojson out;
  out["seed"] = seed_;
  out["rules"] = std::move(rules);
  return out;
}

FaultDecision FaultInjector::decide(std::string_view action, bool xml, const std::string& host_id,
                                    bool retry) {
  return decide(
      action, xml, [&host_id] { return host_id; }, retry);
}

FaultDecision FaultInjector::decide(std::string_view action, bool xml,
                                    const std::function<std::string()>& host_id, bool retry) {
  FaultDecision decision;
  // Counters are named by a bounded form of the Action and limited in number (limits.hpp): a client
  // inventing Action values never grows them, nor GET /__popcheck/stats, without bound.
  // The counter's name is the Action itself unless it is too long to keep: no string is built
  // for it on the way to finding its counters.
  std::string shortened;
  std::string_view name = action.empty() ? std::string_view("<none>") : action;
  if (name.size() > kMaxKeptValue) name = shortened = shorten(action);
  std::lock_guard lock(mutex_);
  auto counters = by_action_.find(name);
  if (counters == by_action_.end()) {
    if (by_action_.size() >= kMaxTrackedActions) {
      ++untracked_;
      name = kOtherActions;
      counters = by_action_.find(name);
    }
    if (counters == by_action_.end())
      counters = by_action_.emplace(std::string(name), ActionCounters{}).first;
  }
  ++counters->second.requests;
  if (retry) ++counters->second.retries;
  bool terminal = false;  // an error, reset or truncation has been chosen
  for (auto& r : rules_) {
    const FaultRule& rule = r.rule;
    if (!rule.actions.empty() &&
        std::find(rule.actions.begin(), rule.actions.end(), action) == rule.actions.end())
      continue;
    // Every rule that applies to the request draws, whether or not it ends up firing, so that its
    // sequence depends only on the requests it applies to.
    bool drawn = unit(r.rng) < rule.probability;
    uint64_t span = rule.max_ms - rule.min_ms;
    uint64_t delay = rule.kind == FaultKind::latency && span > 0
                         ? rule.min_ms + r.rng() % (span + 1)
                         : rule.min_ms;
    if (!drawn || (rule.count && r.injected >= *rule.count)) continue;
    // The first error, reset or truncation wins; the later ones neither fire nor spend their count.
    if (rule.kind != FaultKind::latency && terminal) continue;
    switch (rule.kind) {
      case FaultKind::latency:
        decision.delay += std::chrono::milliseconds(delay);
        break;
      case FaultKind::error: {
        net::ApiError e;
        e.status = rule.status;
        e.code = rule.code;
        e.message = rule.message;
        e.host_id = host_id();
        net::HttpResponse response = net::make_error_response(e, xml);
        if (rule.retry_after_ms)
          response.headers.emplace_back("x-acs-retry-after", std::to_string(*rule.retry_after_ms));
        decision.error = std::move(response);
        terminal = true;
        break;
      }
      case FaultKind::reset:
        decision.abort = net::HttpResponse::Abort::reset;
        terminal = true;
        break;
      case FaultKind::truncate:
        decision.abort = net::HttpResponse::Abort::truncate;
        decision.truncate_bytes = rule.bytes;
        terminal = true;
        break;
    }
    ++r.injected;
    ++injected_[kind_index(rule.kind)];
    ++counters->second.injected[kind_index(rule.kind)];
  }
  return decision;
}

ojson FaultInjector::stats_json() const {
  std::lock_guard lock(mutex_);
  ojson requests = ojson::object(), retries = ojson::object(), injected = ojson::object(),
        injected_by_action = ojson::object();
  for (FaultKind k : kFaultKinds)
    injected[std::string(fault_kind_name(k))] = injected_[kind_index(k)];
  for (const auto& [action, c] : by_action_) {
    requests[action] = c.requests;
    if (c.retries) retries[action] = c.retries;
    ojson kinds = ojson::object();
    for (FaultKind k : kFaultKinds)
      if (c.injected[kind_index(k)])
        kinds[std::string(fault_kind_name(k))] = c.injected[kind_index(k)];
    if (!kinds.empty()) injected_by_action[action] = std::move(kinds);
  }
  ojson out;
  out["requests_by_action"] = std::move(requests);
  out["retries_by_action"] = std::move(retries);
  out["injected"] = std::move(injected);
  out["injected_by_action"] = std::move(injected_by_action);
  // Requests counted under kOtherActions because kMaxTrackedActions actions were already counted.
  out["actions_limit"] = kMaxTrackedActions;
  out["dropped"] = untracked_;
  return out;
}

}  // namespace popcheck::proxy
