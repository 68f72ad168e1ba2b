#include "core/data_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/files.hpp"

namespace popcheck::core {
namespace {

namespace fs = std::filesystem;

// A fresh folder laid out like an install: <root>/bin/popcheck and, when `with_data`,
// <root>/share/popcheck/metadata/.
class DataDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(root_ / "bin");
    std::ofstream(root_ / "bin" / "popcheck") << "";
  }

  fs::path make_data(const fs::path& dir) {
    fs::create_directories(dir / "metadata");
    return dir;
  }
  std::string exe() const { return (root_ / "bin" / "popcheck").string(); }

  test_support::TempDir scratch_;
  fs::path root_ = scratch_.path();
};

TEST_F(DataDirTest, InstalledLayoutIsFoundBesideTheExecutable) {
  make_data(root_ / "share" / "popcheck");
  auto d = find_data_dir({"", "", exe()});
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(d->root, (root_ / "share" / "popcheck").lexically_normal());
  EXPECT_EQ(d->metadata(), d->root / "metadata");
  EXPECT_EQ(d->cases(), d->root / "cases");
  EXPECT_EQ(d->adapters(), d->root / "adapters");
  EXPECT_EQ(d->schemas(), d->root / "schemas");
}

TEST_F(DataDirTest, FlagWinsOverEnvironmentWhichWinsOverTheExecutable) {
  make_data(root_ / "share" / "popcheck");
  fs::path flag = make_data(root_ / "flag");
  fs::path env = make_data(root_ / "env");
  auto d = find_data_dir({flag.string(), env.string(), exe()});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->root, flag);
  EXPECT_EQ(d->source, "--data-dir");
  d = find_data_dir({"", env.string(), exe()});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->root, env);
  EXPECT_EQ(d->source, "POPCHECK_DATA_DIR");
}

TEST_F(DataDirTest, ANamedFolderThatIsNotADataFolderIsTheErrorWithNoFallThrough) {
  make_data(root_ / "share" / "popcheck");
  fs::create_directories(root_ / "empty");
  auto d = find_data_dir({(root_ / "empty").string(), "", exe()});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, "data.missing");
  EXPECT_NE(d.error().message.find("--data-dir names " + (root_ / "empty").string()),
            std::string::npos)
      << d.error().message;
  EXPECT_NE(d.error().message.find("no metadata/"), std::string::npos) << d.error().message;

  d = find_data_dir({"", (root_ / "nowhere").string(), exe()});
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("POPCHECK_DATA_DIR names"), std::string::npos);
  EXPECT_NE(d.error().message.find("not a folder"), std::string::npos);
}

TEST_F(DataDirTest, NothingBesideTheExecutableSaysWhereItLookedAndHowToSetIt) {
  auto d = find_data_dir({"", "", exe()});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, "data.missing");
  const std::string& m = d.error().message;
  EXPECT_NE(m.find((root_ / "share" / "popcheck" / "metadata").lexically_normal().string()),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("--data-dir"), std::string::npos) << m;
  EXPECT_NE(m.find("POPCHECK_DATA_DIR"), std::string::npos) << m;
}

TEST_F(DataDirTest, NeverTheCurrentDirectory) {
  // A data folder in the current directory is not one of the rules.
  fs::path cwd = fs::current_path();
  make_data(root_ / "here" / "share" / "popcheck");
  make_data(root_ / "here");
  fs::current_path(root_ / "here");
  auto d = find_data_dir({"", "", exe()});
  fs::current_path(cwd);
  EXPECT_FALSE(d);
  EXPECT_FALSE(find_data_dir({"", "", ""}));
}

TEST_F(DataDirTest, JsonFilesAreListedSortedAndOnlyThem) {
  fs::path m = make_data(root_ / "d") / "metadata";
  for (const char* n : {"vpc.json", "ecs.json", "notes.txt"}) std::ofstream(m / n) << "{}";
  fs::create_directories(m / "sub.json.d");
  auto files = json_files_in(m);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0], (m / "ecs.json").string());
  EXPECT_EQ(files[1], (m / "vpc.json").string());
  EXPECT_TRUE(json_files_in(root_ / "absent").empty());
}

}  // namespace
}  // namespace popcheck::core
