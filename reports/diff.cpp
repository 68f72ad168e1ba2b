#include "reports/diff.hpp"

#include <map>
#include <regex>
#include <sstream>
#include <unordered_map>

#include <pugixml.hpp>

#include "core/support/xml_text.hpp"
#include "reports/escape.hpp"

namespace popcheck::reports {

namespace {

using core::CaseResult;
using core::CaseStatus;
using core::text::xml_safe;

bool failing(CaseStatus s) { return s == CaseStatus::failed || s == CaseStatus::error; }

CaseChange change_of(const CaseResult* before, const CaseResult* after) {
  const CaseResult& any = after ? *after : *before;
  CaseChange c;
  c.id = any.id;
  c.product = any.product;
  c.action = any.action;
  c.in_before = before != nullptr;
  c.in_after = after != nullptr;
  if (before) {
    c.before = before->status;
    c.before_reason = failure_reason(*before);
  }
  if (after) {
    c.after = after->status;
    c.after_reason = failure_reason(*after);
  }
  return c;
}

std::string status_text(const CaseChange& c, bool after) {
  if (after ? !c.in_after : !c.in_before) return "-";
  return core::to_string(after ? c.after : c.before);
}

}  // namespace

std::string mask_volatile(std::string_view text) {
  // Compiled once; the order matters: UUIDs and times before the generic hexadecimal rule.
  static const std::vector<std::pair<std::regex, std::string>> rules = [] {
    std::vector<std::pair<std::regex, std::string>> r;
    r.emplace_back(std::regex("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
                              "[0-9A-Fa-f]{12}"),
                   "<uuid>");
    r.emplace_back(std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?"
                              "(Z|[+-][0-9]{2}:?[0-9]{2})?"),
                   "<time>");
    r.emplace_back(std::regex("\\b[0-9A-Fa-f]{16,}\\b"), "<hex>");
    r.emplace_back(std::regex("(127\\.0\\.0\\.1|localhost|\\[::1\\]):[0-9]+"), "$1:<port>");
    r.emplace_back(std::regex("\\b[0-9]+(\\.[0-9]+)? ?(ms|s)\\b"), "<duration>");
    return r;
  }();
  std::string out(text);
  for (const auto& [re, replacement] : rules) out = std::regex_replace(out, re, replacement);
  return out;
}

std::string failure_reason(const CaseResult& c) {
  if (c.status == CaseStatus::error) return "error: " + mask_volatile(c.error);
  if (c.status != CaseStatus::failed) return {};
  std::string out;
  for (const auto* f : c.failures()) {
    if (!out.empty()) out += "\n";
    out += f->check;
    if (!f->path.empty()) out += " at " + f->path;
    out += ": expected " + mask_volatile(f->expected) + ", actual " + mask_volatile(f->actual);
  }
  return out;
}

Diff diff_reports(const core::RunReport& baseline, const core::RunReport& current) {
  Diff d;
  std::unordered_map<std::string_view, const CaseResult*> before, after;
  for (const auto& c : baseline.cases) before.emplace(c.id, &c);
  for (const auto& c : current.cases) after.emplace(c.id, &c);
  for (const auto& now : current.cases) {
    auto it = before.find(now.id);
    if (it == before.end()) {
      d.added.push_back(change_of(nullptr, &now));
      continue;
    }
    ++d.compared;
    const CaseResult& was = *it->second;
    CaseChange c = change_of(&was, &now);
    if (failing(now.status) && !failing(was.status)) {
      d.new_failures.push_back(std::move(c));
    } else if (failing(now.status)) {
      (c.before_reason == c.after_reason ? d.still_failing : d.reason_changed)
          .push_back(std::move(c));
    } else if (now.status == CaseStatus::passed && failing(was.status)) {
      d.fixed.push_back(std::move(c));
    } else if (now.status == CaseStatus::skipped && was.status != CaseStatus::skipped) {
      d.newly_skipped.push_back(std::move(c));
    }
  }
  for (const auto& was : baseline.cases)
    if (!after.contains(was.id)) d.removed.push_back(change_of(&was, nullptr));
  return d;
}

bool regressed(const Diff& diff) {
  return !diff.new_failures.empty() || !diff.reason_changed.empty();
}

std::string render_diff_markdown(const Diff& d, const std::string& baseline_name,
                                 const std::string& current_name, size_t max_rows) {
  std::ostringstream out;
  out << "## popcheck: " << (regressed(d) ? "regressions found" : "no regressions") << "\n\n";
  out << "Baseline `" << markdown_cell(baseline_name) << "`, current `"
      << markdown_cell(current_name) << "`: " << d.compared << " cases in both runs.\n\n";
  struct Section {
    const char* title;
    const std::vector<CaseChange>* list;
    bool reasons;  // whether the table shows the reason columns
  };
  const Section sections[] = {{"New failures", &d.new_failures, true},
                              {"Failures whose reason changed", &d.reason_changed, true},
                              {"Still failing", &d.still_failing, true},
                              {"Fixed", &d.fixed, true},
                              {"Newly skipped", &d.newly_skipped, false},
                              {"Added", &d.added, true},
                              {"Removed", &d.removed, false}};
  out << "| Category | Cases |\n|---|---:|\n";
  for (const auto& s : sections) out << "| " << s.title << " | " << s.list->size() << " |\n";
  for (const auto& s : sections) {
    if (s.list->empty()) continue;
    out << "\n### " << s.title << " (" << s.list->size() << ")\n\n";
    if (s.reasons)
      out << "| Case | Action | Before | After | Reason before | Reason now |\n"
             "|---|---|---|---|---|---|\n";
    else
      out << "| Case | Action | Before | After |\n|---|---|---|---|\n";
    size_t n = 0;
    for (const auto& c : *s.list) {
      if (n++ == max_rows) break;
      out << "| `" << markdown_cell(c.id) << "` | " << markdown_cell(c.product + "." + c.action)
          << " | " << status_text(c, false) << " | " << status_text(c, true) << " |";
      if (s.reasons)
        out << " " << markdown_cell(c.before_reason) << " | " << markdown_cell(c.after_reason)
            << " |";
      out << "\n";
    }
    if (s.list->size() > max_rows) out << "\n... and " << s.list->size() - max_rows << " more.\n";
  }
  return out.str();
}

std::string render_diff_junit(const Diff& d, const core::RunReport& current) {
  struct Item {
    const CaseChange* change;
    const char* kind;
  };
  std::vector<std::string> order;
  std::map<std::string, std::vector<Item>> groups;
  auto add = [&](const std::vector<CaseChange>& list, const char* kind) {
    for (const auto& c : list) {
      std::string key = (c.product.empty() ? "unknown" : c.product) + "." +
                        (c.action.empty() ? "unknown" : c.action);
      if (!groups.contains(key)) order.push_back(key);
      groups[key].push_back({&c, kind});
    }
  };
  add(d.new_failures, "new failure");
  add(d.reason_changed, "reason changed");

  pugi::xml_document doc;
  auto suites = doc.append_child("testsuites");
  std::string timestamp =
      current.timestamp.size() >= 19 ? current.timestamp.substr(0, 19) : "1970-01-01T00:00:00";
  std::string hostname = current.hostname.empty() ? "localhost" : current.hostname;
  int id = 0;
  for (const auto& key : order) {
    const auto& items = groups[key];
    auto suite = suites.append_child("testsuite");
    suite.append_attribute("name") = xml_safe(key).c_str();
    suite.append_attribute("timestamp") = timestamp.c_str();
    suite.append_attribute("hostname") = xml_safe(hostname).c_str();
    suite.append_attribute("tests") = static_cast<int>(items.size());
    suite.append_attribute("failures") = static_cast<int>(items.size());
    suite.append_attribute("errors") = 0;
    suite.append_attribute("skipped") = 0;
    suite.append_attribute("time") = "0";
    suite.append_attribute("package") =
        xml_safe(items.front().change->product.empty() ? "unknown" : items.front().change->product)
            .c_str();
    suite.append_attribute("id") = id++;
    auto props = suite.append_child("properties");
    auto prop = props.append_child("property");
    prop.append_attribute("name") = "report";
    prop.append_attribute("value") = "popcheck regression diff";
    for (const auto& item : items) {
      const CaseChange& c = *item.change;
      auto tc = suite.append_child("testcase");
      tc.append_attribute("name") = xml_safe(c.id).c_str();
      tc.append_attribute("classname") = xml_safe(key).c_str();
      tc.append_attribute("time") = "0";
      auto f = tc.append_child("failure");
      std::string message = std::string(item.kind) + ": " + core::to_string(c.before) + " -> " +
                            core::to_string(c.after);
      f.append_attribute("message") = xml_safe(message).c_str();
      f.append_attribute("type") = item.kind;
      std::string text = "before (" + core::to_string(c.before) + "):\n" +
                         (c.before_reason.empty() ? "(no failure)" : c.before_reason) + "\nnow (" +
                         core::to_string(c.after) + "):\n" + c.after_reason + "\n";
      f.text().set(xml_safe(text).c_str());
    }
    suite.append_child("system-out");
    suite.append_child("system-err");
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default | pugi::format_no_declaration);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + out.str();
}

}  // namespace popcheck::reports
