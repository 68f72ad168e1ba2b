// The HTTP values of the net layer (net/http.hpp): a response's shared body, the Alibaba-style error
// bodies every server-side error uses (JSON and XML, with their exact Content-Types), RequestIds in
// the cloud's format.
#include "net/http.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <regex>
#include <set>

namespace popcheck::net {
namespace {

TEST(Http, ContentIsTheSharedBodyWhenThereIsOne) {
  HttpResponse r;
  r.body = "own";
  EXPECT_EQ(r.content(), "own");
  r.shared_body = std::make_shared<const std::string>("shared");
  EXPECT_EQ(r.content(), "shared");
}

TEST(Http, FieldsAreTheSharedHeadersWhenThereAreSome) {
  HttpResponse r;
  r.headers = {{"X-Own", "1"}};
  EXPECT_EQ(r.fields(), r.headers);
  r.shared_headers = std::make_shared<const Headers>(Headers{{"X-Shared", "2"}});
  EXPECT_EQ(r.fields(), (Headers{{"X-Shared", "2"}}));
}

TEST(Http, ErrorResponseJson) {
  auto r = make_error_response(
      {404, "InvalidInstanceId.NotFound", "The instance is not found.", "ecs.aliyuncs.com"});
  EXPECT_EQ(r.status, 404);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "application/json;charset=utf-8");
  auto j = nlohmann::ordered_json::parse(r.body);
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"RequestId", "HostId", "Code", "Message", "Recommend"}));
  EXPECT_EQ(j["HostId"], "ecs.aliyuncs.com");
  EXPECT_EQ(j["Code"], "InvalidInstanceId.NotFound");
  EXPECT_EQ(j["Message"], "The instance is not found.");
  std::string rid = j["RequestId"];
  EXPECT_EQ(j["Recommend"],
            "https://api.aliyun.com/troubleshoot?q=InvalidInstanceId.NotFound"
            "&product=ecs&requestId=" +
                rid);
}

TEST(Http, ErrorResponseXml) {
  auto r =
      make_error_response({403, "Forbidden", "a < b & c", "vpc.aliyuncs.com", "see docs"}, true);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.headers[0].second, "text/xml;charset=utf-8");
  EXPECT_TRUE(r.body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>")) << r.body;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(r.body.c_str()));
  auto root = doc.child("Error");
  EXPECT_EQ(std::string(root.child_value("Code")), "Forbidden");
  EXPECT_EQ(std::string(root.child_value("Message")), "a < b & c");
  EXPECT_EQ(std::string(root.child_value("HostId")), "vpc.aliyuncs.com");
  EXPECT_EQ(std::string(root.child_value("Recommend")), "see docs");
  EXPECT_FALSE(std::string(root.child_value("RequestId")).empty());
}

TEST(Http, RequestIdsAreUppercaseUuidV4AndUnique) {
  std::regex uuid("^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = new_request_id();
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Http, AMessageQuotingInvalidUtf8StillGivesValidJson) {
  ApiError e{400, "InvalidParameter", "bad value '\xff\xfe'", "popcheck", ""};
  HttpResponse r = make_error_response(e);
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << r.body;
  EXPECT_EQ(body["Message"], "bad value '\xEF\xBF\xBD\xEF\xBF\xBD'");  // U+FFFD for each bad byte
  // No product is named for a host that is not a cloud endpoint.
  EXPECT_EQ(body["Recommend"].get<std::string>().find("&product="), std::string::npos);
}

TEST(Http, JsonResponseIsUtf8JsonOnOneLineOrIndented) {
  nlohmann::ordered_json body = {{"mode", "replay"}, {"ok", true}};
  HttpResponse flat = json_response(200, body);
  EXPECT_EQ(flat.status, 200);
  ASSERT_EQ(flat.headers.size(), 1u);
  EXPECT_EQ(flat.headers[0], (std::pair<std::string, std::string>{
                                 "Content-Type", "application/json;charset=utf-8"}));
  EXPECT_EQ(flat.body, R"({"mode":"replay","ok":true})");
  EXPECT_EQ(json_response(404, body, 2).body, "{\n  \"mode\": \"replay\",\n  \"ok\": true\n}");
  EXPECT_EQ(json_response(404, body, 2).status, 404);
  // Invalid UTF-8 in a value (a client's text echoed back) is replaced, not thrown on.
  EXPECT_EQ(json_response(200, {{"wanted", "a\xff"}}).body, "{\"wanted\":\"a\xEF\xBF\xBD\"}");
}

}  // namespace
}  // namespace popcheck::net
