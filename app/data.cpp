// The data folder for the subcommands that need one (run, emulate): the rules of core/data_dir.hpp
// with the executable's path read from /proc/self/exe.
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/commands.hpp"

namespace popcheck::app {

CLI::Option* add_data_dir_option(CLI::App* cmd, std::string& dir) {
  return cmd->add_option(
      "--data-dir", dir,
      "Folder of popcheck's data (metadata/, schemas/, cases/, adapters/). "
      "Default: $POPCHECK_DATA_DIR, else ../share/popcheck beside the executable");
}

std::optional<core::DataDir> find_data_dir(const std::string& command, const std::string& flag) {
  core::DataDirSources sources;
  sources.flag = flag;
  if (const char* env = std::getenv(core::kDataDirEnv); env != nullptr) sources.env = env;
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) sources.executable = exe.string();
  auto found = core::find_data_dir(sources);
  if (!found) {
    std::cerr << "popcheck " << command << ": " << found.error().to_string() << "\n";
    return std::nullopt;
  }
  return *found;
}

std::optional<std::vector<std::string>> data_metadata(const std::string& command,
                                                      const core::DataDir& data) {
  auto files = core::json_files_in(data.metadata());
  if (files.empty()) {
    std::cerr << "popcheck " << command << ": no api-docs *.json in " << data.metadata().string()
              << " (the data folder, from " << data.source << ") [data.missing]\n";
    return std::nullopt;
  }
  return files;
}

}  // namespace popcheck::app
