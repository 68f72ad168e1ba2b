#include "proxy/derive.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <pugixml.hpp>
#include <set>

#include "core/check/snapshot.hpp"
#include "core/files.hpp"
#include "core/input_limits.hpp"
#include "core/text.hpp"

namespace popcheck::proxy {

namespace {

namespace fs = std::filesystem;
using core::ojson;

using core::iequals;

std::string param(const core::Params& params, std::string_view name) {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

// Parameters a runner adds itself when it signs: a case never carries them.
bool is_signing_param(std::string_view name) {
  return is_credential_param(name) || name == "SignatureMethod" || name == "SignatureVersion" ||
         name == "SignatureType" || name == "Format";
}

// The metadata spelling of a product from the fixture folder name ("ecs" -> "Ecs").
std::string product_name(const Exchange& e, const core::Contract* contract) {
  if (contract != nullptr && !contract->product.empty()) return contract->product;
  std::string p = e.product.empty() ? "unknown" : e.product;
  p[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(p[0])));
  return p;
}

const core::Contract* find_contract(const std::vector<core::Contract>& contracts, const Exchange& e,
                                    const std::string& action, const std::string& version) {
  const core::Contract* by_action = nullptr;
  for (const auto& c : contracts) {
    if (c.action != action) continue;
    if (iequals(c.product, e.product) || (!version.empty() && c.version == version)) return &c;
    if (by_action == nullptr) by_action = &c;
  }
  return by_action;
}

std::string step_text(int step) {
  std::string s = std::to_string(step);
  return s.size() < 3 ? std::string(3 - s.size(), '0') + s : s;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::vector<core::CatalogueEntry> derive_cases(const std::vector<Exchange>& exchanges,
                                               const std::string& scenario,
                                               const std::vector<core::Contract>& contracts) {
  std::vector<core::CatalogueEntry> entries;
  std::map<std::string, size_t> entry_of;  // "product/action" -> index
  check::Normaliser normaliser;
  int step = 0;
  for (const Exchange& e : exchanges) {
    ++step;
    const core::Params& recorded = e.request.params;
    std::string action = param(recorded, "Action");
    if (action.empty()) action = e.action;
    std::string version = param(recorded, "Version");
    if (version.empty()) version = e.provenance.api_version;
    const core::Contract* contract = find_contract(contracts, e, action, version);
    std::string product = product_name(e, contract);

    core::Case c;
    c.id = product + "." + action + ".recorded." + step_text(step);
    c.kind = "recorded";
    c.product = product;
    c.version = version;
    c.action = action;
    c.scenario = scenario;
    c.step = step;
    std::string when = e.provenance.recorded_at.empty() ? "" : " at " + e.provenance.recorded_at;
    c.description = "Step " + std::to_string(step) + " of scenario " + scenario + ", recorded" +
                    when + " (HTTP " + std::to_string(e.response.status) + ")";
    c.request.method = iequals(e.request.method, "GET") ? "GET" : "POST";
    std::string format = param(recorded, "Format");
    c.request.format = iequals(format, "XML") ? "XML" : "JSON";
    bool has_action = false, has_version = false;
    for (const auto& [k, v] : recorded) {
      has_action = has_action || k == "Action";
      has_version = has_version || k == "Version";
    }
    // A V3 recording carried Action and Version in headers; an RPC request carries them first.
    if (!has_action) c.request.params.emplace_back("Action", action);
    if (!has_version && !version.empty()) c.request.params.emplace_back("Version", version);
    for (const auto& kv : recorded)
      if (!is_signing_param(kv.first)) c.request.params.push_back(kv);

    // The request's ids are numbered first, so that the answer's mention of them reads as the
    // same reference, and they are bound to the values sent when the case runs.
    for (const auto& [k, v] : c.request.params)
      for (const auto& [id, ref] : normaliser.references_in(v)) c.expect.refs[ref] = id;

    c.expect.status = e.response.status;
    bool xml = c.request.format == "XML";
    auto tree = check::body_tree(e.response.body, xml);
    // A catalogue file holds a snapshot 4 levels down (file, cases, case, expect): one that would
    // nest past the limit there could not be read back, so such a body is compared by status.
    if (tree && core::json_depth(*tree) > core::kMaxNestingDepth - 4) {
      c.expect.shape = "none";
      c.description += "; the recorded body nests deeper than a catalogue file may (" +
                       std::to_string(core::kMaxNestingDepth) +
                       " levels), so only the status is compared";
    } else if (!tree || !tree->is_object()) {
      c.expect.shape = "none";
      c.description += "; the recorded body is not a " + std::string(xml ? "XML" : "JSON") +
                       " document, so only the status is compared";
    } else {
      c.expect.shape = "snapshot";
      c.expect.snapshot = normaliser.normalise(*tree);
      if (xml) {
        pugi::xml_document doc;
        if (core::load_xml(doc, e.response.body, "response body"))
          c.expect.root = doc.document_element().name();
      }
      const ojson& s = c.expect.snapshot;
      if (e.response.status >= 400) {
        if (auto code = s.find("Code"); code != s.end() && code->is_string())
          c.expect.code = code->get<std::string>();
        if (auto msg = s.find("Message"); msg != s.end() && msg->is_string())
          c.expect.message = check::message_template(msg->get<std::string>());
      }
    }

    std::string key = product + "/" + action;
    auto [it, added] = entry_of.emplace(key, entries.size());
    if (added) {
      core::CatalogueEntry entry;
      if (contract != nullptr) {
        entry.contract = *contract;
      } else {
        entry.contract.product = product;
        entry.contract.version = version;
        entry.contract.action = action;
      }
      entries.push_back(std::move(entry));
    }
    entries[it->second].cases.push_back(std::move(c));
  }
  return entries;
}

Expected<core::CatalogueEntry> merge_with_existing(const core::CatalogueEntry& fresh,
                                                   const core::CatalogueEntry& existing,
                                                   const std::string& scenario, bool contract_given,
                                                   int* kept, std::vector<std::string>* dropped) {
  core::CatalogueEntry out;
  out.contract = contract_given ? fresh.contract : existing.contract;
  std::map<std::string, const core::Case*> previous;
  std::set<std::string> fresh_ids;
  for (const auto& c : fresh.cases) fresh_ids.insert(c.id);
  for (const auto& c : existing.cases) {
    if (c.scenario == scenario && c.kind == "recorded") {
      previous[c.id] = &c;
      continue;
    }
    if (fresh_ids.count(c.id))
      return fail("derive.collision",
                  "case " + c.id + " already exists" +
                      (c.scenario.empty() ? std::string() : " in scenario " + c.scenario) +
                      "; derive scenario " + scenario + " into another folder");
    out.cases.push_back(c);
  }
  for (core::Case c : fresh.cases) {
    if (auto it = previous.find(c.id); it != previous.end() && !it->second->expect.skip.empty()) {
      c.expect.skip = it->second->expect.skip;
      if (kept) ++*kept;
    }
    out.cases.push_back(std::move(c));
  }
  if (dropped)
    for (const auto& [id, c] : previous)
      if (!fresh_ids.count(id) && !c->expect.skip.empty()) dropped->push_back(id);
  return out;
}

DeriveReport derive_folder(const std::string& fixtures_dir, const std::string& out_dir,
                           const DeriveOptions& options) {
  DeriveReport report;
  report.scenario = options.scenario;
  if (report.scenario.empty()) {
    fs::path p = fs::path(fixtures_dir).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    std::error_code ec;
    if (p.filename().empty() || p.filename() == "." || p.filename() == "..")
      p = fs::weakly_canonical(p, ec);
    report.scenario = p.filename().string();
  }

  std::vector<core::Contract> contracts;
  if (!options.contract_paths.empty()) {
    core::LoadedCatalogue catalogue = core::load_catalogue(options.contract_paths);
    for (auto& e : catalogue.errors) report.errors.push_back(std::move(e));
    for (auto& e : catalogue.entries) contracts.push_back(std::move(e.contract));
  }

  FixtureListing loaded = read_fixture_folder(fixtures_dir);
  for (auto& e : loaded.errors) report.errors.push_back(std::move(e));
  std::vector<Exchange> exchanges;
  for (auto& f : loaded.fixtures) exchanges.push_back(std::move(f.exchange));
  report.fixtures = exchanges.size();

  for (const auto& fresh : derive_cases(exchanges, report.scenario, contracts)) {
    std::string product =
        lower(fresh.contract.product.empty() ? "unknown" : fresh.contract.product);
    fs::path target = fs::path(out_dir) / product / (fresh.contract.action + ".json");
    core::CatalogueEntry entry = fresh;
    std::error_code ec;
    if (fs::exists(target, ec)) {
      auto existing = core::load_catalogue_file(target.string());
      if (!existing) {
        Error err = existing.error();
        err.message += " (left as it is: fix or remove it, then derive again)";
        report.errors.push_back(std::move(err));
        continue;
      }
      std::vector<std::string> dropped;
      auto merged =
          merge_with_existing(fresh, *existing, report.scenario, !options.contract_paths.empty(),
                              &report.kept_skip_lists, &dropped);
      for (const auto& id : dropped)
        report.warnings.push_back(target.string() + ": case " + id +
                                  " is not in the new recording; its skip list is gone with it");
      if (!merged) {
        Error err = merged.error();
        err.file = target.string();
        report.errors.push_back(std::move(err));
        continue;
      }
      entry = std::move(*merged);
    }
    auto written = core::write_catalogue_entry(out_dir, entry);
    if (!written) {
      report.errors.push_back(written.error());
      continue;
    }
    report.cases += fresh.cases.size();
    report.written.push_back(*written);
  }
  return report;
}

}  // namespace popcheck::proxy
