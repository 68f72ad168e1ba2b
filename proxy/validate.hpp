#pragma once
// The validating proxy: with --contracts, every exchange that passes through the proxy (any mode)
// is checked against the contract of its action. Requests: unknown parameters, missing required
// ones, values outside the allowed set or range, wrong .N numbering, wrong types. Responses: the
// contract's shape, and for errors a Code the contract documents. Each exchange becomes one case of
// a core::RunReport, which the proxy command writes as JUnit when it stops.
#include <memory>
#include <string>
#include <vector>

#include "core/check/result.hpp"
#include "core/error.hpp"
#include "core/model.hpp"
#include "core/protocol/sign.hpp"
#include "net/http.hpp"

namespace popcheck::proxy {

// What the validator keeps, so that a proxy left running under load keeps bounded memory (a few
// tens of MiB at most) and a readable report: the first kMaxKeptCases passing and the first
// kMaxKeptCases violating exchanges as cases, each with its bodies cut at kMaxKeptBody bytes
// (shorten: the start and a digest of the whole); the rest are counted only.
inline constexpr size_t kMaxKeptCases = 2000;
inline constexpr size_t kMaxKeptBody = 8 * 1024;

class Validator {
 public:
  // Loads the contracts of every catalogue file below `paths` (popcheck compile output). Files that
  // cannot be read are appended to `skipped` and the rest still load. Errors: no contract at all.
  // `credentials` (the proxy's own) are redacted from every result wherever they appear, as are
  // the credentials each request carries (core/protocol/redact).
  static Expected<std::unique_ptr<Validator>> load(const std::vector<std::string>& paths,
                                                   std::vector<Error>& skipped,
                                                   const core::Credentials& credentials = {});
  virtual ~Validator() = default;

  // Checks one exchange. `merged` is core::merge_params of the request (credentials included; they
  // are never copied into results). Thread-safe; called from any server or forwarding thread.
  virtual void observe(const net::HttpRequest& request, const core::Params& merged,
                       const net::HttpResponse& response) = 0;
  // observe(), returning one log line for the exchange when it had violations and an empty string
  // when it had none: "DeleteInstances#3 (GET): unknown-parameter at Colour: expected ..., actual
  // ...; ..." (results are redacted, so the line holds no credential). Lets the proxy log each
  // violating exchange without reading violations_json() back.
  virtual std::string observe_line(const net::HttpRequest& request, const core::Params& merged,
                                   const net::HttpResponse& response) = 0;

  // Exchanges seen so far and how many of them had at least one violation.
  virtual size_t observed() const = 0;
  virtual size_t violating() const = 0;
  // The violations so far (of the kept cases, see report()), for GET /__popcheck/violations.
  virtual core::ojson violations_json() const = 0;
  // Every observed exchange as a case (in arrival order), ready for reports::render_junit. To keep
  // memory bounded under load, the first kMaxKeptCases passing and the first kMaxKeptCases
  // violating exchanges are kept as cases; when more were seen, a last case "popcheck#retention"
  // says how many were counted only (observed() and violating() count them all).
  virtual core::RunReport report(const std::string& endpoint) const = 0;
};

}  // namespace popcheck::proxy
