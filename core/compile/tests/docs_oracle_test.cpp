// Agreement with the independent reader's expected readings: ../shared/corpus/oracle.json for the 74
// corpus pages and seeds.json for the four markdown seeds. Agreement is measured per field and printed;
// every field must agree on every page.
//
// Ambiguous records, and the reading this reader takes:
// - action_conflict: the page names the action differently in its title, its Action row and its
//   request example. We take the oracle's rule (an action-shaped title wins, then the Action row, then
//   the request example), so `action` must equal the oracle's `action`, and the contract must carry a
//   warning saying that the sources disagree.
// - error_columns_suspect: the ESS error tables whose header labels are swapped. We take the
//   content-based reading (the API message is the column right after the code), so the error triples
//   must equal `error_codes_alt`, and the contract must carry a warning about the swapped labels.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>

#include "core/compile/docs.hpp"
#include "core/files.hpp"
#include "tests/support/paths.hpp"

namespace popcheck::core {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Per-field agreement counters with the first few disagreements for the failure message.
struct Tally {
  std::map<std::string, std::pair<int, int>> fields;  // field -> (agree, total)
  std::vector<std::string> misses;

  void check(const std::string& field, bool ok, const std::string& file,
             const std::string& detail) {
    auto& [agree, total] = fields[field];
    ++total;
    if (ok) {
      ++agree;
    } else if (misses.size() < 40) {
      misses.push_back(field + " " + file + ": " + detail);
    }
  }
  bool perfect() const {
    for (const auto& [f, c] : fields)
      if (c.first != c.second) return false;
    return true;
  }
  void print(const std::string& title) const {
    std::cout
        << "[agreement] " << title << "\n"
        << "  ambiguous records: action_conflict -> the oracle's action (title, then Action row, "
           "then request example) plus a warning; error_columns_suspect -> error_codes_alt (the "
           "message is the column after the code) plus a warning\n";
    for (const auto& [f, c] : fields)
      std::cout << "  " << f << ": " << c.first << "/" << c.second << " ("
                << (c.second ? 100.0 * c.first / c.second : 100.0) << "%)\n";
    for (const auto& m : misses) std::cout << "  MISS " << m << "\n";
  }
};

json error_triple(const ErrorRow& e) {
  json http = e.http ? json(*e.http) : json(e.http_raw);
  return json::array({http, e.code, e.message});
}

bool has_warning(const Contract& c, const std::string& needle) {
  for (const auto& w : c.warnings)
    if (w.find(needle) != std::string::npos) return true;
  return false;
}

void compare(const std::string& name, const Contract& c, const json& rec, Tally& t) {
  t.check("action", c.action == rec["action"].get<std::string>(), name,
          "got " + c.action + " want " + rec["action"].dump());
  if (rec.value("action_conflict", false))
    t.check("action_conflict_warning", has_warning(c, "names the action differently"), name,
            "no warning");
  t.check("title", c.title == rec["title"].get<std::string>(), name,
          "got " + c.title + " want " + rec["title"].dump());

  json names = json::array(), want_names = json::array();
  for (const auto& p : c.params)
    if (p.table == 0) names.push_back(json::array({p.name, p.required}));
  for (const auto& p : rec["request_params"])
    want_names.push_back(json::array({p["name"], p["required"]}));
  t.check("request_params(name,required)", names == want_names, name,
          "got " + names.dump() + "\n     want " + want_names.dump());

  json typed = json::array(), want_typed = json::array();
  for (const auto& p : c.params)
    if (p.table == 0) typed.push_back(json::array({p.name, p.type.spelling(), p.depth}));
  for (const auto& p : rec["request_params"])
    want_typed.push_back(json::array({p["name"], p["type"], p.value("depth", 0)}));
  t.check("request_params(type,depth)", typed == want_typed, name,
          "got " + typed.dump() + "\n     want " + want_typed.dump());

  json resp = json::array(), want_resp = json::array();
  std::function<void(const ResponseNode&, int)> walk = [&](const ResponseNode& n, int depth) {
    for (const auto& ch : n.children) {
      resp.push_back(json::array({ch.name, ch.raw_type}));
      walk(ch, depth + 1);
    }
  };
  walk(c.response, 0);
  for (const auto& r : rec["response_params"])
    want_resp.push_back(json::array({r["name"], r["type"]}));
  t.check("response_params(name,type)", resp == want_resp, name,
          "got " + resp.dump() + "\n     want " + want_resp.dump());

  json sub = json::array(), want_sub = json::array();
  // The further parameter tables describe the fields of one parameter (Configuration.N's
  // Configuration type): they are read as that parameter's fields, in order.
  for (const auto& p : c.params)
    for (const auto& f : p.fields) sub.push_back(json::array({f.name, f.required}));
  for (const auto& p : rec["request_subparams"])
    want_sub.push_back(json::array({p["name"], p["required"]}));
  t.check("request_subparams", sub == want_sub, name,
          "got " + sub.dump() + " want " + want_sub.dump());

  json errors = json::array();
  for (const auto& e : c.errors) errors.push_back(error_triple(e));
  bool suspect = rec.value("error_columns_suspect", false);
  const json& want_errors = suspect ? rec["error_codes_alt"] : rec["error_codes"];
  t.check("error_triples", errors == want_errors, name,
          "got " + errors.dump() + "\n     want " + want_errors.dump());
  if (suspect)
    t.check("error_columns_suspect_warning", has_warning(c, "labels look swapped"), name,
            "no warning");

  t.check("has_request_example",
          !c.examples.requests.empty() == rec["has_request_example"].get<bool>(), name, "");
  t.check("has_json_example", c.examples.json.has_value() == rec["has_json_example"].get<bool>(),
          name, "");
  t.check("has_xml_example", c.examples.xml.has_value() == rec["has_xml_example"].get<bool>(), name,
          "");
  t.check("n_request_examples",
          static_cast<int>(c.examples.requests.size()) == rec["n_request_examples"].get<int>(),
          name, std::to_string(c.examples.requests.size()));
  t.check("n_error_examples",
          static_cast<int>(c.examples.errors.size()) == rec["n_error_examples"].get<int>(), name,
          std::to_string(c.examples.errors.size()));
  if (rec.contains("request_example_url") && rec["request_example_url"].is_string())
    t.check("request_example_url",
            !c.examples.requests.empty() &&
                c.examples.requests.front().body == rec["request_example_url"].get<std::string>(),
            name, c.examples.requests.empty() ? "none" : c.examples.requests.front().body);

  json keys = nullptr;
  if (c.examples.json) keys = json_top_keys(c.examples.json->body);
  t.check("json_top_keys", keys == rec["json_top_keys"], name,
          "got " + keys.dump() + " want " + rec["json_top_keys"].dump());
  if (c.examples.json && rec["json_valid"].is_boolean())
    t.check("json_valid", c.examples.json->valid == rec["json_valid"].get<bool>(), name, "");
}

void run_set(const std::string& title, const fs::path& records, const fs::path& dir, Tally& tally) {
  auto raw = read_file(records.string());
  ASSERT_TRUE(raw) << raw.error().to_string();
  json all = json::parse(*raw);
  ASSERT_TRUE(all.is_object());
  ASSERT_FALSE(all.empty());
  for (auto it = all.begin(); it != all.end(); ++it) {
    fs::path file = dir / it.key();
    auto text = read_file(file.string());
    ASSERT_TRUE(text) << text.error().to_string();
    auto c = read_document(*text, file.string());
    tally.check("read", c.has_value(), it.key(), c ? "" : c.error().to_string());
    if (c) compare(it.key(), *c, it.value(), tally);
  }
  tally.print(title);
}

TEST(DocsOracle, CorpusAgreesPerField) {
  POPCHECK_NEEDS_SHARED();
  fs::path shared = test_support::shared_dir();
  Tally tally;
  run_set("corpus/oracle.json", shared / "corpus" / "oracle.json", shared / "corpus" / "docs",
          tally);
  EXPECT_EQ(tally.fields["read"].second, 74);
  EXPECT_TRUE(tally.perfect()) << "see the MISS lines above";
}

TEST(DocsOracle, SeedsAgreePerField) {
  POPCHECK_NEEDS_SHARED();
  fs::path shared = test_support::shared_dir();
  Tally tally;
  run_set("corpus/seeds.json", shared / "corpus" / "seeds.json", shared / "seeds", tally);
  EXPECT_EQ(tally.fields["read"].second, 4);
  EXPECT_TRUE(tally.perfect()) << "see the MISS lines above";
}

}  // namespace
}  // namespace popcheck::core
