// XML-safe text (core/support/xml_text.hpp): what reaches a JUnit or regression report.
#include "core/support/xml_text.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/support/text.hpp"

namespace popcheck::core::text {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(XmlSafe, ValidTextComesBackUnchanged) {
  const std::string text = "Tab\tLF\nCR\r <&> \"quotes\" 中文 é 😀 \xEF\xBF\xBD";
  EXPECT_EQ(xml_safe(text), text);
  EXPECT_EQ(xml_safe(""), "");
}

TEST(XmlSafe, EveryBadByteBecomesOneReplacementCharacter) {
  EXPECT_EQ(xml_safe(std::string("a\0b", 3)), "a" + kFffd + "b");
  EXPECT_EQ(xml_safe("\x01\x1F\x7F"), kFffd + kFffd + "\x7F");  // DEL is admitted by XML 1.0
  EXPECT_EQ(xml_safe("x\xFFy"), "x" + kFffd + "y");
  EXPECT_EQ(xml_safe("\xC3"), kFffd);                          // cut at the end
  EXPECT_EQ(xml_safe("\xC0\xAF"), kFffd + kFffd);              // overlong '/'
  EXPECT_EQ(xml_safe("\xED\xA0\x80"), kFffd + kFffd + kFffd);  // a surrogate
  EXPECT_EQ(xml_safe("\xEF\xBF\xBE"), kFffd + kFffd + kFffd);  // U+FFFE
  EXPECT_EQ(xml_safe("\xEF\xBF\xBF"), kFffd + kFffd + kFffd);  // U+FFFF
  EXPECT_EQ(xml_safe("\xE4\xB8"
                     "ok"),
            kFffd + kFffd + "ok");  // a character cut short
}

TEST(XmlSafe, AnyBytesBecomeValidUtf8WithoutExcludedCharacters) {
  // Every byte value in several neighbourhoods, so that lead bytes meet every kind of follower.
  std::string all;
  for (int i = 0; i < 8; ++i)
    for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>((c * 7 + i * 13) & 0xFF));
  const std::string safe = xml_safe(all);
  ASSERT_EQ(find_invalid_utf8(safe), std::nullopt);
  for (size_t i = 0; i < safe.size();) {
    const Utf8Char ch = decode_utf8(safe, i);
    EXPECT_TRUE(ch.code_point >= 0x20 || ch.code_point == 0x9 || ch.code_point == 0xA ||
                ch.code_point == 0xD)
        << "at " << i;
    EXPECT_NE(ch.code_point, 0xFFFEu);
    EXPECT_NE(ch.code_point, 0xFFFFu);
    i += ch.length;
  }
  EXPECT_EQ(xml_safe(safe), safe);  // idempotent
}

}  // namespace
}  // namespace popcheck::core::text
