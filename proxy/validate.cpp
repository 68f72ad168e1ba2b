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
#include <sstream>
#include <unordered_map>

#include "core/check/check.hpp"
#include "core/check/redact.hpp"
#include "core/check/request_check.hpp"
#include "core/input_limits.hpp"
#include "core/protocol/credentials.hpp"
#include "core/protocol/sign.hpp"

// The validator is a read-only index built once (load) and a mutex-guarded list of results. The
// checks of an exchange run outside the lock against the immutable index; only appending the
// result takes the lock, so concurrent exchanges never wait for each other's checks.

namespace popcheck::proxy {

namespace {

using check::CheckResult;
using std::string;

// Bodies kept per exchange for the report: enough for any API answer, bounded for a proxy that
// runs a long SDK suite.
constexpr size_t kMaxKeptBody = 64 * 1024;
// Exchanges kept as cases, passing and violating counted apart, so that a proxy left running
// under load keeps bounded memory and a readable report; the rest are counted only.
constexpr size_t kMaxKeptCases = 10000;

// Codes every RPC API may answer whatever its page lists (protocol.md section 3): the gateway's
// own parameter, signature, throttling and availability errors.
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

string first_value(const core::Params& params, std::string_view name) {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

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

// "a=1&Password=x" -> "a=1&Password=REDACTED" for every check::is_sensitive_param name (API
// secrets such as RunInstances' Password, beyond the credentials check::redact removes); the other
// pairs stay byte for byte.
string mask_query(std::string_view q) {
  string out;
  out.reserve(q.size());
  size_t start = 0;
  while (true) {
    size_t amp = q.find('&', start);
    if (amp == std::string_view::npos) amp = q.size();
    std::string_view pair = q.substr(start, amp - start);
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq == std::string_view::npos ? pair.size() : eq);
    bool secret =
        eq != std::string_view::npos &&
        (name.find('%') == std::string_view::npos && name.find('+') == std::string_view::npos
             ? check::is_sensitive_param(name)
             : check::is_sensitive_param(core::percent_decode(name)));
    if (secret) {
      out.append(pair.substr(0, eq + 1));
      out += check::kRedacted;
    } else {
      out.append(pair);
    }
    if (amp == q.size()) break;
    out += '&';
    start = amp + 1;
  }
  return out;
}

string mask_url(const string& url) {
  size_t q = url.find('?');
  if (q == string::npos) return url;
  return url.substr(0, q + 1) + mask_query(std::string_view(url).substr(q + 1));
}

// Whether a body may hold a secret under a telling key: a cheap test before parsing it.
bool mentions_secret(std::string_view body) {
  auto same = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == static_cast<unsigned char>(b);
  };
  for (std::string_view word :
       {"passw", "secret", "token", "credential", "privatekey", "accesskey"})
    if (std::search(body.begin(), body.end(), word.begin(), word.end(), same) != body.end())
      return true;
  return false;
}

bool mask_json(nlohmann::ordered_json& j) {
  bool changed = false;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (check::is_sensitive_param(it.key()) && (it->is_string() || it->is_number())) {
        *it = string(check::kRedacted);
        changed = true;
      } else {
        changed = mask_json(*it) || changed;
      }
    }
  } else if (j.is_array()) {
    for (auto& v : j) changed = mask_json(v) || changed;
  }
  return changed;
}

bool mask_xml(pugi::xml_node n) {
  bool changed = false;
  for (auto child : n.children()) {
    if (child.type() != pugi::node_element) continue;
    bool leaf = !child.find_child([](pugi::xml_node c) { return c.type() == pugi::node_element; });
    if (leaf && check::is_sensitive_param(child.name())) {
      child.text().set(string(check::kRedacted).c_str());
      changed = true;
    } else {
      changed = mask_xml(child) || changed;
    }
  }
  return changed;
}

// A JSON or XML body with the values of secret-named keys replaced (re-serialised only when one
// was found); any other body unchanged. A body past the input limits is not walked: it is withheld
// whole, since its secrets could not be masked.
string mask_body(const string& body) {
  if (body.empty() || !mentions_secret(body)) return body;
  auto j = core::parse_ordered_json(body, "body");
  if (j) return mask_json(*j) ? j->dump() : body;
  if (j.error().code == "json.too_deep" || j.error().code == "json.too_large")
    return "[body withheld: " + j.error().message + "]";
  pugi::xml_document doc;
  auto xml = core::load_xml(doc, body, "body");
  if (!xml && xml.error().code != "xml.parse") return "[body withheld: " + xml.error().message + "]";
  if (xml && mask_xml(doc)) {
    std::ostringstream out;
    doc.save(out, "", pugi::format_raw);
    return out.str();
  }
  return body;
}

string keep_body(const string& body) {
  if (body.size() <= kMaxKeptBody) return body;
  return body.substr(0, kMaxKeptBody) + "\n[" + std::to_string(body.size() - kMaxKeptBody) +
         " more bytes not kept]";
}

string utc_timestamp(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

struct Entry {
  core::Contract contract;
  check::RequestRules rules;
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
    k.expect.shape = "error";
  } else {
    k.expect.status = 200;
    k.expect.status_max = 299;
    k.expect.shape = "example";
  }
  check::Answer answer{response.status, response.headers, response.body};
  std::vector<CheckResult> out = check::check_exchange(k, e.contract, answer);
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
  explicit ContractValidator(std::vector<core::CatalogueEntry> entries)
      : started_(std::chrono::system_clock::now()), hostname_(host_name()) {
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
    check::CaseResult c;
    c.kind = "observed";
    c.sent = true;
    c.answered = true;
    c.request = recorded_request(request, merged);
    c.response.status = response.status;
    c.response.headers = check::redact_headers(response.headers);
    c.response.body = keep_body(mask_body(scrub_secrets(response.body, merged)));

    string action = first_value(merged, "Action");
    string version = first_value(merged, "Version");
    // The client's text names the case and starts the log line: control characters escaped.
    c.action = action.empty() ? "unknown" : check::printable(action, 64);
    c.version = check::printable(version, 32);
    c.description = request.method + " request observed by the validating proxy";
    const Entry* entry = find(action, version, c.checks);
    if (entry) {
      c.product = entry->contract.product;
      c.version = entry->contract.version;
      c.checks = entry->rules.check(merged);
      for (auto& r : response_checks(*entry, merged, response)) c.checks.push_back(std::move(r));
    }
    bool failed = std::any_of(c.checks.begin(), c.checks.end(),
                              [](const CheckResult& r) { return !r.passed; });
    c.status = failed ? check::CaseStatus::failed : check::CaseStatus::passed;

    string what;
    for (const auto& r : c.checks) {
      if (r.passed) continue;
      what += (what.empty() ? " " : "; ") + r.check;
      if (!r.path.empty()) what += " at " + r.path;
      what += ": expected " + r.expected + ", actual " + r.actual;
    }
    std::lock_guard lock(mu_);
    c.id = c.action + "#" + std::to_string(++per_action_[c.action]);
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

  check::RunReport report(const string& endpoint) const override {
    check::RunReport r;
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
      check::CaseResult note;
      note.id = "popcheck#retention";
      note.product = "popcheck";
      note.action = "retention";
      note.kind = "observed";
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
           check::printable(action, 64), "Action"});
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
         action + " of version " + (version.empty() ? "(none)" : check::printable(version, 32)),
         "Version"});
    return nullptr;
  }

  // Credential values of the request, replaced wherever they appear (a last net under the
  // name-based redaction).
  static string scrub_secrets(string text, const core::Params& merged) {
    for (const auto& [k, v] : merged)
      if (core::is_secret_name(k)) text = check::scrub(std::move(text), v);
    return text;
  }

  static check::RecordedRequest recorded_request(const net::HttpRequest& request,
                                                 const core::Params& merged) {
    check::RecordedRequest r;
    r.method = request.method;
    string host = net::header_value(request.headers, "host");
    r.url = "http://" + (host.empty() ? string("proxy") : host) + request.target;
    r.headers = request.headers;
    r.body = keep_body(request.body);
    r = check::redact(std::move(r));
    r.url = mask_url(scrub_secrets(std::move(r.url), merged));
    r.body = core::is_form_content_type(net::header_value(request.headers, "content-type"))
                 ? mask_query(scrub_secrets(std::move(r.body), merged))
                 : mask_body(scrub_secrets(std::move(r.body), merged));
    for (auto& [k, v] : r.headers) v = scrub_secrets(std::move(v), merged);
    return r;
  }

  std::vector<std::unique_ptr<Entry>> entries_;
  std::unordered_map<string, const Entry*> by_action_version_;
  std::unordered_map<string, std::vector<const Entry*>> by_action_;
  std::chrono::system_clock::time_point started_;
  string hostname_;

  mutable std::mutex mu_;
  std::vector<check::CaseResult> cases_;
  std::map<string, int> per_action_;
  size_t observed_ = 0, violating_ = 0;
  size_t kept_passing_ = 0, kept_violating_ = 0;
};

}  // namespace

Expected<std::unique_ptr<Validator>> Validator::load(const std::vector<string>& paths,
                                                     std::vector<Error>& skipped) {
  // One path at a time, so that for an action and version documented in two places the path
  // named first wins (load_catalogue sorts the files of all its paths together).
  std::vector<core::CatalogueEntry> entries;
  for (const auto& path : paths) {
    core::LoadedCatalogue loaded = core::load_catalogue({path});
    for (auto& e : loaded.errors) skipped.push_back(std::move(e));
    for (auto& e : loaded.entries) entries.push_back(std::move(e));
  }
  auto v = std::make_unique<ContractValidator>(std::move(entries));
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
