// Cases from recordings: derivation of snapshot cases from exchanges, the recorded order of a
// fixtures folder, keeping the skip register on re-derivation, and corrupt fixtures.
#include "proxy/fixtures/derive.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>

#include "core/files.hpp"
#include "core/input_limits.hpp"
#include "tests/support/files.hpp"

namespace popcheck::proxy {
namespace {

namespace fs = std::filesystem;
using core::ojson;

Exchange exchange(std::string action, core::Params params, int status, std::string body,
                  std::string recorded_at = "2026-11-23T15:00:00Z") {
  Exchange e;
  e.product = "ecs";
  e.action = action;
  e.request.method = "POST";
  e.request.path = "/";
  e.request.params = {{"Action", action}, {"Version", "2014-05-26"}};
  for (auto& p : params) e.request.params.push_back(std::move(p));
  e.response.status = status;
  bool xml = !body.empty() && body[0] == '<';
  e.response.content_type = xml ? "text/xml;charset=utf-8" : "application/json;charset=utf-8";
  e.response.body = std::move(body);
  e.provenance.recorded_at = std::move(recorded_at);
  e.provenance.upstream = "http://127.0.0.1:1";
  e.provenance.api_version = "2014-05-26";
  return e;
}

using test_support::TempDir;

using test_support::write_text;

// A body a fixture can hold (up to the limit less 2) may be too deep for a catalogue file (the
// limit less 4): the case compares the status only, and the file it is written to reads back.
TEST(Derive, ABodyTooDeepForACatalogueFileIsComparedByStatusOnly) {
  size_t levels = core::kMaxNestingDepth - 3;
  std::string body = R"({"RequestId":"R","A":)" + std::string(levels - 1, '[') +
                     std::string(levels - 1, ']') + "}";
  auto entries = derive_cases({exchange("DeepThing", {}, 200, body)}, "deep", {});
  ASSERT_EQ(entries.size(), 1u);
  ASSERT_EQ(entries[0].cases.size(), 1u);
  EXPECT_EQ(entries[0].cases[0].expect.shape, core::Shape::none);
  EXPECT_NE(entries[0].cases[0].description.find("deeper than"), std::string::npos);
  TempDir dir;
  auto written = core::write_catalogue_entry(dir.str(), entries[0]);
  ASSERT_TRUE(written);
  EXPECT_TRUE(core::load_catalogue_file(*written));
  // One level less is a snapshot as usual.
  std::string fits = R"({"RequestId":"R","A":)" + std::string(levels - 2, '[') +
                     std::string(levels - 2, ']') + "}";
  auto ok = derive_cases({exchange("DeepThing", {}, 200, fits)}, "deep", {});
  EXPECT_EQ(ok[0].cases[0].expect.shape, core::Shape::snapshot);
  auto ok_file = core::write_catalogue_entry(dir.str(), ok[0]);
  ASSERT_TRUE(ok_file);
  EXPECT_TRUE(core::load_catalogue_file(*ok_file));
}

TEST(Derive, OneSnapshotCasePerExchangeWithScenarioReferences) {
  std::vector<Exchange> ex = {
      exchange("DetachDisk",
               {{"DiskId", "d-bp1abc9"},
                {"InstanceId", "i-bp1xyz7"},
                {"Format", "JSON"},
                {"SignatureMethod", "HMAC-SHA1"}},
               200, R"({"RequestId":"0AF5D3B1-6A37-4F0B-9E33-1B1C0B0E0001"})"),
      exchange(
          "DetachDisk", {{"DiskId", "d-bp1abc9"}, {"InstanceId", "i-bp1xyz7"}}, 403,
          R"({"RequestId":"R2","HostId":"ecs.aliyuncs.com","Code":"IncorrectDiskStatus",)"
          R"("Message":"The disk d-bp1abc9 is not attached to i-bp1xyz7 since 2026-11-23T15:00:01Z.",)"
          R"("Recommend":"https://api.aliyun.com/troubleshoot?requestId=0AF5D3B1-6A37-4F0B-9E33-1B1C0B0E0002"})"),
      exchange("DescribeInstances", {{"Format", "XML"}}, 200,
               "<DescribeInstancesResponse><RequestId>R3</RequestId><Instances>"
               "<Instance><InstanceId>i-bp1xyz7</InstanceId><CreationTime>2026-01-01T00:00Z"
               "</CreationTime></Instance><Instance><InstanceId>i-other42</InstanceId>"
               "<CreationTime>2026-01-01T00:00Z</CreationTime></Instance></Instances>"
               "</DescribeInstancesResponse>"),
      exchange("DescribeInstances", {}, 500, "not json at all"),
  };
  auto entries = derive_cases(ex, "detach", {});
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].contract.product, "Ecs");
  EXPECT_EQ(entries[0].contract.version, "2014-05-26");
  EXPECT_EQ(entries[0].contract.action, "DetachDisk");
  ASSERT_EQ(entries[0].cases.size(), 2u);
  ASSERT_EQ(entries[1].cases.size(), 2u);

  const core::Case& ok = entries[0].cases[0];
  EXPECT_EQ(ok.id, "Ecs.DetachDisk.recorded.001");
  EXPECT_EQ(ok.kind, core::CaseKind::recorded);
  EXPECT_EQ(ok.scenario, "detach");
  EXPECT_EQ(ok.step, 1);
  EXPECT_EQ(ok.request.method, "POST");
  EXPECT_EQ(ok.request.format, "JSON");
  EXPECT_EQ(ok.request.params, (core::Params{{"Action", "DetachDisk"},
                                             {"Version", "2014-05-26"},
                                             {"DiskId", "d-bp1abc9"},
                                             {"InstanceId", "i-bp1xyz7"}}));
  EXPECT_EQ(ok.expect.status, 200);
  EXPECT_EQ(ok.expect.shape, core::Shape::snapshot);
  EXPECT_EQ(ok.expect.snapshot, ojson::parse(R"({"RequestId":"<request-id>"})"));
  EXPECT_EQ(ok.expect.refs,
            ojson::parse(R"({"<disk-id:1>":"d-bp1abc9","<instance-id:1>":"i-bp1xyz7"})"));
  EXPECT_FALSE(ok.expect.code);

  const core::Case& err = entries[0].cases[1];
  EXPECT_EQ(err.id, "Ecs.DetachDisk.recorded.002");
  EXPECT_EQ(err.step, 2);
  EXPECT_EQ(err.expect.status, 403);
  EXPECT_EQ(err.expect.code, "IncorrectDiskStatus");
  EXPECT_EQ(err.expect.message, "The disk %s is not attached to %s since %s.");
  EXPECT_EQ(err.expect.snapshot["Message"],
            "The disk <disk-id:1> is not attached to <instance-id:1> since <timestamp>.");
  EXPECT_EQ(err.expect.snapshot["Recommend"],
            "https://api.aliyun.com/troubleshoot?requestId=<uuid>");

  const core::Case& xml = entries[1].cases[0];
  EXPECT_EQ(xml.id, "Ecs.DescribeInstances.recorded.003");
  EXPECT_EQ(xml.request.format, "XML");
  EXPECT_EQ(xml.expect.root, "DescribeInstancesResponse");
  // The same instance keeps its reference across the scenario's exchanges.
  EXPECT_EQ(xml.expect.snapshot, ojson::parse(R"({"RequestId":"<request-id>","Instances":{
      "Instance":[{"InstanceId":"<instance-id:1>","CreationTime":"<timestamp>"},
                  {"InstanceId":"<instance-id:2>","CreationTime":"<timestamp>"}]}})"));

  const core::Case& text = entries[1].cases[1];
  EXPECT_EQ(text.expect.shape, core::Shape::none);
  EXPECT_EQ(text.expect.status, 500);
}

TEST(Derive, V3RecordingBecomesAnRpcRequestAndContractsAreTakenWhenGiven) {
  Exchange e = exchange("RemoveTags", {}, 200, R"({"RequestId":"R"})");
  // A V3 recording: Action and Version were headers, so the params do not hold them.
  e.request.params = {{"RegionId", "cn-hangzhou"}, {"ResourceId.1", "i-bp1xyz7"}};
  e.request.headers = {{"x-acs-action", "RemoveTags"}, {"x-acs-version", "2014-05-26"}};
  core::Contract contract;
  contract.product = "Ecs";
  contract.version = "2014-05-26";
  contract.action = "RemoveTags";
  contract.title = "RemoveTags from the documentation";
  auto entries = derive_cases({e}, "v3", {contract});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].contract.title, "RemoveTags from the documentation");
  EXPECT_EQ(entries[0].cases[0].request.params, (core::Params{{"Action", "RemoveTags"},
                                                              {"Version", "2014-05-26"},
                                                              {"RegionId", "cn-hangzhou"},
                                                              {"ResourceId.1", "i-bp1xyz7"}}));
}

TEST(Derive, RecordedOrderFollowsTimeThenTheFolderSequence) {
  TempDir dir;
  // Within one second the milliseconds of recorded_at order the folders (b, then c, then a); within
  // a folder the proxy's sequence numbers decide whatever the times say.
  auto put = [&](const std::string& path, const char* action, const char* step, const char* at) {
    write_text(dir / path, exchange_to_text(exchange(action, {{"Step", step}}, 200, "{}", at)));
  };
  put("ecs/DetachDisk/000002-aaaaaaaa.json", "DetachDisk", "b", "2026-11-23T15:00:00.100Z");
  put("ecs/RemoveTags/000001-bbbbbbbb.json", "RemoveTags", "c", "2026-11-23T15:00:00.200Z");
  put("ecs/DetachDisk/000001-cccccccc.json", "DetachDisk", "a", "2026-11-23T15:00:00.300Z");
  // Whole seconds (older fixtures) compare as times too: 14:59:59 comes first, and 15:00:00
  // before 15:00:00.100.
  put("ess/RemoveInstances/000001-dddddddd.json", "RemoveInstances", "first",
      "2026-11-23T14:59:59Z");
  put("ess/RemoveInstances/000002-eeeeeeee.json", "RemoveInstances", "second",
      "2026-11-23T15:00:00Z");
  write_text(dir / "README.md", "not a fixture");
  write_text(dir / "ecs/DetachDisk/.000003-tmp.json", "{half");
  auto loaded = read_fixture_folder(dir.str());
  EXPECT_TRUE(loaded.errors.empty());
  std::vector<std::string> steps;
  for (const auto& f : loaded.fixtures)
    for (const auto& [k, v] : f.exchange.request.params)
      if (k == "Step") steps.push_back(v);
  EXPECT_EQ(steps, (std::vector<std::string>{"first", "second", "a", "c", "b"}));
}

TEST(Derive, CorruptFixturesAreNamedAndTheRestStillDerive) {
  TempDir fixtures, out;
  write_text(fixtures / "ecs/DetachDisk/000001-aaaaaaaa.json",
             exchange_to_text(exchange("DetachDisk", {}, 200, R"({"RequestId":"R"})")));
  write_text(fixtures / "ecs/DetachDisk/000002-bbbbbbbb.json", "{\"popcheck_fixture\": 1, \"prod");
  write_text(fixtures / "ecs/RemoveTags/000001-cccccccc.json", R"({"popcheck_fixture": 1})");
  auto report = derive_folder(fixtures.str(), out.str(), {});
  ASSERT_EQ(report.errors.size(), 2u);
  std::set<std::string> named;
  for (const auto& e : report.errors) named.insert(fs::path(e.file).filename().string());
  EXPECT_EQ(named, (std::set<std::string>{"000002-bbbbbbbb.json", "000001-cccccccc.json"}));
  EXPECT_EQ(report.cases, 1u);
  ASSERT_EQ(report.written.size(), 1u);
  auto entry = core::load_catalogue_file((out / "ecs/DetachDisk.json").string());
  ASSERT_TRUE(entry) << entry.error().to_string();
  EXPECT_EQ(entry->cases.size(), 1u);
  // The scenario is named after the fixtures folder.
  EXPECT_EQ(entry->cases[0].scenario, fs::path(fixtures.str()).filename().string());

  auto missing = derive_folder((fixtures / "nope").string(), out.str(), {});
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].code, "fixture.folder");
}

TEST(Derive, DerivingAgainKeepsTheSkipRegisterAndOtherScenarios) {
  TempDir fixtures, out;
  write_text(fixtures / "ecs/DetachDisk/000001-aaaaaaaa.json",
             exchange_to_text(exchange("DetachDisk", {}, 200, R"({"RequestId":"R","A":1})")));
  DeriveOptions options;
  options.scenario = "one";
  auto first = derive_folder(fixtures.str(), out.str(), options);
  ASSERT_TRUE(first.errors.empty());
  std::string file = (out / "ecs/DetachDisk.json").string();

  // Register a gap by hand, as a user would, and add a case of another scenario.
  auto entry = core::load_catalogue_file(file);
  ASSERT_TRUE(entry);
  entry->cases[0].expect.skip = {"A"};
  core::Case other = entry->cases[0];
  other.id = "Ecs.DetachDisk.recorded.900";
  other.scenario = "two";
  other.expect.skip.clear();
  entry->cases.push_back(other);
  ASSERT_TRUE(core::write_catalogue_entry(out.str(), *entry));

  // A new recording of scenario one: A changed.
  write_text(fixtures / "ecs/DetachDisk/000001-aaaaaaaa.json",
             exchange_to_text(exchange("DetachDisk", {}, 200, R"({"RequestId":"R","A":2})")));
  auto again = derive_folder(fixtures.str(), out.str(), options);
  ASSERT_TRUE(again.errors.empty());
  EXPECT_EQ(again.kept_skip_lists, 1);
  auto back = core::load_catalogue_file(file);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->cases.size(), 2u);
  EXPECT_EQ(back->cases[0].id, "Ecs.DetachDisk.recorded.900");
  EXPECT_EQ(back->cases[1].id, "Ecs.DetachDisk.recorded.001");
  EXPECT_EQ(back->cases[1].expect.skip, std::vector<std::string>{"A"});
  EXPECT_EQ(back->cases[1].expect.snapshot["A"], 2);

  // A recording with fewer steps says which registered gap has no case any more.
  core::CatalogueEntry shorter;
  shorter.contract = back->contract;
  std::vector<std::string> dropped;
  int kept = 0;
  auto merged = merge_with_existing(shorter, *back, "one", false, &kept, &dropped);
  ASSERT_TRUE(merged);
  EXPECT_EQ(kept, 0);
  EXPECT_EQ(dropped, std::vector<std::string>{"Ecs.DetachDisk.recorded.001"});
  EXPECT_EQ(merged->cases.size(), 1u);  // scenario two's case stays

  // Scenario two recorded into the same folder would take an id another scenario holds.
  other.scenario = "three";
  core::CatalogueEntry fresh;
  fresh.cases = {other};
  auto collision = merge_with_existing(fresh, *back, "three", false, nullptr);
  ASSERT_FALSE(collision);
  EXPECT_EQ(collision.error().code, "derive.collision");

  // An unreadable catalogue file is never overwritten.
  write_text(file, "{broken");
  auto broken = derive_folder(fixtures.str(), out.str(), options);
  ASSERT_EQ(broken.errors.size(), 1u);
  EXPECT_EQ(core::read_file(file).value_or(""), "{broken");
}

}  // namespace
}  // namespace popcheck::proxy
