#include "core/compile/compile_batch.hpp"

#include <map>

#include "core/support/text.hpp"

namespace popcheck::core {

namespace {

std::string pages_count(size_t n) { return std::to_string(n) + (n == 1 ? " page" : " pages"); }

// What the other pages say of one thing (a product or a version): each value, spelled as its first
// settled page spells it (else its first page), with how many pages have it. Products are keyed in
// lower case ("Dds" and "dds" are one product).
struct Tally {
  struct Value {
    std::string spelling;
    bool from_settled = false;
    size_t pages = 0;
  };
  std::map<std::string, Value> values;

  void add(const std::string& key, const std::string& spelling, bool settled) {
    Value& v = values[key];
    if (v.spelling.empty() || (settled && !v.from_settled)) {
      v.spelling = spelling;
      v.from_settled = settled;
    }
    ++v.pages;
  }
  // "2018-01-17 (2 pages), 2019-09-10 (3 pages)"
  std::string list() const {
    std::string out;
    for (const auto& [_, v] : values)
      out += (out.empty() ? "" : ", ") + v.spelling + " (" + pages_count(v.pages) + ")";
    return out;
  }
};

}  // namespace

BatchFill product_from_batch(const std::vector<BatchPage>& pages, size_t i) {
  Tally products;
  for (size_t j = 0; j < pages.size(); ++j)
    if (j != i && !pages[j].product.empty())
      products.add(text::to_lower(pages[j].product), pages[j].product, pages[j].settled);
  BatchFill fill;
  if (products.values.size() != 1) {
    std::string found = products.values.empty() ? std::string()
                                                : ", and the other pages of this compile name " +
                                                      std::to_string(products.values.size()) +
                                                      " products: " + products.list();
    fill.error = Error{"compile.no_product",
                       pages[i].no_product_reason + found +
                           "; pass --product and --version, or the product's api-docs.json",
                       pages[i].file, 0};
    return fill;
  }
  const Tally::Value& only = products.values.begin()->second;
  fill.value = only.spelling;
  fill.warning = "the page names no product; the other pages of this compile name one, " +
                 fill.value + " (" + pages_count(only.pages) +
                 "), which is used [compile.product_from_batch]; pass --product to choose another";
  return fill;
}

BatchFill version_from_batch(const std::vector<BatchPage>& pages, size_t i) {
  const std::string& product = pages[i].product;
  Tally versions;
  for (size_t j = 0; j < pages.size(); ++j)
    if (j != i && pages[j].settled && text::to_lower(pages[j].product) == text::to_lower(product))
      versions.add(pages[j].version, pages[j].version, true);
  BatchFill fill;
  if (versions.values.size() != 1) {
    std::string found = versions.values.empty()
                            ? std::string()
                            : ", and the other pages of " + product + " in this compile have " +
                                  std::to_string(versions.values.size()) +
                                  " versions: " + versions.list();
    fill.error = Error{"compile.no_version",
                       "the page does not name the API version of " + product + found +
                           "; pass --version, or the product's api-docs.json",
                       pages[i].file, 0};
    return fill;
  }
  const Tally::Value& only = versions.values.begin()->second;
  fill.value = only.spelling;
  fill.warning = "the page names no API version; the other pages of " + product +
                 " in this compile have one, " + fill.value + " (" + pages_count(only.pages) +
                 "), which is used [compile.version_from_batch]; pass --version to choose another";
  return fill;
}

}  // namespace popcheck::core
