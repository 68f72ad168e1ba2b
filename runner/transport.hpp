#pragma once
// How a case reaches what is tested. The runner has one case loop (runner.hpp: run_cases_over):
// units of work shared by the workers, each case's needs met, its variables substituted, and skips
// decided there, the same for every transport; a transport then sends the case and checks what came
// back:
//  - HttpTransport: the request signed and sent over HTTP as the cloud takes it, the answer checked
//    against the contract (core/check/check.hpp). One per worker (one kept-alive connection each).
//  - SdkTransport (runner/sdk.hpp): the case handed to a real SDK through an adapter process, what
//    the SDK surfaced checked (core/check/sdk_check.hpp). One per run: SDK runs are sequential.
#include <functional>
#include <memory>
#include <string>

#include "core/check/result.hpp"
#include "core/error.hpp"
#include "runner/select.hpp"

namespace popcheck::runner {

struct RunOptions;
struct Target;

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `item`'s case with `params` (variables substituted) and fills `r`: sent and request,
  // answered and response, checks and status (passed or failed), or status error and r.error when
  // no answer came. An Error return means the run cannot go on (an SDK adapter that failed after its
  // one restart): the loop stops and the run exits with status 2.
  virtual Expected<void> exchange(const CaseItem& item, const core::Params& params,
                                  core::CaseResult& r) = 0;
  // What the report names after the endpoint's URL ("" for plain HTTP; " via SDK adapter ...").
  virtual std::string describe() const { return {}; }
};

// Makes one worker's transport; an Error when it cannot start (an adapter that does not say hello).
using TransportFactory = std::function<Expected<std::unique_ptr<Transport>>()>;

// The HTTP transport of run_cases: signs with options.signature and options.credentials, retries
// network failures options.retries times (each attempt re-signed), and tags requests to a popcheck
// emulator with the case's id (runner.hpp: kCaseHeader).
std::unique_ptr<Transport> make_http_transport(const RunOptions& options, const Target& target);

}  // namespace popcheck::runner
