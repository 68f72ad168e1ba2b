#pragma once
// Files for the unit tests: a scratch folder removed when the test ends, and whole-file reads and
// writes that fail the test (rather than return an error) when the file system says no.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace popcheck::test_support {

// A fresh folder under the system temp directory for one test ("popcheck-test-PID-N"), removed with
// everything in it when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  std::filesystem::path operator/(const std::string& p) const { return path_ / p; }

 private:
  std::filesystem::path path_;
};

// The whole file as bytes; adds a test failure naming the file and returns "" when it cannot be read.
std::string read_text(const std::filesystem::path& file);
// Writes `text` to `file`, creating its folders; adds a test failure naming the file when it cannot.
void write_text(const std::filesystem::path& file, std::string_view text);
// Every regular file below `dir` (recursively), sorted; empty when `dir` does not exist.
std::vector<std::filesystem::path> files_below(const std::filesystem::path& dir);

}  // namespace popcheck::test_support
