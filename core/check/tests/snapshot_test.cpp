#include "core/check/snapshot.hpp"

#include <gtest/gtest.h>

#include "core/check/check.hpp"

namespace popcheck::core {
namespace {

using core::ojson;

ojson tree(const std::string& body, bool xml = false) {
  auto t = body_tree(body, xml);
  EXPECT_TRUE(t.has_value()) << body;
  return t ? *t : ojson();
}

std::vector<CheckResult> diff(const ojson& snapshot, const ojson& actual,
                              SnapshotOptions options = {}) {
  return compare_snapshot(snapshot, actual, options).differences;
}

TEST(SnapshotTree, XmlBecomesObjectsArraysAndStrings) {
  ojson t = tree(
      "<?xml version=\"1.0\"?><DescribeResponse><RequestId>R</RequestId><Total>2</Total>"
      "<Items><Item><Id>a</Id></Item><Item><Id>b</Id></Item></Items>"
      "<One><Item><Id>c</Id></Item></One><Empty/></DescribeResponse>",
      true);
  EXPECT_EQ(t, ojson::parse(R"({"RequestId":"R","Total":"2",
      "Items":{"Item":[{"Id":"a"},{"Id":"b"}]},"One":{"Item":{"Id":"c"}},"Empty":""})"));
  EXPECT_FALSE(body_tree("<a><b></a>", true).has_value());
  EXPECT_FALSE(body_tree("{nope", false).has_value());
  EXPECT_EQ(tree(R"({"A":[1,2]})"), ojson::parse(R"({"A":[1,2]})"));
}

TEST(SnapshotNormalise, VolatileValuesBecomeTokens) {
  Normaliser n;
  ojson body = ojson::parse(R"({
    "RequestId": "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E",
    "Nested": {"RequestId": "anything at all"},
    "CreationTime": "2017-12-10T04:04Z",
    "Expires": "2026-11-23T15:04:05.123+08:00",
    "RegionId": "cn-hangzhou", "ZoneId": "cn-hangzhou-b", "Region2": "ap-southeast-1",
    "InstanceId": "i-bp67acfmxazb4ph3",
    "Message": "The instance i-bp67acfmxazb4ph3 with disk d-bp1xyz9 failed at 2026-01-02T03:04:05Z.",
    "Recommend": "https://api.aliyun.com/troubleshoot?q=X&requestId=473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E",
    "Other": "p-123abc", "Word": "utf-eight", "Glued": "my_i-12ab i-12ab_x", "Long": "abcdefg-123", "Count": 3,
    "Ids": ["vsw-pc00000000000001", "sg-2ze1", "i-bp67acfmxazb4ph3"]
  })");
  ojson out = n.normalise(body);
  EXPECT_EQ(out["RequestId"], "<request-id>");
  EXPECT_EQ(out["Nested"]["RequestId"], "<request-id>");
  EXPECT_EQ(out["CreationTime"], "<timestamp>");
  EXPECT_EQ(out["Expires"], "<timestamp>");
  EXPECT_EQ(out["RegionId"], "cn-hangzhou");
  EXPECT_EQ(out["ZoneId"], "cn-hangzhou-b");
  EXPECT_EQ(out["Region2"], "ap-southeast-1");
  EXPECT_EQ(out["InstanceId"], "<instance-id:1>");
  EXPECT_EQ(out["Message"],
            "The instance <instance-id:1> with disk <disk-id:1> failed at <timestamp>.");
  EXPECT_EQ(out["Recommend"], "https://api.aliyun.com/troubleshoot?q=X&requestId=<uuid>");
  EXPECT_EQ(out["Other"], "<p-id:1>");
  EXPECT_EQ(out["Word"], "utf-eight");
  EXPECT_EQ(out["Glued"], "my_i-12ab i-12ab_x");
  EXPECT_EQ(out["Long"], "abcdefg-123");
  EXPECT_EQ(out["Count"], 3);
  EXPECT_EQ(out["Ids"],
            ojson::parse(R"(["<vswitch-id:1>","<security-group-id:1>","<instance-id:1>"])"));
}

TEST(SnapshotNormalise, TimestampAndUuidShapes) {
  Normaliser n;
  EXPECT_EQ(n.normalise_text("2026-01-02T03:04:05+0800"), "<timestamp>");
  EXPECT_EQ(n.normalise_text("2026-01-02T03:04"), "<timestamp>");
  EXPECT_EQ(n.normalise_text("from 2026-01-02T03:04:05.5Z to 2026-01-03T00:00:00-05:00."),
            "from <timestamp> to <timestamp>.");
  EXPECT_EQ(n.normalise_text("2026-01-02 and 2026-01-02T3:04 and 12026-01-02T03:04Z"),
            "2026-01-02 and 2026-01-02T3:04 and 12026-01-02T03:04Z");
  EXPECT_EQ(n.normalise_text("id=0af5d3b1-6a37-4f0b-9e33-1b1c0b0e0001;"), "id=<uuid>;");
  EXPECT_EQ(n.normalise_text("0af5d3b1-6a37-4f0b-9e33-1b1c0b0e0001x"),
            "0af5d3b1-6a37-4f0b-9e33-1b1c0b0e0001x");
}

TEST(SnapshotNormalise, OneTableForTheWholeScenario) {
  Normaliser n;
  ojson first = n.normalise(ojson::parse(R"({"A":"i-aaa1","B":"i-bbb2"})"));
  ojson second = n.normalise(ojson::parse(R"({"X":"i-bbb2","Y":"i-ccc3","Z":"d-ddd4"})"));
  EXPECT_EQ(first["A"], "<instance-id:1>");
  EXPECT_EQ(first["B"], "<instance-id:2>");
  EXPECT_EQ(second["X"], "<instance-id:2>");
  EXPECT_EQ(second["Y"], "<instance-id:3>");
  EXPECT_EQ(second["Z"], "<disk-id:1>");
  auto refs = n.references_in(R"(["i-ccc3","i-eee5","i-ccc3"])");
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0], (std::pair<std::string, std::string>{"i-ccc3", "<instance-id:3>"}));
  EXPECT_EQ(refs[1], (std::pair<std::string, std::string>{"i-eee5", "<instance-id:4>"}));
  EXPECT_EQ(id_kind("asg"), "scaling-group");
  EXPECT_EQ(id_kind("zz"), "zz");
  EXPECT_EQ(id_kind("disk"), "other-disk");
  EXPECT_EQ(n.normalise_text("disk-1a d-1a"), "<other-disk-id:1> <disk-id:2>");
}

TEST(SnapshotNormalise, MessageTemplate) {
  Normaliser n;
  std::string m =
      n.normalise_text("The specified instance i-abc123 is not found since 2026-01-01T00:00Z.");
  EXPECT_EQ(message_template(m), "The specified instance %s is not found since %s.");
  EXPECT_TRUE(message_matches(
      message_template(m), "The specified instance i-zzz9 is not found since 2020-01-01T01:00Z."));
  EXPECT_EQ(message_template("no tokens"), "no tokens");
}

TEST(SnapshotPaths, Wildcards) {
  EXPECT_TRUE(path_selected("Instances.Instance[*].Status", "Instances.Instance[3].Status"));
  EXPECT_TRUE(path_selected("Instances.Instance[0]", "Instances.Instance[0].Status"));
  EXPECT_TRUE(path_selected("*.Instance", "Instances.Instance[0].Status"));
  EXPECT_TRUE(path_selected("$.Status", "Status"));
  EXPECT_FALSE(path_selected("Instances.Instance[1]", "Instances.Instance[0].Status"));
  EXPECT_FALSE(path_selected("Instances.Instance[*].Status", "Instances.Instance[0].Name"));
  EXPECT_FALSE(path_selected("Instances.*", "Instances[0]"));
  EXPECT_FALSE(path_selected("Instances.Instance.Status", "Instances.Instance"));
  EXPECT_FALSE(path_selected("", "Anything"));
}

TEST(SnapshotCompare, EqualBodiesPass) {
  ojson s = ojson::parse(R"({"A":1,"B":[{"C":"x"}],"D":true,"E":null})");
  EXPECT_TRUE(diff(s, s).empty());
}

TEST(SnapshotCompare, EachStructuralDifferenceIsOneResult) {
  ojson s = ojson::parse(R"({"Missing":1,"Type":"5","Value":"Running",
      "Instances":{"Instance":[{"Status":"Running"},{"Status":"Stopped"}]}})");
  ojson a = ojson::parse(R"({"Type":5,"Value":"Stopped","Extra":true,
      "Instances":{"Instance":[{"Status":"Starting"}]}})");
  auto d = diff(s, a);
  ASSERT_EQ(d.size(), 6u);
  for (const auto& r : d) {
    EXPECT_EQ(r.check, "snapshot");
    EXPECT_FALSE(r.passed);
  }
  EXPECT_EQ(d[0].path, "Missing");
  EXPECT_EQ(d[0].actual, "missing");
  EXPECT_EQ(d[1].path, "Type");
  EXPECT_EQ(d[1].expected, "string \"5\"");
  EXPECT_EQ(d[1].actual, "integer 5");
  EXPECT_EQ(d[2].path, "Value");
  EXPECT_EQ(d[2].expected, "\"Running\"");
  EXPECT_EQ(d[2].actual, "\"Stopped\"");
  EXPECT_EQ(d[3].path, "Instances.Instance");
  EXPECT_EQ(d[3].expected, "2 items");
  EXPECT_EQ(d[3].actual, "1 items");
  EXPECT_EQ(d[4].path, "Instances.Instance[0].Status");
  EXPECT_EQ(d[5].path, "Extra");
  EXPECT_EQ(d[5].expected, "absent");
  EXPECT_EQ(d[5].actual, "true");
}

TEST(SnapshotCompare, ManyDifferencesAreCapped) {
  ojson s = ojson::object(), a = ojson::object();
  for (int i = 0; i < 30; ++i) s["K" + std::to_string(i)] = i;
  auto d = diff(s, a);
  ASSERT_EQ(d.size(), 21u);
  EXPECT_EQ(d.back().actual, "10 more differences");
}

TEST(SnapshotCompare, TokensMatchValuesOfTheirKind) {
  EXPECT_TRUE(diff(ojson::parse(R"({"A":"<other-disk-id:1>"})"), ojson::parse(R"({"A":"disk-9"})"))
                  .empty());
  EXPECT_EQ(
      diff(ojson::parse(R"({"A":"<other-disk-id:1>"})"), ojson::parse(R"({"A":"d-9"})")).size(),
      1u);
  ojson s = ojson::parse(R"({"RequestId":"<request-id>","At":"<timestamp>","U":"<uuid>",
      "I":"<instance-id:1>","P":"<p-id:1>","M":"instance <instance-id:1> at <timestamp>"})");
  ojson good = ojson::parse(R"({"RequestId":"x","At":"2020-01-01T00:00:00Z",
      "U":"473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E","I":"i-zz9","P":"p-77",
      "M":"instance i-zz9 at 2021-02-03T04:05Z"})");
  EXPECT_TRUE(diff(s, good).empty());
  ojson bad = ojson::parse(R"({"RequestId":"","At":"yesterday","U":"not-a-uuid",
      "I":"d-zz9","P":"q-77","M":"instance i-zz9 at noon"})");
  auto d = diff(s, bad);
  ASSERT_EQ(d.size(), 6u);
  EXPECT_EQ(d[0].path, "RequestId");
  EXPECT_EQ(d[3].path, "I");
  EXPECT_EQ(d[3].expected, "\"<instance-id:1>\"");
  EXPECT_EQ(d[3].actual, "\"d-zz9\"");
}

TEST(SnapshotCompare, ReferencesBindConsistently) {
  ojson s = ojson::parse(R"({"A":"<instance-id:1>","B":"<instance-id:1>","C":"<instance-id:2>"})");
  EXPECT_TRUE(diff(s, ojson::parse(R"({"A":"i-1a","B":"i-1a","C":"i-2b"})")).empty());
  auto changed = diff(s, ojson::parse(R"({"A":"i-1a","B":"i-9z","C":"i-2b"})"));
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].path, "B");
  EXPECT_EQ(changed[0].expected, "<instance-id:1> (bound to i-1a)");
  auto shared = diff(s, ojson::parse(R"({"A":"i-1a","B":"i-1a","C":"i-1a"})"));
  ASSERT_EQ(shared.size(), 1u);
  EXPECT_EQ(shared[0].path, "C");
}

TEST(SnapshotCompare, ReferencesTheRequestNamesArePreBound) {
  ojson s = ojson::parse(R"({"InstanceId":"<instance-id:1>"})");
  SnapshotOptions o;
  o.refs["<instance-id:1>"] = "i-sent1";
  EXPECT_TRUE(diff(s, ojson::parse(R"({"InstanceId":"i-sent1"})"), o).empty());
  auto d = diff(s, ojson::parse(R"({"InstanceId":"i-other2"})"), o);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].expected, "<instance-id:1> (bound to i-sent1)");
}

TEST(SnapshotCompare, OwnedTopLevelKeysAreLeftAlone) {
  ojson s =
      ojson::parse(R"({"RequestId":"<request-id>","Code":"A","Message":"m","Inner":{"Code":"B"}})");
  SnapshotOptions o;
  o.owned = {"RequestId", "Code", "Message", "HostId"};
  auto d = diff(
      s, ojson::parse(R"({"Code":"Z","Message":"other","HostId":"h","Inner":{"Code":"C"}})"), o);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "Inner.Code");
}

TEST(SnapshotCompare, SkippedPathsAreNotComparedAndAreCounted) {
  ojson s =
      ojson::parse(R"({"Items":{"Item":[{"Status":"Running","Id":1},{"Status":"Running","Id":2}]},
      "Gone":"x"})");
  ojson a =
      ojson::parse(R"({"Items":{"Item":[{"Status":"Stopped","Id":1},{"Status":"Pending","Id":3}]},
      "New":1})");
  SnapshotOptions o;
  o.skip = {"Items.Item[*].Status", "Gone", "New"};
  auto r = compare_snapshot(s, a, o);
  ASSERT_EQ(r.differences.size(), 1u);
  EXPECT_EQ(r.differences[0].path, "Items.Item[1].Id");
  EXPECT_EQ(r.skipped, (std::vector<std::string>{"Items.Item[0].Status", "Items.Item[1].Status",
                                                 "Gone", "New"}));
}

// The check as the runner calls it: an error case compares status, code and message in their own
// checks, and the rest of the body against the snapshot.
TEST(SnapshotCheck, CheckExchangeRunsTheSnapshotInsteadOfTheShape) {
  core::Case c;
  c.id = "Ecs.DetachDisk.recorded.001";
  c.action = "DetachDisk";
  c.expect.status = 404;
  c.expect.code = "InvalidDiskId.NotFound";
  c.expect.message = "The specified disk %s does not exist.";
  c.expect.shape = core::Shape::snapshot;
  c.expect.snapshot = ojson::parse(R"({"RequestId":"<request-id>","HostId":"ecs.aliyuncs.com",
      "Code":"InvalidDiskId.NotFound","Message":"The specified disk <disk-id:1> does not exist.",
      "Recommend":"https://x/?requestId=<uuid>"})");
  c.expect.refs["<disk-id:1>"] = "d-sent1";
  core::Response a{
      404,
      {{"Content-Type", "application/json;charset=utf-8"}},
      R"({"RequestId":"11111111-2222-3333-4444-555555555555","HostId":"ecs.aliyuncs.com",)"
      R"("Code":"InvalidDiskId.NotFound","Message":"Something else entirely.",)"
      R"("Recommend":"https://x/?requestId=11111111-2222-3333-4444-555555555555"})"};
  auto results = check_exchange(c, core::Contract{}, a);
  std::vector<std::string> failed;
  bool snapshot_ran = false;
  for (const auto& r : results) {
    if (!r.passed) failed.push_back(r.check);
    if (r.check == "snapshot") snapshot_ran = true;
    EXPECT_NE(r.check, "shape");
  }
  EXPECT_TRUE(snapshot_ran);
  EXPECT_EQ(failed, std::vector<std::string>{"message"});

  c.expect.skip = {"Recommend"};
  a.body = R"({"RequestId":"R","HostId":"ecs.aliyuncs.com","Code":"InvalidDiskId.NotFound",)"
           R"("Message":"The specified disk d-sent1 does not exist.","Recommend":1})";
  results = check_exchange(c, core::Contract{}, a);
  for (const auto& r : results) {
    EXPECT_TRUE(r.passed) << r.check << " " << r.path << " " << r.actual;
    if (r.check == "snapshot") {
      EXPECT_NE(r.expected.find("1 path skipped"), std::string::npos);
    }
  }
}

TEST(SnapshotCheck, XmlAnswersCompareAsTrees) {
  core::Case c;
  c.action = "RemoveTags";
  c.request.format = "XML";
  c.expect.shape = core::Shape::snapshot;
  c.expect.root = "RemoveTagsResponse";
  c.expect.snapshot = ojson::parse(R"({"RequestId":"<request-id>","Tags":{"Tag":["a","b"]}})");
  core::Response a{200,
                   {{"Content-Type", "text/xml;charset=utf-8"}},
                   "<RemoveTagsResponse><RequestId>R</RequestId><Tags><Tag>a</Tag></Tags>"
                   "</RemoveTagsResponse>"};
  auto results = check_exchange(c, core::Contract{}, a);
  std::vector<std::string> failed;
  for (const auto& r : results)
    if (!r.passed) failed.push_back(r.check + " " + r.path + " " + r.expected + " " + r.actual);
  EXPECT_EQ(failed, std::vector<std::string>{"snapshot Tags.Tag array [\"a\",\"b\"] string \"a\""});
}

}  // namespace
}  // namespace popcheck::core
