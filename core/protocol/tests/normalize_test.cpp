// Request normalisation: the four shapes in which SDKs send one call (docs/protocol.md section
// 4.4) reduce to the same match parameters.
#include "core/protocol/normalize.hpp"

#include <gtest/gtest.h>

#include "core/protocol/sign.hpp"
#include "core/protocol/tests/capture.hpp"

namespace popcheck::core {
namespace {

using testing::parse_capture;

TEST(HeaderValue, CaseInsensitiveFirstMatchEmptyWhenAbsent) {
  const Headers h = {{"Content-Type", "a"}, {"x-acs-action", "B"}, {"content-type", "c"}};
  EXPECT_EQ(header_value(h, "content-type"), "a");
  EXPECT_EQ(header_value(h, "CONTENT-TYPE"), "a");
  EXPECT_EQ(header_value(h, "X-Acs-Action"), "B");
  EXPECT_EQ(header_value(h, "x-acs-version"), "");
  EXPECT_EQ(header_value({}, "host"), "");
}

TEST(FindParam, FirstOfTheExactNameOrNothing) {
  Params ps = {{"Action", "A"}, {"Tag.1.Key", "k"}, {"Action", "B"}, {"Empty", ""}};
  ASSERT_NE(find_param(ps, "Action"), nullptr);
  EXPECT_EQ(*find_param(ps, "Action"), "A");     // a repeated name: the first
  EXPECT_EQ(find_param(ps, "action"), nullptr);  // names compare exactly
  EXPECT_EQ(find_param(ps, "Tag.N.Key"), nullptr);
  ASSERT_NE(find_param(ps, "Empty"), nullptr);  // present, empty
  EXPECT_EQ(first_value(ps, "Empty"), "");
  EXPECT_EQ(first_value(ps, "Missing"), "");
  EXPECT_EQ(first_value(ps, "Tag.1.Key"), "k");
  // The mutable overload points into the list.
  *find_param(ps, "Tag.1.Key") = "changed";
  EXPECT_EQ(ps[1].second, "changed");
}

TEST(ParseQueryString, SplitsDecodesKeepsOrderAndDuplicates) {
  const Params p = parse_query_string("b=2&a=%2A+x&&flag&b=3&e=&k%20y=v=w");
  const Params expected = {{"b", "2"}, {"a", "* x"}, {"flag", ""},
                           {"b", "3"}, {"e", ""},    {"k y", "v=w"}};
  EXPECT_EQ(p, expected);
  EXPECT_TRUE(parse_query_string("").empty());
  EXPECT_TRUE(parse_query_string("&&").empty());
}

TEST(FormContentType, AnyCaseAnyParameters) {
  EXPECT_TRUE(is_form_content_type("application/x-www-form-urlencoded"));
  EXPECT_TRUE(is_form_content_type("application/x-www-form-urlencoded; charset=UTF-8"));
  EXPECT_TRUE(is_form_content_type("Application/X-WWW-Form-Urlencoded;charset=utf-8"));
  EXPECT_FALSE(is_form_content_type("application/json"));
  EXPECT_FALSE(is_form_content_type("application/x-www-form-urlencodedx"));
  EXPECT_FALSE(is_form_content_type(""));
}

TEST(MergeParams, QueryThenFormThenHeaders) {
  const Headers h = {{"Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"},
                     {"x-acs-action", "FromHeader"},
                     {"x-acs-version", "2016-04-28"}};
  const HttpRequestView r{"POST", "/?Action=FromQuery&A=1", &h, "B=2&A=3"};
  const Params expected = {
      {"Action", "FromQuery"}, {"A", "1"}, {"B", "2"}, {"A", "3"}, {"Version", "2016-04-28"}};
  EXPECT_EQ(merge_params(r), expected);
}

TEST(MergeParams, BodyIgnoredUnlessForm) {
  const Headers json = {{"content-type", "application/json"}};
  EXPECT_TRUE(merge_params({"POST", "/", &json, "A=1"}).empty());
  const Headers none;
  EXPECT_TRUE(merge_params({"POST", "/", &none, "A=1"}).empty());
  EXPECT_TRUE(merge_params({"POST", "/", nullptr, "A=1"}).empty());
}

TEST(MergeParams, FragmentAndPathWithoutQuery) {
  EXPECT_TRUE(merge_params({"GET", "/", nullptr, ""}).empty());
  const Params p = merge_params({"GET", "/?A=1#frag", nullptr, ""});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], (std::pair<std::string, std::string>{"A", "1"}));
}

TEST(MergeParams, PlusMeansSpaceInQueryAndForm) {
  const Headers h = {{"content-type", "application/x-www-form-urlencoded"}};
  const Params p = merge_params({"POST", "/?Q=a+b%2Bc", &h, "F=x+y%2Bz"});
  const Params expected = {{"Q", "a b+c"}, {"F", "x y+z"}};
  EXPECT_EQ(p, expected);
}

std::map<std::string, std::string> expected_delete_instances() {
  return {{"Action", "DeleteInstances"}, {"Force", "true"},         {"Format", "JSON"},
          {"InstanceId.1", "i-abc"},     {"InstanceId.2", "i-def"}, {"RegionId", "cn-hangzhou"},
          {"Version", "2014-05-26"}};
}

TEST(MatchParams, FourCapturedShapesAreOneCall) {
  const auto expected = expected_delete_instances();
  std::string key;
  for (std::string_view text :
       {testing::kPopCoreGet, testing::kPopCorePost, testing::kEcsV2, testing::kEcsV3}) {
    const auto capture = parse_capture(text);
    const auto params = match_params(merge_params(capture.view()));
    EXPECT_EQ(params, expected) << text;
    if (key.empty()) key = match_key(params);
    EXPECT_EQ(match_key(params), key);
  }
}

TEST(MatchParams, DropsVolatileUppercasesFormatAndHonoursExtraIgnored) {
  Params merged = {{"Action", "A"},          {"Format", "xml"},         {"Signature", "s"},
                   {"SignatureNonce", "n"},  {"Timestamp", "t"},        {"AccessKeyId", "k"},
                   {"SecurityToken", "tok"}, {"BearerToken", "b"},      {"SignatureType", "x"},
                   {"SignatureMethod", "m"}, {"SignatureVersion", "v"}, {"ClientToken", "uuid"}};
  const auto all = match_params(merged);
  const std::map<std::string, std::string> expected = {
      {"Action", "A"}, {"ClientToken", "uuid"}, {"Format", "XML"}};
  EXPECT_EQ(all, expected);
  MatchOptions options;
  options.extra_ignored = {"ClientToken"};
  const auto without = match_params(merged, options);
  EXPECT_EQ(without.count("ClientToken"), 0u);
  EXPECT_EQ(without.size(), 2u);
}

TEST(MatchParams, DefaultFormatAndFirstDuplicateWins) {
  EXPECT_EQ(match_params({{"A", "1"}}).at("Format"), "JSON");
  MatchOptions keep_absent;
  keep_absent.default_format.clear();
  EXPECT_EQ(match_params({{"A", "1"}}, keep_absent).count("Format"), 0u);
  EXPECT_EQ(match_params({{"A", "1"}, {"A", "2"}}).at("A"), "1");
  // XML and JSON requests are different calls.
  EXPECT_NE(match_params({{"Format", "XML"}}), match_params({{"Format", "json"}}));
  // Parameter names are case-sensitive: "format" is an API parameter, not the Format.
  EXPECT_EQ(match_params({{"format", "xml"}}).at("format"), "xml");
}

TEST(MatchParams, TagValueEncodedBothWaysDecodesIdentically) {
  // VPC TagResources, Tag.1.Value = a b*~!'()中 as pop-core and as the tea SDKs put it on the wire.
  const std::string pop_core =
      "/?Action=TagResources&Tag.1.Key=k&Tag.1.Value=a%20b%2A~%21%27%28%29%E4%B8%AD";
  const std::string tea = "/?Action=TagResources&Tag.1.Key=k&Tag.1.Value=a%20b*~!%27()%E4%B8%AD";
  const auto a = match_params(merge_params({"GET", pop_core, nullptr, ""}));
  const auto b = match_params(merge_params({"POST", tea, nullptr, ""}));
  EXPECT_EQ(a.at("Tag.1.Value"), "a b*~!'()中");
  EXPECT_EQ(a, b);
  EXPECT_EQ(match_key(a), match_key(b));
}

TEST(VolatileHeaders, CredentialsSigningAndClientHeaders) {
  for (const char* name :
       {"Authorization", "x-acs-date", "X-Acs-Signature-Nonce", "x-acs-security-token",
        "x-acs-accesskey-id", "x-acs-retry-attempts", "x-acs-retry-delay", "x-acs-content-sha256",
        "User-Agent", "x-sdk-client", "x-acs-credentials-provider", "Host", "Content-Length"}) {
    EXPECT_TRUE(is_volatile_header(name)) << name;
  }
  for (const char* name : {"x-acs-action", "x-acs-version", "content-type", "accept", "x-custom"}) {
    EXPECT_FALSE(is_volatile_header(name)) << name;
  }
}

TEST(MatchKey, SortedEncodedAndCollisionFree) {
  EXPECT_EQ(match_key({{"b", "2"}, {"a", "x y"}}), "a=x%20y&b=2");
  EXPECT_EQ(match_key({}), "");
  // A separator inside a value cannot make two different maps share a key.
  EXPECT_NE(match_key({{"a", "1&b=2"}}), match_key({{"a", "1"}, {"b", "2"}}));
}

}  // namespace
}  // namespace popcheck::core
