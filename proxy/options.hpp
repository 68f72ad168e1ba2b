#pragma once
// The proxy's modes and options.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/protocol/sign.hpp"
#include "net/admin.hpp"
#include "proxy/faults.hpp"
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
  FaultConfig faults;  // injected latency, errors, resets and truncations (none by default)
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

}  // namespace popcheck::proxy
