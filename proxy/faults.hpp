#pragma once
// Fault injection for the proxy, so that clients' retries and timeouts can be tested: latency
// (fixed or a random range), errors in the API's own vocabulary (Throttling.User,
// ServiceUnavailable, ...) with well-formed bodies and x-acs-retry-after, connection resets and
// truncated responses. Rules come from `--fault` flags or the admin endpoint's JSON; decisions are
// deterministic for a seed: each rule draws from its own generator, seeded from the seed and the
// rule's position, once per request its action filter accepts, so the same seed and the same order
// of requests give the same decisions whatever other actions are interleaved.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/model.hpp"
#include "net/http.hpp"

namespace popcheck::proxy {

enum class FaultKind { latency, error, reset, truncate };
inline constexpr FaultKind kFaultKinds[] = {FaultKind::latency, FaultKind::error, FaultKind::reset,
                                            FaultKind::truncate};
std::string_view fault_kind_name(FaultKind kind);

struct FaultRule {
  FaultKind kind = FaultKind::error;
  std::vector<std::string> actions;  // empty: every action
  double probability = 1.0;          // 0..1, drawn per request the action filter accepts
  std::optional<uint64_t> count;     // inject at most this many times

  // latency: a fixed delay (min == max) or uniform in [min, max], in milliseconds, at most
  // kMaxLatencyMs.
  uint64_t min_ms = 0, max_ms = 0;

  // error: the Code, its status and message (defaults for the codes popcheck knows).
  std::string code;
  int status = 0;
  std::string message;
  std::optional<uint64_t> retry_after_ms;  // sent as x-acs-retry-after

  // truncate: bytes of the serialised response written before closing; none: about the middle of
  // the body, so that the status line and headers arrive whole and the body does not.
  std::optional<size_t> bytes;
};

// The longest latency a rule may add: one hour, beyond any client's timeout (a longer wait is a hang;
// test that with a reset). Larger values are refused when parsed (flag and admin API alike): they
// would overflow the delay's clock arithmetic and be silently skipped.
inline constexpr uint64_t kMaxLatencyMs = 3'600'000;

// Flag syntax: KIND[:ARG][,key=value]...
//   latency:MS | latency:MIN-MAX      (milliseconds; "ms" or "s" suffixes accepted)
//   error:CODE[,status=N][,message=TEXT][,retry-after=MS]
//   reset
//   truncate[,bytes=N]
// and for every kind: action=NAME[|NAME...], p=PROBABILITY (0..1, default 1), count=N.
// A message may contain commas when it is the last key. Errors name the bad part.
Expected<FaultRule> parse_fault(std::string_view spec);
// The rule in flag syntax (parse_fault of it gives the rule back).
std::string fault_to_spec(const FaultRule& rule);

// JSON form: {"kind": "error", "code": "Throttling.User", "status": 400, "message": "...",
// "retry_after_ms": 20, "action": "DescribeRegions" or [...], "probability": 0.5, "count": 2},
// {"kind": "latency", "min_ms": 50, "max_ms": 200}, {"kind": "truncate", "bytes": 10}. A string is
// read as flag syntax. Unknown keys are errors. `where` prefixes error messages ("rules[1]").
Expected<FaultRule> fault_from_json(const core::ojson& json, const std::string& where);
core::ojson fault_to_json(const FaultRule& rule);

struct FaultConfig {
  uint64_t seed = 0;
  std::vector<FaultRule> rules;
};
// {"seed": N, "rules": [...]}; a missing seed keeps `default_seed`.
Expected<FaultConfig> fault_config_from_json(const core::ojson& json, uint64_t default_seed);

// What to do with one request.
struct FaultDecision {
  std::optional<net::HttpResponse> error;  // answer this instead of replaying or forwarding
  std::chrono::milliseconds delay{0};
  net::HttpResponse::Abort abort = net::HttpResponse::Abort::none;
  std::optional<size_t> truncate_bytes;

  // True when the real answer needs changing (delay, reset or truncation).
  bool wraps() const { return delay.count() > 0 || abort != net::HttpResponse::Abort::none; }
  // Sets the server's fault fields of `response` (the answer about to be written).
  void apply(net::HttpResponse& response) const;
};

class FaultInjector {
 public:
  explicit FaultInjector(FaultConfig config = {});

  // Replaces the rules: restarts every rule's random sequence from the seed and its count budget.
  // The request and injection counters of stats_json() keep counting.
  void configure(FaultConfig config);
  FaultConfig config() const;
  // {"seed": N, "rules": [{...rule, "spec": "...", "injected": N}]}.
  core::ojson config_json() const;

  // Decides for one API request. `action` may be empty. `xml`: the request asked for Format=XML, so
  // an injected error body is XML. `host_id`: the HostId of injected error bodies. Counts the
  // request. `retry`: the request says it is a client's retry (x-acs-retry-attempts).
  FaultDecision decide(std::string_view action, bool xml, const std::string& host_id,
                       bool retry = false);
  // The same, with the HostId computed only when an error is injected (the replay path asks for a
  // decision on every request, and almost never injects).
  FaultDecision decide(std::string_view action, bool xml,
                       const std::function<std::string()>& host_id, bool retry = false);

  // {"requests_by_action": {...}, "retries_by_action": {...}, "injected": {"latency": N, ...},
  //  "injected_by_action": {"A": {"error": N}}, "actions_limit": 1000, "dropped": N}. Actions are
  //  named by shorten(action) and at most kMaxTrackedActions are counted apart; the requests of
  //  later new actions are counted under kOtherActions and in "dropped" (limits.hpp).
  core::ojson stats_json() const;

 private:
  struct Rule {
    FaultRule rule;
    std::mt19937_64 rng;
    uint64_t injected = 0;
  };
  struct ActionCounters {
    uint64_t requests = 0, retries = 0;
    uint64_t injected[std::size(kFaultKinds)] = {};
  };

  mutable std::mutex mutex_;
  uint64_t seed_ = 0;
  std::vector<Rule> rules_;
  std::map<std::string, ActionCounters, std::less<>> by_action_;
  uint64_t injected_[std::size(kFaultKinds)] = {};
  uint64_t untracked_ = 0;  // requests counted under kOtherActions
};

// The default status and message of an error code popcheck knows (Throttling.User, Throttling,
// Throttling.Api, ServiceUnavailable, InternalError); nullopt for others.
struct KnownError {
  int status;
  std::string_view message;
};
std::optional<KnownError> known_error(std::string_view code);

}  // namespace popcheck::proxy
