// Text helpers (core/support/text.hpp): ASCII classes and case, both trims, lines, UTF-8 validity
// and the document normalisation of docs/readers.md.
#include "core/support/text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace popcheck::core::text {
namespace {

const std::string kIdeographicSpace = "\xE3\x80\x80";  // U+3000
const std::string kNoBreakSpace = "\xC2\xA0";          // U+00A0

TEST(Text, CharacterClassesAreAsciiOnly) {
  for (char c : std::string(" \t\r\n\v\f")) EXPECT_TRUE(is_space(c)) << int(c);
  EXPECT_FALSE(is_space('x'));
  EXPECT_FALSE(is_space('\0'));
  EXPECT_FALSE(is_space(kNoBreakSpace[1]));  // a byte of a wide space is not a space
  EXPECT_TRUE(is_digit('0') && is_digit('9') && !is_digit('a'));
  EXPECT_TRUE(is_alpha('a') && is_alpha('Z') && !is_alpha('1') && !is_alpha('\xC3'));
  EXPECT_TRUE(is_alnum('q') && is_alnum('7') && !is_alnum('_'));
}

TEST(Text, DigitsOnlyIsStrict) {
  EXPECT_TRUE(digits_only("0123456789"));
  EXPECT_FALSE(digits_only(""));
  EXPECT_FALSE(digits_only(" 1"));
  EXPECT_FALSE(digits_only("1a"));
  EXPECT_FALSE(digits_only("+1"));
}

TEST(Text, AllDigitsAfterTrimming) {
  EXPECT_TRUE(all_digits("123"));
  EXPECT_TRUE(all_digits(" 42\t"));
  EXPECT_TRUE(
      all_digits("\xE3\x80\x80"
                 "7"));
  EXPECT_FALSE(all_digits(""));
  EXPECT_FALSE(all_digits("  "));
  EXPECT_FALSE(all_digits("-1"));
  EXPECT_FALSE(all_digits("1.5"));
}

TEST(Text, CaseIsAsciiAndLeavesOtherBytesAlone) {
  static_assert(iequals("Content-Type", "content-TYPE"));
  static_assert(!iequals("abc", "abd"));
  static_assert(!iequals("abc", "abcd"));
  static_assert(ascii_lower('Q') == 'q' && ascii_lower('[') == '[');
  static_assert(ascii_upper('q') == 'Q' && ascii_upper('{') == '{');
  EXPECT_EQ(to_lower("XML Json 中文 Ä"), "xml json 中文 Ä");
  EXPECT_EQ(to_upper("json Xml 中文 ä"), "JSON XML 中文 ä");
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("\xC3\x84", "\xC3\xA4"));  // Ä and ä: not ASCII, not folded
}

TEST(Text, IfindIgnoresAsciiCase) {
  EXPECT_EQ(ifind("The Maximum value", "maximum"), 4u);
  EXPECT_EQ(ifind("abcABC", "abc", 1), 3u);
  EXPECT_EQ(ifind("abc", "abcd"), std::string_view::npos);
  EXPECT_EQ(ifind("abc", "x"), std::string_view::npos);
  EXPECT_EQ(ifind("abc", "", 2), 2u);
  EXPECT_EQ(ifind("abc", "", 4), std::string_view::npos);
  EXPECT_TRUE(icontains("MissingParameter.RegionId", "parameter"));
  EXPECT_TRUE(icontains("x", ""));
  EXPECT_FALSE(icontains("Parame", "parameter"));
}

TEST(Text, IstartsWithIgnoresAsciiCaseOfThePrefixOnly) {
  EXPECT_TRUE(istarts_with("MissingParameter", "missing"));
  EXPECT_TRUE(istarts_with("DependencyViolation.Tag", "DEPENDENCYVIOLATION"));
  EXPECT_TRUE(istarts_with("x", ""));
  EXPECT_FALSE(istarts_with("Miss", "missing"));        // shorter than the prefix
  EXPECT_FALSE(istarts_with("NotMissing", "missing"));  // inside is not a start
}

TEST(Text, Utf8LengthCountsCharactersNotBytes) {
  EXPECT_EQ(utf8_length(""), 0);
  EXPECT_EQ(utf8_length("RegionId"), 8);
  EXPECT_EQ(utf8_length("最多64个字符"), 7);
  EXPECT_EQ(utf8_length("\xF0\x9F\x98\x80"), 1);  // one emoji, four bytes
  // Invalid input still gets a length: a stray continuation byte adds nothing, a lone lead byte one.
  EXPECT_EQ(utf8_length(std::string("a\x80") + "b"), 2);
  EXPECT_EQ(utf8_length("a\xC3"), 2);
}

TEST(Text, TrimAsciiRemovesTheSixAsciiSpacesOnly) {
  EXPECT_EQ(trim_ascii(" \t\r\n\v\fvalue \t\r\n\v\f"), "value");
  EXPECT_EQ(trim_ascii("a b"), "a b");
  EXPECT_EQ(trim_ascii("   "), "");
  EXPECT_EQ(trim_ascii(""), "");
  EXPECT_EQ(trim_ascii(kNoBreakSpace + "x" + kIdeographicSpace),
            kNoBreakSpace + "x" + kIdeographicSpace);
}

TEST(Text, TrimAlsoRemovesTheWideSpacesOfDocuments) {
  EXPECT_EQ(trim(kIdeographicSpace + " x y" + kNoBreakSpace + "\n"), "x y");
  EXPECT_EQ(trim(kNoBreakSpace + kIdeographicSpace + kNoBreakSpace), "");
  EXPECT_EQ(trim(" \t\r\n\v\fvalue"), "value");
  // Only whole wide spaces are removed: a lone lead byte at an end stays.
  EXPECT_EQ(trim("x\xE3\x80"), "x\xE3\x80");
  EXPECT_EQ(trim("\xC2x"), "\xC2x");
  // Inside the text nothing changes.
  EXPECT_EQ(trim("a" + kIdeographicSpace + "b"), "a" + kIdeographicSpace + "b");
}

TEST(Text, CollapseWhitespaceJoinsRunsWithOneSpace) {
  EXPECT_EQ(collapse_whitespace("  a \n\t b" + kIdeographicSpace + "c  "), "a b c");
  EXPECT_EQ(collapse_whitespace(""), "");
  EXPECT_EQ(collapse_whitespace(" \n "), "");
}

TEST(Text, SplitLinesDropsCrBeforeLf) {
  using Lines = std::vector<std::string_view>;
  EXPECT_EQ(split_lines("a\r\nb\nc"), (Lines{"a", "b", "c"}));
  EXPECT_EQ(split_lines("a\n"), (Lines{"a"}));
  EXPECT_EQ(split_lines("a\n\nb\n"), (Lines{"a", "", "b"}));
  EXPECT_EQ(split_lines("\n"), (Lines{""}));
  EXPECT_EQ(split_lines(""), Lines{});
  EXPECT_EQ(split_lines("a\rb"), (Lines{"a\rb"}));  // a CR not before LF is text
}

TEST(Text, LineOfCountsFromOne) {
  const std::string s = "one\ntwo\nthree";
  EXPECT_EQ(line_of(s, 0), 1);
  EXPECT_EQ(line_of(s, 3), 1);  // the LF itself belongs to its line
  EXPECT_EQ(line_of(s, 4), 2);
  EXPECT_EQ(line_of(s, 8), 3);
  EXPECT_EQ(line_of(s, 1000), 3);
}

TEST(Text, DecodeUtf8GivesCodePointAndLength) {
  const std::string s = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80";  // a é 中 😀
  EXPECT_EQ(decode_utf8(s, 0).code_point, U'a');
  EXPECT_EQ(decode_utf8(s, 1).code_point, U'\u00E9');
  EXPECT_EQ(decode_utf8(s, 1).length, 2u);
  EXPECT_EQ(decode_utf8(s, 3).code_point, U'\u4E2D');
  EXPECT_EQ(decode_utf8(s, 3).length, 3u);
  EXPECT_EQ(decode_utf8(s, 6).code_point, U'\U0001F600');
  EXPECT_EQ(decode_utf8(s, 6).length, 4u);
  EXPECT_EQ(decode_utf8(s, 2).length, 0u);   // a continuation byte
  EXPECT_EQ(decode_utf8(s, 10).length, 0u);  // past the end
}

TEST(Text, DecodeUtf8RejectsEveryIllFormedSequence) {
  for (std::string bad : {"\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xE0\x9F\xBF",
                          "\xED\xA0\x80", "\xED\xBF\xBF", "\xF0\x80\x80\x80", "\xF4\x90\x80\x80",
                          "\xF5\x80\x80\x80", "\xFF", "\xC3", "\xE4\xB8", "\xC3\x41"}) {
    EXPECT_EQ(decode_utf8(bad, 0).length, 0u) << testing::PrintToString(bad);
  }
  // The limits that are still well formed.
  EXPECT_EQ(decode_utf8("\xC2\x80", 0).length, 2u);
  EXPECT_EQ(decode_utf8("\xEF\xBF\xBF", 0).code_point, U'\uFFFF');
  EXPECT_EQ(decode_utf8("\xF4\x8F\xBF\xBF", 0).code_point, U'\U0010FFFF');
}

TEST(Text, FindInvalidUtf8GivesTheFirstBadOffset) {
  EXPECT_EQ(find_invalid_utf8("plain ascii"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("中文 and é"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8(""), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("ok\xC3("), 2u);
  EXPECT_EQ(find_invalid_utf8("中\xED\xA0\x80"), 3u);
  EXPECT_EQ(find_invalid_utf8("abc\xE4\xB8"), 3u);  // cut at the end
}

TEST(Text, MarkdownEscapesAndWrappingPairs) {
  EXPECT_EQ(unescape_markdown(R"(a\*b\_c\\d)"), R"(a*b_c\d)");
  EXPECT_EQ(unescape_markdown(R"(\a stays, so does a final \)"), R"(\a stays, so does a final \)");
  EXPECT_EQ(strip_wrapping("**Name**"), "Name");
  EXPECT_EQ(strip_wrapping("__ Name __"), "Name");
  EXPECT_EQ(strip_wrapping("`String`"), "String");
  EXPECT_EQ(strip_wrapping("**a** and **b**"), "**a** and **b**");  // wraps parts, not the whole
  EXPECT_EQ(strip_wrapping("****"), "****");
  EXPECT_EQ(strip_wrapping("plain"), "plain");
}

TEST(Text, NormalizeCellAndBlock) {
  EXPECT_EQ(normalize_cell("  **Instance\\_Id**\n "), "Instance_Id");
  EXPECT_EQ(normalize_cell(" a  \n b "), "a b");
  EXPECT_EQ(normalize_block("\n\n  first line  \n- item\\_one\n\n\n\n second" + kIdeographicSpace +
                            "\n\n"),
            "first line\n- item_one\n\nsecond");
  EXPECT_EQ(normalize_block(" \n \n"), "");
}

}  // namespace
}  // namespace popcheck::core::text
