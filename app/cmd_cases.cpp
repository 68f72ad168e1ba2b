// `popcheck cases`: derive runner cases from other sources (recorded fixtures).
#include <iostream>

#include "app/commands.hpp"

namespace popcheck::app {

void add_cases_command(CLI::App& root, int& exit_code) {
  auto* cmd = root.add_subcommand("cases", "Derive runner cases from recorded exchanges");
  cmd->callback([&exit_code] {
    std::cerr << "popcheck cases: under construction in this session\n";
    exit_code = 2;
  });
}

}  // namespace popcheck::app
