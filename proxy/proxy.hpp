#pragma once
// The record/replay proxy as a net::Handler: admin endpoints under /__popcheck/, then the mode's
// behaviour (record, replay, auto, passthrough) on every other request. Replay answers on the
// server thread from the in-memory index; forwarding runs on a pool of worker threads so that a
// slow upstream never blocks replay or admin requests.
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/protocol/sign.hpp"
#include "net/admin.hpp"
#include "net/http.hpp"
#include "proxy/faults.hpp"
#include "proxy/fixtures/store.hpp"
#include "proxy/upstream.hpp"
#include "proxy/validate.hpp"

namespace popcheck::proxy {

enum class Mode { record, replay, auto_, passthrough };
std::string_view mode_name(Mode mode);
std::optional<Mode> parse_mode(std::string_view text);

struct ProxyOptions {
  Mode mode = Mode::replay;
  std::string fixtures;
  std::vector<std::string> ignore_params;  // extra parameters left out of matching (ClientToken)
  std::vector<std::string> redact_paths;   // JSON paths removed from recorded responses
  core::Credentials credentials;           // held credentials; empty: forward as is
  UpstreamOptions upstream;                // url empty: replay only
  size_t forward_threads = 16;
  // Misses kept for GET /__popcheck/misses, oldest evicted first; each keeps at most 64 parameters
  // of 256 bytes (limits.hpp), so the log stays a few MiB whatever the requests carried.
  size_t miss_log = 1000;
  FaultConfig faults;      // injected latency, errors, resets and truncations (none by default)
  // Who may use the /__popcheck/ endpoints (net/admin.hpp): never a cross-origin page; with a
  // token, only callers that send it.
  net::AdminGuard admin{.token = {}, .hosts = {}, .host_id = "popcheck-proxy"};
  // The validating proxy (--contracts): observes every exchange that is not an injected error.
  std::shared_ptr<Validator> validator;
  // Where one line per violating exchange goes (stderr in the command); empty: nowhere.
  std::function<void(const std::string&)> log;
};

struct ProxyStats {
  uint64_t hits = 0, misses = 0, recorded = 0, forwarded = 0, errors = 0;
};

class ProxyHandler : public net::Handler {
 public:
  // Loads the fixtures (problems go to `report`) and connects nothing yet. Errors: a bad upstream
  // URL or CA file, a mode that forwards without an upstream.
  static Expected<std::shared_ptr<ProxyHandler>> create(ProxyOptions options, LoadReport& report);
  ~ProxyHandler() override;

  void handle(net::HttpRequest request, net::Respond respond) override;

  Mode mode() const { return mode_.load(); }
  Expected<void> set_mode(Mode mode);
  ProxyStats stats() const;
  LoadReport reload();
  const FixtureStore& store() const { return store_; }
  FaultInjector& faults() { return faults_; }
  Validator* validator() const { return options_.validator.get(); }

 private:
  explicit ProxyHandler(ProxyOptions options);
  struct Pool;

  net::HttpResponse admin(const net::HttpRequest& request, std::string_view path);
  net::HttpResponse admin_faults(const net::HttpRequest& request);
  // Wraps `respond` so that the validator sees the real answer before faults change how it is sent.
  net::Respond observed(const net::HttpRequest& request, const core::Params& merged,
                        net::Respond respond);
  std::string host_id(const MatchMap& match) const;
  net::HttpResponse miss(const net::HttpRequest& request, const MatchMap& match);
  void forward(net::HttpRequest request, net::Respond respond, bool record, std::string key,
               MatchMap match);
  Exchange make_exchange(const net::HttpRequest& request, const UpstreamRequest& sent,
                         const UpstreamResponse& response, const MatchMap& match,
                         long long duration_ms) const;

  ProxyOptions options_;
  FixtureStore store_;
  std::unique_ptr<Upstream> upstream_;
  std::unique_ptr<Pool> pool_;
  std::atomic<Mode> mode_;
  std::atomic<uint64_t> hits_{0}, misses_{0}, recorded_{0}, forwarded_{0}, errors_{0};
  mutable std::mutex misses_mutex_;
  std::deque<core::ojson> miss_log_;
  uint64_t misses_dropped_ = 0;  // entries evicted since the log was last cleared
  FaultInjector faults_;
};

}  // namespace popcheck::proxy
