// The contract-driven responder on contracts written here: validation in the services' order with
// the documented rows the case generator derives, the generic errors otherwise, existence and
// state checks against the state, and the links between Create, Describe and Delete APIs.
#include "emulator/responder.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "core/compile/casegen.hpp"
#include "emulator/state.hpp"
#include "emulator/tests/harness.hpp"
#include "tests/support/contract.hpp"

namespace popcheck::emulator {
namespace {

using json = nlohmann::ordered_json;

using test_support::row;

// test_support::param, with a member of a list of objects ("Tag.N.Key") at depth 1 as the readers
// put it.
core::Param param(std::string name, std::string type, bool required = false,
                  std::string example = {}) {
  core::Param p =
      test_support::param(std::move(name), std::move(type), required, std::move(example));
  p.depth = p.name.find(".N.") != std::string::npos ? 1 : 0;
  return p;
}

// A contract's product, version, action and parameters; each test adds what it is about.
core::Contract contract(std::string product, std::string version, std::string action,
                        std::vector<core::Param> params) {
  return core::Contract{.product = std::move(product),
                        .version = std::move(version),
                        .action = std::move(action),
                        .params = std::move(params)};
}

// A widget API with a constraint of every kind.
core::Contract widgets(std::string action = "ModifyWidget") {
  core::Contract c = contract("Demo", "2020-01-01", std::move(action),
                              {param("RegionId", "String", true, "cn-hangzhou")});
  core::Param name = param("Name", "String", true, "w1");
  name.max_length = 8;
  name.forbidden_prefixes = {"acs:"};
  c.params.push_back(name);
  core::Param size = param("Size", "Integer", false, "2");
  size.minimum = 1;
  size.maximum = 10;
  c.params.push_back(size);
  core::Param kind = param("Kind", "String", false, "a");
  kind.allowed = {"a", "b"};
  c.params.push_back(kind);
  core::Param code = param("Code", "String", false, "12");
  code.pattern = "^\\d+$";
  c.params.push_back(code);
  core::Param key = param("Tag.N.Key", "String", false, "k");
  key.repeat = core::Repeat{1, 2};
  c.params.push_back(key);
  c.params.push_back(param("Tag.N.Value", "String", false, "v"));
  c.errors = {row(400, "InvalidName.Malformed", "The specified Name is not valid."),
              row(400, "MissingParameter.TagKey", "The Tag.N.Key is required with a value."),
              row(400, "InvalidTagCount", "The number of tags is beyond the permitted range.")};
  c.examples.json = core::ExampleBlock{"json", R"({"RequestId":"DOC","Done":true})", true};
  return c;
}

core::Params valid() { return {{"RegionId", "cn-hangzhou"}, {"Name", "w1"}}; }

std::string answer(const ContractApi& api, core::Params p) {
  auto r = api.validate(p);
  return r ? std::to_string(r->status) + " " + r->code + ": " + r->message : "ok";
}

core::Params with(core::Params p, std::vector<std::pair<std::string, std::string>> more) {
  for (auto& kv : more) p.push_back(std::move(kv));
  return p;
}

TEST(Responder, DocumentedRowsForTheConstraintsTheyName) {
  core::Contract c = widgets();
  ContractApi api(c);
  EXPECT_EQ(answer(api, valid()), "ok");
  // The generator derived these rows' triggers; the responder answers them.
  EXPECT_EQ(answer(api, with(valid(), {{"Tag.1.Value", "v"}})),
            "400 MissingParameter.TagKey: The Tag.N.Key is required with a value.");
  EXPECT_EQ(
      answer(api, with(valid(), {{"Tag.1.Key", "a"}, {"Tag.2.Key", "b"}, {"Tag.3.Key", "c"}})),
      "400 InvalidTagCount: The number of tags is beyond the permitted range.");
  // The row about Name's value answers whichever of its constraints a value breaks.
  core::Params prefixed = {{"RegionId", "cn-hangzhou"}, {"Name", "acs:w"}};
  EXPECT_EQ(answer(api, prefixed), "400 InvalidName.Malformed: The specified Name is not valid.");
  core::Params long_name = {{"RegionId", "cn-hangzhou"}, {"Name", "waytoolongname"}};
  EXPECT_EQ(answer(api, long_name), "400 InvalidName.Malformed: The specified Name is not valid.");
}

TEST(Responder, GenericErrorsWhereTheContractNamesNone) {
  core::Contract c = widgets();
  ContractApi api(c);
  EXPECT_EQ(answer(api, {{"RegionId", "cn-hangzhou"}}),
            "400 MissingParameter: The input parameter \"Name\" that is mandatory for processing "
            "this request is not supplied.");
  for (const auto& bad : std::vector<std::pair<std::string, std::string>>{
           {"Size", "ten"}, {"Size", "11"}, {"Size", "0"}, {"Kind", "c"}, {"Code", "12a"}}) {
    EXPECT_EQ(answer(api, with(valid(), {bad})),
              "400 InvalidParameter: The specified parameter \"" + bad.first + "\" is not valid.")
        << bad.first << "=" << bad.second;
  }
  // An empty optional value is an absent one; parameters of no contract are ignored.
  EXPECT_EQ(answer(api, with(valid(), {{"Size", ""}, {"OwnerId", "1"}})), "ok");
}

TEST(Responder, ChecksInTheServicesOrder) {
  core::Contract c = widgets();
  ContractApi api(c);
  // Required parameters before any value.
  EXPECT_NE(answer(api, {{"RegionId", "cn-hangzhou"}, {"Size", "x"}}).find("MissingParameter"),
            std::string::npos);
  // Types before allowed values, whatever the parameters' order.
  EXPECT_NE(answer(api, with(valid(), {{"Kind", "c"}, {"Size", "x"}})).find("\"Size\""),
            std::string::npos);
  // Values before list sizes.
  std::string both = answer(
      api,
      with(valid(), {{"Kind", "c"}, {"Tag.1.Key", "a"}, {"Tag.2.Key", "b"}, {"Tag.3.Key", "c"}}));
  EXPECT_NE(both.find("\"Kind\""), std::string::npos) << both;
}

// Create, Describe and Delete of one generic kind, linked through the state.
TEST(Responder, CreateDescribeAndDeleteShareOneStore) {
  core::Contract create = contract("Demo", "2020-01-01", "CreateWidget",
                                   {param("RegionId", "String", true, "cn-hangzhou")});
  create.examples.json =
      core::ExampleBlock{"json", R"({"RequestId":"D","WidgetId":"wg-bp1abc****"})", true};
  core::Contract describe = create;
  describe.action = "DescribeWidgets";
  describe.params.push_back(param("WidgetId", "String", false, "wg-bp1abc****"));
  describe.examples.json = core::ExampleBlock{
      "json",
      R"({"RequestId":"D","TotalCount":1,"Widgets":{"Widget":[{"WidgetId":"wg-1","RegionId":"x","Size":3}]}})",
      true};
  core::Contract remove = create;
  remove.action = "DeleteWidget";
  remove.params.push_back(param("WidgetId", "String", true, "wg-bp1abc****"));
  remove.errors = {row(404, "InvalidWidgetId.NotFound", "The specified widget does not exist.")};
  remove.examples.json = core::ExampleBlock{"json", R"({"RequestId":"D"})", true};

  ContractApi c(create), d(describe), r(remove);
  EXPECT_EQ(c.link(), ContractApi::Link::creates);
  EXPECT_EQ(c.link_kind(), "Demo:Widget");
  EXPECT_EQ(d.link(), ContractApi::Link::lists);
  EXPECT_EQ(r.link(), ContractApi::Link::deletes);
  State state = default_state();
  core::Params region = {{"RegionId", "cn-hangzhou"}};

  Outcome made = c.apply(region, state);
  ASSERT_FALSE(made.error);
  ASSERT_EQ(made.created.size(), 1u);
  const std::string id = made.created[0];
  EXPECT_TRUE(id.starts_with("wg-")) << id;
  EXPECT_EQ(id.size(), std::string("wg-bp1abc****").size());
  json created = json::parse(c.render(made, region, false, "RID"));
  EXPECT_EQ(created["WidgetId"], id);

  Outcome listed = d.apply(region, state);
  json list = json::parse(d.render(listed, region, false, "RID"));
  ASSERT_EQ(list["Widgets"]["Widget"].size(), 1u) << list.dump();
  EXPECT_EQ(list["Widgets"]["Widget"][0]["WidgetId"], id);
  EXPECT_EQ(list["Widgets"]["Widget"][0]["Size"], 3);  // the rest of the documented item
  EXPECT_EQ(list["TotalCount"], 1);
  // Another region lists none of it, in XML as well.
  core::Params elsewhere = {{"RegionId", "cn-beijing"}};
  Outcome none = d.apply(elsewhere, state);
  EXPECT_TRUE(none.listed.empty());
  pugi::xml_document xml;
  ASSERT_TRUE(xml.load_string(d.render(none, elsewhere, true, "RID").c_str()));
  EXPECT_FALSE(xml.document_element().child("Widgets").child("Widget").first_child());

  core::Params named = {{"RegionId", "cn-hangzhou"}, {"WidgetId", id}};
  EXPECT_FALSE(r.apply(named, state).error);
  EXPECT_TRUE(d.apply(region, state).listed.empty());
  // Gone: the documented NotFound row.
  Outcome again = r.apply(named, state);
  ASSERT_TRUE(again.error);
  EXPECT_EQ(again.error->status, 404);
  EXPECT_EQ(again.error->code, "InvalidWidgetId.NotFound");
}

TEST(Responder, ProvisionedGenericResourcesAreWhatTheNotFoundCheckLooksUp) {
  core::Contract get =
      contract("Demo", "2020-01-01", "GetWidget", {param("WidgetId", "Long", true, "123456")});
  get.errors = {row(404, "InvalidWidgetId.NotFound", "The specified widget does not exist.")};
  get.examples.json = core::ExampleBlock{"json", R"({"RequestId":"D","WidgetId":123456})", true};
  // The generator binds the id to a generic need and sends an id that cannot exist for the row.
  auto cases = core::generate_cases(get);
  ASSERT_EQ(cases[0].needs.size(), 1u);
  EXPECT_EQ(cases[0].needs[0].resource, "Demo:Widget");
  std::string missing;
  for (const auto& k : cases)
    if (k.kind == core::CaseKind::error) missing = k.request.params.back().second;
  EXPECT_TRUE(std::all_of(missing.begin(), missing.end(), ::isdigit)) << missing;

  State state = default_state();
  auto vars = provision(state, json::parse(R"({"needs":[{"var":"widget","resource":"Demo:Widget",
      "with":{"Like":"123456"}}]})"));
  ASSERT_TRUE(vars) << vars.error().message;
  std::string id = (*vars)["vars"]["widget"];
  EXPECT_TRUE(std::all_of(id.begin(), id.end(), ::isdigit)) << id;  // a Long, as the parameter
  ContractApi api(get);
  EXPECT_EQ(api.validate({{"WidgetId", id}}), std::nullopt);
  EXPECT_FALSE(api.apply({{"WidgetId", id}}, state).error);
  auto gone = api.apply({{"WidgetId", missing}}, state);
  ASSERT_TRUE(gone.error);
  EXPECT_EQ(gone.error->code, "InvalidWidgetId.NotFound");
}

TEST(Responder, ResourceStatesAnswerTheirRows) {
  core::Contract start =
      contract("Ecs", "2014-05-26", "StartThing", {param("InstanceId", "String", true, "i-abc")});
  core::ErrorRow status =
      row(403, "IncorrectInstanceStatus", "The current status does not support it.");
  status.description = "The instance must be in the Stopped state.";
  start.errors = {status, row(403, "InstanceLockedForSecurity", "The instance is locked.")};
  start.examples.json = core::ExampleBlock{"json", R"({"RequestId":"D"})", true};
  ContractApi api(start);
  State state = default_state();
  auto ids = provision(state, json::parse(R"({"needs":[
      {"var":"stopped","resource":"instance","with":{"Status":"Stopped"}},
      {"var":"starting","resource":"instance","with":{"Status":"Starting"}},
      {"var":"locked","resource":"instance","with":{"Status":"Stopped","SecurityLocked":true}}]})"));
  ASSERT_TRUE(ids);
  auto code = [&](const std::string& var) {
    auto o = api.apply({{"InstanceId", (*ids)["vars"][var].get<std::string>()}}, state);
    return o.error ? o.error->code : std::string("ok");
  };
  EXPECT_EQ(code("stopped"), "ok");
  EXPECT_EQ(code("starting"), "IncorrectInstanceStatus");
  EXPECT_EQ(code("locked"), "InstanceLockedForSecurity");
}

TEST(Responder, BodiesFromTheResponseTableAndTheXmlExample) {
  core::Contract c = widgets();
  c.examples.json.reset();
  c.response = core::ResponseNode{"", core::ValueType::object};
  core::ResponseNode items{"Items", core::ValueType::array};
  items.children = {{"Id", core::ValueType::string}, {"Count", core::ValueType::integer}};
  c.response.children = {
      {"RequestId", core::ValueType::string}, {"Total", core::ValueType::integer}, items};
  ContractApi api(c);
  json j = json::parse(api.render({}, {}, false, "RID"));
  EXPECT_EQ(j["RequestId"], "RID");
  EXPECT_EQ(j["Total"], 0);
  ASSERT_EQ(j["Items"].size(), 1u);
  EXPECT_EQ(j["Items"][0]["Count"], 0);
  // A documented XML example whose root is misspelled answers <Action>Response, RequestId fresh.
  c.examples.xml = core::ExampleBlock{
      "xml", "<ModifyWidgetResponce><Done>true</Done></ModifyWidgetResponce>", true};
  ContractApi xml_api(c);
  EXPECT_EQ(xml_api.render({}, {}, true, "RID"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ModifyWidgetResponse><Done>true</Done>"
            "<RequestId>RID</RequestId></ModifyWidgetResponse>");
}

// The same links on the bundled VPC metadata, through the emulator's handler.
TEST(Responder, VpcsCreatedAreListedAndDeletedOnce) {
  testing::Harness h;
  core::Params region = {{"RegionId", "cn-shanghai"}};
  auto vpc_ids = [&]() {
    testing::Reply r = h.call(testing::vpc("DescribeVpcs", region));
    std::vector<std::string> ids;
    for (const auto& v : r.json_body["Vpcs"]["Vpc"]) ids.push_back(v["VpcId"]);
    return ids;
  };
  EXPECT_TRUE(vpc_ids().empty());
  testing::Reply made = h.call(
      testing::vpc("CreateVpc", {{"RegionId", "cn-shanghai"}, {"CidrBlock", "172.16.0.0/12"}}));
  ASSERT_EQ(made.status, 200) << made.body;
  std::string id = made.json_body["VpcId"];
  EXPECT_EQ(vpc_ids(), std::vector<std::string>{id});
  EXPECT_EQ(h.call(testing::vpc("DeleteVpc", {{"RegionId", "cn-shanghai"}, {"VpcId", id}})).status,
            200);
  EXPECT_TRUE(vpc_ids().empty());
  testing::Reply again =
      h.call(testing::vpc("DeleteVpc", {{"RegionId", "cn-shanghai"}, {"VpcId", id}}));
  EXPECT_EQ(again.status, 400) << again.body;  // the row's documented status
  EXPECT_EQ(again.code(), "Forbidden.VpcNotFound");
}

}  // namespace
}  // namespace popcheck::emulator
