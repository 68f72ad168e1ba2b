// Group commit: concurrent writers share flushes, every write is whole and durable when it
// returns, and a failed write leaves nothing.
#include "proxy/fixtures/group_commit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "core/files.hpp"
#include "tests/support/files.hpp"

namespace popcheck::proxy {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(GroupCommit, ConcurrentWritersAllLandWholeAndShareFlushes) {
  TempDir dir;
  GroupCommit commit;
  constexpr int kThreads = 16, kEach = 20;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          std::string name = std::to_string(t) + "-" + std::to_string(i);
          auto written = commit.write((dir / ("f" + std::to_string(t % 3)) / name).string(),
                                      std::string(1000 + i, char('a' + t)));
          EXPECT_TRUE(written) << written.error().to_string();
        }
      });
    }
  }
  size_t files = 0;
  for (const auto& f : fs::recursive_directory_iterator(dir.path())) {
    if (!f.is_regular_file()) continue;
    ++files;
    std::string name = f.path().filename().string();
    EXPECT_FALSE(core::is_atomic_write_temp(name)) << name;
    int t = std::stoi(name.substr(0, name.find('-')));
    int i = std::stoi(name.substr(name.find('-') + 1));
    EXPECT_EQ(read(f.path()), std::string(1000 + i, char('a' + t)));
  }
  EXPECT_EQ(files, size_t(kThreads * kEach));
  GroupCommit::Stats stats = commit.stats();
  EXPECT_EQ(stats.files, uint64_t(kThreads * kEach));
  EXPECT_GE(stats.batches, 1u);
  EXPECT_LE(stats.batches, stats.files);
}

TEST(GroupCommit, WritersQueuedDuringAFlushShareTheNextOne) {
  TempDir dir;
  constexpr size_t kWriters = 16;
  GroupCommit* self = nullptr;
  size_t first_batch = 0;
  std::atomic<int> leaders{0};
  // The first leader holds its flush until every other writer has queued behind it, so the
  // second flush must take all of them: two flushes for sixteen files.
  GroupCommit commit([&](size_t batch) {
    if (leaders.fetch_add(1) != 0) return;
    first_batch = batch;
    for (int i = 0; i < 6000 && self->queued() < kWriters - batch; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  });
  self = &commit;
  {
    std::vector<std::jthread> threads;
    for (size_t t = 0; t < kWriters; ++t)
      threads.emplace_back([&, t] {
        EXPECT_TRUE(commit.write((dir / (std::to_string(t) + ".json")).string(), "x"));
      });
  }
  ASSERT_GE(first_batch, 1u);
  EXPECT_EQ(commit.stats().files, kWriters);
  EXPECT_EQ(commit.stats().batches, 2u);
}

TEST(GroupCommit, AWriterWaitsForItsOwnBatchAndSeesItsFile) {
  TempDir dir;
  GroupCommit commit;
  for (int i = 0; i < 5; ++i) {
    fs::path p = dir / "a" / (std::to_string(i) + ".json");
    ASSERT_TRUE(commit.write(p.string(), "x" + std::to_string(i)));
    EXPECT_EQ(read(p), "x" + std::to_string(i));  // there as soon as write returned
  }
  EXPECT_EQ(commit.stats().batches, 5u);  // one writer at a time: one flush each
}

TEST(GroupCommit, AFailedRenameFailsThatWriteOnlyAndLeavesNothing) {
  TempDir dir;
  GroupCommit commit;
  fs::create_directories(dir / "a" / "taken.json");  // a folder where the file should go
  auto failed = commit.write((dir / "a" / "taken.json").string(), "x");
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("rename failed"), std::string::npos);
  EXPECT_EQ(failed.error().file, (dir / "a" / "taken.json").string());
  ASSERT_TRUE(commit.write((dir / "a" / "ok.json").string(), "y"));
  std::vector<std::string> names;
  for (const auto& f : fs::directory_iterator(dir / "a")) names.push_back(f.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"ok.json", "taken.json"}));
  EXPECT_TRUE(fs::is_directory(dir / "a" / "taken.json"));
  // A parent that is a file cannot hold a folder: a clear error naming it.
  std::ofstream(dir / "file") << "x";
  auto no_folder = commit.write((dir / "file" / "x.json").string(), "z");
  ASSERT_FALSE(no_folder);
  EXPECT_EQ(no_folder.error().code, "io.mkdir");
}

}  // namespace
}  // namespace popcheck::proxy
