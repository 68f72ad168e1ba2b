#include "core/data_dir.hpp"

#include <algorithm>

namespace popcheck::core {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHowToSet =
    "; set --data-dir DIR or POPCHECK_DATA_DIR to the folder holding metadata/, schemas/, cases/ "
    "and adapters/ (docs/data.md)";

bool has_metadata(const fs::path& root) {
  std::error_code ec;
  return fs::is_directory(root / "metadata", ec);
}

// A folder the user named: it must be a data folder.
Expected<DataDir> named(const std::string& dir, const std::string& source) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return fail("data.missing", source + " names " + dir + ", which is not a folder" + kHowToSet);
  if (!has_metadata(dir))
    return fail("data.missing",
                source + " names " + dir + ", which holds no metadata/ folder" + kHowToSet);
  return DataDir{fs::path(dir), source};
}

}  // namespace

Expected<DataDir> find_data_dir(const DataDirSources& sources) {
  if (!sources.flag.empty()) return named(sources.flag, "--data-dir");
  if (!sources.env.empty()) return named(sources.env, kDataDirEnv);
  if (sources.executable.empty())
    return fail("data.missing",
                std::string("no data folder: the executable's own path is unknown") + kHowToSet);
  fs::path beside =
      (fs::path(sources.executable).parent_path() / ".." / "share" / "popcheck").lexically_normal();
  if (has_metadata(beside)) return DataDir{beside, "the executable's share/popcheck"};
  return fail("data.missing", "no data folder: looked for " + (beside / "metadata").string() +
                                  " (beside the executable " + sources.executable + ")" +
                                  kHowToSet);
}

std::vector<std::string> json_files_in(const fs::path& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace popcheck::core
