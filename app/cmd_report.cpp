#include "app/commands.hpp"

namespace popcheck::app {

void add_report_command(CLI::App& root, int& exit_code) {
  auto* cmd = root.add_subcommand("report", "(being built)");
  cmd->callback([&exit_code] { exit_code = 2; });
}

}  // namespace popcheck::app
