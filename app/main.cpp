// popcheck: conformance runner, record/replay proxy and reference emulator for Alibaba Cloud RPC APIs.
#include <cstdio>
#include <exception>
#include <iostream>

#include "app/commands.hpp"

int main(int argc, char** argv) {
  CLI::App root{
      "popcheck: conformance testing for Alibaba Cloud RPC (POP) APIs.\n"
      "Compile API documentation into test cases, run them against the real cloud, an emulator or an\n"
      "SDK, record and replay real exchanges, and emulate the seed APIs offline."};
  root.set_version_flag("--version", POPCHECK_VERSION);
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
