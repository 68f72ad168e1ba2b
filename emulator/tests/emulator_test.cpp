// The emulator as a server sees it: request shapes, formats, errors of the gateway, admin endpoints,
// provisioning, faults, deviations, the contract-driven responder, signatures and the embedded server.
#include <httplib.h>
#include <pugixml.hpp>

#include <regex>
#include <set>

#include "core/files.hpp"
#include "core/protocol/verify.hpp"
#include "emulator/deviation.hpp"
#include "emulator/responder.hpp"
#include "emulator/tests/harness.hpp"
#include "popcheck/version.hpp"
#include "tests/support/contract.hpp"

namespace popcheck::emulator {
namespace {

using namespace testing;

core::Params remove_tags_example(std::string format = "JSON") {
  return {{"Action", "RemoveTags"},    {"Version", "2014-05-26"},     {"Format", format},
          {"RegionId", "cn-shenzhen"}, {"ResourceId", "s-946ntx4wr"}, {"ResourceType", "snapshot"}};
}

TEST(Formats, JsonByDefaultWithExactContentTypeAndFreshRequestIds) {
  Harness h;
  core::Params p = remove_tags_example();
  p.erase(p.begin() + 2);  // no Format: V3 clients send none
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    Reply r = h.call(p);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "application/json;charset=utf-8");
    ids.insert(r.json_body["RequestId"].get<std::string>());
    // The gateway repeats the RequestId in a header.
    EXPECT_EQ(r.headers["x-acs-request-id"], r.json_body["RequestId"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), 3u);
  Reply error = h.call({{"Action", "RemoveTags"}});
  EXPECT_EQ(error.headers["x-acs-request-id"], error.json_body["RequestId"].get<std::string>());
  core::Params xml = {{"Action", "RemoveTags"}, {"Format", "XML"}};
  Reply xml_error = h.call(xml);
  EXPECT_NE(
      xml_error.body.find("<RequestId>" + xml_error.headers["x-acs-request-id"] + "</RequestId>"),
      std::string::npos);
  EXPECT_EQ(xml_error.headers["x-acs-request-id"].size(), 36u);
}

TEST(Formats, XmlIsChosenCaseInsensitively) {
  Harness h;
  for (std::string format : {"XML", "xml", "Xml"}) {
    Reply r = h.call(remove_tags_example(format));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "text/xml;charset=utf-8");
    EXPECT_TRUE(
        r.body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><RemoveTagsResponse>"))
        << r.body;
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(r.body.c_str()));
    EXPECT_EQ(std::string(doc.document_element().child_value("RequestId")).size(), 36u);
  }
}

TEST(Formats, XmlSuccessNestsFieldsAndErrorsUseTheErrorRoot) {
  Harness h;
  auto vars = h.provision(json::array(
      {{{"var", "g"}, {"resource", "scalinggroup"}},
       {{"var", "m"}, {"resource", "scalinginstance"}, {"with", {{"ScalingGroupId", "${g}"}}}}}));
  core::Params p =
      ess("RemoveInstances", {{"ScalingGroupId", vars["g"]}, {"InstanceId.1", vars["m"]}});
  p[2].second = "XML";
  Reply r = h.call(p);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(r.body.c_str())) << r.body;
  auto root = doc.document_element();
  EXPECT_STREQ(root.name(), "RemoveInstancesResponse");
  EXPECT_STRNE(root.child_value("ScalingActivityId"), "");
  EXPECT_STREQ(root.last_child().name(), "RequestId");

  Reply e = h.call(p);  // the instance left the group: an error, in XML
  EXPECT_EQ(e.status, 404);
  EXPECT_EQ(e.content_type, "text/xml;charset=utf-8");
  pugi::xml_document err;
  ASSERT_TRUE(err.load_string(e.body.c_str()));
  auto error = err.child("Error");
  EXPECT_STREQ(error.child_value("Code"), "InvalidInstanceId.NotFound");
  EXPECT_STREQ(error.child_value("HostId"), "ess.aliyuncs.com");
  EXPECT_STRNE(error.child_value("RequestId"), "");
  EXPECT_STRNE(error.child_value("Recommend"), "");
}

TEST(Formats, ListsNestAsContainerAndItemInXml) {
  std::string xml = render_success(
      "DescribeRegions",
      json::parse(R"({"Regions":{"Region":[{"RegionId":"a"},{"RegionId":"b"}]}})"), true, "RID");
  EXPECT_EQ(
      xml,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeRegionsResponse><Regions>"
      "<Region><RegionId>a</RegionId></Region><Region><RegionId>b</RegionId></Region></Regions>"
      "<RequestId>RID</RequestId></DescribeRegionsResponse>");
}

TEST(RequestShapes, PostFormAndV3HeadersReachTheSameApi) {
  Harness h;
  EXPECT_EQ(h.call(remove_tags_example(), "POST").status, 200);
  // V3: API parameters in the query, Action and Version only in x-acs-* headers, no Format.
  net::HttpRequest v3;
  v3.method = "POST";
  v3.target = "/?RegionId=cn-shenzhen&ResourceId=s-946ntx4wr&ResourceType=snapshot";
  v3.headers = {{"x-acs-action", "RemoveTags"}, {"x-acs-version", "2014-05-26"}, {"host", "x"}};
  Reply r = h.send(v3);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json;charset=utf-8");
}

TEST(GatewayErrors, ActionVersionMethodAndGarbage) {
  Harness h;
  Reply no_action = h.call({{"Version", "2014-05-26"}});
  EXPECT_EQ(no_action.status, 400);
  EXPECT_EQ(no_action.code(), "MissingParameter");
  EXPECT_NE(no_action.message().find("\"Action\""), std::string::npos);
  Reply no_version = h.call({{"Action", "RemoveTags"}});
  EXPECT_EQ(no_version.code(), "MissingParameter");
  EXPECT_NE(no_version.message().find("\"Version\""), std::string::npos);
  Reply bad_version = h.call({{"Action", "RemoveTags"}, {"Version", "1999-01-01"}});
  EXPECT_EQ(bad_version.status, 400);
  EXPECT_EQ(bad_version.code(), "NoSuchVersion");
  Reply unknown = h.call({{"Action", "NoSuchThing"}, {"Version", "2016-04-28"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.code(), "InvalidAction.NotFound");
  EXPECT_EQ(unknown.json_body["HostId"], "vpc.aliyuncs.com");
  Reply put = h.call(remove_tags_example(), "PUT");
  EXPECT_EQ(put.status, 400);
  EXPECT_EQ(put.code(), "UnsupportedHTTPMethod");
  net::HttpRequest garbage;
  garbage.method = "GET";
  garbage.target = "/?Action=RemoveTags&Version=2014-05-26&%01%02=x";
  EXPECT_EQ(h.send(garbage).code(), "InvalidParameter");
  // Every error body has the five fields.
  for (const Reply& r : {no_action, bad_version, unknown}) {
    for (const char* key : {"RequestId", "HostId", "Code", "Message", "Recommend"}) {
      EXPECT_TRUE(r.json_body.contains(key)) << key << " in " << r.body;
    }
  }
}

TEST(Admin, HealthStateResetAndPut) {
  Harness h;
  Reply health = h.admin("GET", "health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json_body["service"], "popcheck-emulator");
  EXPECT_EQ(health.json_body["version"], std::string(popcheck::kVersion));

  json before = h.state();
  ASSERT_EQ(h.call(ecs("DeleteInstances", {{"InstanceId.1", "i-instance1"}})).status, 200);
  EXPECT_NE(h.state(), before);
  EXPECT_EQ(h.admin("POST", "reset").status, 200);
  EXPECT_EQ(h.state(), before);

  // PUT replaces the state; a bad one is refused with the path that is wrong and changes nothing.
  json small = {{"Regions", {"cn-hangzhou"}},
                {"Instances", {{{"InstanceId", "i-mine"}, {"Status", "Stopped"}}}}};
  ASSERT_EQ(h.admin("PUT", "state", small.dump()).status, 200);
  json now = h.state();
  EXPECT_EQ(now["Instances"].size(), 1u);
  EXPECT_EQ(now["Instances"][0]["InstanceId"], "i-mine");
  Reply bad = h.admin("PUT", "state", R"({"Instances":[{"InstanceId":"i-x","Expired":"soon"}]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.message().find("Instances[0].Expired"), std::string::npos) << bad.body;
  EXPECT_EQ(h.admin("PUT", "state", "{not json").status, 400);
  EXPECT_EQ(h.state(), now);
  EXPECT_EQ(h.admin("GET", "nothing").status, 404);
  EXPECT_EQ(h.admin("DELETE", "state").status, 405);
}

// Issue 19 item 4: a web page the developer opens could reset or replace the emulator's state.
TEST(Admin, RefusesWhatABrowserCouldSendCrossOrigin) {
  Harness h;
  json before = h.state();
  ASSERT_EQ(h.call(ecs("DeleteInstances", {{"InstanceId.1", "i-instance1"}})).status, 200);
  json changed = h.state();
  ASSERT_NE(changed, before);
  // A "simple" cross-origin POST: text/plain, another Origin.
  net::HttpRequest simple;
  simple.method = "POST";
  simple.target = "/__popcheck/reset";
  simple.headers = {{"Host", "127.0.0.1:18080"},
                    {"Origin", "https://evil.example"},
                    {"Content-Type", "text/plain"}};
  Reply r = h.send(simple);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code(), "Popcheck.Admin.CrossOrigin");
  // The same without an Origin (a form post from a page that hides it) still needs JSON.
  simple.headers = {{"Host", "127.0.0.1:18080"}, {"Content-Type", "text/plain"}};
  r = h.send(simple);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code(), "Popcheck.Admin.NotJson");
  EXPECT_NE(r.message().find("X-Popcheck-Admin"), std::string::npos) << r.body;
  // DNS rebinding: the page's own name as Host.
  net::HttpRequest rebound;
  rebound.method = "GET";
  rebound.target = "/__popcheck/state";
  rebound.headers = {{"Host", "rebind.example:18080"}};
  r = h.send(rebound);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code(), "Popcheck.Admin.ForeignHost");
  EXPECT_EQ(h.state(), changed);
  // The emulator's own origin and a JSON or marked request pass.
  EXPECT_EQ(h.admin("POST", "reset", "", {{"Origin", "http://127.0.0.1:18080"}}).status, 200);
  EXPECT_EQ(h.state(), before);
}

TEST(Admin, WithATokenEveryAdminRequestMustCarryIt) {
  EmulatorOptions options;
  options.admin.token = "t0ken-for-the-test";
  Harness h(options);
  Reply r = h.admin("GET", "health");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code(), "Popcheck.Admin.TokenRequired");
  EXPECT_EQ(h.admin("GET", "health", "", {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(h.admin("GET", "health", "", {{"Authorization", "Bearer t0ken-for-the-test"}}).status,
            200);
  EXPECT_EQ(h.admin("POST", "reset", "", {{"X-Popcheck-Admin-Token", "t0ken-for-the-test"}}).status,
            200);
  // The API itself needs no admin token.
  EXPECT_EQ(h.call(ecs("DeleteInstances", {{"InstanceId.1", "i-instance1"}})).status, 200);
}

// Issue 19: admin bodies nesting 100,000 deep are a 400 in the emulator's error vocabulary naming
// the request body, and the emulator keeps answering.
TEST(Admin, TooDeepBodiesAreRefusedAndTheEmulatorKeepsServing) {
  Harness h;
  json before = h.state();
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  Reply state = h.admin("PUT", "state", R"({"Instances":)" + deep + "}");
  EXPECT_EQ(state.status, 400);
  EXPECT_EQ(state.json_body["Code"], "InvalidState");
  EXPECT_NE(state.message().find("request body"), std::string::npos) << state.body;
  EXPECT_NE(state.message().find("deeper than"), std::string::npos) << state.body;
  Reply need =
      h.admin("POST", "provision",
              R"({"needs":[{"var":"i","resource":"instance","with":{"Tags":)" + deep + "}}]}");
  EXPECT_EQ(need.status, 400);
  EXPECT_EQ(need.json_body["Code"], "InvalidNeed");
  EXPECT_EQ(h.state(), before);
  EXPECT_EQ(h.call(ecs("DeleteInstances", {{"InstanceId.1", "i-instance1"}})).status, 200);
}

TEST(Admin, StateFileSeedsTheEmulator) {
  std::string path = ::testing::TempDir() + "/popcheck-emulator-state.json";
  json state = {{"Regions", {"eu-west-1"}},
                {"Disks", {{{"DiskId", "d-file"}, {"RegionId", "eu-west-1"}}}}};
  ASSERT_TRUE(core::write_file_atomic(path, state.dump()));
  EmulatorOptions options;
  options.state_file = path;
  Harness h(options);
  json now = h.state();
  EXPECT_EQ(now["Regions"], json({"eu-west-1"}));
  EXPECT_EQ(now["Disks"][0]["DiskId"], "d-file");
  EXPECT_EQ(now["Disks"][0]["Status"], "Available");

  options.state_file = path + ".missing";
  EXPECT_FALSE(make_handler(options));
  ASSERT_TRUE(core::write_file_atomic(path, "[1,2]"));
  options.state_file = path;
  auto bad = make_handler(options);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().file, path);
}

TEST(Provision, EveryResourceKindWithItsAttributes) {
  Harness h;
  json needs = json::array({
      {{"var", "i"},
       {"resource", "instance"},
       {"with",
        {{"Status", "Stopped"},
         {"DeletionProtection", true},
         {"SecurityLocked", true},
         {"InstanceChargeType", "PrePaid"},
         {"Expired", true},
         {"SLBConfiguring", true},
         {"RouteEntry", true},
         {"Tags", {{"a", "b"}}}}}},
      {{"var", "d"},
       {"resource", "disk"},
       {"with",
        {{"InstanceId", "${i}"},
         {"Type", "system"},
         {"Portable", false},
         {"Status", "Detaching"},
         {"DeleteWithInstance", false}}}},
      {{"var", "g"},
       {"resource", "scalinggroup"},
       {"with",
        {{"Status", "Deleting"},
         {"MinSize", 2},
         {"MaxSize", 5},
         {"ActivityInProgress", true},
         {"ScalingPolicy", "recycle"},
         {"LoadBalancerStatus", "inactive"},
         {"DBInstanceStatus", "Stopped"}}}},
      {{"var", "m"},
       {"resource", "scalinginstance"},
       {"with", {{"ScalingGroupId", "${g}"}, {"CreationType", "Attached"}}}},
      {{"var", "f"},
       {"resource", "fault"},
       {"with",
        {{"Action", "DetachDisk"},
         {"Status", 503},
         {"Code", "ServiceUnavailable"},
         {"Message", "busy"},
         {"Match", {{"DiskId", "${d}"}}},
         {"Count", 2}}}},
      {{"var", "missing"}, {"resource", "instance"}, {"with", "$missing"}},
      {{"var", "released"}, {"resource", "instance"}, {"with", {{"InstanceId", "$released"}}}},
  });
  for (const char* kind : {"snapshot", "image", "securitygroup", "vpc", "vswitch", "routetable",
                           "eip", "vpngateway", "natgateway"}) {
    needs.push_back({{"var", kind}, {"resource", kind}, {"with", {{"Tags", {{"$count", 3}}}}}});
  }
  auto vars = h.provision(needs, "cn-beijing");
  EXPECT_EQ(vars.size(), needs.size());
  json state = h.state();
  auto find = [&](const char* list, const char* key, const std::string& id) {
    for (const auto& x : state[list]) {
      if (x[key] == id) return x;
    }
    return json();
  };
  json i = find("Instances", "InstanceId", vars["i"]);
  EXPECT_EQ(i["RegionId"], "cn-beijing");
  EXPECT_EQ(i["Status"], "Stopped");
  for (const char* flag :
       {"DeletionProtection", "SecurityLocked", "Expired", "SLBConfiguring", "RouteEntry"}) {
    EXPECT_EQ(i[flag], true) << flag;
  }
  EXPECT_EQ(i["InstanceChargeType"], "PrePaid");
  EXPECT_EQ(i["Tags"], (json{{"a", "b"}}));
  json d = find("Disks", "DiskId", vars["d"]);
  EXPECT_EQ(d["InstanceId"], vars["i"]);
  EXPECT_EQ(d["Type"], "system");
  EXPECT_EQ(d["Portable"], false);
  EXPECT_EQ(d["Status"], "Detaching");
  EXPECT_EQ(d["DeleteWithInstance"], false);
  json g = find("ScalingGroups", "ScalingGroupId", vars["g"]);
  EXPECT_EQ(g["Status"], "Deleting");
  EXPECT_EQ(g["MinSize"], 2);
  EXPECT_EQ(g["MaxSize"], 5);
  EXPECT_EQ(g["ActivityInProgress"], true);
  EXPECT_EQ(g["ScalingPolicy"], "recycle");
  EXPECT_EQ(g["LoadBalancerStatus"], "inactive");
  EXPECT_EQ(g["DBInstanceStatus"], "Stopped");
  EXPECT_EQ(g["Instances"][0], (json{{"InstanceId", vars["m"]}, {"CreationType", "Attached"}}));
  EXPECT_FALSE(find("Instances", "InstanceId", vars["m"]).is_null());
  for (const char* kind : {"snapshot", "image", "securitygroup", "vpc", "vswitch", "routetable",
                           "eip", "vpngateway", "natgateway"}) {
    json r = find("Resources", "ResourceId", vars[kind]);
    EXPECT_EQ(r["ResourceType"], kind);
    EXPECT_EQ(r["Tags"].size(), 3u) << kind;
  }
  EXPECT_TRUE(find("Instances", "InstanceId", vars["missing"]).is_null());
  EXPECT_TRUE(find("Instances", "InstanceId", vars["released"]).is_null());
  EXPECT_NE(std::find(state["Released"]["instance"].begin(), state["Released"]["instance"].end(),
                      vars["released"]),
            state["Released"]["instance"].end());
  // The fault fires for matching requests only, Count times.
  core::Params detach = ecs("DetachDisk", {{"InstanceId", vars["i"]}, {"DiskId", vars["d"]}});
  core::Params other = ecs("DetachDisk", {{"InstanceId", vars["i"]}, {"DiskId", "d-other"}});
  EXPECT_EQ(h.call(other).code(), "InvalidDiskId.NotFound");
  EXPECT_EQ(h.call(detach).status, 503);
  EXPECT_EQ(h.call(detach).code(), "ServiceUnavailable");
  // Then the disk's own state answers (it is Detaching).
  EXPECT_EQ(h.call(detach).code(), "IncorrectDiskStatus");
}

TEST(Provision, FreshIdsEveryCallAndFailuresChangeNothing) {
  Harness h;
  json need = json::array({{{"var", "i"}, {"resource", "instance"}}});
  std::set<std::string> ids;
  for (int k = 0; k < 20; ++k) ids.insert(h.provision(need)["i"]);
  EXPECT_EQ(ids.size(), 20u);
  json before = h.state();
  Reply bad = h.admin("POST", "provision",
                      json({{"needs",
                             {{{"var", "ok"}, {"resource", "instance"}},
                              {{"var", "x"}, {"resource", "spaceship"}}}}})
                          .dump());
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.message().find("spaceship"), std::string::npos);
  Reply bad_value = h.admin(
      "POST", "provision",
      json(
          {{"needs", {{{"var", "i"}, {"resource", "instance"}, {"with", {{"Status", "Flying"}}}}}}})
          .dump());
  EXPECT_EQ(bad_value.status, 400);
  EXPECT_NE(bad_value.message().find("Status"), std::string::npos);
  EXPECT_EQ(h.state(), before);
}

TEST(Deviations, EachChangesExactlyOneThing) {
  core::Params ok = remove_tags_example();
  core::Params err = ecs(
      "RemoveTags", {{"RegionId", "xx-none"}, {"ResourceType", "snapshot"}, {"ResourceId", "s-x"}});
  auto mask = [](json j) {
    if (j.contains("RequestId")) j["RequestId"] = "X";
    if (j.contains("Recommend")) j["Recommend"] = "X";
    return j;
  };
  Harness plain;
  Reply ok_plain = plain.call(ok), err_plain = plain.call(err);

  auto with = [](std::string deviation) {
    EmulatorOptions o;
    o.deviation = std::move(deviation);
    return Harness(o);
  };
  {
    Harness h = with("status:RemoveTags:201");
    Reply r = h.call(ok);
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(mask(r.json_body), mask(ok_plain.json_body));
  }
  {
    Harness h = with("code:RemoveTags");
    Reply r = h.call(err);
    EXPECT_EQ(r.status, err_plain.status);
    EXPECT_NE(r.code(), err_plain.code());
    EXPECT_EQ(r.message(), err_plain.message());
  }
  {
    Harness h = with("message:RemoveTags");
    Reply r = h.call(err);
    EXPECT_EQ(r.code(), err_plain.code());
    EXPECT_NE(r.message(), err_plain.message());
  }
  {
    Harness h = with("drop:RemoveTags:RequestId");
    Reply r = h.call(ok);
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(r.json_body.contains("RequestId"));
  }
  {
    Harness h = with("xmlroot:RemoveTags");
    Reply r = h.call(remove_tags_example("XML"));
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(r.body.c_str()));
    EXPECT_STREQ(doc.document_element().name(), "RemoveTagsResult");
    EXPECT_EQ(r.content_type, "text/xml;charset=utf-8");
    EXPECT_EQ(h.call(ok).body.size(), ok_plain.body.size()) << "JSON has no root to change";
  }
  {
    Harness h = with("contenttype:RemoveTags");
    Reply r = h.call(ok);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.status, 200);
  }
  {
    // Other actions are untouched.
    Harness h = with("status:DetachDisk:500");
    EXPECT_EQ(h.call(ok).status, 200);
  }
  EXPECT_FALSE(parse_deviation("status:RemoveTags"));
  EXPECT_FALSE(parse_deviation("swap:RemoveTags"));
  EXPECT_FALSE(parse_deviation("drop:RemoveTags"));
  EmulatorOptions bad;
  bad.deviation = "nonsense";
  auto refused = make_handler(bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "emulator.deviation");
}

core::Contract sample_contract() {
  core::Contract c;
  c.product = "Ecs";
  c.version = "2014-05-26";
  c.action = "DescribeThings";
  core::Param kind = test_support::param("Kind", "String");
  kind.allowed = {"a", "b"};
  c.params = {test_support::param("RegionId", "String", true), kind,
              test_support::param("PageSize", "Integer"),
              test_support::param("ThingId.N", "RepeatList", true)};
  c.examples.json =
      core::ExampleBlock{"json", R"({"RequestId":"DOC","Things":{"Thing":[{"Id":"t-1"}]}})", true};
  return c;
}

TEST(ContractResponder, ValidatesRequiredAllowedAndTypes) {
  core::Contract c = sample_contract();
  auto check = [&](core::Params p) {
    auto r = validate_against(c, p);
    return r ? r->code + ":" + r->message : std::string("ok");
  };
  EXPECT_EQ(check({{"RegionId", "r"}, {"ThingId.1", "x"}}), "ok");
  EXPECT_NE(check({{"ThingId.1", "x"}}).find("MissingParameter:"), std::string::npos);
  EXPECT_NE(check({{"RegionId", "r"}}).find("\"ThingId.N\""), std::string::npos);
  EXPECT_NE(check({{"RegionId", "r"}, {"ThingId.1", "x"}, {"Kind", "c"}}).find("InvalidParameter:"),
            std::string::npos);
  EXPECT_NE(
      check({{"RegionId", "r"}, {"ThingId.1", "x"}, {"PageSize", "ten"}}).find("\"PageSize\""),
      std::string::npos);
}

TEST(ContractResponder, AnswersTheDocumentedExampleWithAFreshRequestId) {
  core::Contract c = sample_contract();
  json j = json::parse(example_body(c, false, "NEW"));
  EXPECT_EQ(j["RequestId"], "NEW");
  EXPECT_EQ(j["Things"]["Thing"][0]["Id"], "t-1");
  // No XML example: built from the JSON one.
  std::string xml = example_body(c, true, "NEW");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
  EXPECT_STREQ(doc.document_element().name(), "DescribeThingsResponse");
  EXPECT_STREQ(doc.document_element().child("Things").child("Thing").child_value("Id"), "t-1");
  EXPECT_STREQ(doc.document_element().child_value("RequestId"), "NEW");
  // A documented XML example is used as written, RequestId replaced.
  c.examples.xml = core::ExampleBlock{
      "xml", "<DescribeThingsResponse><RequestId>DOC</RequestId><X>1</X></DescribeThingsResponse>",
      true};
  xml = example_body(c, true, "NEW");
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeThingsResponse><RequestId>NEW"
            "</RequestId><X>1</X></DescribeThingsResponse>");
}

TEST(ContractResponder, ServesOtherApisOfTheBundledMetadata) {
  std::string file = (test_support::data_dir() / "metadata" / "ecs-2014-05-26.json").string();
  EmulatorOptions options;
  options.metadata_files = {file};
  Harness h(options);
  Reply regions = h.call(ecs("DescribeRegions", {}));
  EXPECT_EQ(regions.status, 200) << regions.body;
  EXPECT_TRUE(regions.json_body.contains("Regions")) << regions.body;
  EXPECT_EQ(regions.json_body["RequestId"].get<std::string>().size(), 36u);
  Reply missing = h.call(ecs("DescribeInstances", {}));
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.code(), "MissingParameter");
  EXPECT_NE(missing.message().find("RegionId"), std::string::npos);
  EXPECT_EQ(h.call(ecs("DescribeInstances", {{"RegionId", "cn-hangzhou"}})).status, 200);
  // An action of another product's version is not found in this one.
  EXPECT_EQ(h.call(vpc("DescribeVpcs", {{"RegionId", "cn-hangzhou"}})).code(),
            "InvalidAction.NotFound");
}

TEST(Signatures, V1SignedRequestsPassAndBadOnesGetTheGatewayErrors) {
  EmulatorOptions options;
  options.verify_signature = true;
  options.keys = {{"testid", "testsecret"}};
  Harness h(options);
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  int nonce = 0;
  auto signed_params = [&](std::string secret, std::string key = "testid",
                           std::chrono::sys_seconds when = {}) {
    core::Params p = remove_tags_example();
    p.emplace_back("AccessKeyId", key);
    p.emplace_back("SignatureMethod", "HMAC-SHA1");
    p.emplace_back("SignatureVersion", "1.0");
    p.emplace_back("SignatureNonce", "nonce-" + std::to_string(++nonce));
    p.emplace_back("Timestamp",
                   core::format_iso8601_utc(when == std::chrono::sys_seconds{} ? now : when));
    p.emplace_back("Signature", core::v1_signature("GET", p, secret));
    return p;
  };
  EXPECT_EQ(h.call(signed_params("testsecret")).status, 200);
  Reply wrong = h.call(signed_params("other"));
  EXPECT_EQ(wrong.code(), "SignatureDoesNotMatch");
  EXPECT_EQ(h.call(signed_params("testsecret", "nobody")).code(), "InvalidAccessKeyId.NotFound");
  EXPECT_EQ(h.call(signed_params("testsecret", "testid", now - std::chrono::hours(2))).code(),
            "InvalidTimeStamp.Expired");
  EXPECT_EQ(h.call(remove_tags_example()).status, 400) << "unsigned";
  core::Params once = signed_params("testsecret");
  EXPECT_EQ(h.call(once).status, 200);
  EXPECT_EQ(h.call(once).code(), "SignatureNonceUsed");
  // The secret never appears in an answer.
  EXPECT_EQ(wrong.body.find("testsecret"), std::string::npos);
}

TEST(Embedded, ServesOverHttpOnAPortOfItsOwn) {
  auto emulator = EmbeddedEmulator::start({});
  ASSERT_TRUE(emulator) << emulator.error().to_string();
  auto& e = **emulator;
  ASSERT_NE(e.port(), 0);
  EXPECT_EQ(e.url(), "http://127.0.0.1:" + std::to_string(e.port()));
  httplib::Client client(e.url());
  auto health = client.Get("/__popcheck/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(json::parse(health->body)["service"], "popcheck-emulator");
  auto r = client.Post("/", "Action=DeleteInstances&Version=2014-05-26&InstanceId.1=i-instance1",
                       "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json;charset=utf-8");
  e.stop();
  EXPECT_FALSE(client.Get("/__popcheck/health"));
}

TEST(Provision, AFaultProvisionedForACaseFiresOnlyForThatCasesRequests) {
  Harness h;
  json needs =
      json::array({{{"var", "i"}, {"resource", "instance"}, {"with", {{"Status", "Stopped"}}}},
                   {{"var", "f"},
                    {"resource", "fault"},
                    {"with",
                     {{"Action", "DeleteInstances"},
                      {"Status", 500},
                      {"Code", "InternalError"},
                      {"Message", "boom"}}}}});
  Reply r = h.admin("POST", "provision",
                    json({{"needs", needs}, {"region", "cn-hangzhou"}, {"case", "case-A"}}).dump());
  ASSERT_EQ(r.status, 200) << r.body;
  std::string id = r.json_body["vars"]["i"];
  core::Params del = ecs("DeleteInstances", {{"InstanceId.1", id}, {"DryRun", "true"}});
  // Another case's request is not this fault's business.
  EXPECT_NE(h.call(del, "GET", {{"x-popcheck-case", "case-B"}}).code(), "InternalError");
  Reply mine = h.call(del, "GET", {{"x-popcheck-case", "case-A"}});
  EXPECT_EQ(mine.status, 500);
  EXPECT_EQ(mine.code(), "InternalError");
  EXPECT_EQ(mine.message(), "boom");
  // A client that names no case (an SDK through an adapter) sees the faults of every case.
  r = h.admin("POST", "provision",
              json({{"needs", json::array({needs[1]})}, {"case", "case-C"}}).dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(h.call(del).code(), "InternalError");
}

}  // namespace
}  // namespace popcheck::emulator
