// URL encoding (core/support/url_encode.hpp): the RFC 3986 encoding both signers use (the table of
// docs/protocol.md section 2.1), its lenient decoding, and parameter lists as query strings and
// form bodies.
#include "core/support/url_encode.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace popcheck::core {
namespace {

using Table = std::vector<std::pair<std::string, std::string>>;

// Section 2.1's edge-case table, then runs of unreserved characters around escapes.
TEST(PercentEncode, EdgeCasesAndRuns) {
  const Table table = {{" ", "%20"},
                       {"*", "%2A"},
                       {"~", "~"},
                       {"!'()", "%21%27%28%29"},
                       {"+", "%2B"},
                       {"/", "%2F"},
                       {"中", "%E4%B8%AD"},
                       {"%7E", "%257E"},
                       {"ab cd", "ab%20cd"},
                       {" ab", "%20ab"},
                       {"ab ", "ab%20"},
                       {"a&b=c", "a%26b%3Dc"},
                       {"", ""}};
  for (const auto& [in, out] : table) EXPECT_EQ(percent_encode(in), out) << in;
  std::string appended = "k=";
  percent_encode_append(appended, "v 1");
  EXPECT_EQ(appended, "k=v%201");  // what was there is kept
}

TEST(PercentDecode, EscapesPlusAndLenientPercentAnywhereInTheValue) {
  const Table with_plus_as_space = {
      {"plain-value_1.0~", "plain-value_1.0~"},
      {"", ""},
      {"%41bc", "Abc"},
      {"ab%43", "abC"},
      {"a%2Bb%3d", "a+b="},
      {"a%20b%2Ac", "a b*c"},
      {"%2B", "+"},
      {"a+b", "a b"},
      {"%E4%B8%AD", "中"},
      {"%e4%b8%ad", "中"},  // lowercase hex is accepted
      // A '%' that starts no valid escape stays as it is, whatever follows it, wherever it stands.
      {"100%", "100%"},
      {"50%zz", "50%zz"},
      {"%4", "%4"},
      {"ok%4g%41", "ok%4gA"},
      {"%zz1", "%zz1"},
      {"%%41", "%A"}};
  for (const auto& [in, out] : with_plus_as_space) EXPECT_EQ(percent_decode(in), out) << in;
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("x+%20y", false), "x+ y");
}

TEST(PercentEncode, UnreservedStayLiteralEverythingElseUppercaseHex) {
  const std::string unreserved =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
  EXPECT_EQ(percent_encode(unreserved), unreserved);
  for (int c = 0; c < 256; ++c) {
    const std::string one(1, static_cast<char>(c));
    if (unreserved.find(one) != std::string::npos) continue;
    const std::string encoded = percent_encode(one);
    ASSERT_EQ(encoded.size(), 3u) << c;
    EXPECT_EQ(encoded[0], '%');
    EXPECT_TRUE(std::none_of(encoded.begin(), encoded.end(), [](char x) {
      return x >= 'a' && x <= 'f';
    })) << encoded;
    EXPECT_EQ(percent_decode(encoded), one);
  }
  EXPECT_EQ(percent_encode(""), "");
  EXPECT_EQ(percent_encode(std::string("a\0b", 3)), "a%00b");
}

TEST(PercentDecode, RoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(percent_decode(percent_encode(all)), all);
  EXPECT_EQ(percent_decode(percent_encode(all), false), all);
}
using Pairs = Table;

TEST(EncodeParams, KeepsOrderAndRepeatsAndEncodesNamesAndValues) {
  EXPECT_EQ(encode_params({}), "");
  EXPECT_EQ(encode_params(Pairs{{"Action", "DescribeRegions"}}), "Action=DescribeRegions");
  EXPECT_EQ(encode_params(Pairs{{"b", "2"}, {"a", "1"}, {"b", "3"}}), "b=2&a=1&b=3");
  // '&', '=', '+' and spaces inside a name or value cannot split or join pairs.
  EXPECT_EQ(encode_params(Pairs{{"Tag.1.Key", "a&b=c"}, {"x y", "1+1"}}),
            "Tag.1.Key=a%26b%3Dc&x%20y=1%2B1");
  // An empty name or value still makes a pair.
  EXPECT_EQ(encode_params(Pairs{{"", ""}, {"k", ""}}), "=&k=");
}

TEST(EncodeParams, DecodesBackPairByPair) {
  const Pairs pairs{{"Name", "中文 value"}, {"Filter.1", "%20+"}, {"Empty", ""}};
  const std::string encoded = encode_params(pairs);
  Pairs decoded;
  size_t start = 0;
  while (start <= encoded.size()) {
    size_t amp = encoded.find('&', start);
    std::string_view pair = std::string_view(encoded).substr(start, amp - start);
    size_t eq = pair.find('=');
    ASSERT_NE(eq, std::string_view::npos) << pair;
    decoded.emplace_back(percent_decode(pair.substr(0, eq)), percent_decode(pair.substr(eq + 1)));
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  EXPECT_EQ(decoded, pairs);
}

}  // namespace
}  // namespace popcheck::core
