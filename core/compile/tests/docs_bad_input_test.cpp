// Bad input gets a clear Error (stable code, the file, the line where one applies), never a crash and
// never an exception.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "core/compile/docs.hpp"
#include "core/files.hpp"
#include "tests/support/paths.hpp"

namespace popcheck::core {
namespace {

namespace fs = std::filesystem;

Error expect_error(std::string_view text, const std::string& code,
                   const std::string& file = "bad.md") {
  auto c = read_document(text, file);
  EXPECT_FALSE(c) << "expected " << code;
  if (c) return {};
  EXPECT_EQ(c.error().code, code) << c.error().to_string();
  EXPECT_EQ(c.error().file, file);
  EXPECT_FALSE(c.error().message.empty());
  EXPECT_NE(c.error().to_string().find(file), std::string::npos);
  return c.error();
}

TEST(DocsBadInput, EmptyFile) {
  expect_error("", "doc.empty");
  expect_error("  \n\n\t\n", "doc.empty");
}

TEST(DocsBadInput, BinaryFileNamesTheLine) {
  std::string bin = "# Title\nline two\n";
  bin += std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  Error e = expect_error(bin, "doc.binary");
  // The PNG signature holds two line feeds before its first NUL byte: lines 3 and 4 end there.
  EXPECT_EQ(e.line, 5);
  std::string controls(4096, '\x01');
  expect_error(controls, "doc.binary");
}

TEST(DocsBadInput, InvalidUtf8NamesTheLine) {
  std::string s = "# RemoveTags\n\n## 请求参数\nok line\nbad \xff\xfe here\n";
  Error e = expect_error(s, "doc.utf8");
  EXPECT_EQ(e.line, 5);
  // A truncated multi-byte sequence at the very end, and an overlong encoding.
  EXPECT_EQ(expect_error("# A\n\xe4\xb8", "doc.utf8").line, 2);
  EXPECT_EQ(expect_error("# A\n\n\n\xc0\xaf\n", "doc.utf8").line, 4);
}

TEST(DocsBadInput, PageWithoutTables) {
  expect_error("# RemoveTags\n\nSome prose and nothing else.\n\n## 示例\n\ntext\n",
               "doc.no_tables");
  expect_error("just a line of garbage @#$%^&*()\n", "doc.no_tables");
}

TEST(DocsBadInput, TruncatedTableNamesTheRow) {
  std::string s =
      "# RemoveTags\n"
      "\n"
      "## 请求参数\n"
      "\n"
      "|名称|类型|是否必选|描述|\n"
      "|--|--|----|--|\n"
      "|RegionId|String|是|地域。|\n"
      "|ResourceId|String|是|资源 ID，这一行\n"
      "\n"
      "没有结束\n";
  Error e = expect_error(s, "doc.truncated_table");
  EXPECT_EQ(e.line, 8);
  // The same cut off at the end of a section (a heading follows).
  std::string t = s + "## 返回参数\n\n|名称|类型|描述|\n|--|--|--|\n|RequestId|String|x|\n";
  EXPECT_EQ(expect_error(t, "doc.truncated_table").line, 8);
}

TEST(DocsBadInput, TablesWithoutAnAction) {
  std::string s =
      "# 删除标签\n\n## 请求参数\n\n|名称|类型|是否必选|描述|\n|--|--|--|--|\n|RegionId|String|是|x|\n";
  expect_error(s, "doc.no_action");
}

TEST(DocsBadInput, HugeFileIsRejectedUpFront) {
  // 50 MB of table-like text: refused by size before any pass over the lines.
  std::string big;
  big.reserve(50u << 20);
  big = "# RemoveTags\n\n## 请求参数\n\n|名称|类型|是否必选|描述|\n|--|--|--|--|\n";
  const std::string row = "|RegionId|String|是|地域 ID，最多支持 64 个字符。|\n";
  while (big.size() < (50u << 20)) big += row;
  Error e = expect_error(big, "doc.too_large");
  EXPECT_NE(e.message.find("bytes"), std::string::npos);
}

TEST(DocsBadInput, LargeAcceptedFileReadsCompletely) {
  // Below the limit a long page is read in one linear pass; every row comes through.
  std::string s = "# RemoveTags\n\n## 请求参数\n\n|名称|类型|是否必选|描述|\n|--|--|--|--|\n";
  const int rows = 20000;
  for (int i = 0; i < rows; ++i)
    s += "|Param" + std::to_string(i) + "|String|否|说明，\n\n第二行 |\n";
  auto c = read_document(s, "long.md");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->params.size(), static_cast<size_t>(rows));
  EXPECT_EQ(c->params.back().name, "Param" + std::to_string(rows - 1));
}

TEST(DocsBadInput, LongRunOfBlankLinesIsReadInOnePass) {
  // Two million blank lines (2 MB, under the limit) between the parameter table and the error table:
  // each line is looked at a bounded number of times. A reader that looks past the blank lines below
  // every line reads them quadratically, for hours, and ctest's timeout stops this test.
  std::string s =
      "# RemoveTags\n\n## 请求参数\n\n|名称|类型|是否必选|描述|\n|--|--|--|--|\n|RegionId|String|是|地域。|\n";
  s.append(size_t(2) << 20, '\n');
  s += "## 错误码\n\n|错误码|错误信息|\n|--|--|\n|Forbidden|The region is closed.|\n";
  auto c = read_document(s, "blank.md");
  ASSERT_TRUE(c) << c.error().to_string();
  ASSERT_EQ(c->params.size(), 1u);
  EXPECT_EQ(c->params[0].name, "RegionId");
  ASSERT_EQ(c->errors.size(), 1u);
  EXPECT_EQ(c->errors[0].code, "Forbidden");
}

TEST(DocsBadInput, TruncationsAndMutationsNeverThrow) {
  POPCHECK_NEEDS_SHARED();
  // Every seed and a few corpus pages cut at many points and with random bytes flipped: each read
  // returns a contract or an Error with a code and the file, and nothing throws.
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(test_support::shared_dir() / "seeds"))
    files.push_back(e.path());
  for (const char* f :
       {"ecs-en-RunInstances.md", "ess-cn-ModifyScalingGroup.md", "ecs-en-DescribeUserdata.md"})
    files.push_back(test_support::shared_dir() / "corpus" / "docs" / f);
  std::mt19937 rng(12345);
  int reads = 0;
  for (const auto& f : files) {
    auto text = read_file(f.string());
    ASSERT_TRUE(text) << text.error().to_string();
    const std::string& t = *text;
    for (size_t cut = 0; cut < t.size(); cut += std::max<size_t>(1, t.size() / 40)) {
      std::string part = t.substr(0, cut);
      EXPECT_NO_THROW({
        auto c = read_document(part, f.string());
        if (!c) {
          EXPECT_FALSE(c.error().code.empty());
          EXPECT_EQ(c.error().file, f.string());
        }
      });
      ++reads;
    }
    for (int m = 0; m < 30; ++m) {
      std::string mutated = t;
      for (int k = 0; k < 8; ++k) {
        size_t pos = rng() % mutated.size();
        const char pool[] = {'|', '\n', '`', '#', '-', '{', '}', '"', '<', ' '};
        mutated[pos] = pool[rng() % sizeof(pool)];
      }
      EXPECT_NO_THROW({
        auto c = read_document(mutated, f.string());
        if (!c) {
          EXPECT_FALSE(c.error().code.empty());
        }
      });
      ++reads;
    }
  }
  EXPECT_GT(reads, 300);
}

}  // namespace
}  // namespace popcheck::core
