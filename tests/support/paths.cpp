#include "tests/support/paths.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "core/data_dir.hpp"

namespace popcheck::test_support {

namespace fs = std::filesystem;

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

fs::path source_dir() {
  std::string src = env("POPCHECK_SRC");
  if (src.empty()) {
    std::fprintf(stderr, "set POPCHECK_SRC to the source tree (ctest sets it)\n");
    std::exit(2);
  }
  return src;
}

fs::path data_dir() { return source_dir() / "data"; }
fs::path metadata_dir() { return data_dir() / "metadata"; }
fs::path pages_dir() { return source_dir() / "tests" / "data"; }
std::vector<std::string> bundled_metadata() { return core::json_files_in(metadata_dir()); }
fs::path junit_schema() { return data_dir() / "schemas" / "junit-ant.xsd"; }

bool have_xmllint() { return std::system("command -v xmllint >/dev/null 2>&1") == 0; }

std::string junit_problems(const fs::path& file) {
  std::string cmd =
      "xmllint --noout --schema '" + junit_schema().string() + "' '" + file.string() + "' 2>&1";
  std::string out;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return "cannot run " + cmd;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  int status = ::pclose(pipe);
  return status == 0 ? std::string() : out.empty() ? "xmllint failed: " + cmd : out;
}

fs::path shared_dir() {
  std::string shared = env("POPCHECK_SHARED");
  return shared.empty() ? source_dir() / ".." / "shared" : fs::path(shared);
}

fs::path seed_page(std::string_view prefix) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(shared_dir() / "seeds", ec)) {
    if (e.path().filename().string().starts_with(prefix)) return e.path();
  }
  return {};
}

bool shared_required() { return env("POPCHECK_REQUIRE_SHARED") == "1"; }

std::string shared_absent() {
  std::error_code ec;
  const bool present = fs::is_directory(shared_dir() / "seeds", ec);
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (std::string log = env("POPCHECK_CORPUS_LOG"); !log.empty()) {
    std::ofstream(log, std::ios::app)
        << (present ? "ran " : "skipped ") << (info ? info->test_suite_name() : "?") << "\n";
  }
  if (present) return {};
  return "the shared folder " + shared_dir().lexically_normal().string() +
         " (seed pages, corpus) is absent: set POPCHECK_SHARED to it to run this suite";
}

}  // namespace popcheck::test_support
