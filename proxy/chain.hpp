#pragma once
// The proxy's request path as a chain of small filters, in the manner of Envoy's filter chain:
//
//   admin -> faults -> validation -> replay -> forward (and record)
//
// Each filter looks at the call and either answers it (on_request returns true: the chain stops)
// or lets it go on, perhaps having wrapped its Respond so that it sees or changes the answer on
// the way back (faults delay or cut it, validation observes it). Filters share the proxy's state
// through a ProxyContext and hold none of their own beyond it, so each can be tested alone.
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/protocol/normalize.hpp"
#include "net/http.hpp"
#include "proxy/faults.hpp"
#include "proxy/fixtures/store.hpp"
#include "proxy/options.hpp"
#include "proxy/upstream.hpp"

namespace popcheck::proxy {

// The last misses, for GET /__popcheck/misses: bounded entries, the oldest evicted first.
class MissLog {
 public:
  explicit MissLog(size_t limit) : limit_(limit) {}
  void add(core::ojson entry);
  // {"misses": [...], "limit": N, "dropped": N}; `clear` empties the log after reading it.
  core::ojson json(bool clear);

 private:
  std::mutex mutex_;
  size_t limit_;
  std::deque<core::ojson> entries_;
  uint64_t dropped_ = 0;  // entries evicted since the log was last cleared
};

// What the filters share: the options, the fixtures, the upstream, the mode and the counters.
struct ProxyContext {
  explicit ProxyContext(ProxyOptions o);
  ~ProxyContext();

  ProxyOptions options;
  FixtureStore store;
  std::unique_ptr<net::HttpClient> upstream;  // null: replay only
  std::atomic<Mode> mode;
  std::atomic<uint64_t> hits{0}, misses{0}, recorded{0}, forwarded{0}, errors{0};
  FaultInjector faults;
  MissLog miss_log;
  struct Pool;
  struct PoolDeleter {
    void operator()(Pool* pool) const;
  };
  std::unique_ptr<Pool, PoolDeleter> pool;  // forwarding threads (ForwardFilter)
  void start_pool(size_t threads);
  void join_pool();  // waits for every forwarded call to finish

  Expected<void> set_mode(Mode m);
  ProxyStats stats() const;
  // The HostId of the proxy's own error answers for a call: the upstream's host when it is a
  // cloud endpoint, else the product's public host, else "popcheck-proxy".
  std::string host_id(const MatchMap& match) const;
};

// The value of one match parameter ("Action", "Version", "Format"); empty when there is none.
inline std::string match_param(const MatchMap& match, const std::string& name) {
  auto it = match.find(name);
  return it == match.end() ? std::string() : it->second;
}

// One request on its way through the chain.
class Call {
 public:
  // The request stays the caller's (ProxyHandler::handle's parameter), which outlives the call's
  // way down the chain: a replayed request is never moved again on its way to the answer.
  Call(net::HttpRequest& r, net::Respond respond, const ProxyContext& context)
      : request(r), respond(std::move(respond)), mode(context.mode.load()), context_(context) {}

  net::HttpRequest& request;  // filters may move it on (the forward filter does)
  net::Respond respond;       // filters may wrap it
  const Mode mode;            // read once, so that a mode switch never splits a call

  std::string_view path() const {
    return std::string_view(request.target).substr(0, request.target.find('?'));
  }
  core::HttpRequestView view() const {
    return {request.method, request.target, &request.headers, request.body};
  }
  // The match key (with its hash), Action and Format: all a replayed hit needs. Computed once.
  core::RequestKey& key();
  // The match parameters, built only for what needs more (a miss report, a recording, the HostId
  // of an injected error).
  MatchMap& match();

 private:
  const ProxyContext& context_;
  std::optional<core::RequestKey> key_;
  std::optional<MatchMap> match_;
};

class Filter {
 public:
  virtual ~Filter() = default;
  // True when the call was answered (the chain stops there).
  virtual bool on_request(Call& call) = 0;
};

// A filter that works on the proxy's shared state.
class ContextFilter : public Filter {
 public:
  explicit ContextFilter(ProxyContext& context) : context_(context) {}

 protected:
  ProxyContext& context_;
};

// /__popcheck/: refuses what net::refuse_admin refuses, answers the proxy's own endpoints, and
// passes another server's admin requests (an emulator's provisioning) to the forward filter
// unrecorded, or answers 404 when nothing is forwarded.
class AdminFilter : public ContextFilter {
 public:
  AdminFilter(ProxyContext& context, Filter& forward) : ContextFilter(context), forward_(forward) {}
  bool on_request(Call& call) override;
  net::HttpResponse answer(const net::HttpRequest& request, std::string_view path);

 private:
  net::HttpResponse faults(const net::HttpRequest& request);
  Filter& forward_;
};

// Injected errors answer here (never replayed, forwarded, recorded or validated); latency, resets
// and truncations wrap the real answer.
class FaultFilter : public ContextFilter {
 public:
  using ContextFilter::ContextFilter;
  bool on_request(Call& call) override;
};

// With --contracts: the validator sees the real answer before faults change how it is sent.
class ValidationFilter : public ContextFilter {
 public:
  using ContextFilter::ContextFilter;
  bool on_request(Call& call) override;
};

// Replay and auto modes: a recorded answer, or (replay mode) a 404 naming the nearest recording.
class ReplayFilter : public ContextFilter {
 public:
  using ContextFilter::ContextFilter;
  bool on_request(Call& call) override;
  net::HttpResponse miss(Call& call);
};

// The end of the chain: forwards on the forwarding pool, and in record and auto modes records
// the exchange (durably, before the client gets the answer). Admin requests of another server are
// forwarded unrecorded.
class ForwardFilter : public ContextFilter {
 public:
  using ContextFilter::ContextFilter;
  bool on_request(Call& call) override;

 private:
  // A recording in two halves: the request's side before it is forwarded (so that a request no
  // fixture can hold is refused before the upstream sees it), the response's side after.
  struct Recording {
    Exchange exchange;
    core::Redactor redactor;  // every credential either side used
  };
  Recording record_request(const net::HttpRequest& request, const MatchMap& match) const;
  void record_response(Recording& recording, const core::Response& response,
                       long long duration_ms) const;
};

// A JSON answer of the admin endpoints (net::json_response, on one line), and the proxy's own
// Alibaba-style errors.
using net::json_response;
net::HttpResponse api_error(int status, std::string code, std::string message, bool xml = false);

}  // namespace popcheck::proxy
