#include "proxy/fixtures/store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/files.hpp"
#include "tests/support/files.hpp"

namespace popcheck::proxy {
namespace {

namespace fs = std::filesystem;

struct Shape {
  std::string method, target;
  Headers headers;
  std::string body;
};

// The four shapes of one call, as captured from the real SDKs (docs/protocol.md section 4.4).
std::vector<Shape> captured_shapes() {
  return {
      {"GET",
       "/?AccessKeyId=testid&Action=DeleteInstances&Force=true&Format=JSON&InstanceId.1=i-abc&"
       "InstanceId.2=i-def&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1&SignatureNonce="
       "a7e29f182614a7906db3daef70a67901&SignatureVersion=1.0&Timestamp=2026-11-23T14%3A54%3A01Z&"
       "Version=2014-05-26&Signature=VGYQDWEV3IQyhmoZLpJt9pNHnZ8%3D",
       {{"x-sdk-client", "Node.js(v20.20.2), @alicloud/pop-core: 1.8.0"},
        {"x-acs-action", "DeleteInstances"},
        {"x-acs-version", "2014-05-26"},
        {"Host", "127.0.0.1:18089"}},
       ""},
      {"POST",
       "/",
       {{"x-acs-action", "DeleteInstances"},
        {"x-acs-version", "2014-05-26"},
        {"content-type", "application/x-www-form-urlencoded"},
        {"Host", "127.0.0.1:18089"}},
       "AccessKeyId=testid&Action=DeleteInstances&Force=true&Format=JSON&InstanceId.1=i-abc&"
       "InstanceId.2=i-def&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1&SignatureNonce="
       "d99f0109b705cf601291ba5bb3b98386&SignatureVersion=1.0&Timestamp=2026-11-23T14%3A54%3A02Z&"
       "Version=2014-05-26&Signature=HWSwONgBwCKCkFEixdmgUh3bZl4%3D"},
      {"POST",
       "/?Force=true&InstanceId.1=i-abc&InstanceId.2=i-def&RegionId=cn-hangzhou",
       {{"host", "127.0.0.1:18089"},
        {"x-acs-version", "2014-05-26"},
        {"x-acs-action", "DeleteInstances"},
        {"x-acs-date", "2026-11-23T14:54:02Z"},
        {"x-acs-signature-nonce",
         "de7a24a0fd94649a53b89774e442d511dc5e660226219cdb7a2b0857f84291d7"},
        {"accept", "application/json"},
        {"x-acs-content-sha256",
         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"Authorization",
         "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;"
         "x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=3ffaa4bb"}},
       ""},
      {"POST",
       "/?Action=DeleteInstances&Format=json&Version=2014-05-26&Timestamp=2026-11-23T14%3A54%3A02Z&"
       "SignatureNonce=bf635cfc8182eb464d2c8c888ba0c41488f054f082ece35716242bd5091e77d2&Force=true&"
       "InstanceId.1=i-abc&InstanceId.2=i-def&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1&"
       "SignatureVersion=1.0&AccessKeyId=testid&Signature=fO9ujDGrETiBz1YWHq2VNbDpMLA%3D",
       {{"host", "127.0.0.1:18089"},
        {"x-acs-version", "2014-05-26"},
        {"x-acs-action", "DeleteInstances"}},
       ""},
  };
}

Params merged(const Shape& s) {
  return core::merge_params(core::HttpRequestView{s.method, s.target, &s.headers, s.body});
}

using test_support::TempDir;

Exchange exchange_for(const Params& params, std::string body, int status = 200) {
  Exchange e;
  e.product = "ecs";
  for (const auto& [k, v] : params)
    if (k == "Action") e.action = v;
  e.request.method = "GET";
  e.request.path = "/";
  for (const auto& [k, v] : params)
    if (!is_credential_param(k)) e.request.params.emplace_back(k, v);
  e.response.status = status;
  e.response.content_type = "application/json;charset=utf-8";
  e.response.body = std::move(body);
  return e;
}

using test_support::files_below;

TEST(Matcher, EveryCapturedShapeOfOneCallHasTheSameKey) {
  auto shapes = captured_shapes();
  FixtureStore store("unused", {});
  std::string first = FixtureStore::key_of(store.match_of(merged(shapes[0])));
  EXPECT_NE(first.find("Action=DeleteInstances"), std::string::npos);
  EXPECT_EQ(first.find("testid"), std::string::npos);
  for (size_t i = 1; i < shapes.size(); ++i)
    EXPECT_EQ(FixtureStore::key_of(store.match_of(merged(shapes[i]))), first) << "shape " << i;
}

TEST(Matcher, RecordedAsGetReplaysForPostFormV3AndPostQuery) {
  TempDir dir;
  auto shapes = captured_shapes();
  {
    FixtureStore store(dir.str(), {});
    auto m = store.match_of(merged(shapes[0]));
    ASSERT_TRUE(store.record(exchange_for(merged(shapes[0]), R"({"RequestId":"R1"})"),
                             FixtureStore::key_of(m)));
  }
  FixtureStore store(dir.str(), {});
  auto report = store.load();
  EXPECT_EQ(report.loaded, 1u);
  EXPECT_TRUE(report.errors.empty());
  for (size_t i = 1; i < shapes.size(); ++i) {
    auto entry = store.next(FixtureStore::key_of(store.match_of(merged(shapes[i]))));
    ASSERT_TRUE(entry) << "shape " << i;
    EXPECT_EQ(entry->body, R"({"RequestId":"R1"})");
  }
  // A different value is a different call.
  Shape other = shapes[2];
  other.target = "/?Force=false&InstanceId.1=i-abc&InstanceId.2=i-def&RegionId=cn-hangzhou";
  EXPECT_FALSE(store.next(FixtureStore::key_of(store.match_of(merged(other)))));
}

TEST(Matcher, IgnoredParamsAreLeftOut) {
  Params a = {{"Action", "DeleteInstances"}, {"ClientToken", "uuid-1"}};
  Params b = {{"Action", "DeleteInstances"}, {"ClientToken", "uuid-2"}};
  FixtureStore plain("unused", {});
  EXPECT_NE(FixtureStore::key_of(plain.match_of(a)), FixtureStore::key_of(plain.match_of(b)));
  FixtureStore ignoring("unused", core::MatchOptions{{"ClientToken"}});
  EXPECT_EQ(FixtureStore::key_of(ignoring.match_of(a)), FixtureStore::key_of(ignoring.match_of(b)));
}

TEST(Store, RepeatedRequestsReplayInRecordedOrderThenTheLastAgain) {
  TempDir dir;
  Params p = {{"Action", "DescribeRegions"}, {"Version", "2014-05-26"}};
  {
    FixtureStore store(dir.str(), {});
    std::string key = FixtureStore::key_of(store.match_of(p));
    for (int i = 1; i <= 3; ++i)
      ASSERT_TRUE(store.record(exchange_for(p, "{\"n\":" + std::to_string(i) + "}"), key));
    // Recording serves at once from memory too.
    EXPECT_EQ(store.next(key)->body, "{\"n\":1}");
  }
  FixtureStore store(dir.str(), {});
  ASSERT_EQ(store.load().loaded, 3u);
  std::string key = FixtureStore::key_of(store.match_of(p));
  std::vector<std::string> seen;
  for (int i = 0; i < 5; ++i) seen.push_back(store.next(key)->body);
  EXPECT_EQ(seen, (std::vector<std::string>{"{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":3}",
                                            "{\"n\":3}"}));
  // Numbering continues after what exists, so a new recording follows the old ones.
  ASSERT_TRUE(store.record(exchange_for(p, "{\"n\":4}"), key));
  FixtureStore again(dir.str(), {});
  ASSERT_EQ(again.load().loaded, 4u);
  for (int i = 0; i < 3; ++i) again.next(key);
  EXPECT_EQ(again.next(key)->body, "{\"n\":4}");
}

TEST(Store, UnusedListsTheLoadedFixturesNoRequestWasAnsweredWith) {
  TempDir dir;
  Params regions = {{"Action", "DescribeRegions"}, {"Version", "2014-05-26"}};
  Params zones = {{"Action", "DescribeZones"}, {"Version", "2014-05-26"}};
  std::vector<std::string> files;  // relative, as unused() gives them
  {
    FixtureStore store(dir.str(), {});
    auto record = [&](const Params& p, const std::string& body) {
      auto path = store.record(exchange_for(p, body), FixtureStore::key_of(store.match_of(p)));
      ASSERT_TRUE(path);
      files.push_back(fs::path(*path).lexically_relative(dir.path()).generic_string());
    };
    record(regions, "{\"n\":1}");
    record(regions, "{\"n\":2}");
    record(zones, "{\"z\":1}");
    // What this store recorded is not "unused": it was never loaded.
    EXPECT_TRUE(store.unused().empty());
  }
  FixtureStore store(dir.str(), {});
  ASSERT_EQ(store.load().loaded, 3u);
  const std::string regions_key = FixtureStore::key_of(store.match_of(regions));
  const std::string zones_key = FixtureStore::key_of(store.match_of(zones));
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(store.unused(), sorted(files));
  store.next(regions_key);  // the first of the key's two
  EXPECT_EQ(store.unused(), sorted({files[1], files[2]}));
  store.next(zones_key);
  store.next(zones_key);  // a repeat of the last one uses nothing more
  EXPECT_EQ(store.unused(), (std::vector<std::string>{files[1]}));
  store.next(regions_key);
  store.next(regions_key);
  EXPECT_TRUE(store.unused().empty());
  // A recording made now is served before it is ever "unused"; a reload starts the count again.
  ASSERT_TRUE(store.record(exchange_for(zones, "{\"z\":2}"), zones_key));
  EXPECT_TRUE(store.unused().empty());
  store.load();
  EXPECT_EQ(store.unused().size(), 4u);
}

TEST(Store, ReplayIsByteExactAfterReload) {
  TempDir dir;
  Params p = {{"Action", "RemoveTags"}};
  std::string xml = "<?xml version=\"1.0\"?>\n<Error> <Code>X</Code></Error>\n";
  std::string odd = "{ \"A\" :1 ,\"B\":[ ] }";
  {
    FixtureStore store(dir.str(), {});
    auto e = exchange_for(p, xml, 403);
    e.response.content_type = "text/xml;charset=utf-8";
    ASSERT_TRUE(store.record(e, "k1"));
    ASSERT_TRUE(store.record(exchange_for({{"Action", "Other"}}, odd), "k2"));
  }
  FixtureStore store(dir.str(), {});
  store.load();
  auto x = store.next(FixtureStore::key_of(store.match_of(p)));
  ASSERT_TRUE(x);
  EXPECT_EQ(x->body, xml);
  EXPECT_EQ(x->status, 403);
  ASSERT_FALSE(x->headers.empty());
  EXPECT_EQ(x->headers[0],
            (std::pair<std::string, std::string>{"Content-Type", "text/xml;charset=utf-8"}));
  auto j = store.next(FixtureStore::key_of(store.match_of({{"Action", "Other"}})));
  ASSERT_TRUE(j);
  EXPECT_EQ(j->body, odd);
}

TEST(Store, CorruptFixturesAreReportedByNameAndTheRestLoad) {
  TempDir dir;
  Params p = {{"Action", "DetachDisk"}};
  {
    FixtureStore store(dir.str(), {});
    ASSERT_TRUE(store.record(exchange_for(p, "{}"), FixtureStore::key_of(store.match_of(p))));
  }
  fs::create_directories(dir.path() / "ecs" / "Broken");
  std::string bad1 = (dir.path() / "ecs" / "Broken" / "000000-deadbeef.json").string();
  std::string bad2 = (dir.path() / "ecs" / "Broken" / "000001-deadbeef.json").string();
  std::ofstream(bad1) << "{\"request\": {\"method\": ";
  std::ofstream(bad2) << "{\"request\": {}, \"response\": {\"status\": \"oops\"}}";
  FixtureStore store(dir.str(), {});
  auto report = store.load();
  EXPECT_EQ(report.loaded, 1u);
  ASSERT_EQ(report.errors.size(), 2u);
  EXPECT_EQ(report.errors[0].file, bad1);
  EXPECT_EQ(report.errors[1].file, bad2);
  EXPECT_TRUE(store.next(FixtureStore::key_of(store.match_of(p))));
}

TEST(Store, FailedWriteLeavesNoFileAndNoTemporary) {
  TempDir dir;
  Params p = {{"Action", "TagResources"}};
  FixtureStore store(dir.str(), {});
  std::string key = FixtureStore::key_of(store.match_of(p));
  ASSERT_TRUE(store.record(exchange_for(p, "{}"), key));
  auto before = files_below(dir.path());
  ASSERT_EQ(before.size(), 1u);
  // A folder where the next fixture file should go makes the final rename fail after the temporary
  // file was written (this works even as root, unlike a read-only folder).
  fs::path target = dir.path() / "ecs" / "TagResources" / ("000001-" + short_hash(key) + ".json");
  fs::create_directories(target);
  auto written = store.record(exchange_for(p, "{\"second\":1}"), key);
  ASSERT_FALSE(written);
  EXPECT_EQ(store.size(), 1u);                 // the index did not grow
  EXPECT_EQ(files_below(dir.path()), before);  // no temporary file, no partial file
  // A product folder that is a file cannot be created at all.
  fs::remove_all(dir.path() / "ecs");
  std::ofstream(dir.path() / "ecs") << "x";
  EXPECT_FALSE(store.record(exchange_for(p, "{}"), key));
  EXPECT_EQ(files_below(dir.path()), std::vector<fs::path>{dir.path() / "ecs"});
}

TEST(Store, TemporaryFilesAreNeverLoaded) {
  TempDir dir;
  fs::create_directories(dir.path() / "ecs" / "A");
  std::ofstream(dir.path() / "ecs" / "A" / ".000000-x.json.tmp-1") << "{half";
  FixtureStore store(dir.str(), {});
  auto report = store.load();
  EXPECT_EQ(report.loaded, 0u);
  EXPECT_TRUE(report.errors.empty());
}

// Issue 19, item 2: one fixture whose body nests 100,000 deep took the whole replay down. It is
// reported by name and skipped like any corrupt fixture; the rest load.
TEST(Store, ATooDeepFixtureIsReportedByNameAndTheRestLoad) {
  TempDir dir;
  Params p = {{"Action", "DetachDisk"}};
  {
    FixtureStore store(dir.str(), {});
    ASSERT_TRUE(
        store.record(exchange_for(p, "{\"ok\":1}"), FixtureStore::key_of(store.match_of(p))));
  }
  fs::create_directories(dir.path() / "ecs" / "Deep");
  std::string deep = (dir.path() / "ecs" / "Deep" / "000000-deadbeef.json").string();
  std::ofstream(deep)
      << R"({"request": {"params": {"Action": "Deep"}}, "response": {"status": 200, )"
      << R"("body_format": "json", "body": )" << std::string(100000, '[')
      << std::string(100000, ']') << "}}";
  FixtureStore store(dir.str(), {});
  auto report = store.load();
  EXPECT_EQ(report.loaded, 1u);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].file, deep);
  EXPECT_EQ(report.errors[0].code, "json.too_deep");
  ASSERT_TRUE(store.next(FixtureStore::key_of(store.match_of(p))));
  EXPECT_EQ(store.next(FixtureStore::key_of(store.match_of(p)))->body, "{\"ok\":1}");
}

// Issue 19, item 6: kill -9 during a recording leaves the atomic writer's temporaries; start-up
// removes them (and only them) and counts them.
TEST(Store, StaleTemporariesOfTheAtomicWriterAreRemovedAndNothingElse) {
  TempDir dir;
  fs::path folder = dir.path() / "ecs" / "A";
  fs::create_directories(folder);
  fs::create_directories(dir.path() / ".git");
  std::vector<fs::path> stale = {folder / ".000000-ab12cd34.json.tmp-1234567890123",
                                 dir.path() / "ecs" / ".x.json.tmp-7"};
  std::vector<fs::path> kept = {folder / "000001-ab12cd34.json", folder / ".keep",
                                folder / ".a.json.tmp-",         folder / ".a.json.tmp-12x",
                                folder / "a.json.tmp-12",        dir.path() / ".git" / ".b.tmp-1"};
  for (const auto& f : stale) std::ofstream(f) << "{half";
  for (const auto& f : kept) std::ofstream(f) << "x";
  FixtureStore store(dir.str(), {});
  // A reload leaves them: later, such a file may be a recording in progress.
  EXPECT_EQ(store.load().stale_removed, 0u);
  for (const auto& f : stale) EXPECT_TRUE(fs::exists(f)) << f;
  LoadReport started = store.load(LoadMode::indexed, /*remove_temporaries=*/true);
  EXPECT_EQ(started.stale_removed, 2u);
  for (const auto& e : started.errors) EXPECT_NE(e.code, "fixture.cleanup") << e.to_string();
  for (const auto& f : stale) EXPECT_FALSE(fs::exists(f)) << f;
  for (const auto& f : kept) EXPECT_TRUE(fs::exists(f)) << f;
  EXPECT_EQ(store.load(LoadMode::indexed, true).stale_removed, 0u);
  // A missing folder has nothing to clean.
  FixtureStore none((dir.path() / "missing").string(), {});
  LoadReport missing = none.load(LoadMode::indexed, true);
  EXPECT_EQ(missing.stale_removed, 0u);
  EXPECT_TRUE(missing.errors.empty());
}

TEST(Store, TheWritersTemporaryNamesAreRecognised) {
  // write_file_atomic's temporaries: "." + the target's name + ".tmp-" + a 64-bit random number.
  EXPECT_TRUE(core::is_atomic_write_temp(".000001-ab12cd34.json.tmp-18446744073709551615"));
  EXPECT_FALSE(core::is_atomic_write_temp("000001-ab12cd34.json"));
  EXPECT_FALSE(core::is_atomic_write_temp(".tmp-1"));
  EXPECT_FALSE(core::is_atomic_write_temp(".a.tmp-"));
}

TEST(Store, NearestMissPrefersTheSameActionAndNamesDifferences) {
  TempDir dir;
  FixtureStore store(dir.str(), {});
  Params a = {{"Action", "DeleteInstances"},
              {"RegionId", "cn-hangzhou"},
              {"InstanceId.1", "i-abc"},
              {"Force", "true"}};
  Params b = {{"Action", "DescribeRegions"},
              {"RegionId", "cn-hangzhou"},
              {"InstanceId.1", "i-xyz"},
              {"Force", "false"}};
  ASSERT_TRUE(store.record(exchange_for(a, "{}"), FixtureStore::key_of(store.match_of(a))));
  ASSERT_TRUE(store.record(exchange_for(b, "{}"), FixtureStore::key_of(store.match_of(b))));
  // Closer to b in values, but a has the same Action.
  auto near = store.nearest(store.match_of({{"Action", "DeleteInstances"},
                                            {"RegionId", "cn-hangzhou"},
                                            {"InstanceId.1", "i-xyz"},
                                            {"Force", "false"},
                                            {"DryRun", "true"}}));
  ASSERT_TRUE(near);
  EXPECT_EQ(near->action, "DeleteInstances");
  EXPECT_NE(near->file.find("DeleteInstances"), std::string::npos);
  std::string all;
  for (const auto& d : near->differences) all += d + "\n";
  EXPECT_NE(all.find("InstanceId.1: recorded 'i-abc', request 'i-xyz'"), std::string::npos) << all;
  EXPECT_NE(all.find("Force: recorded 'true', request 'false'"), std::string::npos) << all;
  EXPECT_NE(all.find("DryRun: request 'true', not in the recording"), std::string::npos) << all;
  EXPECT_EQ(near->differences.size(), 3u);
  FixtureStore empty((dir.path() / "none").string(), {});
  EXPECT_FALSE(empty.nearest(store.match_of(a)));
}

}  // namespace
}  // namespace popcheck::proxy
