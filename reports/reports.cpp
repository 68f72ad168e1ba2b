#include "reports/reports.hpp"

#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>

#include "core/files.hpp"
#include "core/protocol/redact.hpp"
#include "core/support/xml_text.hpp"

namespace popcheck::reports {

namespace {

using core::CaseResult;
using core::CaseStatus;
using ojson = nlohmann::ordered_json;
using core::text::xml_safe;

// Durations with a fixed number of decimals: xs:decimal in JUnit, and stable text in both files.
std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s < 0 ? 0.0 : s);
  return buf;
}

std::string failure_text(const CaseResult& c) {
  std::ostringstream out;
  for (const auto* f : c.failures()) {
    out << f->check;
    if (!f->path.empty()) out << " at " << f->path;
    out << ": expected " << f->expected << ", actual " << f->actual << "\n";
  }
  return out.str();
}

std::string failure_message(const CaseResult& c) {
  auto failures = c.failures();
  std::string msg =
      std::to_string(failures.size()) + (failures.size() == 1 ? " check" : " checks") + " failed:";
  for (size_t i = 0; i < failures.size(); ++i) msg += (i ? ", " : " ") + failures[i]->check;
  return msg;
}

// Requests and responses are redacted again here, whatever the caller did (core/protocol/redact).
core::Request redacted(core::Request req) {
  core::redact_request(req.target, req.headers, req.body);
  return req;
}

core::Response redacted(core::Response res) {
  const core::Redactor redactor;
  res.headers = redactor.headers(res.headers);
  res.body = redactor.body(res.body, core::header_value(res.headers, "content-type"));
  return res;
}

std::string exchange_text(const CaseResult& c) {
  std::ostringstream out;
  out << "=== " << c.id << " (" << core::to_string(c.status) << ")\n";
  if (c.status == CaseStatus::skipped) out << "skipped: " << c.skip_reason << "\n";
  if (!c.sent) return out.str();
  core::Request req = redacted(c.request);
  out << "> " << req.method << " " << req.target << "\n";
  for (const auto& [k, v] : req.headers) out << "> " << k << ": " << v << "\n";
  if (!req.body.empty()) out << ">\n" << req.body << "\n";
  if (c.answered) {
    core::Response res = redacted(c.response);
    out << "< " << res.status << "\n";
    for (const auto& [k, v] : res.headers) out << "< " << k << ": " << v << "\n";
    if (!res.body.empty()) out << "<\n" << res.body << "\n";
  } else if (!c.error.empty()) {
    out << "! " << c.error << "\n";
  }
  return out.str();
}

ojson headers_json(const core::Headers& headers) {
  ojson a = ojson::array();
  for (const auto& [k, v] : headers) a.push_back(ojson::array({k, v}));
  return a;
}

}  // namespace

std::string render_junit(const core::RunReport& report) {
  // Group by product and action in order of first appearance; cases keep their order inside a
  // group.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const CaseResult*>> groups;
  for (const auto& c : report.cases) {
    std::string key = (c.product.empty() ? "unknown" : c.product) + "." +
                      (c.action.empty() ? "unknown" : c.action);
    if (!groups.contains(key)) order.push_back(key);
    groups[key].push_back(&c);
  }
  pugi::xml_document doc;
  auto suites = doc.append_child("testsuites");
  std::string timestamp = report.timestamp.empty() ? "1970-01-01T00:00:00" : report.timestamp;
  std::string hostname = report.hostname.empty() ? "localhost" : report.hostname;
  int id = 0;
  for (const auto& key : order) {
    const auto& cases = groups[key];
    int failures = 0, errors = 0, skipped = 0, gaps = 0;
    bool recorded = false;
    double time = 0;
    for (const auto* c : cases) {
      gaps += static_cast<int>(c->parity_gaps.size());
      recorded = recorded || c->kind == core::CaseKind::recorded;
      failures += c->status == CaseStatus::failed;
      errors += c->status == CaseStatus::error;
      skipped += c->status == CaseStatus::skipped;
      time += c->duration_s;
    }
    auto suite = suites.append_child("testsuite");
    suite.append_attribute("name") = xml_safe(key).c_str();
    suite.append_attribute("timestamp") = timestamp.c_str();
    suite.append_attribute("hostname") = xml_safe(hostname).c_str();
    suite.append_attribute("tests") = static_cast<int>(cases.size());
    suite.append_attribute("failures") = failures;
    suite.append_attribute("errors") = errors;
    suite.append_attribute("skipped") = skipped;
    suite.append_attribute("time") = seconds(time).c_str();
    suite.append_attribute("package") =
        xml_safe(cases.front()->product.empty() ? "unknown" : cases.front()->product).c_str();
    suite.append_attribute("id") = id++;
    auto props = suite.append_child("properties");
    auto prop = [&](const char* name, const std::string& value) {
      auto p = props.append_child("property");
      p.append_attribute("name") = name;
      p.append_attribute("value") = xml_safe(value).c_str();
    };
    prop("endpoint", core::Redactor().url(report.endpoint));
    prop("product", cases.front()->product);
    prop("action", cases.front()->action);
    if (!cases.front()->version.empty()) prop("version", cases.front()->version);
    // Suites of recorded cases say how many known parity gaps their snapshots skipped.
    if (recorded || gaps > 0) prop("parity_gaps", std::to_string(gaps));
    std::string system_out;
    for (const auto* c : cases) {
      auto tc = suite.append_child("testcase");
      tc.append_attribute("name") = xml_safe(c->id).c_str();
      tc.append_attribute("classname") = xml_safe(key).c_str();
      tc.append_attribute("time") = seconds(c->duration_s).c_str();
      if (c->status == CaseStatus::failed) {
        auto f = tc.append_child("failure");
        f.append_attribute("message") = xml_safe(failure_message(*c)).c_str();
        f.append_attribute("type") = "conformance";
        f.text().set(xml_safe(failure_text(*c)).c_str());
      } else if (c->status == CaseStatus::error) {
        auto e = tc.append_child("error");
        e.append_attribute("message") = xml_safe(c->error).c_str();
        e.append_attribute("type") = "network";
        e.text().set(xml_safe(c->error).c_str());
      } else if (c->status == CaseStatus::skipped) {
        auto s = tc.append_child("skipped");
        s.append_attribute("message") = xml_safe(c->skip_reason).c_str();
      }
      system_out += exchange_text(*c);
    }
    suite.append_child("system-out").text().set(xml_safe(system_out).c_str());
    suite.append_child("system-err");
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default | pugi::format_no_declaration);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + out.str();
}

ojson case_json(const core::CaseResult& c) {
  ojson o;
  o["id"] = c.id;
  o["product"] = c.product;
  o["version"] = c.version;
  o["action"] = c.action;
  o["kind"] = c.kind ? std::string(core::to_string(*c.kind)) : std::string();
  o["status"] = core::to_string(c.status);
  o["duration"] = std::stod(seconds(c.duration_s));
  ojson failures = ojson::array();
  for (const auto* f : c.failures())
    failures.push_back(ojson{
        {"check", f->check}, {"expected", f->expected}, {"actual", f->actual}, {"path", f->path}});
  o["failures"] = std::move(failures);
  ojson checks = ojson::array();
  for (const auto& r : c.checks) checks.push_back(r.check);
  o["checks"] = std::move(checks);
  if (c.status == CaseStatus::skipped) o["skip_reason"] = c.skip_reason;
  if (!c.error.empty()) o["error"] = c.error;
  if (!c.parity_gaps.empty()) o["parity_gaps"] = c.parity_gaps;
  if (c.sent) {
    core::Request req = redacted(c.request);
    o["request"] = ojson{{"method", req.method},
                         {"url", req.target},
                         {"headers", headers_json(req.headers)},
                         {"body", req.body}};
  }
  if (c.answered) {
    core::Response res = redacted(c.response);
    o["response"] =
        ojson{{"status", res.status}, {"headers", headers_json(res.headers)}, {"body", res.body}};
  }
  return o;
}

std::string render_json(const core::RunReport& report, const core::ojson* coverage) {
  core::Summary s = core::summarize(report);
  ojson j;
  j["summary"] = ojson{{"passed", s.passed},
                       {"failed", s.failed},
                       {"skipped", s.skipped},
                       {"errors", s.errors},
                       {"total", s.total},
                       {"duration", std::stod(seconds(s.duration_s))},
                       {"parity_gaps", s.parity_gaps}};
  j["endpoint"] = core::Redactor().url(report.endpoint);
  j["timestamp"] = report.timestamp;
  j["hostname"] = report.hostname;
  ojson cases = ojson::array();
  for (const auto& c : report.cases) cases.push_back(case_json(c));
  j["cases"] = std::move(cases);
  if (coverage != nullptr) j["coverage"] = *coverage;
  // Bodies may hold invalid UTF-8; replace it rather than fail to write the whole file.
  return j.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

Expected<void> write_reports(const core::RunReport& report, const std::string& dir,
                             const core::ojson* coverage) {
  namespace fs = std::filesystem;
  auto junit =
      core::write_file_atomic((fs::path(dir) / "junit.xml").string(), render_junit(report));
  if (!junit) return junit;
  return core::write_file_atomic((fs::path(dir) / "results.json").string(),
                                 render_json(report, coverage));
}

}  // namespace popcheck::reports
