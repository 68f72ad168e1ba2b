#pragma once
// Running cases against an endpoint: meet each case's needs, send it over a transport (HTTP, or an
// SDK adapter: runner/transport.hpp), check the answer. Cases run on -j worker threads; the report
// lists them in selection order whatever the parallelism.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/check/result.hpp"
#include "core/error.hpp"
#include "core/protocol/sign.hpp"
#include "net/client.hpp"
#include "runner/request.hpp"
#include "runner/select.hpp"
#include "runner/transport.hpp"
#include "runner/vars.hpp"

namespace popcheck::runner {

// The key pair used against a popcheck emulator when no credentials are configured. The emulator
// does not check signatures unless started with --verify-signature, so any pair works there; this
// one is documented so that an emulator started with verification can be configured to accept it.
inline constexpr std::string_view kDummyAccessKeyId = "popcheck-dummy-key-id";
inline constexpr std::string_view kDummyAccessKeySecret = "popcheck-dummy-key-secret";

// Against a popcheck emulator, every API request carries the id of its case in this header, and the
// provisioning request names the case ({"needs": [...], "region": ..., "case": id}), so that the
// emulator can scope what it provisioned (injected faults above all) to that case's requests.
inline constexpr std::string_view kCaseHeader = "x-popcheck-case";

struct RunOptions {
  core::Url endpoint;
  SignatureVersion signature = SignatureVersion::v1;
  std::optional<Style> style;  // unset: from each case's method (see resolve_style)
  core::Credentials credentials;
  Vars vars;  // --var / --vars
  int jobs = 1;
  int retries = 2;  // extra attempts after a network failure; never after an HTTP answer
  net::ClientOptions client;
  // Sent as X-Popcheck-Admin-Token with the emulator's health probe and provisioning, for an
  // emulator that requires it (net/admin.hpp); empty: not sent.
  std::string admin_token;
};

// What the up-front probe learnt about the endpoint.
struct Target {
  bool emulator = false;  // GET /__popcheck/health answered {"service":"popcheck-emulator"}
};

// Reachability check, once before any case runs: GET <endpoint>/__popcheck/health. Any HTTP answer
// means reachable; a popcheck emulator is recognised by its answer. A network or TLS failure (after
// the retries) is returned as the Error to report before exiting with status 2.
Expected<Target> probe(const RunOptions& options);

// Called after each case, from the worker that ran it, one call at a time.
using Progress = std::function<void(size_t done, size_t total, const core::CaseResult& result)>;

// The units of work of a run: indexes into `cases`. A case without a scenario is a unit of its own;
// the cases of one scenario form one unit, in step order, because each may depend on the state the
// earlier ones left (cases derived from one recording). Units appear in the order of their first
// case. Workers take whole units, so a scenario runs sequentially on one worker while other units
// run in parallel.
std::vector<std::vector<size_t>> schedule(const std::vector<CaseItem>& cases);

// The case loop, one for every transport (runner/transport.hpp): `workers` threads take the units
// of schedule() in turn, each with its own transport; per case, needs are met by the emulator's
// POST /__popcheck/provision when target.emulator, else from options.vars; a case whose needs or
// variables cannot be met is skipped with the reason; the others are exchanged by the transport.
// The report lists the cases in the order given, whatever the schedule. An Error (exit status 2)
// when a transport cannot start or stops the run.
Expected<core::RunReport> run_cases_over(const std::vector<CaseItem>& cases,
                                         const RunOptions& options, const Target& target,
                                         const TransportFactory& make_transport, int workers,
                                         const Progress& progress = {});

// run_cases_over with the HTTP transport on options.jobs workers.
core::RunReport run_cases(const std::vector<CaseItem>& cases, const RunOptions& options,
                          const Target& target, const Progress& progress = {});

// UTC now as "YYYY-MM-DDThh:mm:ssZ" (the V1 Timestamp and V3 x-acs-date format).
std::string utc_timestamp();
// UTC now as the reports write it: "YYYY-MM-DDThh:mm:ss" (the JUnit schema allows no zone).
std::string report_timestamp();
// This machine's host name for the reports; "localhost" when it has none.
std::string local_hostname();

// What the emulator's POST /__popcheck/provision made of a case's needs (docs/needs.md).
struct Provisioned {
  Vars vars;
  std::string skip_reason;  // non-empty: the needs could not be met, and why
};
// Sends the request `build` makes, again after a network failure up to `retries` times, each attempt
// built afresh (a new nonce and time). `last_sent`, when given, receives the last request sent.
Expected<core::Response> send_with_retries(net::HttpClient& client, int retries,
                                           const std::function<core::Request()>& build,
                                           core::Request* last_sent);

// Asks the emulator at options.endpoint to meet c's needs (retrying network failures only). Used by
// HTTP runs and SDK runs alike, so both meet needs the same way.
Provisioned provision_needs(net::HttpClient& client, const RunOptions& options,
                            const core::Case& c);

}  // namespace popcheck::runner
