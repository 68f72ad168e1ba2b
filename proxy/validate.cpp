#include "proxy/validate.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <set>
#include <unordered_map>

#include "core/check/check.hpp"
#include "core/check/request_check.hpp"
#include "core/input_limits.hpp"
#include "core/protocol/redact.hpp"
#include "core/protocol/sign.hpp"
#include "core/support/text.hpp"
#include "core/support/utc_time.hpp"
#include "proxy/limits.hpp"

// The validator is a read-only index built once (load) and a mutex-guarded list of results. The
// checks of an exchange run outside the lock against the immutable index; only appending the
// result takes the lock, so concurrent exchanges never wait for each other's checks.

namespace popcheck::proxy {

namespace {

using core::CheckResult;
using std::string;

// Header values and URLs kept per exchange (a client's header may be as long as the server takes).
constexpr size_t kMaxKeptHeader = 1024;
constexpr size_t kMaxKeptUrl = 4096;

// Codes every RPC API may answer whatever its page lists (docs/protocol.md section 3): the
// gateway's own parameter, signature, throttling and availability errors.
bool is_common_code(const string& code) {
  static const std::set<string, std::less<>> codes = {"InvalidParameter",
                                                      "MissingParameter",
                                                      "UnsupportedOperation",
                                                      "NoSuchVersion",
                                                      "InvalidAccessKeyId.NotFound",
                                                      "InvalidAccessKeyId.Inactive",
                                                      "Forbidden",
                                                      "Forbidden.RiskControl",
                                                      "SignatureDoesNotMatch",
                                                      "InternalError",
                                                      "ServiceUnavailable",
                                                      "IncompleteSignature",
                                                      "SignatureNonceUsed",
                                                      "InvalidTimeStamp.Expired",
                                                      "InvalidTimeStamp.Format"};
  return codes.contains(code) || code == "Throttling" || code.starts_with("Throttling.");
}

using core::first_value;

using core::text::iequals;

// The Code of an error body (JSON object or XML <Error>), when there is one.
std::optional<string> body_code(const string& body, bool xml) {
  if (xml) {
    pugi::xml_document doc;
    if (!core::load_xml(doc, body, "response body")) return std::nullopt;
    pugi::xml_node code = doc.document_element().child("Code");
    if (!code) return std::nullopt;
    return string(code.text().get());
  }
  auto j = core::parse_json(body, "response body");
  if (!j || !j->is_object()) return std::nullopt;
  auto it = j->find("Code");
  if (it == j->end() || !it->is_string()) return std::nullopt;
  return it->get<string>();
}

string keep_body(const string& body) { return shorten(body, kMaxKeptBody); }

// As JUnit's timestamp attribute is written: no zone designator.
string utc_timestamp(std::chrono::system_clock::time_point t) {
  return core::format_utc(t, {.zone = false});
}

string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

struct Entry {
  core::Contract contract;
  core::RequestRules rules;
  std::map<string, std::set<int>> statuses;  // documented code -> documented HTTP statuses

  explicit Entry(core::Contract c) : contract(std::move(c)), rules(contract) {
    for (const auto& row : contract.errors) {
      auto& s = statuses[row.code];
      if (row.http) s.insert(*row.http);
    }
  }
};

// The response checks of one exchange against its contract.
std::vector<CheckResult> response_checks(const Entry& e, const core::Params& merged,
                                         const net::HttpResponse& response) {
  string format = iequals(first_value(merged, "Format"), "XML") ? "XML" : "JSON";
  bool xml = format == "XML";
  bool error = response.status >= 400;
  // Only error answers carry a Code worth reading (a proxy-made answer is always an error).
  auto code = error ? body_code(response.body, xml) : std::nullopt;
  // An answer the proxy made itself (a replay miss, an unreachable upstream) says nothing about
  // the API.
  if (code && code->starts_with("Popcheck.")) {
    // Proxy-made answers may be JSON even when XML was asked for; either way they are not judged.
    return {{"response", true, "an answer of the API",
             "made by the proxy (" + *code + "), not judged", ""}};
  }
  if (error && !code && xml) {
    // A proxy error in JSON for an XML request: look again in the other format.
    auto other = body_code(response.body, false);
    if (other && other->starts_with("Popcheck."))
      return {{"response", true, "an answer of the API",
               "made by the proxy (" + *other + "), not judged", ""}};
  }
  core::Case k;
  k.product = e.contract.product;
  k.version = e.contract.version;
  k.action = e.contract.action;
  k.request.format = format;
  if (error) {
    k.expect.status = 400;
    k.expect.status_max = 599;
    k.expect.shape = core::Shape::error;
  } else {
    k.expect.status = 200;
    k.expect.status_max = 299;
    k.expect.shape = core::Shape::example;
  }
  std::vector<CheckResult> out = core::check_exchange(k, e.contract, response);
  if (!error || !code) return out;
  bool parsed = std::any_of(out.begin(), out.end(),
                            [](const CheckResult& r) { return r.check == "parse" && r.passed; });
  if (!parsed) return out;
  string path = xml ? "Error/Code" : "Code";
  auto it = e.statuses.find(*code);
  if (it == e.statuses.end() && !is_common_code(*code)) {
    out.push_back({"undocumented-error", false,
                   "a code documented for " + e.contract.action + " or a common code", *code,
                   path});
    return out;
  }
  out.push_back({"undocumented-error", true, "a documented code", *code, path});
  // A documented code answered with another status than its rows give.
  if (it != e.statuses.end() && !it->second.empty() && !it->second.contains(response.status)) {
    string want;
    for (int s : it->second) want += (want.empty() ? "" : " or ") + std::to_string(s);
    out.push_back(
        {"error-status", false, want + " for " + *code, std::to_string(response.status), ""});
  }
  return out;
}

class ContractValidator final : public Validator {
 public:
  ContractValidator(std::vector<core::CatalogueEntry> entries, core::Credentials credentials)
      : started_(std::chrono::system_clock::now()),
        hostname_(host_name()),
        credentials_(std::move(credentials)) {
    for (auto& ce : entries) {
      const string key = ce.contract.action + "\n" + ce.contract.version;
      // The first path (then the first file in sorted order) documenting an action and version
      // wins.
      if (by_action_version_.contains(key)) continue;
      entries_.push_back(std::make_unique<Entry>(std::move(ce.contract)));
      const Entry* e = entries_.back().get();
      by_action_version_.emplace(key, e);
      by_action_[e->contract.action].push_back(e);
    }
  }

  size_t contracts() const { return entries_.size(); }

  void observe(const net::HttpRequest& request, const core::Params& merged,
               const net::HttpResponse& response) override {
    observe_line(request, merged, response);
  }

  string observe_line(const net::HttpRequest& request, const core::Params& merged,
                      const net::HttpResponse& response) override {
    // Admin and provisioning paths are the proxy's or the emulator's business, not the API's.
    if (request.target.starts_with("/__popcheck")) return {};
    core::CaseResult c;
    c.kind = core::CaseKind::observed;
    c.sent = true;
    c.answered = true;
    // One redactor for the exchange: the proxy's own credentials and those the request carries.
    core::Redactor redactor(credentials_);
    redactor.add_request_secrets(merged, request.headers);
    c.request = recorded_request(request, redactor);
    c.response.status = response.status;
    c.response.headers = redactor.headers(response.headers);
    c.response.body = keep_body(
        redactor.body(response.body, net::header_value(response.headers, "content-type")));

    string action = first_value(merged, "Action");
    string version = first_value(merged, "Version");
    // The client's text names the case and starts the log line: control characters escaped.
    c.action = action.empty() ? "unknown" : core::printable(action, 64);
    c.version = core::printable(version, 32);
    c.description = request.method + " request observed by the validating proxy";
    const Entry* entry = find(action, version, c.checks);
    if (entry) {
      c.product = entry->contract.product;
      c.version = entry->contract.version;
      c.checks = entry->rules.check(merged);
      for (auto& r : response_checks(*entry, merged, response)) c.checks.push_back(std::move(r));
    }
    // A value the client sent (a token inside an ordinary parameter) may be quoted by a check.
    for (auto& r : c.checks) {
      r.expected = redactor.text(r.expected);
      r.actual = redactor.text(r.actual);
    }
    bool failed = std::any_of(c.checks.begin(), c.checks.end(),
                              [](const CheckResult& r) { return !r.passed; });
    c.status = failed ? core::CaseStatus::failed : core::CaseStatus::passed;

    string what;
    for (const auto& r : c.checks) {
      if (r.passed) continue;
      what += (what.empty() ? " " : "; ") + r.check;
      if (!r.path.empty()) what += " at " + r.path;
      what += ": expected " + r.expected + ", actual " + r.actual;
    }
    std::lock_guard lock(mu_);
    // Numbered per action; the actions beyond kMaxTrackedActions share one counter (limits.hpp).
    auto counter = per_action_.find(c.action);
    if (counter == per_action_.end())
      counter = per_action_.size() < kMaxTrackedActions
                    ? per_action_.emplace(c.action, 0).first
                    : per_action_.emplace(string(kOtherActions), 0).first;
    c.id = c.action + "#" + std::to_string(++counter->second);
    string line = failed ? c.id + " (" + request.method + "):" + what : string();
    ++observed_;
    if (failed) ++violating_;
    size_t& kept = failed ? kept_violating_ : kept_passing_;
    if (kept < kMaxKeptCases) {
      ++kept;
      cases_.push_back(std::move(c));
    }
    return line;
  }

  size_t observed() const override {
    std::lock_guard lock(mu_);
    return observed_;
  }

  size_t violating() const override {
    std::lock_guard lock(mu_);
    return violating_;
  }

  core::ojson violations_json() const override {
    core::ojson out = core::ojson::array();
    std::lock_guard lock(mu_);
    for (const auto& c : cases_)
      for (const auto& r : c.checks) {
        if (r.passed) continue;
        core::ojson v;
        v["case"] = c.id;
        v["action"] = c.action;
        v["check"] = r.check;
        v["path"] = r.path;
        v["expected"] = r.expected;
        v["actual"] = r.actual;
        out.push_back(std::move(v));
      }
    return out;
  }

  core::RunReport report(const string& endpoint) const override {
    core::RunReport r;
    r.endpoint = endpoint;
    r.timestamp = utc_timestamp(started_);
    r.hostname = hostname_;
    r.duration_s =
        std::chrono::duration<double>(std::chrono::system_clock::now() - started_).count();
    std::lock_guard lock(mu_);
    r.cases = cases_;
    size_t dropped_passing = observed_ - violating_ - kept_passing_;
    size_t dropped_violating = violating_ - kept_violating_;
    if (dropped_passing + dropped_violating > 0) {
      // Said in the report itself, so that nobody reads the kept cases as all there was.
      core::CaseResult note;
      note.id = "popcheck#retention";
      note.product = "popcheck";
      note.action = "retention";
      note.kind = core::CaseKind::observed;
      note.description = "exchanges counted but not kept";
      note.checks.push_back({"retention", true,
                             "the first " + std::to_string(kMaxKeptCases) +
                                 " passing and violating exchanges kept as cases",
                             std::to_string(dropped_passing) + " more passing and " +
                                 std::to_string(dropped_violating) +
                                 " more violating exchanges counted only",
                             ""});
      r.cases.push_back(std::move(note));
    }
    return r;
  }

 private:
  // The contract of an exchange, or nullptr with the one unknown-action violation in `checks`.
  const Entry* find(const string& action, const string& version,
                    std::vector<CheckResult>& checks) const {
    if (action.empty()) {
      checks.push_back({"unknown-action", false,
                        "an Action parameter (query, form body or x-acs-action)", "none",
                        "Action"});
      return nullptr;
    }
    auto exact = by_action_version_.find(action + "\n" + version);
    if (exact != by_action_version_.end()) return exact->second;
    auto any = by_action_.find(action);
    if (any == by_action_.end()) {
      checks.push_back(
          {"unknown-action", false,
           "an action of the loaded contracts (" + std::to_string(entries_.size()) + " actions)",
           core::printable(action, 64), "Action"});
      return nullptr;
    }
    // Without a Version the action's only contract is meant (the missing Version itself is a
    // missing-required violation of the request checks); with several versions it is ambiguous.
    if (version.empty() && any->second.size() == 1) return any->second.front();
    string versions;
    for (const Entry* e : any->second)
      versions += (versions.empty() ? "" : ", ") + e->contract.version;
    checks.push_back(
        {"unknown-action", false, action + " of version " + versions,
         action + " of version " + (version.empty() ? "(none)" : core::printable(version, 32)),
         "Version"});
    return nullptr;
  }

  // The request with its target in absolute form, as the reports show it.
  static core::Request recorded_request(const net::HttpRequest& request,
                                        const core::Redactor& redactor) {
    core::Request r;
    r.method = request.method;
    string host = net::header_value(request.headers, "host");
    r.target = "http://" + (host.empty() ? string("proxy") : host) + request.target;
    r.headers = request.headers;
    r.body = keep_body(request.body);
    redactor.request(r.target, r.headers, r.body);
    r.target = shorten(r.target, kMaxKeptUrl);
    for (auto& [k, v] : r.headers) v = shorten(v, kMaxKeptHeader);
    return r;
  }

  std::vector<std::unique_ptr<Entry>> entries_;
  std::unordered_map<string, const Entry*> by_action_version_;
  std::unordered_map<string, std::vector<const Entry*>> by_action_;
  std::chrono::system_clock::time_point started_;
  string hostname_;
  core::Credentials credentials_;  // the proxy's own, redacted wherever they appear

  mutable std::mutex mu_;
  std::vector<core::CaseResult> cases_;
  std::map<string, int> per_action_;
  size_t observed_ = 0, violating_ = 0;
  size_t kept_passing_ = 0, kept_violating_ = 0;
};

}  // namespace

Expected<std::unique_ptr<Validator>> Validator::load(const std::vector<string>& paths,
                                                     std::vector<Error>& skipped,
                                                     const core::Credentials& credentials) {
  // One path at a time, so that for an action and version documented in two places the path
  // named first wins (load_catalogue sorts the files of all its paths together).
  std::vector<core::CatalogueEntry> entries;
  for (const auto& path : paths) {
    core::LoadedCatalogue loaded = core::load_catalogue({path});
    for (auto& e : loaded.errors) skipped.push_back(std::move(e));
    for (auto& e : loaded.entries) entries.push_back(std::move(e));
  }
  auto v = std::make_unique<ContractValidator>(std::move(entries), credentials);
  if (v->contracts() == 0) {
    string where;
    for (const auto& p : paths) where += (where.empty() ? "" : ", ") + p;
    return fail("validate.no_contracts",
                "no contract found in " + (where.empty() ? string("(no path)") : where) +
                    " (expected popcheck compile output: <product>/<Action>.json)",
                paths.empty() ? string() : paths.front());
  }
  return std::unique_ptr<Validator>(std::move(v));
}

}  // namespace popcheck::proxy
