// URL encoding (core/support/url_encode.hpp): the RFC 3986 encoding both signers use (the table of
// docs/protocol.md section 2.1), its lenient decoding, and parameter lists as query strings and
// form bodies.
#include "core/support/url_encode.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace popcheck::core {
namespace {

// Section 2.1's edge-case table.
TEST(PercentEncode, EdgeCaseTable) {
  EXPECT_EQ(percent_encode(" "), "%20");
  EXPECT_EQ(percent_encode("*"), "%2A");
  EXPECT_EQ(percent_encode("~"), "~");
  EXPECT_EQ(percent_encode("!'()"), "%21%27%28%29");
  EXPECT_EQ(percent_encode("+"), "%2B");
  EXPECT_EQ(percent_encode("/"), "%2F");
  EXPECT_EQ(percent_encode("中"), "%E4%B8%AD");
  EXPECT_EQ(percent_encode("%7E"), "%257E");
}

TEST(PercentEncode, RunsOfUnreservedAroundEscapesAndAppendKeepsWhatWasThere) {
  EXPECT_EQ(percent_encode("ab cd"), "ab%20cd");
  EXPECT_EQ(percent_encode(" ab"), "%20ab");
  EXPECT_EQ(percent_encode("ab "), "ab%20");
  EXPECT_EQ(percent_encode("a&b=c"), "a%26b%3Dc");
  EXPECT_EQ(percent_encode(""), "");
  std::string out = "k=";
  percent_encode_append(out, "v 1");
  EXPECT_EQ(out, "k=v%201");
}

TEST(PercentDecode, EscapesPlusAndLenientPercentAnywhereInTheValue) {
  EXPECT_EQ(percent_decode("plain-value_1.0~"), "plain-value_1.0~");
  EXPECT_EQ(percent_decode(""), "");
  EXPECT_EQ(percent_decode("%41bc"), "Abc");
  EXPECT_EQ(percent_decode("ab%43"), "abC");
  EXPECT_EQ(percent_decode("a%2Bb%3d"), "a+b=");
  EXPECT_EQ(percent_decode("a+b"), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("x+%20y", false), "x+ y");
  // A '%' that starts no valid escape stays as it is, wherever it stands.
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("50%zz"), "50%zz");
  EXPECT_EQ(percent_decode("%4"), "%4");
  EXPECT_EQ(percent_decode("ok%4g%41"), "ok%4gA");
  EXPECT_EQ(percent_decode("%E4%B8%AD"), "中");
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

TEST(PercentDecode, EscapesPlusAndMalformedInput) {
  EXPECT_EQ(percent_decode("a%20b%2Ac"), "a b*c");
  EXPECT_EQ(percent_decode("%e4%b8%ad"), "中");  // lowercase hex is accepted
  EXPECT_EQ(percent_decode("a+b"), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("%2B"), "+");
  // A '%' that does not start an escape is kept, whatever follows it.
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%4"), "%4");
  EXPECT_EQ(percent_decode("%zz1"), "%zz1");
  EXPECT_EQ(percent_decode("%%41"), "%A");
}

TEST(PercentDecode, RoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(percent_decode(percent_encode(all)), all);
  EXPECT_EQ(percent_decode(percent_encode(all), false), all);
}
using Pairs = std::vector<std::pair<std::string, std::string>>;

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
