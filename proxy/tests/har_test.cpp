#include "proxy/fixtures/har.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/files.hpp"
#include "core/protocol/sign.hpp"
#include "popcheck/version.hpp"
#include "tests/support/files.hpp"

namespace popcheck::proxy {
namespace {

namespace fs = std::filesystem;
using core::ojson;

using test_support::TempDir;

Exchange make_exchange(std::string method, Params params, Headers headers, std::string body,
                       int status, std::string content_type, std::string response_body) {
  Exchange e;
  for (const auto& [k, v] : params) {
    if (k == "Action") e.action = v;
    if (k == "Version") e.provenance.api_version = v;
  }
  e.product = product_for("", e.provenance.api_version);
  e.request.method = std::move(method);
  e.request.path = "/";
  e.request.params = std::move(params);
  e.request.headers = std::move(headers);
  e.request.body = std::move(body);
  e.response.status = status;
  e.response.content_type = std::move(content_type);
  e.response.headers = {{"x-acs-request-id", "5D0E1B3F-0000-4000-8000-000000000001"}};
  e.response.body = std::move(response_body);
  e.provenance.recorded_at = "2026-11-23T16:17:17Z";
  e.provenance.upstream = "http://127.0.0.1:38773";
  e.provenance.duration_ms = 7;
  return e;
}

// One fixture of each shape the proxy records: a pop-core GET, a form POST, an openapi-core V3
// POST (parameters in the query, Action in headers), a JSON request body, an XML error answer
// and a binary answer.
// A fixture as the folder reader gives it: the test files live at their relative path.
FixtureFile at(const std::string& file, Exchange exchange) {
  return FixtureFile{file, file, std::move(exchange)};
}

std::vector<FixtureFile> sample_fixtures() {
  std::vector<FixtureFile> out;
  out.push_back(at("ecs/DescribeRegions/000000-aaaaaaaa.json",
                   make_exchange("GET",
                                 {{"Action", "DescribeRegions"},
                                  {"Format", "JSON"},
                                  {"Version", "2014-05-26"},
                                  {"RegionId", "cn-hangzhou"},
                                  {"Tag.1.Key", "a b&c=d/é"}},
                                 {{"x-acs-action", "DescribeRegions"}}, "", 200,
                                 "application/json;charset=utf-8",
                                 "{\"RequestId\": \"R-1\",  \"Regions\": {\"Region\": [1.50]}}")));
  out.push_back(at("ecs/DetachDisk/000000-bbbbbbbb.json",
                   make_exchange("POST",
                                 {{"Action", "DetachDisk"},
                                  {"DiskId", "d-1"},
                                  {"InstanceId", "i-1"},
                                  {"Format", "JSON"},
                                  {"Version", "2014-05-26"}},
                                 {{"content-type", "application/x-www-form-urlencoded"}}, "", 404,
                                 "application/json;charset=utf-8",
                                 "{\"Code\":\"InvalidDiskId.NotFound\",\"RequestId\":\"R-2\"}")));
  out.push_back(at("vpc/DescribeVpcs/000000-cccccccc.json",
                   make_exchange("POST",
                                 {{"RegionId", "cn-hangzhou"},
                                  {"PageSize", "10"},
                                  {"Action", "DescribeVpcs"},
                                  {"Version", "2016-04-28"}},
                                 {{"x-acs-action", "DescribeVpcs"},
                                  {"x-acs-version", "2016-04-28"},
                                  {"accept", "application/json"}},
                                 "", 200, "application/json;charset=utf-8",
                                 "{\"RequestId\":\"R-3\",\"Vpcs\":{\"Vpc\":[]}}")));
  out.push_back(at(
      "ess/CreateScalingGroup/000000-dddddddd.json",
      make_exchange("POST", {{"Action", "CreateScalingGroup"}, {"Version", "2014-08-28"}},
                    {{"x-acs-action", "CreateScalingGroup"}, {"content-type", "application/json"}},
                    "{\"MinSize\": 1, \"MaxSize\": 3}", 400, "text/xml;charset=utf-8",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
                    "InvalidParameter</Code></Error>")));
  out.push_back(at("ecs/ImportKeyPair/000000-ffffffff.json",
                   make_exchange("POST", {{"Action", "ImportKeyPair"}, {"Version", "2014-05-26"}},
                                 {{"content-type", "application/octet-stream"}},
                                 std::string("\x01\xfe\xff key", 7), 200, "application/json",
                                 "{\"RequestId\":\"R-6\"}")));
  out.push_back(at(
      "ecs/DescribeUserData/000000-eeeeeeee.json",
      make_exchange(
          "GET", {{"Action", "DescribeUserData"}, {"Version", "2014-05-26"}, {"InstanceId", "i-2"}},
          {}, "", 200, "application/octet-stream", std::string("\x00\xff\xfe binary \x80", 12))));
  return out;
}

void expect_string(const ojson& j, const char* name, const std::string& where) {
  ASSERT_TRUE(j.contains(name)) << where << "." << name << " missing";
  EXPECT_TRUE(j[name].is_string()) << where << "." << name << " is not a string";
}
void expect_number(const ojson& j, const char* name, const std::string& where) {
  ASSERT_TRUE(j.contains(name)) << where << "." << name << " missing";
  EXPECT_TRUE(j[name].is_number()) << where << "." << name << " is not a number";
}
void expect_array(const ojson& j, const char* name, const std::string& where) {
  ASSERT_TRUE(j.contains(name)) << where << "." << name << " missing";
  EXPECT_TRUE(j[name].is_array()) << where << "." << name << " is not an array";
}

TEST(HarExport, EveryEntryHasTheFieldsHar12Requires) {
  auto fixtures = sample_fixtures();
  ojson har = fixtures_to_har(fixtures);
  const ojson& log = har["log"];
  EXPECT_EQ(log["version"], "1.2");
  EXPECT_EQ(log["creator"]["name"], "popcheck");
  EXPECT_EQ(log["creator"]["version"], std::string(popcheck::kVersion));
  ASSERT_EQ(log["entries"].size(), fixtures.size());
  for (size_t i = 0; i < fixtures.size(); ++i) {
    const ojson& entry = log["entries"][i];
    std::string at = "entries[" + std::to_string(i) + "]";
    expect_string(entry, "startedDateTime", at);
    EXPECT_EQ(entry["startedDateTime"], "2026-11-23T16:17:17.000Z");
    expect_number(entry, "time", at);
    EXPECT_TRUE(entry["cache"].is_object());
    for (const char* t : {"send", "wait", "receive"}) expect_number(entry["timings"], t, at);
    EXPECT_EQ(entry["time"], entry["timings"]["send"].get<long long>() +
                                 entry["timings"]["wait"].get<long long>() +
                                 entry["timings"]["receive"].get<long long>());
    const ojson& req = entry["request"];
    for (const char* s : {"method", "url", "httpVersion"}) expect_string(req, s, at + ".request");
    for (const char* a : {"cookies", "headers", "queryString"})
      expect_array(req, a, at + ".request");
    EXPECT_EQ(req["headersSize"], -1);
    expect_number(req, "bodySize", at + ".request");
    EXPECT_TRUE(req["url"].get<std::string>().starts_with("http://127.0.0.1:38773/"));
    const ojson& res = entry["response"];
    expect_number(res, "status", at + ".response");
    for (const char* s : {"statusText", "httpVersion", "redirectURL"})
      expect_string(res, s, at + ".response");
    for (const char* a : {"cookies", "headers"}) expect_array(res, a, at + ".response");
    EXPECT_EQ(res["headersSize"], -1);
    EXPECT_EQ(res["bodySize"], fixtures[i].exchange.response.body.size());
    expect_number(res["content"], "size", at + ".response.content");
    expect_string(res["content"], "mimeType", at + ".response.content");
    expect_string(res["content"], "text", at + ".response.content");
    EXPECT_EQ(entry["_popcheck"]["file"], fixtures[i].relative);
  }
  // A GET carries its parameters in the URL and queryString, a form POST in postData.
  const ojson& get = log["entries"][0]["request"];
  EXPECT_FALSE(get.contains("postData"));
  EXPECT_EQ(get["queryString"].size(), 5u);
  EXPECT_NE(get["url"].get<std::string>().find("Tag.1.Key=a%20b%26c%3Dd%2F%C3%A9"),
            std::string::npos);
  const ojson& form = log["entries"][1]["request"];
  EXPECT_EQ(form["url"], "http://127.0.0.1:38773/");
  EXPECT_EQ(form["postData"]["mimeType"], "application/x-www-form-urlencoded");
  EXPECT_EQ(form["postData"]["params"].size(), 5u);
  EXPECT_EQ(form["postData"]["text"],
            "Action=DetachDisk&DiskId=d-1&InstanceId=i-1&Format=JSON&Version=2014-05-26");
  EXPECT_EQ(form["bodySize"], form["postData"]["text"].get<std::string>().size());
  EXPECT_EQ(log["entries"][1]["response"]["statusText"], "Not Found");
  // A V3 POST without a form keeps its parameters in the query.
  EXPECT_FALSE(log["entries"][2]["request"].contains("postData"));
  EXPECT_EQ(log["entries"][3]["request"]["postData"]["text"], "{\"MinSize\": 1, \"MaxSize\": 3}");
  // Bytes that are not UTF-8 travel as base64, as HAR's content.encoding allows.
  const ojson& binary_request = log["entries"][4]["request"];
  EXPECT_EQ(binary_request["postData"]["_encoding"], "base64");
  EXPECT_EQ(binary_request["bodySize"], 7);
  const ojson& binary = log["entries"][5]["response"]["content"];
  EXPECT_EQ(binary["encoding"], "base64");
  EXPECT_EQ(binary["size"], 12);
}

TEST(HarRoundTrip, ImportOfTheExportReplaysIdentically) {
  auto fixtures = sample_fixtures();
  std::string text = fixtures_to_har_text(fixtures);
  HarImport imported = har_to_exchanges(text, "export.har");
  EXPECT_TRUE(imported.errors.empty()) << imported.errors.front().to_string();
  EXPECT_EQ(imported.skipped, 0u);
  ASSERT_EQ(imported.exchanges.size(), fixtures.size());
  for (size_t i = 0; i < fixtures.size(); ++i) {
    const Exchange& before = fixtures[i].exchange;
    const Exchange& after = imported.exchanges[i].exchange;
    SCOPED_TRACE(fixtures[i].relative);
    EXPECT_EQ(imported.exchanges[i].index, i);
    EXPECT_EQ(imported.exchanges[i].key,
              core::match_key(core::match_params(before.request.params)));
    EXPECT_EQ(after.product, before.product);
    EXPECT_EQ(after.action, before.action);
    EXPECT_EQ(after.request.method, before.request.method);
    EXPECT_EQ(after.request.body, before.request.body);
    EXPECT_EQ(after.response.status, before.response.status);
    EXPECT_EQ(after.response.content_type, before.response.content_type);
    EXPECT_EQ(after.response.headers, before.response.headers);
    EXPECT_EQ(after.response.body, before.response.body);
    EXPECT_EQ(after.provenance.recorded_at, before.provenance.recorded_at);
    EXPECT_EQ(after.provenance.upstream, before.provenance.upstream);
    EXPECT_EQ(after.provenance.duration_ms, before.provenance.duration_ms);
    EXPECT_EQ(after.provenance.api_version, before.provenance.api_version);
  }
}

// A capture as Chrome writes it: HTTP/2 pseudo-headers, cookies, a signed V1 GET with credentials
// in the URL, a V3 POST with a JSON body and headers, a base64 body, and the page's own requests.
std::string browser_har() {
  ojson signed_get = {
      {"startedDateTime", "2026-11-23T18:17:17.250+02:00"},
      {"time", 41.6},
      {"request",
       {{"method", "GET"},
        {"url",
         "https://ecs.cn-hangzhou.aliyuncs.com/?AccessKeyId=LTAIbrowserKey4455&Action="
         "DescribeInstances&Format=JSON&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1&"
         "SignatureNonce=abc123&SignatureVersion=1.0&Timestamp=2026-11-23T16%3A17%3A17Z&"
         "Version=2014-05-26&Signature=Zm9vYmFyU2ln%2Bc2ln%3D"},
        {"httpVersion", "http/2.0"},
        {"headers",
         {{{"name", ":authority"}, {"value", "ecs.cn-hangzhou.aliyuncs.com"}},
          {{"name", "cookie"}, {"value", "login_ticket=SESSIONSECRET99"}},
          {{"name", "referer"},
           {"value", "https://console.example/?AccessKeyId=LTAIotherKey7777&x=1"}},
          {{"name", "x-console-note"}, {"value", "see AccessKeyId=LTAIotherKey7777"}},
          {{"name", "sec-fetch-mode"}, {"value", "cors"}},
          {{"name", "accept"}, {"value", "application/json"}}}},
        {"queryString", ojson::array()},
        {"cookies", {{{"name", "login_ticket"}, {"value", "SESSIONSECRET99"}}}},
        {"headersSize", -1},
        {"bodySize", 0}}},
      {"response",
       {{"status", 200},
        {"statusText", ""},
        {"headers",
         {{{"name", "content-type"}, {"value", "application/json;charset=utf-8"}},
          {{"name", "content-encoding"}, {"value", "gzip"}},
          {{"name", "set-cookie"}, {"value", "a=b"}}}},
        {"content",
         {{"size", 46},
          {"mimeType", "application/json"},
          // {"RequestId":"R-9","Echo":"LTAIbrowserKey4455"}
          {"text", "eyJSZXF1ZXN0SWQiOiJSLTkiLCJFY2hvIjoiTFRBSWJyb3dzZXJLZXk0NDU1In0="},
          {"encoding", "base64"}}}}},
      {"cache", ojson::object()},
      {"timings", {{"send", 1}, {"wait", 40}, {"receive", 0.6}}}};
  ojson v3_post = {
      {"startedDateTime", "2026-11-23T16:17:18Z"},
      {"request",
       {{"method", "POST"},
        {"url", "https://vpc.aliyuncs.com/?RegionId=cn-hangzhou"},
        {"headers",
         {{{"name", "x-acs-action"}, {"value", "CreateVpc"}},
          {{"name", "x-acs-version"}, {"value", "2016-04-28"}},
          {{"name", "x-acs-security-token"}, {"value", "STS.tokenValue5566"}},
          {{"name", "Authorization"},
           {"value",
            "ACS3-HMAC-SHA256 Credential=LTAIv3Key8899,SignedHeaders=host;x-acs-action,"
            "Signature=0123456789abcdef0123456789abcdef"}},
          {{"name", "Content-Type"}, {"value", "application/json"}}}},
        {"postData",
         {{"mimeType", "application/json"},
          {"text", "{\"CidrBlock\":\"10.0.0.0/8\",\"Token\":\"STS.tokenValue5566\"}"}}}}},
      {"response",
       {{"status", 200},
        {"content",
         {{"mimeType", "application/json"},
          {"text", "{\"RequestId\":\"R-10\",\"VpcId\":\"vpc-1\"}"}}}}}};
  ojson form_params_only = {
      {"request",
       {{"method", "POST"},
        {"url", "http://127.0.0.1:9000/"},
        {"postData",
         {{"mimeType", "application/x-www-form-urlencoded; charset=UTF-8"},
          {"params",
           {{{"name", "Action"}, {"value", "StartInstance"}},
            {{"name", "InstanceId"}, {"value", "i-9 x"}},
            {{"name", "Version"}, {"value", "2014-05-26"}}}}}}}},
      {"response", {{"status", 403}, {"content", {{"text", "{\"Code\":\"Forbidden\"}"}}}}}};
  ojson query_string_only = {{"request",
                              {{"method", "GET"},
                               {"url", "https://ess.aliyuncs.com/"},
                               {"queryString",
                                {{{"name", "Action"}, {"value", "DescribeScalingGroups"}},
                                 {{"name", "Version"}, {"value", "2014-08-28"}}}}}},
                             {"response", {{"status", "200"}, {"content", {{"text", "<R/>"}}}}}};
  ojson page = {{"request", {{"method", "GET"}, {"url", "https://console.example/app.js"}}},
                {"response", {{"status", 200}}}};
  ojson data_url = {{"request", {{"method", "GET"}, {"url", "data:image/png;base64,AAAA"}}},
                    {"response", {{"status", 200}}}};
  ojson har = {
      {"log",
       {{"version", "1.2"},
        {"creator", {{"name", "WebInspector"}, {"version", "537.36"}}},
        {"entries", {page, signed_get, v3_post, data_url, form_params_only, query_string_only}}}}};
  return har.dump();
}

TEST(HarImport, BrowserCaptureBecomesFixturesWithoutCredentials) {
  HarImport imported = har_to_exchanges(browser_har(), "chrome.har");
  EXPECT_TRUE(imported.errors.empty()) << imported.errors.front().to_string();
  EXPECT_EQ(imported.entries, 6u);
  EXPECT_EQ(imported.skipped, 2u);  // the page's script and the data: URL
  ASSERT_EQ(imported.exchanges.size(), 4u);

  const Exchange& get = imported.exchanges[0].exchange;
  EXPECT_EQ(imported.exchanges[0].index, 1u);
  EXPECT_EQ(get.product, "ecs");
  EXPECT_EQ(get.action, "DescribeInstances");
  EXPECT_EQ(get.provenance.recorded_at, "2026-11-23T16:17:17.250Z");
  EXPECT_EQ(get.provenance.upstream, "https://ecs.cn-hangzhou.aliyuncs.com");
  EXPECT_EQ(get.provenance.api_version, "2014-05-26");
  EXPECT_EQ(get.provenance.duration_ms, 42);
  EXPECT_EQ(get.response.content_type, "application/json;charset=utf-8");
  EXPECT_EQ(get.response.body, "{\"RequestId\":\"R-9\",\"Echo\":\"REDACTED\"}");
  for (const auto& [k, v] : get.response.headers) {
    EXPECT_NE(k, "content-encoding") << "HAR bodies are decoded";
    EXPECT_NE(k, "set-cookie");
  }
  for (const auto& [k, v] : get.request.params) EXPECT_FALSE(is_credential_param(k)) << k;
  // Pseudo-headers, cookies and the page's headers are gone; the rest stays, masked where needed.
  Headers expected_headers = {{"x-console-note", "see AccessKeyId=REDACTED"},
                              {"accept", "application/json"}};
  EXPECT_EQ(get.request.headers, expected_headers);
  Params expected_params = {{"Action", "DescribeInstances"}, {"Format", "JSON"},
                            {"RegionId", "cn-hangzhou"},     {"SignatureMethod", "HMAC-SHA1"},
                            {"SignatureVersion", "1.0"},     {"Version", "2014-05-26"}};
  EXPECT_EQ(get.request.params, expected_params);

  const Exchange& v3 = imported.exchanges[1].exchange;
  EXPECT_EQ(v3.product, "vpc");
  EXPECT_EQ(v3.action, "CreateVpc");
  EXPECT_EQ(v3.request.body, "{\"CidrBlock\":\"10.0.0.0/8\",\"Token\":\"REDACTED\"}");
  EXPECT_EQ(core::header_value(v3.request.headers, "x-acs-action"), "CreateVpc");
  EXPECT_EQ(core::header_value(v3.request.headers, "authorization"), "");
  EXPECT_EQ(v3.provenance.duration_ms, 0);  // no "time": tolerated

  const Exchange& form = imported.exchanges[2].exchange;
  EXPECT_EQ(form.product, "ecs");  // a loopback upstream: known from the version
  EXPECT_EQ(form.response.status, 403);
  EXPECT_EQ(form.request.body, "");  // a form's fields are parameters
  EXPECT_EQ(core::match_params(form.request.params).at("InstanceId"), "i-9 x");

  const Exchange& listed = imported.exchanges[3].exchange;
  EXPECT_EQ(listed.action, "DescribeScalingGroups");
  EXPECT_EQ(listed.product, "ess");
  EXPECT_EQ(listed.provenance.recorded_at, "");

  for (const auto& x : imported.exchanges) {
    std::string text = exchange_to_text(x.exchange);
    for (const char* secret :
         {"LTAIbrowserKey4455", "LTAIotherKey7777", "Zm9vYmFyU2ln", "STS.tokenValue5566",
          "LTAIv3Key8899", "0123456789abcdef0123456789abcdef", "SESSIONSECRET99", "abc123"})
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in\n" << text;
  }
}

TEST(HarImport, SignaturesQuotedInAnErrorMessageAreScrubbed) {
  // The cloud's SignatureDoesNotMatch quotes the string to sign: the key id encoded twice.
  std::string key = "LTAIquoted+Key/42";
  std::string once = core::percent_encode(key);
  ojson entry = {
      {"request",
       {{"method", "GET"},
        {"url", "https://ecs.aliyuncs.com/?Action=DescribeRegions&AccessKeyId=" + once}}},
      {"response",
       {{"status", 400},
        {"content",
         {{"text", "{\"Message\":\"server string to sign is:GET&%2F&AccessKeyId%3D" +
                       core::percent_encode(once) + "\",\"Key\":\"" + key +
                       "\",\"AccessKeySecret\":\"s3cr3tValue\"}"}}}}}};
  HarImport imported =
      har_to_exchanges(ojson{{"log", {{"entries", {entry}}}}}.dump(), "signature.har");
  ASSERT_EQ(imported.exchanges.size(), 1u);
  const std::string& body = imported.exchanges[0].exchange.response.body;
  EXPECT_EQ(body.find("LTAIquoted"), std::string::npos) << body;
  EXPECT_EQ(body.find("s3cr3tValue"), std::string::npos) << body;
  EXPECT_NE(body.find("server string to sign is"), std::string::npos) << body;
}

TEST(HarImport, MalformedEntriesAreNamedAndTheRestImport) {
  ojson good = {{"request", {{"method", "GET"}, {"url", "http://h/?Action=A&Version=1"}}},
                {"response", {{"status", 200}}}};
  ojson no_status = {{"request", {{"url", "http://h/?Action=B"}}}, {"response", ojson::object()}};
  ojson no_url = {{"request", {{"method", "GET"}}}, {"response", {{"status", 200}}}};
  ojson bad_base64 = {
      {"request", {{"url", "http://h/?Action=C"}}},
      {"response", {{"status", 200}, {"content", {{"text", "@@@"}, {"encoding", "base64"}}}}}};
  ojson failed = {{"request", {{"url", "http://h/?Action=D"}}},
                  {"response", {{"status", 0}, {"_error", "net::ERR_CONNECTION_RESET"}}}};
  ojson bad_header = {{"request", {{"url", "http://h/?Action=E"}, {"headers", {{{"value", "x"}}}}}},
                      {"response", {{"status", 200}}}};
  ojson relative = {{"request", {{"url", "/?Action=F"}}}, {"response", {{"status", 200}}}};
  ojson word_status = {{"request", {{"url", "http://h/?Action=G"}}},
                       {"response", {{"status", "OK"}}}};
  // %BE decodes to a byte that is no UTF-8: a fixture's parameters are JSON text.
  ojson not_utf8 = {{"request", {{"url", "http://h/?Action=Descr%BEibe&Version=1"}}},
                    {"response", {{"status", 200}}}};
  ojson har = {{"log",
                {{"entries",
                  {good, no_status, no_url, bad_base64, 7, failed, bad_header, good, relative,
                   word_status, not_utf8}}}}};
  HarImport imported = har_to_exchanges(har.dump(), "broken.har");
  ASSERT_EQ(imported.exchanges.size(), 2u);
  EXPECT_EQ(imported.exchanges[0].index, 0u);
  EXPECT_EQ(imported.exchanges[1].index, 7u);
  std::vector<std::string> messages;
  for (const auto& e : imported.errors) {
    EXPECT_EQ(e.file, "broken.har");
    messages.push_back(e.message);
  }
  ASSERT_EQ(messages.size(), 9u);
  EXPECT_EQ(messages[0], "entries[1].response.status: missing");
  EXPECT_EQ(messages[1], "entries[2].request.url: missing");
  EXPECT_EQ(messages[2], "entries[3].response.content.text: not valid base64");
  EXPECT_EQ(messages[3], "entries[4]: not an object");
  EXPECT_TRUE(messages[4].starts_with(
      "entries[5].response.status: 0: no response was received (net::ERR_CONNECTION_RESET)"))
      << messages[4];
  EXPECT_EQ(messages[5], "entries[6].request.headers[0].name: missing");
  EXPECT_TRUE(messages[6].starts_with("entries[8].request.url: not an absolute URL"))
      << messages[6];
  EXPECT_EQ(messages[7], "entries[9].response.status: not a number: \"OK\"");
  EXPECT_EQ(messages[8],
            "entries[10].request: parameter 'Action' is not UTF-8 once percent-decoded, so no "
            "fixture can hold it");
}

TEST(HarImport, ADocumentThatIsNotHarIsOneError) {
  // 1e999 overflows a double: nlohmann throws out_of_range rather than parse_error (found by fuzzing).
  for (std::string text : {"{not json", "{\"log\": {}}", "[1, 2]", "{\"log\": {\"entries\": 3}}",
                           "{\"log\": 1e999}"}) {
    HarImport imported = har_to_exchanges(text, "x.har");
    ASSERT_EQ(imported.errors.size(), 1u) << text;
    EXPECT_EQ(imported.errors[0].file, "x.har");
    EXPECT_TRUE(imported.exchanges.empty());
  }
  // User information in a URL is neither the host nor kept.
  HarImport userinfo = har_to_exchanges(
      R"({"log": {"entries": [{"request": {"url":
          "https://admin:hunter2pass@ecs.aliyuncs.com/?Action=DescribeRegions"},
          "response": {"status": 200}}]}})",
      "u.har");
  ASSERT_EQ(userinfo.exchanges.size(), 1u);
  EXPECT_EQ(userinfo.exchanges[0].exchange.provenance.upstream, "https://ecs.aliyuncs.com");
  EXPECT_EQ(userinfo.exchanges[0].exchange.product, "ecs");
  EXPECT_EQ(exchange_to_text(userinfo.exchanges[0].exchange).find("hunter2"), std::string::npos);
  // Compressed captures are recognised and the message says what to do.
  HarImport zhar = har_to_exchanges(std::string("\x78\x9c\xab\x56", 4), "c.zhar");
  ASSERT_EQ(zhar.errors.size(), 1u);
  EXPECT_TRUE(zhar.errors[0].message.starts_with("zlib-compressed")) << zhar.errors[0].message;
  HarImport gz = har_to_exchanges(std::string("\x1f\x8b\x08\x00", 4), "c.har.gz");
  ASSERT_EQ(gz.errors.size(), 1u);
  EXPECT_EQ(gz.errors[0].message, "gzip-compressed: gunzip it first");
  // A byte order mark before the JSON is tolerated.
  HarImport bom = har_to_exchanges("\xEF\xBB\xBF{\"log\":{\"entries\":[]}}", "bom.har");
  EXPECT_TRUE(bom.errors.empty());
}

// Issue 19, item 2: import-har crashed on deep input. A deep HAR document is one error naming the
// file; an entry whose response text is a deep JSON body imports, the body kept as text.
TEST(HarImport, DeepInputIsRefusedByNameOrKeptAsText) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  HarImport refused =
      har_to_exchanges(R"({"log": {"entries": [], "x": )" + deep + "}}", "deep.har");
  ASSERT_EQ(refused.errors.size(), 1u);
  EXPECT_EQ(refused.errors[0].file, "deep.har");
  EXPECT_EQ(refused.errors[0].code, "json.too_deep");
  EXPECT_TRUE(refused.exchanges.empty());

  ojson entry = {
      {"request", {{"method", "GET"}, {"url", "https://ecs.aliyuncs.com/?Action=Deep"}}},
      {"response",
       {{"status", 200}, {"content", {{"mimeType", "application/json"}, {"text", deep}}}}}};
  HarImport text = har_to_exchanges(ojson{{"log", {{"entries", {entry}}}}}.dump(), "text.har");
  ASSERT_TRUE(text.errors.empty()) << text.errors[0].to_string();
  ASSERT_EQ(text.exchanges.size(), 1u);
  std::string fixture = exchange_to_text(text.exchanges[0].exchange);
  auto back = exchange_from_text(fixture, "f.json");
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->response.body, deep);
}

TEST(HarImport, RedactPathsApplyToResponses) {
  ojson entry = {
      {"request", {{"url", "https://sts.aliyuncs.com/?Action=AssumeRole&Version=2015-04-01"}}},
      {"response",
       {{"status", 200},
        {"content",
         {{"text",
           "{\"Credentials\":{\"Expiration\":\"x\",\"Password\":\"p4ssw0rd\"},\"RequestId\":"
           "\"R\"}"}}}}}};
  HarImportOptions options;
  options.redact_paths = {"Credentials.*"};
  HarImport imported =
      har_to_exchanges(ojson{{"log", {{"entries", {entry}}}}}.dump(), "sts.har", options);
  ASSERT_EQ(imported.exchanges.size(), 1u);
  EXPECT_EQ(imported.exchanges[0].exchange.response.body,
            "{\"Credentials\":{},\"RequestId\":\"R\"}");
  EXPECT_EQ(imported.exchanges[0].exchange.product, "sts");
}

TEST(HarTime, StartedDateTimeBecomesUtcSeconds) {
  EXPECT_EQ(utc_millis("2026-11-23T16:17:17Z"), "2026-11-23T16:17:17.000Z");
  EXPECT_EQ(utc_millis("2026-11-23T16:17:17.1239Z"), "2026-11-23T16:17:17.123Z");
  EXPECT_EQ(utc_millis("2009-07-24T19:20:30.45+01:00"), "2009-07-24T18:20:30.450Z");
  EXPECT_EQ(utc_millis("2026-01-01T02:00:00.000+0800"), "2025-12-31T18:00:00.000Z");
  EXPECT_EQ(utc_millis("2026-12-31T23:30:00-01:00"), "2027-01-01T00:30:00.000Z");
  EXPECT_EQ(utc_millis("2024-02-29T10:00:00"), "2024-02-29T10:00:00.000Z");
  EXPECT_EQ(utc_millis(""), "");
  EXPECT_EQ(utc_millis("yesterday"), "");
  EXPECT_EQ(utc_millis("2026-02-30T10:00:00Z"), "");
  EXPECT_EQ(utc_millis("2026-11-23T16:17:17Zjunk"), "");
  // Outside the system clock's range (about 1677 to 2262): refused, not overflowed.
  EXPECT_EQ(utc_millis("9999-12-31T23:59:59.999Z"), "");
  EXPECT_EQ(utc_millis("0001-01-01T00:00:00Z"), "");
  EXPECT_EQ(utc_millis("2261-12-31T23:59:59Z"), "2261-12-31T23:59:59.000Z");
  EXPECT_EQ(utc_millis("1700-01-01T00:00:00Z"), "1700-01-01T00:00:00.000Z");
}

TEST(HarFiles, ExportReadsAFolderInRecordedOrderAndImportNumbersAfterExisting) {
  TempDir dir;
  FixtureStore store(dir.str(), {});
  auto fixtures = sample_fixtures();
  // Recorded in reverse order of the samples, one second apart.
  std::vector<std::string> order;
  for (size_t n = 0; n < fixtures.size(); ++n) {
    Exchange e = fixtures[fixtures.size() - 1 - n].exchange;
    e.provenance.recorded_at = "2026-11-23T16:17:1" + std::to_string(n) + "Z";
    order.push_back(e.action);
    ASSERT_TRUE(store.record(e, core::match_key(core::match_params(e.request.params))));
  }
  // A second recording of the first call, in the same second as the last one.
  Exchange again = fixtures.back().exchange;
  again.provenance.recorded_at = "2026-11-23T16:17:1" + std::to_string(fixtures.size() - 1) + "Z";
  ASSERT_TRUE(store.record(again, core::match_key(core::match_params(again.request.params))));
  order.push_back(again.action);
  // Neither a temporary file nor a corrupt one is a fixture; the corrupt one is reported.
  ASSERT_TRUE(core::write_file_atomic((dir.path() / "ecs" / ".tmp-1.json").string(), "{"));
  ASSERT_TRUE(core::write_file_atomic((dir.path() / "ecs" / "broken.json").string(), "{"));

  FixtureListing listing = read_fixture_folder(dir.str());
  ASSERT_EQ(listing.errors.size(), 1u);
  EXPECT_NE(listing.errors[0].file.find("broken.json"), std::string::npos);
  ASSERT_EQ(listing.fixtures.size(), order.size());
  for (size_t i = 0; i < order.size(); ++i)
    EXPECT_EQ(listing.fixtures[i].exchange.action, order[i]);
  EXPECT_TRUE(listing.fixtures.back().relative.starts_with("ecs/DescribeUserData/000001-"))
      << listing.fixtures.back().relative;

  // Importing the export into the same folder adds new files after the existing numbers.
  HarImport imported = har_to_exchanges(fixtures_to_har_text(listing.fixtures), "e.har");
  FixtureStore target(dir.str(), {});
  EXPECT_EQ(record_import(target, imported, "e.har"), order.size());
  EXPECT_TRUE(imported.errors.empty());
  EXPECT_TRUE(fs::exists(dir.path() / "ecs" / "DescribeUserData" /
                         ("000003-" + short_hash(imported.exchanges.back().key) + ".json")));
  FixtureStore reloaded(dir.str(), {});
  EXPECT_EQ(reloaded.load().loaded, 2 * order.size());

  EXPECT_EQ(read_fixture_folder((dir.path() / "missing").string()).errors.at(0).code,
            "fixture.folder");
}

TEST(HarFiles, AFailedWriteIsNamedAndTheOthersAreWritten) {
  TempDir dir;
  auto fixtures = sample_fixtures();
  HarImport imported = har_to_exchanges(fixtures_to_har_text(fixtures), "w.har");
  ASSERT_EQ(imported.exchanges.size(), fixtures.size());
  // A file where the vpc product folder should be makes that one write fail.
  ASSERT_TRUE(core::write_file_atomic((dir.path() / "vpc").string(), "not a folder"));
  FixtureStore store(dir.str(), {});
  EXPECT_EQ(record_import(store, imported, "w.har"), fixtures.size() - 1);
  ASSERT_EQ(imported.errors.size(), 1u);
  EXPECT_TRUE(imported.errors[0].message.starts_with("entries[2]: the fixture could not be"))
      << imported.errors[0].message;
}

}  // namespace
}  // namespace popcheck::proxy
