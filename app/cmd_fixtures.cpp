// `popcheck fixtures export-har|import-har`: fixture interchange with HAR 1.2. Thin shells: read
// files, call the conversions of proxy/har.hpp, write files, name every problem, choose the exit
// status.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "core/files.hpp"
#include "proxy/fixtures/har.hpp"
#include "proxy/fixtures/store.hpp"

namespace popcheck::app {

namespace {

struct ExportArgs {
  std::string dir, out;
};

struct ImportArgs {
  std::vector<std::string> files;
  std::string out;
  std::vector<std::string> redact_paths;
};

void print_error(const char* command, const Error& e) {
  std::cerr << "popcheck fixtures " << command << ": " << e.to_string() << "\n";
}

int run_export(const ExportArgs& a) {
  proxy::FixtureListing listing = proxy::read_fixture_folder(a.dir);
  for (const auto& e : listing.errors) print_error("export-har", e);
  bool folder_missing = !listing.errors.empty() && listing.errors.front().code == "fixture.folder";
  if (folder_missing) return 2;
  std::string text = proxy::fixtures_to_har_text(listing.fixtures);
  if (a.out == "-") {
    std::cout << text;
  } else if (auto w = core::write_file_atomic(a.out, text); !w) {
    print_error("export-har", w.error());
    return 2;
  }
  std::cerr << "popcheck fixtures export-har: exported " << listing.fixtures.size()
            << " fixtures from " << a.dir << " to " << (a.out == "-" ? "stdout" : a.out) << ", "
            << listing.errors.size() << " unreadable\n";
  return listing.errors.empty() ? 0 : 2;
}

int run_import(const ImportArgs& a) {
  proxy::FixtureStore store(a.out, core::MatchOptions{});
  proxy::HarImportOptions options;
  options.redact_paths = a.redact_paths;
  size_t imported = 0, skipped = 0, errors = 0, entries = 0;
  for (const auto& file : a.files) {
    auto text = core::read_file(file);
    if (!text) {
      print_error("import-har", text.error());
      ++errors;
      continue;
    }
    proxy::HarImport import = proxy::har_to_exchanges(*text, file, options);
    imported += proxy::record_import(store, import, file);
    for (const auto& e : import.errors) print_error("import-har", e);
    skipped += import.skipped;
    errors += import.errors.size();
    entries += import.entries;
  }
  std::cout << "popcheck fixtures import-har: " << imported << " imported, " << skipped
            << " skipped (not Alibaba RPC calls), " << errors << " errors; " << entries
            << " entries in " << a.files.size() << " HAR file" << (a.files.size() == 1 ? "" : "s")
            << " -> " << a.out << "\n";
  return errors == 0 ? 0 : 2;
}

}  // namespace

void add_fixtures_command(CLI::App& root, int& exit_code) {
  auto* cmd =
      root.add_subcommand("fixtures", "Export fixtures as HAR 1.2, import HAR into fixtures");
  cmd->require_subcommand(1);
  cmd->footer(
      "See docs/har.md. Exit status: 0 done, 2 some file or entry could not be handled\n"
      "(each one is named on stderr; everything else was still exported or imported).");

  auto exp = std::make_shared<ExportArgs>();
  auto* e = cmd->add_subcommand(
      "export-har", "Write every fixture of a folder, in recorded order, as one HAR 1.2 log.");
  e->footer(
      "The HAR opens in browsers' devtools (Network > Import HAR), mitmproxy and Charles. Each\n"
      "entry carries `_popcheck` (fixture file, product, provenance), so import-har of the export\n"
      "gives fixtures that replay identically.\n"
      "\n"
      "Example:\n"
      "  popcheck fixtures export-har fixtures --out recorded.har");
  e->add_option("FIXTURES_DIR", exp->dir, "the fixtures folder (as given to the proxy)")
      ->required()
      ->type_name("DIR");
  e->add_option("--out,-o", exp->out, "the HAR file to write ('-': stdout)")
      ->required()
      ->type_name("FILE");
  e->callback([exp, &exit_code] { exit_code = run_export(*exp); });

  auto imp = std::make_shared<ImportArgs>();
  auto* i = cmd->add_subcommand(
      "import-har", "Turn the Alibaba RPC calls of HAR captures into fixtures the proxy replays.");
  i->footer(
      "Reads HAR files from Chrome or Firefox devtools, mitmproxy, Charles or export-har. Every\n"
      "entry with an Action (query, form body or x-acs-action header) becomes one fixture,\n"
      "numbered after those already in the folder; other entries are skipped and counted.\n"
      "Credentials never reach a fixture: AccessKeyId, Signature, SecurityToken and the like are\n"
      "dropped, their values are replaced by <redacted> wherever else they appear.\n"
      "\n"
      "Example:\n"
      "  popcheck fixtures import-har console.har mitm.har --out fixtures \\\n"
      "    --redact-path '$.AccessKeySecret'");
  i->add_option("HAR", imp->files, "HAR files")->required()->type_name("FILE");
  i->add_option("--out,-o", imp->out, "the fixtures folder to add to")
      ->required()
      ->type_name("DIR");
  i->add_option("--redact-path", imp->redact_paths,
                "remove a JSON path from every response body ('$.AccessKeySecret', "
                "'Credentials.*'); repeatable")
      ->type_name("PATH")
      // One path per flag, so that HAR files may follow it on the command line.
      ->allow_extra_args(false);
  i->callback([imp, &exit_code] { exit_code = run_import(*imp); });
}

}  // namespace popcheck::app
