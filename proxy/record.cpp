// The forward filter: the end of the chain. Forwards on the forwarding pool and, in record and
// auto modes, records the exchange durably before the client gets the answer.
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>

#include "core/protocol/redact.hpp"
#include "core/support/text.hpp"
#include "core/support/utc_time.hpp"
#include "proxy/chain.hpp"
#include "proxy/forward.hpp"

namespace popcheck::proxy {

namespace {

// Now in UTC with milliseconds ("2026-11-23T15:04:05.123Z"): the order of the calls of one recording
// is read back from it (read_fixture_folder), and calls often come more than one a second.
std::string utc_now() {
  return core::format_utc(std::chrono::system_clock::now(), {.milliseconds = true});
}

}  // namespace

struct ProxyContext::Pool {
  explicit Pool(size_t n) : pool(n) {}
  boost::asio::thread_pool pool;
};

ProxyContext::~ProxyContext() { join_pool(); }

void ProxyContext::PoolDeleter::operator()(Pool* p) const { delete p; }

void ProxyContext::start_pool(size_t threads) { pool.reset(new Pool(threads)); }

void ProxyContext::join_pool() {
  if (pool) pool->pool.join();
}

bool ForwardFilter::on_request(Call& call) {
  if (!context_.upstream) {
    context_.errors.fetch_add(1);
    call.respond(api_error(502, "Popcheck.Upstream.Unreachable", "the proxy has no upstream"));
    return true;
  }
  // Admin requests of another server are forwarded as they are, never recorded.
  const bool admin = call.path().starts_with("/__popcheck/");
  const bool record = !admin && call.mode != Mode::passthrough;
  // The call ends here: its key and parameters move on with the request.
  std::string key = admin ? std::string() : std::string(call.key().key());
  MatchMap match = admin ? MatchMap() : std::move(call.match());
  boost::asio::post(context_.pool->pool, [&context = context_, this,
                                          request = std::move(call.request),
                                          respond = std::move(call.respond), record,
                                          key = std::move(key), match = std::move(match)]() {
    try {
      std::optional<Recording> recording;
      if (record) {
        recording = record_request(request, match);
        if (auto why = not_utf8(recording->exchange.request)) {
          context.errors.fetch_add(1);
          respond(api_error(400, "Popcheck.Fixture.Unrecordable",
                            *why + ": a fixture holds text, so the call cannot be recorded as "
                                   "sent; nothing was sent upstream"));
          return;
        }
      }
      core::Request sent =
          prepare_forward(request, context.upstream->url(), context.options.credentials);
      auto start = std::chrono::steady_clock::now();
      auto response = context.upstream->send(sent);
      auto duration = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
      if (!response) {
        context.errors.fetch_add(1);
        const Error& err = response.error();
        bool timeout = err.code == "net.timeout";
        respond(api_error(timeout ? 504 : 502,
                          timeout ? "Popcheck.Upstream.Timeout" : "Popcheck.Upstream.Unreachable",
                          "upstream " + context.upstream->url().to_string() + ": " + err.message +
                              " [" + err.code + "]; nothing was recorded"));
        return;
      }
      context.forwarded.fetch_add(1, std::memory_order_relaxed);
      if (record) {
        record_response(*recording, *response, duration);
        auto written = context.store.record(recording->exchange, key);
        if (!written) {
          context.errors.fetch_add(1);
          respond(api_error(500, "Popcheck.Fixture.WriteFailed",
                            "the upstream answered but the exchange could not be saved: " +
                                written.error().to_string() + "; nothing was recorded"));
          return;
        }
        context.recorded.fetch_add(1, std::memory_order_relaxed);
      }
      net::HttpResponse r;
      r.status = response->status;
      for (auto& [k, v] : response->headers)
        if (!is_transient_response_header(k)) r.headers.emplace_back(std::move(k), std::move(v));
      r.body = std::move(response->body);
      respond(std::move(r));
    } catch (const std::exception& e) {
      context.errors.fetch_add(1);
      respond(
          api_error(500, "Popcheck.Proxy.InternalError", std::string("proxy error: ") + e.what()));
    }
  });
  return true;
}

ForwardFilter::Recording ForwardFilter::record_request(const net::HttpRequest& request,
                                                       const MatchMap& match) const {
  const net::HttpClient* upstream = context_.upstream.get();
  core::Params merged = core::merge_params(
      core::HttpRequestView{request.method, request.target, &request.headers, request.body});
  // Every credential either side used: none of them may reach the file, wherever it appears.
  Recording r{Exchange{}, core::Redactor(context_.options.credentials)};
  r.redactor.add_request_secrets(merged, request.headers);

  Exchange& e = r.exchange;
  e.action = match_param(match, "Action");
  e.provenance.api_version = match_param(match, "Version");
  e.product =
      product_for(upstream ? upstream->url().host : std::string(), e.provenance.api_version);
  e.request.method = request.method;
  e.request.path = request.target.substr(0, request.target.find('?'));
  for (auto& kv : merged)
    if (!is_credential_param(kv.first)) e.request.params.push_back(std::move(kv));
  for (const auto& kv : request.headers)
    if (!is_unrecorded_header(kv.first) && !core::is_volatile_header(kv.first))
      e.request.headers.push_back(kv);
  if (!core::is_form_content_type(core::header_value(request.headers, "content-type")))
    e.request.body = request.body;
  redact_recorded(e.request, r.redactor);
  return r;
}

void ForwardFilter::record_response(Recording& recording, const core::Response& response,
                                    long long duration_ms) const {
  const net::HttpClient* upstream = context_.upstream.get();
  Exchange& e = recording.exchange;
  e.response.status = response.status;
  core::Headers response_headers;
  for (const auto& [k, v] : response.headers) {
    if (core::text::iequals(k, "content-type")) {
      e.response.content_type = v;
      continue;
    }
    if (!is_transient_response_header(k)) response_headers.emplace_back(k, v);
  }
  e.response.headers = recording.redactor.headers(response_headers);
  e.response.body = response.body;
  redact_json_paths(e.response.body, context_.options.redact_paths);
  // Known values and credential names only: the response replays byte for byte otherwise.
  e.response.body = recording.redactor.text(e.response.body);
  e.provenance.recorded_at = utc_now();
  e.provenance.upstream = upstream ? upstream->url().to_string() : std::string();
  e.provenance.duration_ms = duration_ms;
}

}  // namespace popcheck::proxy
