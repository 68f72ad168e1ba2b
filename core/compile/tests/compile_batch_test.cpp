// The batch rule alone (compile_batch.cpp): what a page takes from the other pages of a compile,
// given what each of them settled.
#include "core/compile/compile_batch.hpp"

#include <gtest/gtest.h>

namespace popcheck::core {
namespace {

BatchPage settled(const std::string& product, const std::string& version) {
  return BatchPage{"p-" + product + "-" + version, product, version, true, {}};
}
BatchPage unsettled(const std::string& file, const std::string& product) {
  return BatchPage{file, product, "", false, "the page does not name its product"};
}

TEST(BatchFill, VersionOfTheSettledPagesOfTheSameProduct) {
  std::vector<BatchPage> pages = {settled("Dds", "2015-12-01"), settled("dds", "2015-12-01"),
                                  settled("Ecs", "2014-05-26"), unsettled("x.md", "DDS")};
  BatchFill f = version_from_batch(pages, 3);
  ASSERT_FALSE(f.error) << f.error->to_string();
  EXPECT_EQ(f.value, "2015-12-01");
  EXPECT_NE(f.warning.find("(2 pages)"), std::string::npos) << f.warning;
  EXPECT_NE(f.warning.find("[compile.version_from_batch]"), std::string::npos) << f.warning;
}

TEST(BatchFill, SeveralVersionsOrNoneAreNoVersion) {
  std::vector<BatchPage> pages = {settled("Waf", "2018-01-17"), settled("Waf", "2019-09-10"),
                                  settled("Waf", "2019-09-10"), unsettled("x.md", "Waf"),
                                  unsettled("y.md", "Waf")};
  BatchFill f = version_from_batch(pages, 3);
  ASSERT_TRUE(f.error);
  EXPECT_EQ(f.error->code, "compile.no_version");
  EXPECT_EQ(f.error->file, "x.md");
  EXPECT_NE(f.error->message.find("2 versions: 2018-01-17 (1 page), 2019-09-10 (2 pages)"),
            std::string::npos)
      << f.error->message;
  EXPECT_TRUE(f.value.empty());
  // An unsettled page gives no version to another.
  BatchFill none = version_from_batch({unsettled("x.md", "Waf"), unsettled("y.md", "Waf")}, 0);
  ASSERT_TRUE(none.error);
  EXPECT_EQ(none.error->message,
            "the page does not name the API version of Waf; pass --version, or the product's "
            "api-docs.json");
}

TEST(BatchFill, ProductOfEveryOtherPageSettledOrNot) {
  std::vector<BatchPage> pages = {unsettled("a.md", "gpdb"), settled("Gpdb", "2016-05-03"),
                                  unsettled("b.md", "")};
  BatchFill f = product_from_batch(pages, 2);
  ASSERT_FALSE(f.error) << f.error->to_string();
  EXPECT_EQ(f.value, "Gpdb");  // as the settled page spells it
  EXPECT_NE(f.warning.find("Gpdb (2 pages)"), std::string::npos) << f.warning;

  pages.push_back(settled("Ecs", "2014-05-26"));
  BatchFill two = product_from_batch(pages, 2);
  ASSERT_TRUE(two.error);
  EXPECT_EQ(two.error->code, "compile.no_product");
  EXPECT_EQ(two.error->message.rfind("the page does not name its product, and", 0), 0u)
      << two.error->message;
  EXPECT_NE(two.error->message.find("2 products: Ecs (1 page), Gpdb (2 pages)"), std::string::npos)
      << two.error->message;

  BatchFill alone = product_from_batch({unsettled("b.md", "")}, 0);
  ASSERT_TRUE(alone.error);
  EXPECT_EQ(alone.error->message,
            "the page does not name its product; pass --product and --version, or the product's "
            "api-docs.json");
}

}  // namespace
}  // namespace popcheck::core
