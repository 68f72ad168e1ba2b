// The HTTP transport (runner/transport.hpp): a case's request signed and sent as the cloud takes it,
// the answer checked against the case's contract.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "core/check/check.hpp"
#include "core/protocol/redact.hpp"
#include "core/support/text.hpp"
#include "runner/runner.hpp"

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

// The request as recorded in the report, redacted with the run's credentials known.
// The target in absolute form: the endpoint's origin, then the path and query as sent.
core::Request record(const core::Url& endpoint, const core::Request& req,
                     const core::Credentials& creds) {
  core::Request r{req.method, endpoint.origin() + req.target, req.headers, req.body};
  core::redact_request(r.target, r.headers, r.body, core::Redactor(creds));
  return r;
}

class HttpTransport : public Transport {
 public:
  HttpTransport(const RunOptions& options, const Target& target)
      : options_(options), target_(target), client_(options.endpoint, options.client) {}

  Expected<void> exchange(const CaseItem& item, const core::Params& params,
                          core::CaseResult& r) override {
    const core::Case& c = item.c;
    SignParams sign;
    sign.signature = options_.signature;
    sign.style = resolve_style(options_.style, c.request.method, options_.signature);
    sign.credentials = options_.credentials;
    core::Request sent;
    auto answer = send_with_retries(
        client_, options_.retries,
        [&] {
          sign.timestamp = utc_timestamp();
          sign.nonce = new_nonce();
          core::Request req = build_request(options_.endpoint, params, c.request.format, sign);
          // Lets an emulator tie what it provisioned for this case (an injected fault above all) to
          // this case's requests, so that cases running side by side with equal parameters do not
          // trip over each other's faults. Only emulators get it; the header is not signed.
          if (target_.emulator) req.headers.emplace_back(std::string(kCaseHeader), c.id);
          return req;
        },
        &sent);
    r.sent = true;
    r.request = record(options_.endpoint, sent, options_.credentials);
    if (!answer) {
      r.status = core::CaseStatus::error;
      r.error = answer.error().message;
      return {};
    }
    r.answered = true;
    r.response = std::move(*answer);
    // Reports list an answer's headers by name (any case; a repeated name in arrival order), so
    // that they do not depend on the order a server happens to write them in.
    std::stable_sort(r.response.headers.begin(), r.response.headers.end(),
                     [](const auto& a, const auto& b) {
                       return core::text::to_lower(a.first) < core::text::to_lower(b.first);
                     });
    r.checks = core::check_exchange(c, *item.contract, r.response);
    r.status = r.failures().empty() ? core::CaseStatus::passed : core::CaseStatus::failed;
    return {};
  }

 private:
  const RunOptions& options_;
  const Target& target_;
  net::HttpClient client_;
};

}  // namespace

std::unique_ptr<Transport> make_http_transport(const RunOptions& options, const Target& target) {
  return std::make_unique<HttpTransport>(options, target);
}

}  // namespace popcheck::runner
