// popcheck: conformance runner, record/replay proxy and reference emulator for Alibaba Cloud RPC APIs.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include "app/commands.hpp"
#include "popcheck/commit.hpp"
#include "popcheck/version.hpp"

int main(int argc, char** argv) {
  CLI::App root{
      "popcheck: conformance testing for Alibaba Cloud RPC (POP) APIs.\n"
      "Compile API documentation into test cases, run them against the real cloud, an emulator or an\n"
      "SDK, record and replay real exchanges, and emulate the seed APIs offline."};
  // "popcheck 0.1.0 (commit abc1234)": the package version and the commit it was built from.
  root.set_version_flag("--version", "popcheck " + std::string(popcheck::kVersion) + " (commit " +
                                         std::string(popcheck::kCommit) + ")");
  root.require_subcommand(1);
  int exit_code = 0;
  popcheck::app::add_compile_command(root, exit_code);
  popcheck::app::add_run_command(root, exit_code);
  popcheck::app::add_emulate_command(root, exit_code);
  popcheck::app::add_proxy_command(root, exit_code);
  popcheck::app::add_report_command(root, exit_code);
  popcheck::app::add_cases_command(root, exit_code);
  popcheck::app::add_fixtures_command(root, exit_code);
  popcheck::app::add_metadata_command(root, exit_code);
  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = root.exit(e);
    // CLI11 returns 0 for --help and --version; every other parse error is a usage error.
    return rc == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::cerr << "popcheck: " << e.what() << "\n";
    return 2;
  }
  return exit_code;
}
