#pragma once
// Each subcommand lives in its own app/cmd_*.cpp and registers itself on the root CLI11 app. A command's
// callback stores its exit status in `exit_code`: 0 all passed, 1 some case failed, 2 usage, config or
// infrastructure error.
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/data_dir.hpp"

namespace popcheck::app {

void add_compile_command(CLI::App& root, int& exit_code);
void add_run_command(CLI::App& root, int& exit_code);
void add_emulate_command(CLI::App& root, int& exit_code);
void add_proxy_command(CLI::App& root, int& exit_code);
void add_report_command(CLI::App& root, int& exit_code);
void add_cases_command(CLI::App& root, int& exit_code);
void add_fixtures_command(CLI::App& root, int& exit_code);
void add_metadata_command(CLI::App& root, int& exit_code);

// --data-dir DIR on a subcommand that reads popcheck's data (app/data.cpp).
CLI::Option* add_data_dir_option(CLI::App* cmd, std::string& dir);
// The data folder by the rules of core/data_dir.hpp (`flag` is --data-dir, the executable is
// /proc/self/exe). When there is none, prints "popcheck COMMAND: <where it looked, how to set it>"
// and returns nullopt: the command exits 2.
std::optional<core::DataDir> find_data_dir(const std::string& command, const std::string& flag);
// The data folder's metadata/*.json, sorted; prints the error and returns nullopt when there are
// none.
std::optional<std::vector<std::string>> data_metadata(const std::string& command,
                                                      const core::DataDir& data);

}  // namespace popcheck::app
