#pragma once
// Where popcheck finds the data it uses at run time: the bundled products' metadata (metadata/*.json),
// the JUnit schema its reports follow (schemas/), the seed catalogue (cases/) and the SDK adapters
// (adapters/). The first rule that applies wins:
//   1. the --data-dir flag;
//   2. the POPCHECK_DATA_DIR environment variable;
//   3. <folder of the executable>/../share/popcheck when it exists (an install puts the binary in
//      <prefix>/bin and the data in <prefix>/share/popcheck; a build tree puts the binary in
//      <build>/bin and links <build>/share/popcheck/* to the source folders).
// Never the current directory, never a path compiled in. A folder named by the flag or the variable
// must exist and hold metadata/; otherwise that is the error (no fall-through to the next rule).
// core knows nothing of argv[0]: the caller passes the executable's path (app: /proc/self/exe).
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace popcheck::core {

inline constexpr const char* kDataDirEnv = "POPCHECK_DATA_DIR";

struct DataDirSources {
  std::string flag;        // --data-dir; empty when not given
  std::string env;         // $POPCHECK_DATA_DIR; empty when unset
  std::string executable;  // absolute path of the running executable; empty when unknown
};

struct DataDir {
  std::filesystem::path root;
  std::string source;  // "--data-dir", "POPCHECK_DATA_DIR" or "the executable's share/popcheck"
  std::filesystem::path metadata() const { return root / "metadata"; }
  std::filesystem::path schemas() const { return root / "schemas"; }
  std::filesystem::path cases() const { return root / "cases"; }
  std::filesystem::path adapters() const { return root / "adapters"; }
};

// The data folder by the rules above. Error "data.missing" says where it looked and how to set it.
Expected<DataDir> find_data_dir(const DataDirSources& sources);

// The *.json files directly in `dir`, sorted by name; empty when there are none or `dir` is not a
// folder.
std::vector<std::string> json_files_in(const std::filesystem::path& dir);

}  // namespace popcheck::core
