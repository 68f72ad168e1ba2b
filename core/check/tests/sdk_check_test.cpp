// The SDK checks: answers shaped like the ones the real SDKs give (docs/protocol.md 4.2) against
// success and error cases; each deviation is reported by its own check in the SDK's terms.
#include "core/check/sdk_check.hpp"

#include <gtest/gtest.h>

namespace popcheck::core {
namespace {

using json = nlohmann::json;

core::Contract contract() {
  core::Contract c;
  c.product = "Ess";
  c.action = "RemoveInstances";
  c.examples.json =
      core::ExampleBlock{"json", R"({"ScalingActivityId":"asa-1","RequestId":"R"})", true};
  return c;
}

core::Case success_case(std::string format = "JSON") {
  core::Case c;
  c.id = "Ess.RemoveInstances.example";
  c.action = "RemoveInstances";
  c.request.format = std::move(format);
  c.expect.status = 200;
  c.expect.shape = core::Shape::example;
  return c;
}

core::Case error_case(std::string format = "JSON") {
  core::Case c = success_case(std::move(format));
  c.expect.status = 404;
  c.expect.code = "InvalidScalingGroupId.NotFound";
  c.expect.message = "The specified scaling group (%s) does not exist.";
  c.expect.shape = core::Shape::error;
  return c;
}

// An adapter line as docs/adapters.md defines it.
SdkAnswer answer(const json& line) {
  auto a = sdk_answer_from_json(line);
  EXPECT_TRUE(a) << a.error().to_string();
  return a ? *a : SdkAnswer{};
}

json success_line(json body, int status = 200) {
  return {
      {"id", "x"},
      {"outcome", "success"},
      {"body", std::move(body)},
      {"http",
       {{"status", status}, {"headers", {{"content-type", "application/json;charset=utf-8"}}}}}};
}

// The error openapi-core throws for a JSON 404 (ClientError with the parsed body as data).
json openapi_error_line(std::string code = "InvalidScalingGroupId.NotFound", int status = 404,
                        std::string request_id = "RID") {
  json data = {{"RequestId", request_id},
               {"Code", code},
               {"Message", "The specified scaling group (asg-1) does not exist."}};
  return {{"id", "x"},
          {"outcome", "error"},
          {"body", nullptr},
          {"error",
           {{"name", "ClientError"},
            {"code", code},
            {"message",
             code + ": code: " + std::to_string(status) +
                 ", The specified scaling group (asg-1) does not exist. request id: " + request_id},
            {"request_id", request_id.empty() ? json() : json(request_id)},
            {"status", status},
            {"data", data}}},
          {"http", {{"status", status}, {"headers", nullptr}}}};
}

json syntax_error_line() {
  return {{"id", "x"},
          {"outcome", "error"},
          {"error",
           {{"name", "SyntaxError"},
            {"code", nullptr},
            {"message", "Unexpected '<'"},
            {"request_id", nullptr},
            {"status", nullptr},
            {"data", nullptr}}}};
}

std::vector<std::string> failed(const std::vector<CheckResult>& checks) {
  std::vector<std::string> out;
  for (const auto& c : checks)
    if (!c.passed) out.push_back(c.check);
  return out;
}

const CheckResult* find(const std::vector<CheckResult>& checks, const std::string& name) {
  for (const auto& c : checks)
    if (c.check == name) return &c;
  return nullptr;
}

TEST(SdkCheck, ConformingSuccessAndErrorPass) {
  auto ok = check_sdk(success_case(), contract(),
                      answer(success_line({{"ScalingActivityId", "asa-9"}, {"RequestId", "R1"}})));
  EXPECT_TRUE(failed(ok).empty());
  for (const char* name : {"sdk-outcome", "sdk-status", "sdk-request-id", "sdk-shape"})
    EXPECT_TRUE(find(ok, name)) << name;

  auto err = check_sdk(error_case(), contract(), answer(openapi_error_line()));
  EXPECT_TRUE(failed(err).empty());
  for (const char* name :
       {"sdk-outcome", "sdk-status", "sdk-code", "sdk-message", "sdk-request-id"})
    EXPECT_TRUE(find(err, name)) << name;
  EXPECT_FALSE(find(err, "sdk-shape"));
}

TEST(SdkCheck, SuccessForAnErrorResponse) {
  // pop-core resolves a 403 whose body has no Code (it never looks at the status).
  auto r = check_sdk(error_case(), contract(), answer(success_line({{"RequestId", "R"}}, 403)));
  const CheckResult* o = find(r, "sdk-outcome");
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->passed);
  EXPECT_EQ(o->actual, "SDK returned success for an HTTP 403 response");
  // The exposed 403 is also not the documented 404; the body checks are not repeated.
  EXPECT_EQ(failed(r), (std::vector<std::string>{"sdk-outcome", "sdk-status"}));
}

TEST(SdkCheck, ParseFailuresNameTheFormatAndTheSide) {
  auto s = check_sdk(success_case("XML"), contract(), answer(syntax_error_line()));
  EXPECT_EQ(failed(s), (std::vector<std::string>{"sdk-outcome"}));
  EXPECT_EQ(find(s, "sdk-outcome")->actual,
            "SDK failed to parse the XML success body: SyntaxError: Unexpected '<'");
  auto e = check_sdk(error_case("XML"), contract(), answer(syntax_error_line()));
  EXPECT_EQ(failed(e), (std::vector<std::string>{"sdk-outcome"}));
  EXPECT_EQ(find(e, "sdk-outcome")->actual,
            "SDK failed to parse the XML error body: SyntaxError: Unexpected '<'");
}

TEST(SdkCheck, ThrowingOnASuccessSaysWhatWasThrown) {
  // pop-core rejects a 200 whose body carries a business Code.
  json line = openapi_error_line("SomeBizError", 200);
  line["error"]["name"] = "SomeBizErrorError";
  auto r = check_sdk(success_case(), contract(), answer(line));
  EXPECT_EQ(failed(r), (std::vector<std::string>{"sdk-outcome"}));
  EXPECT_NE(
      find(r, "sdk-outcome")->actual.find("SDK threw for an HTTP 200 response: SomeBizErrorError"),
      std::string::npos);
}

TEST(SdkCheck, EachErrorDeviationHasItsOwnCheck) {
  auto code = check_sdk(error_case(), contract(), answer(openapi_error_line("Other.Code")));
  EXPECT_EQ(failed(code), (std::vector<std::string>{"sdk-code"}));

  json no_code = openapi_error_line();
  no_code["error"]["code"] = nullptr;
  auto nc = check_sdk(error_case(), contract(), answer(no_code));
  EXPECT_EQ(failed(nc), (std::vector<std::string>{"sdk-code"}));
  EXPECT_EQ(find(nc, "sdk-code")->actual, "SDK did not surface the error Code");

  // openapi-core's code for a body without Code is the text "undefined".
  json undef = openapi_error_line("undefined");
  auto u = check_sdk(error_case(), contract(), answer(undef));
  EXPECT_EQ(failed(u), (std::vector<std::string>{"sdk-code"}));
  EXPECT_EQ(find(u, "sdk-code")->actual, "SDK surfaced the text \"undefined\" as the error Code");
  core::Case negative = error_case();
  negative.expect.code.reset();
  negative.expect.message.reset();
  EXPECT_EQ(failed(check_sdk(negative, contract(), answer(undef))),
            (std::vector<std::string>{"sdk-code"}));
  EXPECT_TRUE(failed(check_sdk(negative, contract(), answer(openapi_error_line()))).empty());

  json msg = openapi_error_line();
  msg["error"]["message"] = "InvalidScalingGroupId.NotFound: code: 404, Something else";
  auto m = check_sdk(error_case(), contract(), answer(msg));
  EXPECT_EQ(failed(m), (std::vector<std::string>{"sdk-message"}));

  // pop-core's RequestId lives only in the body it attaches: accepted from there.
  json from_data = openapi_error_line();
  from_data["error"]["request_id"] = nullptr;
  EXPECT_TRUE(failed(check_sdk(error_case(), contract(), answer(from_data))).empty());
  json none = openapi_error_line("InvalidScalingGroupId.NotFound", 404, "");
  none["error"]["data"].erase("RequestId");
  auto n = check_sdk(error_case(), contract(), answer(none));
  EXPECT_EQ(failed(n), (std::vector<std::string>{"sdk-request-id"}));
  EXPECT_EQ(find(n, "sdk-request-id")->actual, "SDK did not surface the RequestId");

  json status = openapi_error_line("InvalidScalingGroupId.NotFound", 400);
  EXPECT_EQ(failed(check_sdk(error_case(), contract(), answer(status))),
            (std::vector<std::string>{"sdk-status"}));
}

TEST(SdkCheck, ShapeOfTheReturnedBody) {
  // openapi-core casts the body into its typed model and drops keys it does not know.
  auto r = check_sdk(success_case(), contract(), answer(success_line({{"RequestId", "R"}})));
  EXPECT_EQ(failed(r), (std::vector<std::string>{"sdk-shape"}));
  EXPECT_EQ(find(r, "sdk-shape")->path, "ScalingActivityId");
  auto no_rid =
      check_sdk(success_case(), contract(), answer(success_line({{"ScalingActivityId", "a"}})));
  EXPECT_EQ(failed(no_rid), (std::vector<std::string>{"sdk-request-id"}));
  // An XML case whose body the SDK did parse is judged by the same (JSON) shape rules.
  auto xml = check_sdk(success_case("XML"), contract(),
                       answer(success_line({{"ScalingActivityId", "a"}, {"RequestId", "R"}})));
  EXPECT_TRUE(failed(xml).empty());
}

TEST(SdkCheck, NoStatusCheckWhenTheSdkExposesNone) {
  json line = syntax_error_line();
  auto r = check_sdk(success_case(), contract(), answer(line));
  EXPECT_FALSE(find(r, "sdk-status"));
}

TEST(SdkCheck, AnAnswerWithNeitherBodyNorErrorFailsEitherWay) {
  // An adapter line always has one (sdk_answer_from_json), but an SdkAnswer built in code may not.
  SdkAnswer nothing;
  for (const core::Case& c : {success_case(), error_case()}) {
    auto r = check_sdk(c, contract(), nothing);
    const CheckResult* o = find(r, "sdk-outcome");
    ASSERT_TRUE(o);
    EXPECT_FALSE(o->passed);
    EXPECT_EQ(o->actual, "SDK returned neither a body nor an error");
  }
}

TEST(SdkAnswerFromJson, MalformedLinesAreClearErrors) {
  auto missing = sdk_answer_from_json(json{{"id", "x"}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "sdk.malformed");
  EXPECT_NE(missing.error().message.find("outcome"), std::string::npos);
  auto weird = sdk_answer_from_json(json{{"id", "x"}, {"outcome", "maybe"}});
  ASSERT_FALSE(weird);
  EXPECT_NE(weird.error().message.find("maybe"), std::string::npos);
  auto no_error = sdk_answer_from_json(json{{"id", "x"}, {"outcome", "error"}});
  ASSERT_FALSE(no_error);
  EXPECT_NE(no_error.error().message.find("\"error\" object"), std::string::npos);
  auto bad_status = sdk_answer_from_json(
      json{{"id", "x"}, {"outcome", "success"}, {"http", {{"status", "teapot"}}}});
  ASSERT_FALSE(bad_status);
  EXPECT_NE(bad_status.error().message.find("http.status"), std::string::npos);
  auto adapter = sdk_answer_from_json(json{
      {"id", "x"}, {"outcome", "adapter-error"}, {"message", "option method must be GET or POST"}});
  ASSERT_FALSE(adapter);
  EXPECT_EQ(adapter.error().code, "sdk.adapter");
  EXPECT_NE(adapter.error().message.find("GET or POST"), std::string::npos);
}

}  // namespace
}  // namespace popcheck::core
