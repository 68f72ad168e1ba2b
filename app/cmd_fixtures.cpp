// `popcheck fixtures`: fixture interchange (HAR 1.2 export and import).
#include <iostream>

#include "app/commands.hpp"

namespace popcheck::app {

void add_fixtures_command(CLI::App& root, int& exit_code) {
  auto* cmd = root.add_subcommand("fixtures", "Export fixtures as HAR 1.2, import HAR into fixtures");
  cmd->callback([&exit_code] {
    std::cerr << "popcheck fixtures: under construction in this session\n";
    exit_code = 2;
  });
}

}  // namespace popcheck::app
