#pragma once
// Each subcommand lives in its own app/cmd_*.cpp and registers itself on the root CLI11 app. A command's
// callback stores its exit status in `exit_code`: 0 all passed, 1 some case failed, 2 usage, config or
// infrastructure error.
#include <CLI/CLI.hpp>

namespace popcheck::app {

void add_compile_command(CLI::App& root, int& exit_code);
void add_run_command(CLI::App& root, int& exit_code);
void add_emulate_command(CLI::App& root, int& exit_code);
void add_proxy_command(CLI::App& root, int& exit_code);
void add_report_command(CLI::App& root, int& exit_code);
void add_cases_command(CLI::App& root, int& exit_code);
void add_fixtures_command(CLI::App& root, int& exit_code);
void add_metadata_command(CLI::App& root, int& exit_code);

}  // namespace popcheck::app
