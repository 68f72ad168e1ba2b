#pragma once
// What the unit tests know about the folders around them.
//  - The project's own material, through POPCHECK_SRC (the source tree; ctest sets it): the bundled
//    data (data/), the seed catalogue (cases/), the reader-test pages (tests/data/).
//  - The workshop folder ../shared (POPCHECK_SHARED, set by ctest): the seed pages and the 74-page
//    corpus. A test that reads it starts with POPCHECK_NEEDS_SHARED(): when the folder is absent the
//    test is skipped with one line naming the folder and the variable, or fails when
//    POPCHECK_REQUIRE_SHARED=1 (CI). Either way a line "ran|skipped SUITE" goes to
//    $POPCHECK_CORPUS_LOG, from which scripts/test.sh prints which corpus suites ran.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/data_dir.hpp"

namespace popcheck::test_support {

inline std::filesystem::path source_dir() {
  const char* env = std::getenv("POPCHECK_SRC");
  if (env == nullptr || *env == '\0') {
    std::fprintf(stderr, "set POPCHECK_SRC to the source tree (ctest sets it)\n");
    std::exit(2);
  }
  return env;
}
// The repository's data/ (metadata/, schemas/).
inline std::filesystem::path data_dir() { return source_dir() / "data"; }
// The project's own reader-test pages.
inline std::filesystem::path pages_dir() { return source_dir() / "tests" / "data"; }
// The bundled products' api-docs.json files, sorted.
inline std::vector<std::string> bundled_metadata() {
  return core::json_files_in(data_dir() / "metadata");
}
inline std::filesystem::path junit_schema() { return data_dir() / "schemas" / "junit-ant.xsd"; }

inline std::filesystem::path shared_dir() {
  const char* env = std::getenv("POPCHECK_SHARED");
  return env != nullptr && *env != '\0' ? std::filesystem::path(env)
                                        : source_dir() / ".." / "shared";
}

inline bool shared_required() {
  const char* env = std::getenv("POPCHECK_REQUIRE_SHARED");
  return env != nullptr && std::string(env) == "1";
}

// "" when the shared folder is present; otherwise the one line that says so. Logs the outcome.
inline std::string shared_absent() {
  std::error_code ec;
  bool present = std::filesystem::is_directory(shared_dir() / "seeds", ec);
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (const char* log = std::getenv("POPCHECK_CORPUS_LOG"); log != nullptr && *log != '\0') {
    std::ofstream(log, std::ios::app) << (present ? "ran " : "skipped ")
                                      << (info ? info->test_suite_name() : "?") << "\n";
  }
  if (present) return {};
  return "the shared folder " + shared_dir().lexically_normal().string() +
         " (seed pages, corpus) is absent: set POPCHECK_SHARED to it to run this suite";
}

}  // namespace popcheck::test_support

#define POPCHECK_NEEDS_SHARED()                                            \
  do {                                                                     \
    std::string why_absent_ = ::popcheck::test_support::shared_absent();   \
    if (!why_absent_.empty()) {                                            \
      if (::popcheck::test_support::shared_required()) FAIL() << why_absent_; \
      GTEST_SKIP() << why_absent_;                                         \
    }                                                                      \
  } while (0)
