// The admin filter: /__popcheck/ endpoints of the proxy (health, stats, mode, reload, misses,
// unused, faults, violations).
#include <algorithm>
#include <cctype>

#include "core/input_limits.hpp"
#include "popcheck/version.hpp"
#include "proxy/chain.hpp"

namespace popcheck::proxy {

using core::ojson;

net::HttpResponse api_error(int status, std::string code, std::string message, bool xml) {
  net::ApiError e;
  e.status = status;
  e.code = std::move(code);
  e.message = std::move(message);
  e.host_id = "popcheck-proxy";
  return net::make_error_response(e, xml);
}

bool AdminFilter::on_request(Call& call) {
  std::string_view path = call.path();
  if (!path.starts_with("/__popcheck/")) return false;
  // Cross-origin pages, rebound DNS names and (beyond loopback) callers without the admin token
  // are refused before any admin endpoint, the proxy's own or an upstream's, is reached.
  if (auto refused = net::refuse_admin(context_.options.admin, call.request)) {
    call.respond(std::move(*refused));
    return true;
  }
  static constexpr std::string_view kOwn[] = {
      "/__popcheck/health", "/__popcheck/stats",  "/__popcheck/mode",   "/__popcheck/reload",
      "/__popcheck/misses", "/__popcheck/unused", "/__popcheck/faults", "/__popcheck/violations"};
  if (std::find(std::begin(kOwn), std::end(kOwn), path) != std::end(kOwn) || !context_.upstream ||
      call.mode == Mode::replay) {
    call.respond(answer(call.request, path));
    return true;
  }
  // Another server's admin endpoints (an emulator's provisioning) pass through, unrecorded.
  return forward_.on_request(call);
}

net::HttpResponse AdminFilter::answer(const net::HttpRequest& request, std::string_view path) {
  const std::string& method = request.method;
  auto method_not_allowed = [&](std::string_view allowed) {
    return api_error(405, "Popcheck.Admin.MethodNotAllowed",
                     std::string(path) + " accepts " + std::string(allowed) + ", not " + method);
  };
  const Validator* validator = context_.options.validator.get();
  if (path == "/__popcheck/health") {
    ojson j;
    j["service"] = "popcheck-proxy";
    j["status"] = "ok";
    j["mode"] = mode_name(context_.mode.load());
    j["fixtures"] = context_.store.size();
    j["version"] = std::string(kVersion);
    return json_response(200, j);
  }
  if (path == "/__popcheck/stats") {
    ProxyStats s = context_.stats();
    ojson j;
    j["mode"] = mode_name(context_.mode.load());
    j["fixtures"] = context_.store.size();
    j["hits"] = s.hits;
    j["misses"] = s.misses;
    j["recorded"] = s.recorded;
    j["forwarded"] = s.forwarded;
    j["errors"] = s.errors;
    j["unused"] = context_.store.unused_count();
    GroupCommit::Stats commits = context_.store.commit_stats();
    j["flushes"] = commits.batches;
    ojson fault_stats = context_.faults.stats_json();
    for (auto& [k, v] : fault_stats.items()) j[k] = std::move(v);
    if (validator) {
      j["observed"] = validator->observed();
      j["violating"] = validator->violating();
    }
    return json_response(200, j);
  }
  if (path == "/__popcheck/faults") return faults(request);
  if (path == "/__popcheck/violations") {
    if (method != "GET") return method_not_allowed("GET");
    if (!validator)
      return api_error(404, "Popcheck.Admin.NoContracts",
                       "the proxy validates nothing: start it with --contracts DIR");
    ojson j;
    j["observed"] = validator->observed();
    j["violating"] = validator->violating();
    j["violations"] = validator->violations_json();
    return json_response(200, j);
  }
  if (path == "/__popcheck/mode") {
    if (method == "PUT" || method == "POST") {
      // The new mode as {"mode": "..."}, a bare word in the body, or ?mode=... in the query.
      std::string wanted;
      if (auto body = core::parse_ordered_json(request.body, "request body")) {
        if (body->is_object() && body->contains("mode") && (*body)["mode"].is_string())
          wanted = (*body)["mode"].get<std::string>();
        else if (body->is_string())
          wanted = body->get<std::string>();
      } else {
        wanted = request.body;
        while (!wanted.empty() && std::isspace(static_cast<unsigned char>(wanted.back())))
          wanted.pop_back();
      }
      if (wanted.empty()) {
        size_t q = request.target.find('?');
        std::string_view query = q == std::string::npos
                                     ? std::string_view()
                                     : std::string_view(request.target).substr(q + 1);
        for (const auto& [k, v] : core::parse_query_string(query))
          if (k == "mode") wanted = v;
      }
      auto m = parse_mode(wanted);
      if (!m)
        return api_error(400, "Popcheck.Admin.InvalidMode",
                         "unknown mode '" + wanted + "': use record, replay, auto or passthrough");
      if (auto set = context_.set_mode(*m); !set)
        return api_error(409, "Popcheck.Admin.ModeUnavailable", set.error().message);
    } else if (method != "GET") {
      return method_not_allowed("GET, PUT and POST");
    }
    return json_response(200, ojson{{"mode", mode_name(context_.mode.load())}});
  }
  if (path == "/__popcheck/reload") {
    if (method != "POST" && method != "PUT") return method_not_allowed("POST");
    LoadReport report = context_.store.load();
    ojson j;
    j["loaded"] = report.loaded;
    ojson errors = ojson::array();
    for (const auto& e : report.errors) errors.push_back(e.to_string());
    j["errors"] = std::move(errors);
    return json_response(200, j);
  }
  if (path == "/__popcheck/unused") {
    if (method != "GET") return method_not_allowed("GET");
    const std::vector<std::string> unused = context_.store.unused();
    ojson j;
    j["unused"] = unused.size();
    j["files"] = unused;
    return json_response(200, j);
  }
  if (path == "/__popcheck/misses") {
    if (method != "GET" && method != "DELETE") return method_not_allowed("GET and DELETE");
    return json_response(200, context_.miss_log.json(method == "DELETE"));
  }
  return api_error(404, "Popcheck.Admin.NotFound", "no admin endpoint " + std::string(path));
}

net::HttpResponse AdminFilter::faults(const net::HttpRequest& request) {
  const std::string& method = request.method;
  FaultInjector& injector = context_.faults;
  if (method == "PUT" || method == "POST") {
    auto body = core::parse_ordered_json(request.body, "request body");
    if (!body)
      return api_error(400, "Popcheck.Admin.InvalidFaults",
                       "the body is refused: " + body.error().to_string() +
                           "; send {\"seed\": N, \"rules\": [...]}");
    auto config = fault_config_from_json(*body, injector.config().seed);
    if (!config) return api_error(400, "Popcheck.Admin.InvalidFaults", config.error().message);
    injector.configure(std::move(*config));
  } else if (method == "DELETE") {
    injector.configure(FaultConfig{injector.config().seed, {}});
  } else if (method != "GET") {
    return api_error(405, "Popcheck.Admin.MethodNotAllowed",
                     "/__popcheck/faults accepts GET, PUT, POST and DELETE, not " + method);
  }
  return json_response(200, injector.config_json());
}

}  // namespace popcheck::proxy
