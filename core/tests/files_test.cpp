// The file helpers every module uses (core/files.hpp): whole-file reads with a size bound and errors
// that name the file, atomic writes that leave nothing half-written or behind, and the name test of
// the writer's temporaries.
#include "core/files.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/files.hpp"

namespace popcheck::core {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

TEST(ReadFile, ReadsEveryByteIncludingNul) {
  TempDir dir;
  std::string bytes("a\0b\r\n\xff", 6);
  test_support::write_text(dir / "bin", bytes);
  auto r = read_file((dir / "bin").string());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, bytes);
}

TEST(ReadFile, ErrorsNameTheFile) {
  TempDir dir;
  auto missing = read_file((dir / "absent.md").string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "io.open");
  EXPECT_EQ(missing.error().file, (dir / "absent.md").string());

  auto folder = read_file(dir.str());
  ASSERT_FALSE(folder);
  EXPECT_EQ(folder.error().code, "io.open");
  EXPECT_NE(folder.error().message.find("folder"), std::string::npos) << folder.error().message;
}

TEST(ReadFile, RefusesAFileOverTheLimitSayingBothSizes) {
  TempDir dir;
  test_support::write_text(dir / "big", std::string(11, 'x'));
  ASSERT_TRUE(read_file((dir / "big").string(), 11));
  auto big = read_file((dir / "big").string(), 10);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, "io.too_large");
  EXPECT_NE(big.error().message.find("11 bytes"), std::string::npos) << big.error().message;
  EXPECT_NE(big.error().message.find("limit of 10"), std::string::npos) << big.error().message;
}

TEST(WriteFileAtomic, CreatesFoldersReplacesContentAndLeavesNoTemporary) {
  TempDir dir;
  const fs::path file = dir / "a" / "b" / "c.json";
  ASSERT_TRUE(write_file_atomic(file.string(), "first, and longer"));
  ASSERT_TRUE(write_file_atomic(file.string(), "second"));
  EXPECT_EQ(test_support::read_text(file), "second");
  EXPECT_EQ(test_support::files_below(dir.path()), std::vector<fs::path>{file});
}

TEST(WriteFileAtomic, AFailedRenameLeavesWhatWasThereAndNoTemporary) {
  // The target is a folder with a file in it: the temporary is written, the rename fails.
  TempDir dir;
  const fs::path inside = dir / "taken" / "inside.json";
  test_support::write_text(inside, "old");
  auto r = write_file_atomic((dir / "taken").string(), "new");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "io.write");
  EXPECT_NE(r.error().message.find("rename"), std::string::npos) << r.error().message;
  EXPECT_EQ(test_support::read_text(inside), "old");
  EXPECT_EQ(test_support::files_below(dir.path()), std::vector<fs::path>{inside});
}

TEST(WriteFileAtomic, AFolderInTheWayIsAnErrorNamingIt) {
  TempDir dir;
  test_support::write_text(dir / "file", "x");
  auto r = write_file_atomic((dir / "file" / "below.json").string(), "y");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "io.mkdir");
  EXPECT_EQ(r.error().file, (dir / "file").string());
}

TEST(AtomicWriteTemp, RecognisesOnlyTheWritersOwnNames) {
  EXPECT_TRUE(is_atomic_write_temp(".c.json.tmp-42"));
  EXPECT_TRUE(is_atomic_write_temp(".000001-ab12cd34.json.tmp-18446744073709551615"));
  EXPECT_FALSE(is_atomic_write_temp("c.json.tmp-42"));   // not hidden
  EXPECT_FALSE(is_atomic_write_temp(".c.json.tmp-"));    // no number
  EXPECT_FALSE(is_atomic_write_temp(".c.json.tmp-4x"));  // not only digits
  EXPECT_FALSE(is_atomic_write_temp(".notes.tmp-x"));
  EXPECT_FALSE(is_atomic_write_temp(".tmp-1"));  // no name before the mark
}

}  // namespace
}  // namespace popcheck::core
