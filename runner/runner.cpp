#include "runner/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "core/check/check.hpp"
#include "core/input_limits.hpp"
#include "core/protocol/redact.hpp"

namespace popcheck::runner {

namespace {

using Clock = std::chrono::steady_clock;

std::string new_nonce() {
  // A fresh generator per thread: nonces must never repeat across workers or runs.
  thread_local std::mt19937_64 gen{std::random_device{}() ^
                                   static_cast<uint64_t>(Clock::now().time_since_epoch().count())};
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(gen()),
                static_cast<unsigned long long>(gen()));
  return buf;
}

std::string param(const core::Params& params, std::string_view name) {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

// Sends with bounded retries for network failures. Each attempt is built afresh (new nonce and
// time).
Expected<HttpAnswer> send_with_retries(HttpClient& client, int retries,
                                       const std::function<OutgoingRequest()>& build,
                                       OutgoingRequest* last_sent) {
  Expected<HttpAnswer> answer = fail("net.error", "not sent");
  for (int attempt = 0; attempt <= retries; ++attempt) {
    OutgoingRequest req = build();
    answer = client.send(req);
    if (last_sent) *last_sent = std::move(req);
    if (answer) break;
  }
  return answer;
}

// The request as recorded in the report, redacted with the run's credentials known.
check::RecordedRequest record(const Endpoint& endpoint, const OutgoingRequest& req,
                              const core::Credentials& creds) {
  check::RecordedRequest r{req.method, endpoint.url(req.target), req.headers, req.body};
  core::redact_request(r.url, r.headers, r.body, core::Redactor(creds));
  return r;
}

check::CaseResult run_one(HttpClient& client, const CaseItem& item, const RunOptions& options,
                          const Target& target) {
  const core::Case& c = item.c;
  check::CaseResult r;
  r.id = c.id;
  r.product = c.product;
  r.version = c.version;
  r.action = c.action;
  r.kind = c.kind;
  r.description = c.description;
  auto start = Clock::now();
  auto finish = [&](check::CaseResult& res) {
    res.duration_s = std::chrono::duration<double>(Clock::now() - start).count();
  };

  // Needs: from the emulator, or from the user's variables.
  Vars vars = options.vars;
  if (!c.needs.empty()) {
    if (target.emulator) {
      Provisioned p = provision_needs(client, options, c);
      if (!p.skip_reason.empty()) {
        r.status = check::CaseStatus::skipped;
        r.skip_reason = p.skip_reason;
        finish(r);
        return r;
      }
      for (auto& [k, v] : p.vars) vars[k] = v;
    } else {
      for (const auto& n : c.needs) {
        if (vars.count(n.var)) continue;
        r.status = check::CaseStatus::skipped;
        r.skip_reason = (n.description.empty() ? "needs " + n.resource : n.description) +
                        " (no value for ${" + n.var + "}: pass --var " + n.var + "=VALUE)";
        finish(r);
        return r;
      }
    }
  }
  std::vector<std::string> missing;
  core::Params params = substitute(c.request.params, vars, &missing);
  if (!missing.empty()) {
    r.status = check::CaseStatus::skipped;
    r.skip_reason =
        "no value for ${" + missing.front() + "}: pass --var " + missing.front() + "=VALUE";
    finish(r);
    return r;
  }

  SignParams sign;
  sign.signature = options.signature;
  sign.style = resolve_style(options.style, c.request.method, options.signature);
  sign.credentials = options.credentials;
  OutgoingRequest sent;
  auto answer = send_with_retries(
      client, options.retries,
      [&] {
        sign.timestamp = utc_timestamp();
        sign.nonce = new_nonce();
        OutgoingRequest req = build_request(options.endpoint, params, c.request.format, sign);
        // Lets an emulator tie what it provisioned for this case (an injected fault above all) to
        // this case's requests, so that cases running side by side with equal parameters do not
        // trip over each other's faults. Only emulators get it; the header is not signed.
        if (target.emulator) req.headers.emplace_back(std::string(kCaseHeader), c.id);
        return req;
      },
      &sent);
  r.sent = true;
  r.request = record(options.endpoint, sent, options.credentials);
  if (!answer) {
    r.status = check::CaseStatus::error;
    r.error = answer.error().message;
    finish(r);
    return r;
  }
  r.answered = true;
  r.response = {answer->status, answer->headers, answer->body};
  r.checks =
      check::check_exchange(c, *item.contract, {answer->status, answer->headers, answer->body});
  if (c.expect.shape == "snapshot") r.parity_gaps = c.expect.skip;
  r.status = r.failures().empty() ? check::CaseStatus::passed : check::CaseStatus::failed;
  finish(r);
  return r;
}

}  // namespace

std::vector<std::vector<size_t>> schedule(const std::vector<CaseItem>& cases) {
  std::vector<std::vector<size_t>> units;
  std::map<std::string, size_t> scenario_unit;
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string& scenario = cases[i].c.scenario;
    if (scenario.empty()) {
      units.push_back({i});
      continue;
    }
    auto [it, added] = scenario_unit.emplace(scenario, units.size());
    if (added) units.emplace_back();
    units[it->second].push_back(i);
  }
  // Recorded order inside a scenario; equal steps keep the order given.
  for (auto& unit : units)
    std::stable_sort(unit.begin(), unit.end(),
                     [&](size_t a, size_t b) { return cases[a].c.step < cases[b].c.step; });
  return units;
}

std::string local_hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

std::string report_timestamp() {
  std::string t = utc_timestamp();
  t.pop_back();  // the JUnit schema wants no zone designator
  return t;
}

Provisioned provision_needs(HttpClient& client, const RunOptions& options, const core::Case& c) {
  nlohmann::ordered_json needs = nlohmann::ordered_json::array();
  for (const auto& n : c.needs)
    needs.push_back({{"var", n.var},
                     {"resource", n.resource},
                     {"with", n.with},
                     {"description", n.description}});
  std::string region = param(c.request.params, "RegionId");
  if (region.find("${") != std::string::npos) region.clear();
  nlohmann::ordered_json body{{"needs", needs}, {"region", region}, {"case", c.id}};
  OutgoingRequest req;
  req.method = "POST";
  req.target = options.endpoint.path == "/" ? "/__popcheck/provision"
                                            : options.endpoint.path + "/__popcheck/provision";
  req.headers = {{"Host", options.endpoint.host_header()}, {"Content-Type", "application/json"}};
  if (!options.admin_token.empty())
    req.headers.emplace_back("X-Popcheck-Admin-Token", options.admin_token);
  req.body = body.dump();
  auto answer = send_with_retries(
      client, options.retries, [&] { return req; }, nullptr);
  auto describe_needs = [&] {
    std::string d;
    for (const auto& n : c.needs)
      d += (d.empty() ? "" : "; ") + (n.description.empty() ? n.var : n.description);
    return d;
  };
  if (!answer)
    return {{}, describe_needs() + " (provisioning failed: " + answer.error().message + ")"};
  auto j = core::parse_json(answer->body, "provisioning answer").value_or(nlohmann::json(nlohmann::json::value_t::discarded));
  if (answer->status != 200 || j.is_discarded() || !j.contains("vars") || !j["vars"].is_object()) {
    std::string why = "HTTP " + std::to_string(answer->status);
    if (!j.is_discarded() && j.is_object()) {
      if (j.contains("Message") && j["Message"].is_string())
        why += ": " + j["Message"].get<std::string>();
      else if (j.contains("error") && j["error"].is_string())
        why += ": " + j["error"].get<std::string>();
    }
    return {{}, describe_needs() + " (the emulator could not provision it: " + why + ")"};
  }
  Provisioned p;
  for (auto it = j["vars"].begin(); it != j["vars"].end(); ++it)
    p.vars[it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
  return p;
}


std::string utc_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Expected<Target> probe(const RunOptions& options) {
  HttpClient client(options.endpoint, options.client);
  OutgoingRequest req;
  req.method = "GET";
  req.target = options.endpoint.path == "/" ? "/__popcheck/health"
                                            : options.endpoint.path + "/__popcheck/health";
  req.headers = {{"Host", options.endpoint.host_header()}, {"Accept", "application/json"}};
  if (!options.admin_token.empty())
    req.headers.emplace_back("X-Popcheck-Admin-Token", options.admin_token);
  auto answer = send_with_retries(
      client, options.retries, [&] { return req; }, nullptr);
  if (!answer) return std::unexpected(answer.error());
  Target t;
  auto j = core::parse_json(answer->body, "health answer").value_or(nlohmann::json(nlohmann::json::value_t::discarded));
  t.emulator = answer->status == 200 && !j.is_discarded() && j.is_object() &&
               j.contains("service") && j["service"] == "popcheck-emulator";
  return t;
}

check::RunReport run_cases(const std::vector<CaseItem>& cases, const RunOptions& options,
                           const Target& target, const Progress& progress) {
  check::RunReport report;
  report.endpoint = options.endpoint.url(options.endpoint.path);
  report.timestamp = report_timestamp();
  report.hostname = local_hostname();
  auto start = Clock::now();
  report.cases.resize(cases.size());
  std::vector<std::vector<size_t>> units = schedule(cases);
  std::atomic<size_t> next{0};
  size_t done = 0;
  std::mutex progress_mutex;
  auto worker = [&] {
    HttpClient client(options.endpoint, options.client);
    for (size_t u = next++; u < units.size(); u = next++) {
      for (size_t i : units[u]) {
        report.cases[i] = run_one(client, cases[i], options, target);
        std::lock_guard lock(progress_mutex);
        ++done;
        if (progress) progress(done, cases.size(), report.cases[i]);
      }
    }
  };
  size_t jobs = static_cast<size_t>(std::max(1, options.jobs));
  jobs = std::min(jobs, std::max<size_t>(1, units.size()));
  std::vector<std::thread> threads;
  for (size_t k = 1; k < jobs; ++k) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  report.duration_s = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace popcheck::runner
