// The readers' text utilities (core/compile/text.hpp): the trimming, line splitting, UTF-8 and
// normalisation rules of docs/readers.md that every page reader relies on.
#include "core/compile/text.hpp"

#include <gtest/gtest.h>

namespace popcheck::core::text {
namespace {

const std::string kIdeographicSpace = "\xE3\x80\x80";
const std::string kNoBreakSpace = "\xC2\xA0";

TEST(Text, TrimRemovesAsciiIdeographicAndNoBreakSpaceAtBothEnds) {
  EXPECT_EQ(trim(" \t\r\n x y \v\f"), "x y");
  EXPECT_EQ(trim(kIdeographicSpace + "地域" + kNoBreakSpace + " "), "地域");
  EXPECT_EQ(trim(kNoBreakSpace + kIdeographicSpace), "");
  EXPECT_EQ(trim("a" + kIdeographicSpace + "b"), "a" + kIdeographicSpace + "b");  // inside stays
  // A lone lead byte of a wide space is no space.
  EXPECT_EQ(trim("x\xE3\x80"), "x\xE3\x80");
}

TEST(Text, SplitLinesDropsTheCrOfCrlfAndKeepsEmptyLines) {
  auto lines = split_lines("a\r\n\nb\rc\nlast");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[1], "");
  EXPECT_EQ(lines[2], "b\rc");  // a CR not before LF is content
  EXPECT_EQ(lines[3], "last");
  EXPECT_EQ(split_lines("one\n").size(), 1u);  // no phantom line after the final LF
  EXPECT_TRUE(split_lines("").empty());
}

TEST(Text, FindInvalidUtf8GivesTheOffsetOfTheFirstBadSequence) {
  EXPECT_EQ(find_invalid_utf8("plain ascii"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("请求参数 \xF0\x9F\x98\x80"), std::nullopt);  // CJK and an emoji
  EXPECT_EQ(find_invalid_utf8("ab\xFF"), 2u);
  EXPECT_EQ(find_invalid_utf8("a\xC0\xAF"), 1u);          // overlong '/'
  EXPECT_EQ(find_invalid_utf8("a\xED\xA0\x80"), 1u);      // a UTF-16 surrogate
  EXPECT_EQ(find_invalid_utf8("ab\xE4\xBD"), 2u);         // cut short at the end
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);   // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("x\xE4(\xBD"), 1u);         // continuation byte missing
}

TEST(Text, LineOfCountsFromOne) {
  std::string s = "first\nsecond\nthird";
  EXPECT_EQ(line_of(s, 0), 1);
  EXPECT_EQ(line_of(s, s.find("second")), 2);
  EXPECT_EQ(line_of(s, s.find("third")), 3);
  EXPECT_EQ(line_of(s, 10'000), 3);  // past the end: the last line
}

TEST(Text, CellNormalisationUnescapesCollapsesAndStripsOneWrappingPair) {
  EXPECT_EQ(unescape_markdown(R"(a\*b\_c\\d\q)"), R"(a*b_c\d\q)");  // only before punctuation
  EXPECT_EQ(collapse_whitespace("  a \n\t b" + kIdeographicSpace + "c  "), "a b c");
  EXPECT_EQ(strip_wrapping("**RegionId**"), "RegionId");
  EXPECT_EQ(strip_wrapping("`Tag.N.Key`"), "Tag.N.Key");
  EXPECT_EQ(strip_wrapping("**a** and **b**"), "**a** and **b**");  // wraps parts, not the whole
  EXPECT_EQ(strip_wrapping("****"), "****");
  EXPECT_EQ(normalize_cell(" **Instance\\_Id**\n "), "Instance_Id");
}

TEST(Text, BlockNormalisationKeepsLinesAndOneBlankLineBetweenParagraphs) {
  EXPECT_EQ(normalize_block("\n\n  - one \n-  two\n\n\n\nnext \\* line\n\n"),
            "- one\n-  two\n\nnext * line");
}

TEST(Text, CaseInsensitiveSearchAndDigits) {
  EXPECT_EQ(to_lower("RegionId-ÄB"), "regionid-Äb");  // ASCII only
  EXPECT_EQ(ifind("Valid Values: A", "valid values"), 0u);
  EXPECT_EQ(ifind("xx VALUE yy value", "value", 4), 12u);
  EXPECT_EQ(ifind("abc", "abcd"), std::string_view::npos);
  EXPECT_EQ(ifind("abc", "", 1), 1u);
  EXPECT_TRUE(all_digits(" 2048 "));
  EXPECT_FALSE(all_digits("20 48"));
  EXPECT_FALSE(all_digits("-1"));
  EXPECT_FALSE(all_digits("  "));
}

}  // namespace
}  // namespace popcheck::core::text
