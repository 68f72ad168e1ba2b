#include "runner/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "core/input_limits.hpp"
#include "core/support/utc_time.hpp"
#include "runner/transport.hpp"

namespace popcheck::runner {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

Expected<core::Response> send_with_retries(net::HttpClient& client, int retries,
                                           const std::function<core::Request()>& build,
                                           core::Request* last_sent) {
  Expected<core::Response> answer = fail("net.error", "not sent");
  for (int attempt = 0; attempt <= retries; ++attempt) {
    core::Request req = build();
    answer = client.send(req);
    if (last_sent) *last_sent = std::move(req);
    if (answer) break;
  }
  return answer;
}

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
  // The JUnit schema wants no zone designator.
  return core::format_utc(std::chrono::system_clock::now(), {.zone = false});
}

// A request to the emulator's admin endpoint /__popcheck/NAME below the endpoint's path, with the
// Host the endpoint wants, `headers`, and the admin token when there is one.
static core::Request admin_request(const RunOptions& options, std::string method,
                                   std::string_view name, core::Headers headers) {
  core::Request req;
  req.method = std::move(method);
  req.target = options.endpoint.base + "/__popcheck/" + std::string(name);
  req.headers = {{"Host", options.endpoint.host_header()}};
  for (auto& h : headers) req.headers.push_back(std::move(h));
  if (!options.admin_token.empty())
    req.headers.emplace_back("X-Popcheck-Admin-Token", options.admin_token);
  return req;
}

Provisioned provision_needs(net::HttpClient& client, const RunOptions& options,
                            const core::Case& c) {
  nlohmann::ordered_json needs = nlohmann::ordered_json::array();
  for (const auto& n : c.needs)
    needs.push_back({{"var", n.var},
                     {"resource", n.resource},
                     {"with", n.with},
                     {"description", n.description}});
  std::string region = core::first_value(c.request.params, "RegionId");
  if (region.find("${") != std::string::npos) region.clear();
  nlohmann::ordered_json body{{"needs", needs}, {"region", region}, {"case", c.id}};
  core::Request req =
      admin_request(options, "POST", "provision", {{"Content-Type", "application/json"}});
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
  auto j = core::parse_json(answer->body, "provisioning answer")
               .value_or(nlohmann::json(nlohmann::json::value_t::discarded));
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

std::string utc_timestamp() { return core::format_utc(std::chrono::system_clock::now()); }

Expected<Target> probe(const RunOptions& options) {
  net::HttpClient client(options.endpoint, options.client);
  core::Request req = admin_request(options, "GET", "health", {{"Accept", "application/json"}});
  auto answer = send_with_retries(
      client, options.retries, [&] { return req; }, nullptr);
  if (!answer) return std::unexpected(answer.error());
  Target t;
  auto j = core::parse_json(answer->body, "health answer")
               .value_or(nlohmann::json(nlohmann::json::value_t::discarded));
  t.emulator = answer->status == 200 && !j.is_discarded() && j.is_object() &&
               j.contains("service") && j["service"] == "popcheck-emulator";
  return t;
}

namespace {

// Needs, variables and skips: the case's parameters with every ${var} given a value, or the reason
// it is skipped (r.skip_reason). Against a popcheck emulator the emulator provisions the needs,
// elsewhere they come from the user's variables.
std::optional<core::Params> prepare(net::HttpClient& admin, const core::Case& c,
                                    const RunOptions& options, const Target& target,
                                    core::CaseResult& r) {
  Vars provisioned;
  const Vars* vars = &options.vars;
  if (!c.needs.empty()) {
    if (target.emulator) {
      Provisioned p = provision_needs(admin, options, c);
      if (!p.skip_reason.empty()) {
        r.skip_reason = std::move(p.skip_reason);
        return std::nullopt;
      }
      provisioned = options.vars;
      for (auto& [k, v] : p.vars) provisioned[k] = std::move(v);
      vars = &provisioned;
    } else {
      for (const auto& n : c.needs) {
        if (vars->count(n.var)) continue;
        r.skip_reason = (n.description.empty() ? "needs " + n.resource : n.description) +
                        " (no value for ${" + n.var + "}: pass --var " + n.var + "=VALUE)";
        return std::nullopt;
      }
    }
  }
  std::vector<std::string> missing;
  core::Params params = substitute(c.request.params, *vars, &missing);
  if (!missing.empty()) {
    r.skip_reason =
        "no value for ${" + missing.front() + "}: pass --var " + missing.front() + "=VALUE";
    return std::nullopt;
  }
  return params;
}

}  // namespace

Expected<core::RunReport> run_cases_over(const std::vector<CaseItem>& cases,
                                         const RunOptions& options, const Target& target,
                                         const TransportFactory& make_transport, int workers,
                                         const Progress& progress) {
  core::RunReport report;
  report.endpoint = options.endpoint.origin() + options.endpoint.root();
  report.timestamp = report_timestamp();
  report.hostname = local_hostname();
  auto start = Clock::now();
  report.cases.resize(cases.size());
  std::vector<std::vector<size_t>> units = schedule(cases);
  size_t jobs = std::min<size_t>(static_cast<size_t>(std::max(1, workers)),
                                 std::max<size_t>(1, units.size()));

  // Each worker's transport, made before any case runs so that one that cannot start fails the run
  // at once; the first names the transport in the report.
  std::vector<std::unique_ptr<Transport>> transports;
  for (size_t k = 0; k < jobs; ++k) {
    auto t = make_transport();
    if (!t) return std::unexpected(t.error());
    transports.push_back(std::move(*t));
  }
  report.endpoint += transports.front()->describe();

  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  size_t done = 0;
  std::mutex mutex;  // guards done, progress and fatal
  std::optional<Error> fatal;
  auto worker = [&](Transport& transport) {
    net::HttpClient admin(options.endpoint, options.client);  // provisioning
    for (size_t u = next++; u < units.size() && !stop; u = next++) {
      for (size_t i : units[u]) {
        const core::Case& c = cases[i].c;
        core::CaseResult& r = report.cases[i];
        r.id = c.id;
        r.product = c.product;
        r.version = c.version;
        r.action = c.action;
        r.kind = c.kind;
        r.description = c.description;
        auto case_start = Clock::now();
        if (auto params = prepare(admin, c, options, target, r)) {
          auto ok = transport.exchange(cases[i], *params, r);
          if (!ok) {
            std::lock_guard lock(mutex);
            if (!fatal)
              fatal = Error{ok.error().code, "case " + c.id + ": " + ok.error().message, "", 0};
            stop = true;
            return;
          }
          if (r.answered && c.expect.shape == core::Shape::snapshot) r.parity_gaps = c.expect.skip;
        } else {
          r.status = core::CaseStatus::skipped;
        }
        r.duration_s = std::chrono::duration<double>(Clock::now() - case_start).count();
        std::lock_guard lock(mutex);
        ++done;
        if (progress) progress(done, cases.size(), r);
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t k = 1; k < jobs; ++k) threads.emplace_back(worker, std::ref(*transports[k]));
  worker(*transports[0]);
  for (auto& t : threads) t.join();
  if (fatal) return std::unexpected(std::move(*fatal));
  report.duration_s = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

core::RunReport run_cases(const std::vector<CaseItem>& cases, const RunOptions& options,
                          const Target& target, const Progress& progress) {
  auto report = run_cases_over(
      cases, options, target,
      [&]() -> Expected<std::unique_ptr<Transport>> {
        return make_http_transport(options, target);
      },
      options.jobs, progress);
  return std::move(*report);  // the HTTP transport always starts and never stops a run
}

}  // namespace popcheck::runner
