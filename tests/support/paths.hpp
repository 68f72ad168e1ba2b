#pragma once
// Where the unit tests find the folders around them.
//  - The project's own material, through POPCHECK_SRC (the source tree; ctest sets it): the bundled
//    data (data/), the seed catalogue (cases/), the reader-test pages (tests/data/).
//  - The workshop folder ../shared (POPCHECK_SHARED, else POPCHECK_SRC/../shared): the seed pages and
//    the 74-page corpus. A test that reads it starts with POPCHECK_NEEDS_SHARED(): when the folder is
//    absent the test is skipped with one line naming the folder and the variable, or fails when
//    POPCHECK_REQUIRE_SHARED=1 (CI). Either way a line "ran|skipped SUITE" goes to
//    $POPCHECK_CORPUS_LOG, from which scripts/test.sh prints which corpus suites ran.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace popcheck::test_support {

// The source tree (POPCHECK_SRC); a test binary run without it stops with exit 2 and says so.
std::filesystem::path source_dir();
// The repository's data/ (metadata/, schemas/).
std::filesystem::path data_dir();
// The bundled products' api-docs.json files (data/metadata), the same files popcheck serves.
std::filesystem::path metadata_dir();
// The project's own reader-test pages.
std::filesystem::path pages_dir();
// The bundled products' api-docs.json files, sorted.
std::vector<std::string> bundled_metadata();
// The JUnit schema the reports follow.
std::filesystem::path junit_schema();
// Whether xmllint is installed (scripts/setup.sh test installs it).
bool have_xmllint();
// "" when `file` validates against junit_schema() (xmllint --schema), else what xmllint says.
std::string junit_problems(const std::filesystem::path& file);

// The workshop folder: POPCHECK_SHARED, else source_dir()/../shared.
std::filesystem::path shared_dir();
// The seed page of ../shared/seeds whose file name starts with `prefix` ("000_"); empty when none.
std::filesystem::path seed_page(std::string_view prefix);
// Whether POPCHECK_REQUIRE_SHARED=1 (CI): an absent shared folder is then a failure.
bool shared_required();
// "" when the shared folder is present; otherwise the one line that says so. Logs the outcome under
// the running test's suite name.
std::string shared_absent();

}  // namespace popcheck::test_support

#define POPCHECK_NEEDS_SHARED()                                               \
  do {                                                                        \
    std::string why_absent_ = ::popcheck::test_support::shared_absent();      \
    if (!why_absent_.empty()) {                                               \
      if (::popcheck::test_support::shared_required()) FAIL() << why_absent_; \
      GTEST_SKIP() << why_absent_;                                            \
    }                                                                         \
  } while (0)
