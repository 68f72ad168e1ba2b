#include "core/check/check.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace popcheck::core {
namespace {

core::Contract remove_instances_contract() {
  core::Contract c;
  c.product = "Ess";
  c.action = "RemoveInstances";
  c.examples.json = core::ExampleBlock{
      "json",
      R"({"ScalingActivityId":"asa-1","RequestId":"R","Count":2,"Ratio":0.5,"Done":true,)"
      R"("Ids":{"Id":["i-1"]},"Items":[{"Name":"a","Size":1}]})",
      true};
  c.examples.xml =
      core::ExampleBlock{"xml",
                         "<RemoveInstancesResponse><ScalingActivityId>asa-1</"
                         "ScalingActivityId><RequestId>R</RequestId>"
                         "<Ids><Id>i-1</Id><Id>i-2</Id></Ids></RemoveInstancesResponse>",
                         true};
  core::ResponseNode root{"", core::ValueType::object};
  root.children.push_back({"RequestId", core::ValueType::string});
  root.children.push_back({"ScalingActivityId", core::ValueType::string});
  core::ResponseNode count{"Count", core::ValueType::integer};
  root.children.push_back(count);
  core::ResponseNode regions{"Regions", core::ValueType::array};
  regions.children.push_back({"RegionId", core::ValueType::string});
  regions.children.push_back({"Local", core::ValueType::boolean});
  root.children.push_back(regions);
  c.response = root;
  return c;
}

core::Case success_case(std::string format = "JSON", core::Shape shape = core::Shape::example) {
  core::Case c;
  c.id = "Ess.RemoveInstances.example";
  c.action = "RemoveInstances";
  c.request.format = format;
  c.expect.status = 200;
  c.expect.shape = shape;
  return c;
}

core::Case error_case(std::string format = "JSON") {
  core::Case c = success_case(format, core::Shape::error);
  c.expect.status = 404;
  c.expect.code = "InvalidScalingGroupId.NotFound";
  c.expect.message = "The specified scaling group (%s) does not exist.";
  return c;
}

core::Response json_answer(int status, std::string body) {
  return {status, {{"Content-Type", "application/json;charset=utf-8"}}, std::move(body)};
}

core::Response xml_answer(int status, std::string body) {
  return {status, {{"Content-Type", "text/xml;charset=utf-8"}}, std::move(body)};
}

const char* kGoodJson =
    R"({"RequestId":"R-1","ScalingActivityId":"asa-9","Count":3,"Ratio":1,"Done":false,)"
    R"("Ids":{"Id":["i-7","i-8"]},"Items":[{"Name":"x","Size":4},{"Name":"y","Size":5}],"Extra":1})";
const char* kGoodXml =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><RemoveInstancesResponse><RequestId>R-1</RequestId>"
    "<ScalingActivityId>asa-9</ScalingActivityId><Ids><Id>i-3</Id></Ids><Other>1</Other>"
    "</RemoveInstancesResponse>";
const char* kErrorJson =
    R"({"RequestId":"R-2","HostId":"ess.aliyuncs.com","Code":"InvalidScalingGroupId.NotFound",)"
    R"("Message":"The specified scaling group (asg-1) does not exist.","Recommend":"x"})";
const char* kErrorXml =
    "<?xml version=\"1.0\"?><Error><RequestId>R-2</RequestId><HostId>ess.aliyuncs.com</HostId>"
    "<Code>InvalidScalingGroupId.NotFound</Code>"
    "<Message>The specified scaling group (asg-1) does not exist.</Message></Error>";

std::vector<CheckResult> failed(const std::vector<CheckResult>& all) {
  std::vector<CheckResult> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out), [](auto& r) { return !r.passed; });
  return out;
}

std::vector<std::string> names(const std::vector<CheckResult>& all) {
  std::vector<std::string> out;
  for (const auto& r : all) out.push_back(r.check);
  return out;
}

TEST(CheckExchange, ConformingJsonSuccessPassesEveryCheck) {
  auto results =
      check_exchange(success_case(), remove_instances_contract(), json_answer(200, kGoodJson));
  EXPECT_TRUE(failed(results).empty())
      << failed(results)[0].check << " " << failed(results)[0].path;
  EXPECT_EQ(names(results),
            (std::vector<std::string>{"status", "content-type", "parse", "shape", "request-id"}));
}

TEST(CheckExchange, ConformingXmlSuccessPassesEveryCheck) {
  auto results =
      check_exchange(success_case("XML"), remove_instances_contract(), xml_answer(200, kGoodXml));
  EXPECT_TRUE(failed(results).empty())
      << failed(results)[0].check << " " << failed(results)[0].path;
  EXPECT_EQ(names(results), (std::vector<std::string>{"status", "content-type", "parse", "root",
                                                      "shape", "request-id"}));
}

TEST(CheckExchange, ConformingErrorsPassInBothFormats) {
  auto j = check_exchange(error_case(), remove_instances_contract(), json_answer(404, kErrorJson));
  EXPECT_TRUE(failed(j).empty());
  EXPECT_EQ(names(j), (std::vector<std::string>{"status", "content-type", "parse", "shape", "code",
                                                "message", "request-id", "host-id"}));
  auto x =
      check_exchange(error_case("XML"), remove_instances_contract(), xml_answer(404, kErrorXml));
  EXPECT_TRUE(failed(x).empty()) << failed(x)[0].check;
}

TEST(CheckStatus, ExactAndRange) {
  core::Expect e;
  e.status = 404;
  EXPECT_TRUE(check_status(e, 404).passed);
  auto r = check_status(e, 400);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.expected, "404");
  EXPECT_EQ(r.actual, "400");
  e.status = 400;
  e.status_max = 499;
  EXPECT_TRUE(check_status(e, 403).passed);
  EXPECT_FALSE(check_status(e, 500).passed);
  EXPECT_EQ(check_status(e, 500).expected, "4xx");
}

TEST(CheckContentType, ExactBytes) {
  EXPECT_TRUE(
      check_content_type("JSON", {{"content-type", "application/json;charset=utf-8"}}).passed);
  EXPECT_TRUE(check_content_type("xml", {{"Content-Type", "text/xml;charset=utf-8"}}).passed);
  auto r = check_content_type("JSON", {{"Content-Type", "application/json"}});
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.actual, "application/json");
  EXPECT_FALSE(
      check_content_type("XML", {{"Content-Type", "application/xml;charset=utf-8"}}).passed);
  EXPECT_EQ(check_content_type("JSON", {}).actual, "(none)");
}

TEST(CheckExchange, UnparsableBodyStopsBodyChecks) {
  auto r = check_exchange(success_case(), remove_instances_contract(), json_answer(200, "{\"a\":"));
  ASSERT_EQ(failed(r).size(), 1u);
  EXPECT_EQ(failed(r)[0].check, "parse");
  EXPECT_EQ(names(r), (std::vector<std::string>{"status", "content-type", "parse"}));
  auto x = check_exchange(success_case("XML"), remove_instances_contract(),
                          xml_answer(200, "<a><b></a>"));
  ASSERT_EQ(failed(x).size(), 1u);
  EXPECT_EQ(failed(x)[0].check, "parse");
  // A JSON array is JSON but not an API answer.
  auto a = check_exchange(success_case(), remove_instances_contract(), json_answer(200, "[1]"));
  EXPECT_EQ(failed(a)[0].check, "parse");
}

TEST(CheckExchange, WrongXmlRootIsOnlyARootFailure) {
  std::string body = kGoodXml;
  body.replace(body.find("<RemoveInstancesResponse>"), 25, "<RemoveTagsResponse>");
  body.replace(body.find("</RemoveInstancesResponse>"), 26, "</RemoveTagsResponse>");
  auto r = failed(
      check_exchange(success_case("XML"), remove_instances_contract(), xml_answer(200, body)));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].check, "root");
  EXPECT_EQ(r[0].expected, "<RemoveInstancesResponse>");
  EXPECT_EQ(r[0].actual, "<RemoveTagsResponse>");
  // An error case expects <Error>.
  auto e = failed(check_exchange(
      error_case("XML"), remove_instances_contract(),
      xml_answer(404, std::string(kErrorXml)
                          .replace(21, 7, "<Err>")
                          .replace(std::string(kErrorXml).size() - 8 - 2, 8, "</Err>"))));
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0].check, "root");
}

TEST(CheckShape, MissingKeyIsReportedWithItsPath) {
  std::string body =
      R"({"RequestId":"R","Count":3,"Ratio":1,"Done":false,"Ids":{"Id":[]},"Items":[]})";
  auto r =
      failed(check_exchange(success_case(), remove_instances_contract(), json_answer(200, body)));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].check, "shape");
  EXPECT_EQ(r[0].path, "ScalingActivityId");
  EXPECT_EQ(r[0].actual, "missing");
}

TEST(CheckShape, WrongValueTypesAnywhereInTheTree) {
  std::string body = R"({"RequestId":"R","ScalingActivityId":7,"Count":3.5,"Ratio":1,"Done":"no",)"
                     R"("Ids":{"Id":["i-7"]},"Items":[{"Name":"x","Size":4},{"Name":1,"Size":5}]})";
  auto r =
      failed(check_exchange(success_case(), remove_instances_contract(), json_answer(200, body)));
  std::vector<std::string> paths;
  for (auto& f : r) {
    EXPECT_EQ(f.check, "shape");
    paths.push_back(f.path);
  }
  EXPECT_EQ(paths,
            (std::vector<std::string>{"ScalingActivityId", "Count", "Done", "Items[1].Name"}));
  EXPECT_EQ(r[0].expected, "string");
  EXPECT_EQ(r[0].actual, "integer");
}

TEST(CheckShape, XmlComparesStructureNotScalarTypes) {
  // "9" as text where the example has text: fine. Ids as text where the example has items: wrong.
  std::string body =
      "<RemoveInstancesResponse><RequestId>R</RequestId><ScalingActivityId>9</ScalingActivityId>"
      "<Ids>i-1</Ids></RemoveInstancesResponse>";
  auto r = failed(
      check_exchange(success_case("XML"), remove_instances_contract(), xml_answer(200, body)));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].check, "shape");
  EXPECT_EQ(r[0].path, "RemoveInstancesResponse/Ids[0]");
  std::string missing =
      "<RemoveInstancesResponse><RequestId>R</RequestId><Ids/></RemoveInstancesResponse>";
  auto m = failed(
      check_exchange(success_case("XML"), remove_instances_contract(), xml_answer(200, missing)));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].path, "RemoveInstancesResponse/ScalingActivityId");
  std::string nested =
      "<RemoveInstancesResponse><RequestId>R</RequestId><ScalingActivityId><a>1</a></"
      "ScalingActivityId>"
      "<Ids/></RemoveInstancesResponse>";
  auto n = failed(
      check_exchange(success_case("XML"), remove_instances_contract(), xml_answer(200, nested)));
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].expected, "text");
}

TEST(CheckShape, ContractTreeWithWrappedArrays) {
  core::Case c = success_case("JSON", core::Shape::contract);
  std::string good = R"({"RequestId":"R","ScalingActivityId":"a","Count":1,)"
                     R"("Regions":{"Region":[{"RegionId":"cn","Local":true}]}})";
  EXPECT_TRUE(
      failed(check_exchange(c, remove_instances_contract(), json_answer(200, good))).empty());
  std::string plain = R"({"RequestId":"R","ScalingActivityId":"a","Count":1,"Regions":[]})";
  EXPECT_TRUE(
      failed(check_exchange(c, remove_instances_contract(), json_answer(200, plain))).empty());
  std::string bad = R"({"RequestId":"R","ScalingActivityId":"a","Count":"1",)"
                    R"("Regions":{"Region":[{"RegionId":"cn"}]}})";
  auto r = failed(check_exchange(c, remove_instances_contract(), json_answer(200, bad)));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].path, "Count");
  EXPECT_EQ(r[0].expected, "integer");
  EXPECT_EQ(r[1].path, "Regions.Region[0].Local");
  EXPECT_EQ(r[1].actual, "missing");
}

TEST(CheckShape, ContractTreeInXml) {
  core::Case c = success_case("XML", core::Shape::contract);
  std::string good =
      "<RemoveInstancesResponse><RequestId>R</RequestId><ScalingActivityId>a</ScalingActivityId>"
      "<Count>1</Count><Regions><Region><RegionId>cn</RegionId><Local>true</Local></Region></"
      "Regions>"
      "</RemoveInstancesResponse>";
  EXPECT_TRUE(
      failed(check_exchange(c, remove_instances_contract(), xml_answer(200, good))).empty());
  std::string bad =
      "<RemoveInstancesResponse><RequestId>R</RequestId><ScalingActivityId>a</ScalingActivityId>"
      "<Count>1</Count><Regions><Region><RegionId>cn</RegionId></Region></Regions>"
      "</RemoveInstancesResponse>";
  auto r = failed(check_exchange(c, remove_instances_contract(), xml_answer(200, bad)));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].path, "RemoveInstancesResponse/Regions/Region[0]/Local");
}

TEST(CheckShape, ContractTreeInXmlReadsRepeatedElementsAsItems) {
  // Alibaba's XML also repeats a list's element once per item, with the item's fields inside.
  core::Case c = success_case("XML", core::Shape::contract);
  std::string head =
      "<RemoveInstancesResponse><RequestId>R</RequestId><ScalingActivityId>a</ScalingActivityId>"
      "<Count>1</Count>";
  std::string good = head +
                     "<Regions><RegionId>cn</RegionId><Local>true</Local></Regions>"
                     "<Regions><RegionId>us</RegionId><Local>false</Local></Regions>"
                     "</RemoveInstancesResponse>";
  EXPECT_TRUE(
      failed(check_exchange(c, remove_instances_contract(), xml_answer(200, good))).empty());
  std::string bad = head + "<Regions><RegionId>cn</RegionId></Regions></RemoveInstancesResponse>";
  auto r = failed(check_exchange(c, remove_instances_contract(), xml_answer(200, bad)));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].path, "RemoveInstancesResponse/Regions/Local");
  // A list of plain values: each item is an element with text.
  core::Contract ids = remove_instances_contract();
  ids.response.children.push_back({"Ids", core::ValueType::array});
  std::string plain = head + "<Regions/><Ids>i-1</Ids><Ids>i-2</Ids></RemoveInstancesResponse>";
  EXPECT_TRUE(failed(check_exchange(c, ids, xml_answer(200, plain))).empty());
  // An object where the list's items have fields is still refused.
  r = failed(
      check_exchange(c, remove_instances_contract(),
                     xml_answer(200, head + "<Regions>cn</Regions></RemoveInstancesResponse>")));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].path, "RemoveInstancesResponse/Regions");
}

TEST(CheckShape, AnXmlExampleWithoutItsWrapperIsTheResponsesFields) {
  core::Contract contract = remove_instances_contract();
  contract.examples.xml->body =
      "<ScalingActivityId>asa-1</ScalingActivityId><Ids><Id>i-1</Id></Ids>";
  std::string good =
      "<RemoveInstancesResponse><RequestId>R</RequestId><ScalingActivityId>a</ScalingActivityId>"
      "<Ids><Id>i-2</Id></Ids></RemoveInstancesResponse>";
  EXPECT_TRUE(failed(check_exchange(success_case("XML"), contract, xml_answer(200, good))).empty());
  std::string bad =
      "<RemoveInstancesResponse><RequestId>R</RequestId><Ids><Id>i-2</Id></Ids>"
      "</RemoveInstancesResponse>";
  auto r = failed(check_exchange(success_case("XML"), contract, xml_answer(200, bad)));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].path, "RemoveInstancesResponse/ScalingActivityId");
}

TEST(CheckShape, ExampleFallsBackToTheTreeWhenThereIsNoExample) {
  core::Contract contract = remove_instances_contract();
  contract.examples.json.reset();
  std::string body = R"({"RequestId":"R","ScalingActivityId":"a","Regions":[]})";
  auto r = failed(check_exchange(success_case(), contract, json_answer(200, body)));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].path, "Count");
}

TEST(CheckCode, ExactCode) {
  std::string body = kErrorJson;
  body.replace(body.find("InvalidScalingGroupId.NotFound"), 30, "InvalidScalingGroupId.Missing");
  auto r =
      failed(check_exchange(error_case(), remove_instances_contract(), json_answer(404, body)));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].check, "code");
  EXPECT_EQ(r[0].expected, "InvalidScalingGroupId.NotFound");
  EXPECT_EQ(r[0].actual, "InvalidScalingGroupId.Missing");
  EXPECT_EQ(r[0].path, "Code");
}

TEST(CheckMessage, TemplateAndExact) {
  EXPECT_TRUE(message_matches("a %s b", "a xyz b"));
  EXPECT_TRUE(message_matches("a %s b", "a  b"));
  EXPECT_TRUE(message_matches("%s", "anything"));
  EXPECT_TRUE(message_matches("x %s y %s", "x 1 y 2"));
  EXPECT_FALSE(message_matches("a %s b", "a xyz c"));
  EXPECT_FALSE(message_matches("exact", "exact."));
  EXPECT_TRUE(message_matches("exact", "exact"));
  EXPECT_FALSE(message_matches("%sab%s", "a"));

  std::string body = kErrorXml;
  body.replace(body.find("does not exist."), 15, "is gone.");
  auto r =
      failed(check_exchange(error_case("XML"), remove_instances_contract(), xml_answer(404, body)));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].check, "message");
  EXPECT_EQ(r[0].path, "Error/Message");
  EXPECT_EQ(r[0].actual, "The specified scaling group (asg-1) is gone.");
}

TEST(CheckRequestId, MissingOrEmpty) {
  std::string body = kGoodJson;
  body.replace(body.find(R"("RequestId":"R-1",)"), 18, "");
  auto r =
      failed(check_exchange(success_case(), remove_instances_contract(), json_answer(200, body)));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].check, "request-id");
  EXPECT_EQ(r[0].actual, "missing");
  std::string empty = kGoodXml;
  empty.replace(empty.find("R-1"), 3, "");
  auto x = failed(
      check_exchange(success_case("XML"), remove_instances_contract(), xml_answer(200, empty)));
  ASSERT_EQ(x.size(), 1u);
  EXPECT_EQ(x[0].actual, "empty");
}

TEST(CheckHostId, RequiredOnErrorsOnly) {
  std::string body = kErrorJson;
  body.replace(body.find(R"("HostId":"ess.aliyuncs.com",)"), 28, "");
  auto r =
      failed(check_exchange(error_case(), remove_instances_contract(), json_answer(404, body)));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].check, "host-id");
  // A success answer without HostId is fine (kGoodJson has none).
  auto s = check_exchange(success_case(), remove_instances_contract(), json_answer(200, kGoodJson));
  EXPECT_EQ(std::count_if(s.begin(), s.end(), [](auto& c) { return c.check == "host-id"; }), 0);
}

TEST(CheckShape, ErrorBodyNeedsCodeAndMessageWhenTheCaseNamesNeither) {
  core::Case c = success_case("JSON", core::Shape::error);
  c.expect.status = 400;
  c.expect.status_max = 499;
  auto ok = check_exchange(c, remove_instances_contract(), json_answer(400, kErrorJson));
  EXPECT_TRUE(failed(ok).empty());
  auto r = failed(check_exchange(c, remove_instances_contract(),
                                 json_answer(400, R"({"RequestId":"R","HostId":"h","Code":"X"})")));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].check, "shape");
  EXPECT_EQ(r[0].path, "Message");
}

TEST(CheckShape, NoneSkipsTheShape) {
  auto r = check_exchange(success_case("JSON", core::Shape::none), remove_instances_contract(),
                          json_answer(200, R"({"RequestId":"R"})"));
  EXPECT_TRUE(failed(r).empty());
  EXPECT_EQ(std::count_if(r.begin(), r.end(), [](auto& c) { return c.check == "shape"; }), 0);
}

}  // namespace
}  // namespace popcheck::core
