#include "reports/results_io.hpp"

#include <algorithm>

#include "core/files.hpp"
#include "core/input_limits.hpp"

namespace popcheck::reports {

namespace {

// Ordered, so that an embedded object (coverage) keeps its key order when passed on.
using json = nlohmann::ordered_json;

// Reads the values of one results file, remembering the file for errors. Each accessor names the
// JSON path of the value it complains about.
class Reader {
 public:
  explicit Reader(const std::string& file) : file_(file) {}

  std::unexpected<Error> bad(const std::string& path, const std::string& what) const {
    return fail("results.shape", path + ": " + what, file_);
  }

  static const char* type_name(const json& j) { return j.type_name(); }

  // An optional string member: absent or null gives the default.
  Expected<std::string> str(const json& obj, const char* key, const std::string& path) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::string();
    if (!it->is_string())
      return bad(path + "." + key, std::string("expected a string, found ") + type_name(*it));
    return it->get<std::string>();
  }

  Expected<double> number(const json& obj, const char* key, const std::string& path) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return 0.0;
    if (!it->is_number())
      return bad(path + "." + key, std::string("expected a number, found ") + type_name(*it));
    return it->get<double>();
  }

  // Headers as written by render_json ([[name, value], ...]) or as an object {name: value}.
  Expected<core::Headers> headers(const json& obj, const std::string& path) const {
    core::Headers out;
    auto it = obj.find("headers");
    if (it == obj.end() || it->is_null()) return out;
    std::string p = path + ".headers";
    if (it->is_object()) {
      for (const auto& [k, v] : it->items()) {
        if (!v.is_string()) return bad(p + "." + k, "expected a string header value");
        out.emplace_back(k, v.get<std::string>());
      }
      return out;
    }
    if (!it->is_array()) return bad(p, std::string("expected an array, found ") + type_name(*it));
    for (size_t i = 0; i < it->size(); ++i) {
      const json& h = (*it)[i];
      if (!h.is_array() || h.size() != 2 || !h[0].is_string() || !h[1].is_string())
        return bad(p + "[" + std::to_string(i) + "]", "expected a [name, value] pair of strings");
      out.emplace_back(h[0].get<std::string>(), h[1].get<std::string>());
    }
    return out;
  }

  Expected<core::CaseResult> one_case(const json& j, const std::string& path) const {
    if (!j.is_object()) return bad(path, std::string("expected an object, found ") + type_name(j));
    core::CaseResult c;
    auto id = str(j, "id", path);
    if (!id) return std::unexpected(id.error());
    if (id->empty()) return bad(path + ".id", "every case needs a non-empty id");
    c.id = std::move(*id);
    struct Field {
      const char* key;
      std::string* target;
    };
    for (Field f : {Field{"product", &c.product}, Field{"version", &c.version},
                    Field{"action", &c.action}, Field{"description", &c.description},
                    Field{"skip_reason", &c.skip_reason}, Field{"error", &c.error}}) {
      auto v = str(j, f.key, path);
      if (!v) return std::unexpected(v.error());
      *f.target = std::move(*v);
    }
    auto kind = str(j, "kind", path);
    if (!kind) return std::unexpected(kind.error());
    if (!kind->empty()) {
      c.kind = core::case_kind_from_string(*kind);
      if (!c.kind)
        return bad(path + ".kind",
                   "expected " + std::string(core::case_kind_names()) + ", found '" + *kind + "'");
    }
    auto status = str(j, "status", path);
    if (!status) return std::unexpected(status.error());
    auto parsed = parse_case_status(*status);
    if (!parsed)
      return bad(path + ".status",
                 "expected passed, failed, skipped or error, found '" + *status + "'");
    c.status = *parsed;
    auto duration = number(j, "duration", path);
    if (!duration) return std::unexpected(duration.error());
    c.duration_s = *duration;

    // The failed checks, in full.
    std::vector<core::CheckResult> failures;
    if (auto it = j.find("failures"); it != j.end() && !it->is_null()) {
      if (!it->is_array())
        return bad(path + ".failures", std::string("expected an array, found ") + type_name(*it));
      for (size_t i = 0; i < it->size(); ++i) {
        std::string p = path + ".failures[" + std::to_string(i) + "]";
        const json& f = (*it)[i];
        if (!f.is_object()) return bad(p, std::string("expected an object, found ") + type_name(f));
        core::CheckResult r;
        r.passed = false;
        for (Field fl : {Field{"check", &r.check}, Field{"expected", &r.expected},
                         Field{"actual", &r.actual}, Field{"path", &r.path}}) {
          auto v = str(f, fl.key, p);
          if (!v) return std::unexpected(v.error());
          *fl.target = std::move(*v);
        }
        failures.push_back(std::move(r));
      }
    }
    // The names of every check that ran; the failures take their places in order.
    if (auto it = j.find("checks"); it != j.end() && !it->is_null()) {
      if (!it->is_array())
        return bad(path + ".checks", std::string("expected an array, found ") + type_name(*it));
      size_t next = 0;
      for (size_t i = 0; i < it->size(); ++i) {
        const json& name = (*it)[i];
        if (!name.is_string())
          return bad(path + ".checks[" + std::to_string(i) + "]", "expected a check name");
        std::string n = name.get<std::string>();
        if (next < failures.size() && failures[next].check == n) {
          c.checks.push_back(std::move(failures[next++]));
        } else {
          c.checks.push_back(core::CheckResult{n, true, "", "", ""});
        }
      }
      // Failures the list did not name (a hand-edited file) are kept rather than lost.
      for (; next < failures.size(); ++next) c.checks.push_back(std::move(failures[next]));
    } else {
      c.checks = std::move(failures);
    }

    if (auto it = j.find("parity_gaps"); it != j.end() && !it->is_null()) {
      if (!it->is_array())
        return bad(path + ".parity_gaps",
                   std::string("expected an array, found ") + type_name(*it));
      for (size_t i = 0; i < it->size(); ++i) {
        if (!(*it)[i].is_string())
          return bad(path + ".parity_gaps[" + std::to_string(i) + "]", "expected a path");
        c.parity_gaps.push_back((*it)[i].get<std::string>());
      }
    }

    if (auto it = j.find("request"); it != j.end() && !it->is_null()) {
      std::string p = path + ".request";
      if (!it->is_object())
        return bad(p, std::string("expected an object, found ") + type_name(*it));
      c.sent = true;
      for (Field fl : {Field{"method", &c.request.method}, Field{"url", &c.request.target},
                       Field{"body", &c.request.body}}) {
        auto v = str(*it, fl.key, p);
        if (!v) return std::unexpected(v.error());
        *fl.target = std::move(*v);
      }
      auto h = headers(*it, p);
      if (!h) return std::unexpected(h.error());
      c.request.headers = std::move(*h);
    }
    if (auto it = j.find("response"); it != j.end() && !it->is_null()) {
      std::string p = path + ".response";
      if (!it->is_object())
        return bad(p, std::string("expected an object, found ") + type_name(*it));
      c.answered = true;
      auto s = it->find("status");
      if (s != it->end() && !s->is_null()) {
        if (!s->is_number_integer()) return bad(p + ".status", "expected an integer HTTP status");
        c.response.status = s->get<int>();
      }
      auto body = str(*it, "body", p);
      if (!body) return std::unexpected(body.error());
      c.response.body = std::move(*body);
      auto h = headers(*it, p);
      if (!h) return std::unexpected(h.error());
      c.response.headers = std::move(*h);
    }
    return c;
  }

 private:
  const std::string& file_;
};

}  // namespace

std::optional<core::CaseStatus> parse_case_status(std::string_view text) {
  using core::CaseStatus;
  for (CaseStatus s :
       {CaseStatus::passed, CaseStatus::failed, CaseStatus::skipped, CaseStatus::error})
    if (core::to_string(s) == text) return s;
  return std::nullopt;
}

Expected<LoadedResults> parse_results(std::string_view text, const std::string& file) {
  // Within the input limits (a too-deep file is refused here, before anything walks it).
  auto parsed = core::parse_ordered_json(text, file);
  if (!parsed) {
    Error e = parsed.error();
    if (e.code == "json.parse") e.code = "results.parse";
    return std::unexpected(std::move(e));
  }
  json& j = *parsed;
  Reader r(file);
  if (!j.is_object())
    return r.bad("$", std::string("a results file is a JSON object, found ") + j.type_name());
  LoadedResults out;
  auto& report = out.report;
  auto endpoint = r.str(j, "endpoint", "$");
  if (!endpoint) return std::unexpected(endpoint.error());
  report.endpoint = std::move(*endpoint);
  auto timestamp = r.str(j, "timestamp", "$");
  if (!timestamp) return std::unexpected(timestamp.error());
  report.timestamp = std::move(*timestamp);
  auto hostname = r.str(j, "hostname", "$");
  if (!hostname) return std::unexpected(hostname.error());
  report.hostname = std::move(*hostname);
  if (auto s = j.find("summary"); s != j.end() && !s->is_null()) {
    if (!s->is_object()) return r.bad("$.summary", "expected an object");
    auto d = r.number(*s, "duration", "$.summary");
    if (!d) return std::unexpected(d.error());
    report.duration_s = *d;
  }
  auto cases = j.find("cases");
  if (cases == j.end())
    return r.bad("$", "no \"cases\" array: this is not a popcheck results file");
  if (!cases->is_array())
    return r.bad("$.cases", std::string("expected an array, found ") + cases->type_name());
  report.cases.reserve(cases->size());
  for (size_t i = 0; i < cases->size(); ++i) {
    auto c = r.one_case((*cases)[i], "$.cases[" + std::to_string(i) + "]");
    if (!c) return std::unexpected(c.error());
    report.cases.push_back(std::move(*c));
  }
  if (auto cov = j.find("coverage"); cov != j.end() && cov->is_object()) out.coverage = *cov;
  return out;
}

Expected<LoadedResults> read_results(const std::string& path) {
  auto text = core::read_file(path);
  if (!text) return std::unexpected(text.error());
  return parse_results(*text, path);
}

}  // namespace popcheck::reports
