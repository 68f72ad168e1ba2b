// `popcheck cases`: derive runner cases from other sources (recorded fixtures). A thin shell around
// proxy/fixtures/derive.hpp; docs/parity.md describes the workflow.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "proxy/fixtures/derive.hpp"

namespace popcheck::app {

namespace {

struct FromFixturesFlags {
  std::string fixtures;
  std::string out;
  std::vector<std::string> contracts;
  std::string scenario;
};

int from_fixtures(const FromFixturesFlags& f) {
  proxy::DeriveOptions options;
  options.scenario = f.scenario;
  options.contract_paths = f.contracts;
  proxy::DeriveReport report = proxy::derive_folder(f.fixtures, f.out, options);
  for (const auto& e : report.errors) std::cerr << "popcheck cases: " << e.to_string() << "\n";
  for (const auto& w : report.warnings) std::cerr << "popcheck cases: warning: " << w << "\n";
  for (const auto& path : report.written) std::cout << "wrote " << path << "\n";
  std::cout << "scenario " << report.scenario << ": " << report.cases << " case(s) from "
            << report.fixtures << " fixture(s) into " << f.out;
  if (report.kept_skip_lists)
    std::cout << "; kept " << report.kept_skip_lists << " skip list(s) of the previous derivation";
  std::cout << "\n";
  if (!report.errors.empty()) {
    std::cerr << "popcheck cases: " << report.errors.size()
              << " problem(s), see above; the other fixtures were derived\n";
    return 2;
  }
  if (report.fixtures == 0) {
    std::cerr << "popcheck cases: no fixtures found in " << f.fixtures << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

void add_cases_command(CLI::App& root, int& exit_code) {
  auto* cmd = root.add_subcommand("cases", "Derive runner cases from recorded exchanges");
  cmd->require_subcommand(1);
  auto f = std::make_shared<FromFixturesFlags>();
  auto* sub = cmd->add_subcommand(
      "from-fixtures",
      "Turn the fixtures a recording proxy wrote into snapshot cases (one scenario per folder)");
  sub->add_option("FIXTURES_DIR", f->fixtures, "The fixtures folder of one recording")->required();
  sub->add_option("--out", f->out, "Catalogue folder to write DIR/<product>/<Action>.json into")
      ->required();
  sub->add_option("--contracts", f->contracts,
                  "Catalogue files or folders whose contracts the cases take (same action)")
      ->expected(1, -1);
  sub->add_option("--scenario", f->scenario, "Scenario name (default: the fixtures folder name)");
  sub->footer(
      "Each recorded exchange becomes one case of kind \"recorded\", id\n"
      "<Product>.<Action>.recorded.<NNN> (NNN = recorded order), whose expectation is the "
      "recorded\n"
      "response: status, error Code and Message, and a snapshot of the body with RequestIds,\n"
      "timestamps and resource ids replaced by tokens. The cases of one scenario run in recorded\n"
      "order. Deriving again into the same folder keeps each case's expect.skip list (the\n"
      "register of known parity gaps). See docs/parity.md.\n"
      "\n"
      "Exit status: 0 ok, 2 a fixture or catalogue file could not be read (the rest are derived).");
  sub->callback([f, &exit_code] { exit_code = from_fixtures(*f); });
}

}  // namespace popcheck::app
