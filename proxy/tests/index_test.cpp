// The fixture folder's index: a store started from the index serves the same fixtures in the same
// order as one that parses every file, and notices files changed, added and removed since.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "proxy/fixtures/folder_index.hpp"
#include "proxy/fixtures/store.hpp"
#include "tests/support/files.hpp"

namespace popcheck::proxy {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

Exchange call(const std::string& action, const std::string& id, const std::string& body) {
  Exchange e;
  e.product = "ecs";
  e.action = action;
  e.request.method = "GET";
  e.request.path = "/";
  e.request.params = {{"Action", action}, {"Version", "2014-05-26"}, {"InstanceId", id}};
  e.response.status = 200;
  e.response.content_type = "application/json;charset=utf-8";
  e.response.body = body;
  return e;
}

std::string key_of(const FixtureStore& store, const Exchange& e) {
  return FixtureStore::key_of(store.match_of(e.request.params));
}

// Every file's modification time an hour back, as a recording made before this start would be
// (the index leaves out files changed in the last two seconds).
void age(const fs::path& dir) {
  for (const auto& f : fs::recursive_directory_iterator(dir))
    if (f.is_regular_file())
      fs::last_write_time(f.path(), fs::file_time_type::clock::now() - std::chrono::hours(1));
}

// What a store serves for each call, in replay order: each answer until the last repeats.
std::vector<std::string> served(const FixtureStore& store, const std::vector<Exchange>& calls) {
  std::vector<std::string> out;
  for (const auto& c : calls) {
    for (int i = 0; i < 4; ++i) {
      auto entry = store.next(key_of(store, c));
      out.push_back(entry ? std::to_string(entry->status) + " " + entry->file + " " + entry->body
                          : "none");
    }
  }
  return out;
}

struct Recording {
  TempDir dir;
  std::vector<Exchange> calls;
  Recording() {
    FixtureStore writer(dir.str(), {});
    for (int i = 0; i < 40; ++i) {
      std::string id = "i-" + std::to_string(i % 13);  // repeats: several answers per key
      calls.push_back(call(i % 2 ? "DescribeDisks" : "DescribeInstances", id,
                           "{\"n\":" + std::to_string(i) + "}"));
      EXPECT_TRUE(writer.record(calls.back(), key_of(writer, calls.back())));
    }
    age(dir.path());
  }
};

TEST(FixtureIndex, AnIndexedStartServesWhatAFullLoadServesInTheSameOrder) {
  Recording rec;
  FixtureStore first(rec.dir.str(), {});
  LoadReport built = first.load();
  EXPECT_EQ(built.loaded, 40u);
  EXPECT_EQ(built.parsed, 40u);
  EXPECT_EQ(built.index, "index written");
  ASSERT_TRUE(fs::exists(rec.dir / std::string(kIndexFileName)));

  FixtureStore indexed(rec.dir.str(), {});
  LoadReport report = indexed.load();
  EXPECT_EQ(report.loaded, 40u);
  EXPECT_EQ(report.parsed, 0u);  // every key came from the index
  EXPECT_EQ(report.index, "index up to date");
  FixtureStore full(rec.dir.str(), {});
  EXPECT_EQ(full.load(LoadMode::full).parsed, 40u);
  auto expected = served(full, rec.calls);
  EXPECT_EQ(served(indexed, rec.calls), expected);
  // The answers are the recorded ones, in recorded order.
  EXPECT_NE(expected[0].find("{\"n\":0}"), std::string::npos);
}

TEST(FixtureIndex, IgnoredParametersApplyToIndexedKeys) {
  Recording rec;
  FixtureStore(rec.dir.str(), {}).load();
  core::MatchOptions ignore{{"InstanceId"}};
  FixtureStore indexed(rec.dir.str(), ignore);
  EXPECT_EQ(indexed.load().parsed, 0u);
  FixtureStore full(rec.dir.str(), ignore);
  full.load(LoadMode::full);
  EXPECT_EQ(served(indexed, rec.calls), served(full, rec.calls));
  // With InstanceId ignored, every DescribeDisks call is one key: 20 answers in recorded order.
  FixtureStore again(rec.dir.str(), ignore);
  again.load();
  auto first = again.next(key_of(again, rec.calls[1]));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "{\"n\":1}");
}

TEST(FixtureIndex, AChangedAddedOrRemovedFileIsNoticed) {
  Recording rec;
  FixtureStore(rec.dir.str(), {}).load();
  // Changed: the fixture of calls[0] now answers for another instance, and is older than before.
  FixtureStore probe(rec.dir.str(), {});
  probe.load();
  std::string changed = probe.next(key_of(probe, rec.calls[0]))->file;
  // calls[20] is the only recording of its call (DescribeInstances of i-7).
  std::string removed = probe.next(key_of(probe, rec.calls[20]))->file;
  Exchange moved = call("DescribeInstances", "i-changed", "{\"changed\":true}");
  std::ofstream(changed) << exchange_to_text(moved);
  fs::last_write_time(changed, fs::file_time_type::clock::now() - std::chrono::hours(2));
  fs::remove(removed);
  FixtureStore writer(rec.dir.str(), {});  // not loaded: a recording continues the numbering anyway
  Exchange added = call("DescribeDisks", "i-added", "{\"added\":true}");
  ASSERT_TRUE(writer.record(added, key_of(writer, added)));

  FixtureStore indexed(rec.dir.str(), {});
  LoadReport report = indexed.load();
  EXPECT_EQ(report.loaded, 40u);  // 40 - 1 removed + 1 added
  EXPECT_EQ(report.parsed, 2u);   // the changed and the added file
  FixtureStore full(rec.dir.str(), {});
  full.load(LoadMode::full);
  std::vector<Exchange> calls = rec.calls;
  calls.push_back(moved);
  calls.push_back(added);
  EXPECT_EQ(served(indexed, calls), served(full, calls));
  auto fresh = [&] {
    auto s = std::make_unique<FixtureStore>(rec.dir.str(), core::MatchOptions{});
    s->load();
    return s;
  };
  auto moved_answer = fresh()->next(key_of(indexed, moved));
  ASSERT_TRUE(moved_answer);
  EXPECT_EQ(moved_answer->body, "{\"changed\":true}");
  auto added_answer = fresh()->next(key_of(indexed, added));
  ASSERT_TRUE(added_answer);
  EXPECT_EQ(added_answer->body, "{\"added\":true}");
  EXPECT_EQ(fresh()->next(key_of(indexed, rec.calls[20])), nullptr);
}

// The index trusts a record only while both size and time are unchanged: an edit that keeps the
// size is noticed by its time, one whose time is put back by its size.
TEST(FixtureIndex, AChangeOfTheSizeAloneOrOfTheTimeAloneIsNoticed) {
  Recording rec;
  FixtureStore(rec.dir.str(), {}).load();
  FixtureStore probe(rec.dir.str(), {});
  probe.load();
  // calls[14] and calls[16] are the only recordings of their calls (i-1 and i-3).
  const std::string same_size = probe.next(key_of(probe, rec.calls[14]))->file;
  const std::string same_time = probe.next(key_of(probe, rec.calls[16]))->file;

  Exchange retimed = call("DescribeInstances", "i-x", "{\"n\":14}");  // "i-1" -> "i-x"
  const std::string retimed_text = exchange_to_text(retimed);
  ASSERT_EQ(retimed_text.size(), fs::file_size(same_size));
  std::ofstream(same_size) << retimed_text;
  fs::last_write_time(same_size, fs::file_time_type::clock::now() - std::chrono::hours(2));

  Exchange resized = call("DescribeInstances", "i-resized", "{\"resized\":true}");
  const auto time = fs::last_write_time(same_time);
  std::ofstream(same_time) << exchange_to_text(resized);
  fs::last_write_time(same_time, time);
  ASSERT_NE(fs::file_size(same_time), exchange_to_text(rec.calls[16]).size());

  FixtureStore indexed(rec.dir.str(), {});
  EXPECT_EQ(indexed.load().parsed, 2u);
  auto answer = indexed.next(key_of(indexed, retimed));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->file, same_size);
  EXPECT_EQ(answer->status, 200);
  answer = indexed.next(key_of(indexed, resized));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->body, "{\"resized\":true}");
  EXPECT_EQ(indexed.next(key_of(indexed, rec.calls[14])), nullptr);
  EXPECT_EQ(indexed.next(key_of(indexed, rec.calls[16])), nullptr);
}

TEST(FixtureIndex, ACorruptIndexIsRebuiltAndACorruptFixtureIsReportedEveryTime) {
  Recording rec;
  FixtureStore(rec.dir.str(), {}).load();
  std::ofstream(rec.dir / std::string(kIndexFileName), std::ios::app) << "not a record\n";
  std::ofstream(rec.dir / "ecs" / "DescribeDisks" / "000999-bad.json") << "{\"request\": ";
  FixtureStore store(rec.dir.str(), {});
  LoadReport report = store.load();
  EXPECT_EQ(report.loaded, 40u);
  EXPECT_EQ(report.parsed, 41u);
  EXPECT_NE(report.index.find("line 42 is not a record"), std::string::npos) << report.index;
  ASSERT_EQ(report.errors.size(), 1u);
  FixtureStore again(rec.dir.str(), {});
  LoadReport second = again.load();
  EXPECT_EQ(second.parsed, 1u);  // only the corrupt file, again
  EXPECT_EQ(second.errors.size(), 1u);
  EXPECT_EQ(second.index, "index up to date");
}

TEST(FixtureIndex, AFixtureChangedAfterTheLoadAnswersAnErrorNamingIt) {
  Recording rec;
  FixtureStore store(rec.dir.str(), {});
  store.load();
  // The fixture answering calls[5] is rewritten as another call before its first replay.
  FixtureStore probe(rec.dir.str(), {});
  probe.load();
  std::string file = probe.next(key_of(probe, rec.calls[5]))->file;
  std::ofstream(file) << exchange_to_text(call("DescribeDisks", "i-other", "{}"));
  auto entry = store.next(key_of(store, rec.calls[5]));
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->status, 500);
  EXPECT_NE(entry->body.find("Popcheck.Fixture.Unreadable"), std::string::npos);
  EXPECT_NE(entry->body.find(file), std::string::npos);
}

TEST(FixtureIndex, RecentFilesAreLeftOutOfTheIndexUntilTheyAreOlder) {
  Recording rec;
  Exchange fresh_call = call("DescribeDisks", "i-new", "{}");
  FixtureStore writer(rec.dir.str(), {});
  auto path = writer.record(fresh_call, key_of(writer, fresh_call));
  ASSERT_TRUE(path);
  FixtureStore(rec.dir.str(), {}).load();  // indexes the 40 old files, not the new one
  FixtureStore store(rec.dir.str(), {});
  EXPECT_EQ(store.load().parsed, 1u);
  fs::last_write_time(*path, fs::file_time_type::clock::now() - std::chrono::hours(1));
  FixtureStore later(rec.dir.str(), {});
  EXPECT_EQ(later.load().parsed, 1u);  // its time changed: parsed, and now indexed
  FixtureStore last(rec.dir.str(), {});
  EXPECT_EQ(last.load().parsed, 0u);
}

}  // namespace
}  // namespace popcheck::proxy
