#include "proxy/proxy.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "core/input_limits.hpp"
#include "core/protocol/redact.hpp"
#include "core/text.hpp"
#include "popcheck/version.hpp"
#include "proxy/forward.hpp"
#include "proxy/limits.hpp"

namespace popcheck::proxy {

using core::ojson;

namespace {

using core::iequals;

// Now in UTC with milliseconds ("2026-11-23T15:04:05.123Z"): the order of the calls of one recording
// is read back from it (read_fixture_folder), and calls often come more than one a second.
std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
            1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

net::HttpResponse json_response(int status, const ojson& body) {
  net::HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json;charset=utf-8");
  r.body = body.dump(-1, ' ', false, ojson::error_handler_t::replace);
  return r;
}

net::HttpResponse api_error(int status, std::string code, std::string message, bool xml = false) {
  net::ApiError e;
  e.status = status;
  e.code = std::move(code);
  e.message = std::move(message);
  e.host_id = "popcheck-proxy";
  return net::make_error_response(e, xml);
}

std::string param(const MatchMap& match, const std::string& name) {
  auto it = match.find(name);
  return it == match.end() ? std::string() : it->second;
}

}  // namespace

std::string_view mode_name(Mode mode) {
  switch (mode) {
    case Mode::record:
      return "record";
    case Mode::replay:
      return "replay";
    case Mode::auto_:
      return "auto";
    case Mode::passthrough:
      return "passthrough";
  }
  return "replay";
}

std::optional<Mode> parse_mode(std::string_view text) {
  for (Mode m : {Mode::record, Mode::replay, Mode::auto_, Mode::passthrough})
    if (iequals(text, mode_name(m))) return m;
  return std::nullopt;
}

struct ProxyHandler::Pool {
  explicit Pool(size_t n) : pool(n) {}
  boost::asio::thread_pool pool;
};

ProxyHandler::ProxyHandler(ProxyOptions options)
    : options_(std::move(options)),
      store_(options_.fixtures,
             core::MatchOptions{{options_.ignore_params.begin(), options_.ignore_params.end()}}),
      mode_(options_.mode),
      faults_(options_.faults) {}

ProxyHandler::~ProxyHandler() {
  // Workers refer to this object; they finish before any member goes away.
  if (pool_) pool_->pool.join();
}

Expected<std::shared_ptr<ProxyHandler>> ProxyHandler::create(ProxyOptions options,
                                                             LoadReport& report) {
  if (options.fixtures.empty()) return fail("proxy.usage", "a fixtures folder is required");
  std::shared_ptr<ProxyHandler> handler(new ProxyHandler(std::move(options)));
  if (!handler->options_.upstream.url.empty()) {
    auto up = Upstream::create(handler->options_.upstream);
    if (!up) return std::unexpected(up.error());
    handler->upstream_ = std::move(*up);
  } else if (handler->options_.mode != Mode::replay) {
    return fail("proxy.usage", std::string("mode ") +
                                   std::string(mode_name(handler->options_.mode)) +
                                   " forwards requests and needs --upstream");
  }
  handler->pool_ = std::make_unique<Pool>(std::max<size_t>(1, handler->options_.forward_threads));
  // No recording of this process is in flight yet: a temporary file now is a killed one's leftover.
  std::vector<Error> cleanup_errors;
  size_t stale = handler->store_.remove_stale_temporaries(cleanup_errors);
  report = handler->store_.load();
  report.stale_removed = stale;
  report.errors.insert(report.errors.begin(), cleanup_errors.begin(), cleanup_errors.end());
  return handler;
}

Expected<void> ProxyHandler::set_mode(Mode mode) {
  if (mode != Mode::replay && !upstream_)
    return fail("proxy.usage", std::string("mode ") + std::string(mode_name(mode)) +
                                   " forwards requests and the proxy has no upstream");
  mode_.store(mode);
  return {};
}

ProxyStats ProxyHandler::stats() const {
  return {hits_.load(), misses_.load(), recorded_.load(), forwarded_.load(), errors_.load()};
}

LoadReport ProxyHandler::reload() { return store_.load(); }

void ProxyHandler::handle(net::HttpRequest request, net::Respond respond) {
  try {
    std::string_view target = request.target;
    std::string_view path = target.substr(0, target.find('?'));
    Mode mode = mode_.load(std::memory_order_relaxed);
    if (path.starts_with("/__popcheck/")) {
      // Cross-origin pages, rebound DNS names and (beyond loopback) callers without the admin
      // token are refused before any admin endpoint, the proxy's own or an upstream's, is reached.
      if (auto refused = net::refuse_admin(options_.admin, request)) {
        respond(std::move(*refused));
        return;
      }
      static constexpr std::string_view kOwn[] = {
          "/__popcheck/health", "/__popcheck/stats",  "/__popcheck/mode",      "/__popcheck/reload",
          "/__popcheck/misses", "/__popcheck/faults", "/__popcheck/violations"};
      if (std::find(std::begin(kOwn), std::end(kOwn), path) != std::end(kOwn) || !upstream_ ||
          mode == Mode::replay) {
        respond(admin(request, path));
        return;
      }
      // Another server's admin endpoints (an emulator's provisioning) pass through, unrecorded.
      forward(std::move(request), std::move(respond), false, {}, {});
      return;
    }
    const core::HttpRequestView view{request.method, request.target, &request.headers,
                                     request.body};
    // The key, Action and Format are all a replayed hit needs; the parameter map is built only for
    // what needs more (a miss report, a recording, an injected error's HostId).
    core::RequestKey key = store_.key_of_request(view);
    // Faults come first, in every mode: an injected error is the proxy's answer (never forwarded,
    // recorded or validated); latency, resets and truncations change how the real answer is sent.
    FaultDecision fault =
        faults_.decide(key.action, key.format == "XML",
                       [this, &view] { return host_id(store_.match_of_request(view)); },
                       !core::header_value(request.headers, "x-acs-retry-attempts").empty());
    if (fault.error) {
      net::HttpResponse r = std::move(*fault.error);
      fault.apply(r);
      respond(std::move(r));
      return;
    }
    if (fault.wraps()) {
      respond = [respond = std::move(respond), fault](net::HttpResponse r) {
        fault.apply(r);
        respond(std::move(r));
      };
    }
    if (options_.validator)
      respond = observed(request, core::merge_params(view), std::move(respond));
    if (mode == Mode::replay || mode == Mode::auto_) {
      if (auto entry = store_.next(key.key)) {
        hits_.fetch_add(1, std::memory_order_relaxed);
        net::HttpResponse r;
        r.status = entry->status;
        r.headers = entry->headers;
        // The body is shared with the index entry (which the pointer keeps alive across a reload),
        // so a replay never copies it.
        r.shared_body = std::shared_ptr<const std::string>(entry, &entry->body);
        respond(std::move(r));
        return;
      }
      if (mode == Mode::replay) {
        misses_.fetch_add(1, std::memory_order_relaxed);
        respond(miss(request, store_.match_of_request(view)));
        return;
      }
    }
    MatchMap match = store_.match_of_request(view);
    forward(std::move(request), std::move(respond), mode != Mode::passthrough, std::move(key.key),
            std::move(match));
  } catch (const std::exception& e) {
    errors_.fetch_add(1);
    respond(
        api_error(500, "Popcheck.Proxy.InternalError", std::string("proxy error: ") + e.what()));
  }
}

std::string ProxyHandler::host_id(const MatchMap& match) const {
  // Injected errors carry the HostId the real API would: the upstream's host when it is a cloud
  // endpoint, else the product's public host, else the proxy's own name.
  std::string host = upstream_ ? upstream_->url().host : std::string();
  if (host.ends_with(".aliyuncs.com")) return host;
  std::string product = product_for({}, param(match, "Version"));
  if (!product.empty() && !product.starts_with("version-")) return product + ".aliyuncs.com";
  return "popcheck-proxy";
}

net::Respond ProxyHandler::observed(const net::HttpRequest& request, const core::Params& merged,
                                    net::Respond respond) {
  // The request is copied because the original moves on to the forwarding pool; only validating
  // proxies pay for it.
  auto seen = std::make_shared<const std::pair<net::HttpRequest, core::Params>>(request, merged);
  return [this, seen, respond = std::move(respond)](net::HttpResponse r) {
    try {
      std::string line;
      if (r.shared_body) {
        // The validator reads `body`; a replayed answer carries its bytes in shared_body.
        net::HttpResponse copy = r;
        copy.body = *copy.shared_body;
        copy.shared_body.reset();
        line = options_.validator->observe_line(seen->first, seen->second, copy);
      } else {
        line = options_.validator->observe_line(seen->first, seen->second, r);
      }
      if (!line.empty()) {
        // The validator keeps credentials out of its results; this is a second net for the line.
        core::Redactor redactor(options_.credentials);
        redactor.add_request_secrets(seen->second, seen->first.headers);
        line = redactor.text(line);
        if (options_.log) options_.log("violation " + line);
      }
    } catch (const std::exception& e) {
      // Validation is an observer: whatever goes wrong there, the client still gets its answer.
      errors_.fetch_add(1);
      if (options_.log) options_.log(std::string("validation failed: ") + e.what());
    }
    respond(std::move(r));
  };
}

net::HttpResponse ProxyHandler::miss(const net::HttpRequest& request, const MatchMap& match) {
  (void)request;
  std::string action = param(match, "Action");
  std::string message = "No recorded exchange matches this request (Action=" +
                        (action.empty() ? std::string("<none>") : action) + ").";
  // The entry keeps bounded copies of what the client sent: a miss log of 1000 entries stays a few
  // MiB whatever the requests carried (limits.hpp).
  ojson entry;
  entry["action"] = shorten(action);
  ojson params = ojson::object();
  size_t params_dropped = 0;
  for (const auto& [k, v] : match) {
    if (params.size() >= kMaxMissParams) {
      ++params_dropped;
      continue;
    }
    params[shorten(k)] = shorten(v);
  }
  entry["params"] = std::move(params);
  if (params_dropped > 0) entry["params_dropped"] = params_dropped;
  if (auto near = store_.nearest(match)) {
    message += " Nearest recording: " + near->file + " (" + near->action + ")";
    if (near->differences.empty()) {
      message += ", identical parameters.";
    } else {
      message += "; differing parameters: ";
      for (size_t i = 0; i < near->differences.size(); ++i)
        message += (i ? "; " : "") + near->differences[i];
      message += ".";
    }
    entry["nearest"] = near->file;
    ojson differences = ojson::array();
    for (size_t i = 0; i < near->differences.size() && i < kMaxMissDifferences; ++i)
      differences.push_back(shorten(near->differences[i]));
    entry["differences"] = std::move(differences);
  } else {
    message += " There are no recordings in " + store_.dir() + ".";
    entry["nearest"] = nullptr;
    entry["differences"] = ojson::array();
  }
  {
    std::lock_guard lock(misses_mutex_);
    miss_log_.push_back(std::move(entry));
    while (miss_log_.size() > options_.miss_log) {
      miss_log_.pop_front();
      ++misses_dropped_;
    }
  }
  return api_error(404, "Popcheck.Replay.NoMatch", message, param(match, "Format") == "XML");
}

net::HttpResponse ProxyHandler::admin(const net::HttpRequest& request, std::string_view path) {
  const std::string& method = request.method;
  auto method_not_allowed = [&](std::string_view allowed) {
    return api_error(405, "Popcheck.Admin.MethodNotAllowed",
                     std::string(path) + " accepts " + std::string(allowed) + ", not " + method);
  };
  if (path == "/__popcheck/health") {
    ojson j;
    j["service"] = "popcheck-proxy";
    j["status"] = "ok";
    j["mode"] = mode_name(mode());
    j["fixtures"] = store_.size();
    j["version"] = std::string(kVersion);
    return json_response(200, j);
  }
  if (path == "/__popcheck/stats") {
    ProxyStats s = stats();
    ojson j;
    j["mode"] = mode_name(mode());
    j["fixtures"] = store_.size();
    j["hits"] = s.hits;
    j["misses"] = s.misses;
    j["recorded"] = s.recorded;
    j["forwarded"] = s.forwarded;
    j["errors"] = s.errors;
    ojson fault_stats = faults_.stats_json();
    for (auto& [k, v] : fault_stats.items()) j[k] = std::move(v);
    if (options_.validator) {
      j["observed"] = options_.validator->observed();
      j["violating"] = options_.validator->violating();
    }
    return json_response(200, j);
  }
  if (path == "/__popcheck/faults") return admin_faults(request);
  if (path == "/__popcheck/violations") {
    if (method != "GET") return method_not_allowed("GET");
    if (!options_.validator)
      return api_error(404, "Popcheck.Admin.NoContracts",
                       "the proxy validates nothing: start it with --contracts DIR");
    ojson j;
    j["observed"] = options_.validator->observed();
    j["violating"] = options_.validator->violating();
    j["violations"] = options_.validator->violations_json();
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
      if (auto set = set_mode(*m); !set)
        return api_error(409, "Popcheck.Admin.ModeUnavailable", set.error().message);
    } else if (method != "GET") {
      return method_not_allowed("GET, PUT and POST");
    }
    return json_response(200, ojson{{"mode", mode_name(mode())}});
  }
  if (path == "/__popcheck/reload") {
    if (method != "POST" && method != "PUT") return method_not_allowed("POST");
    LoadReport report = reload();
    ojson j;
    j["loaded"] = report.loaded;
    ojson errors = ojson::array();
    for (const auto& e : report.errors) errors.push_back(e.to_string());
    j["errors"] = std::move(errors);
    return json_response(200, j);
  }
  if (path == "/__popcheck/misses") {
    std::lock_guard lock(misses_mutex_);
    if (method == "DELETE") {
      miss_log_.clear();
      misses_dropped_ = 0;
    } else if (method != "GET") {
      return method_not_allowed("GET and DELETE");
    }
    ojson list = ojson::array();
    for (const auto& m : miss_log_) list.push_back(m);
    ojson j;
    j["misses"] = std::move(list);
    j["limit"] = options_.miss_log;
    j["dropped"] = misses_dropped_;
    return json_response(200, j);
  }
  return api_error(404, "Popcheck.Admin.NotFound", "no admin endpoint " + std::string(path));
}

net::HttpResponse ProxyHandler::admin_faults(const net::HttpRequest& request) {
  const std::string& method = request.method;
  if (method == "PUT" || method == "POST") {
    auto body = core::parse_ordered_json(request.body, "request body");
    if (!body)
      return api_error(400, "Popcheck.Admin.InvalidFaults",
                       "the body is refused: " + body.error().to_string() +
                           "; send {\"seed\": N, \"rules\": [...]}");
    auto config = fault_config_from_json(*body, faults_.config().seed);
    if (!config) return api_error(400, "Popcheck.Admin.InvalidFaults", config.error().message);
    faults_.configure(std::move(*config));
  } else if (method == "DELETE") {
    faults_.configure(FaultConfig{faults_.config().seed, {}});
  } else if (method != "GET") {
    return api_error(405, "Popcheck.Admin.MethodNotAllowed",
                     "/__popcheck/faults accepts GET, PUT, POST and DELETE, not " + method);
  }
  return json_response(200, faults_.config_json());
}

Exchange ProxyHandler::make_exchange(const net::HttpRequest& request, const UpstreamRequest& sent,
                                     const UpstreamResponse& response, const MatchMap& match,
                                     long long duration_ms) const {
  (void)sent;
  core::Params merged = core::merge_params(
      core::HttpRequestView{request.method, request.target, &request.headers, request.body});
  // Every credential either side used: none of them may reach the file, wherever it appears.
  core::Redactor redactor(options_.credentials);
  redactor.add_request_secrets(merged, request.headers);

  Exchange e;
  e.action = param(match, "Action");
  std::string version = param(match, "Version");
  e.product = product_for(upstream_ ? upstream_->url().host : std::string(), version);
  e.request.method = request.method;
  e.request.path = request.target.substr(0, request.target.find('?'));
  for (const auto& kv : merged)
    if (!is_credential_param(kv.first)) e.request.params.push_back(kv);
  for (const auto& kv : request.headers)
    if (!is_unrecorded_header(kv.first) && !core::is_volatile_header(kv.first))
      e.request.headers.push_back(kv);
  if (!core::is_form_content_type(core::header_value(request.headers, "content-type")))
    e.request.body = request.body;
  redact_recorded(e.request, redactor);
  e.response.status = response.status;
  core::Headers response_headers;
  for (const auto& [k, v] : response.headers) {
    if (iequals(k, "content-type")) {
      e.response.content_type = v;
      continue;
    }
    if (!is_transient_response_header(k)) response_headers.emplace_back(k, v);
  }
  e.response.headers = redactor.headers(response_headers);
  e.response.body = response.body;
  redact_json_paths(e.response.body, options_.redact_paths);
  // Known values and credential names only: the response replays byte for byte otherwise.
  e.response.body = redactor.text(e.response.body);
  e.provenance.recorded_at = utc_now();
  e.provenance.upstream = upstream_ ? upstream_->url().to_string() : std::string();
  e.provenance.api_version = version;
  e.provenance.duration_ms = duration_ms;
  return e;
}

void ProxyHandler::forward(net::HttpRequest request, net::Respond respond, bool record,
                           std::string key, MatchMap match) {
  if (!upstream_) {
    errors_.fetch_add(1);
    respond(api_error(502, "Popcheck.Upstream.Unreachable", "the proxy has no upstream"));
    return;
  }
  boost::asio::post(pool_->pool, [this, request = std::move(request), respond = std::move(respond),
                                  record, key = std::move(key), match = std::move(match)]() {
    try {
      UpstreamRequest sent = prepare_forward(request, upstream_->url(), options_.credentials);
      auto start = std::chrono::steady_clock::now();
      auto response = upstream_->send(sent);
      auto duration = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
      if (!response) {
        errors_.fetch_add(1);
        const Error& err = response.error();
        bool timeout = err.code == "upstream.timeout";
        respond(api_error(timeout ? 504 : 502,
                          timeout ? "Popcheck.Upstream.Timeout" : "Popcheck.Upstream.Unreachable",
                          "upstream " + upstream_->url().to_string() + ": " + err.message + " [" +
                              err.code + "]; nothing was recorded"));
        return;
      }
      forwarded_.fetch_add(1, std::memory_order_relaxed);
      if (record) {
        Exchange exchange = make_exchange(request, sent, *response, match, duration);
        auto written = store_.record(exchange, key);
        if (!written) {
          errors_.fetch_add(1);
          respond(api_error(500, "Popcheck.Fixture.WriteFailed",
                            "the upstream answered but the exchange could not be saved: " +
                                written.error().to_string() + "; nothing was recorded"));
          return;
        }
        recorded_.fetch_add(1, std::memory_order_relaxed);
      }
      net::HttpResponse r;
      r.status = response->status;
      for (auto& [k, v] : response->headers)
        if (!is_transient_response_header(k)) r.headers.emplace_back(std::move(k), std::move(v));
      r.body = std::move(response->body);
      respond(std::move(r));
    } catch (const std::exception& e) {
      errors_.fetch_add(1);
      respond(
          api_error(500, "Popcheck.Proxy.InternalError", std::string("proxy error: ") + e.what()));
    }
  });
}

}  // namespace popcheck::proxy
