// The two escapers of reports/escape.hpp, byte for byte: the regression report (Markdown cells) and
// the HTML report depend on exactly these replacements, and on the differences between them.
#include "reports/escape.hpp"

#include <gtest/gtest.h>

namespace popcheck::reports {
namespace {

TEST(Escape, HtmlEscapesAmpersandAnglesAndQuotes) {
  EXPECT_EQ(escape_html(R"(a&b <i>"x"</i> 'y' | z)"),
            "a&amp;b &lt;i&gt;&quot;x&quot;&lt;/i&gt; 'y' | z");
  EXPECT_EQ(escape_html("line\r\nnext"), "line\r\nnext");
  EXPECT_EQ(escape_html(""), "");
}

TEST(Escape, MarkdownCellKeepsTheTableWholeAndLeavesQuotes) {
  EXPECT_EQ(markdown_cell("a|b"), "a\\|b");
  EXPECT_EQ(markdown_cell("one\r\ntwo\nthree"), "one<br>two<br>three");
  EXPECT_EQ(markdown_cell(R"(<x> & "q")"), R"(&lt;x&gt; &amp; "q")");
  EXPECT_EQ(markdown_cell("\xE4\xB8\xAD plain"), "\xE4\xB8\xAD plain");
}

}  // namespace
}  // namespace popcheck::reports
