#include "core/compile/compile_pages.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <tuple>

#include "core/compile/compile_batch.hpp"
#include "core/support/text.hpp"

namespace popcheck::core {

namespace {

std::string lower(std::string_view s) { return text::to_lower(s); }

// Metadata spells products "Ecs", "Vpc", "Ess"; pages and hosts say "ECS" or "ecs". One spelling
// keeps DIR/<product> and case ids stable whatever the source.
std::string canonical_product(const std::string& p, const std::set<std::string>& known) {
  for (const auto& k : known)
    if (lower(k) == lower(p)) return k;
  bool all_lower = std::none_of(p.begin(), p.end(),
                                [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
  bool all_upper = std::none_of(p.begin(), p.end(),
                                [](char c) { return std::islower(static_cast<unsigned char>(c)); });
  if (p.empty() || !(all_lower || all_upper)) return p;
  std::string out = lower(p);
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

// The product a request example's host names: "metrics" for metrics.cn-hangzhou.aliyuncs.com.
std::string host_product(const std::string& endpoint) {
  if (endpoint.find("aliyuncs.com") == std::string::npos) return {};
  size_t e = 0;
  while (e < endpoint.size() && std::isalnum(static_cast<unsigned char>(endpoint[e]))) ++e;
  return endpoint.substr(0, e);
}

// How well a metadata API matches a page: shared parameter names, and shared examples on top.
int match_score(const Contract& page, const Contract& meta) {
  int score = 0;
  for (const auto& p : page.params)
    for (const auto& m : meta.params)
      if (p.name == m.name) {
        ++score;
        if (!p.example.empty() && p.example == m.example) ++score;
      }
  return score;
}

// Fills what the page leaves out from the metadata of the same action.
void fill_from_metadata(Contract& page, const Contract& meta) {
  std::vector<std::string> filled;
  if (page.version.empty()) {
    page.version = meta.version;
    filled.emplace_back("version");
  }
  if (page.endpoint.empty()) {
    page.endpoint = meta.endpoint;
    filled.emplace_back("endpoint");
  }
  if (page.title.empty()) page.title = meta.title;
  if (page.response.children.empty() && !meta.response.children.empty()) {
    page.response = meta.response;
    filled.emplace_back("response");
  }
  if (!page.examples.json && meta.examples.json) {
    page.examples.json = meta.examples.json;
    filled.emplace_back("json example");
  }
  if (!page.examples.xml && meta.examples.xml) {
    page.examples.xml = meta.examples.xml;
    filled.emplace_back("xml example");
  }
  if (!filled.empty()) {
    std::string w = "filled from metadata (" + meta.source.file + "):";
    for (size_t i = 0; i < filled.size(); ++i) w += (i ? ", " : " ") + filled[i];
    page.warnings.push_back(w);
  }
}

// The metadata and flags every page is resolved against.
struct Sources {
  const std::vector<Contract>& meta;
  const std::set<std::string>& known_products;
  const CompileOptions& options;
};

// Product and version of one page from the page, the flags and the metadata; `fallback_product`
// is what a page that states no product takes (--product, or the batch's product on a second
// try). Fills `b` (product, version, settled; why there is no product) and adds the metadata API
// the page took over to `merged`.
void resolve_one(Contract& page, const std::string& fallback_product, const Sources& in,
                 BatchPage& b, std::set<size_t>& merged) {
  const std::vector<Contract>& meta = in.meta;
  const std::set<std::string>& known_products = in.known_products;
  const CompileOptions& options = in.options;
  // A product read from the example's host alone is a hint, unless the metadata knows a product
  // of that name (vpc.aliyuncs.com is Vpc; metrics.<region>.aliyuncs.com names no product, its
  // APIs are CloudMonitor's); one the page states (an API Explorer link, a doc anchor) is the
  // page's word.
  bool known = std::any_of(known_products.begin(), known_products.end(),
                           [&](const std::string& p) { return lower(p) == lower(page.product); });
  bool stated =
      !page.product.empty() && (known || lower(page.product) != lower(host_product(page.endpoint)));
  std::string hint_product = page.product, hint_version = page.version;
  if (!stated) page.product = fallback_product;
  if (page.version.empty() && !options.version.empty() &&
      (options.product.empty() || lower(options.product) == lower(page.product)))
    page.version = options.version;
  page.product = canonical_product(page.product, known_products);

  // The metadata APIs of this action; --product and --version narrow them.
  std::vector<size_t> candidates;
  for (size_t i = 0; i < meta.size(); ++i)
    if (meta[i].action == page.action &&
        (page.product.empty() || lower(meta[i].product) == lower(page.product)) &&
        (options.version.empty() || meta[i].version == options.version))
      candidates.push_back(i);
  std::optional<size_t> chosen;
  if (candidates.size() == 1) {
    chosen = candidates.front();
  } else if (candidates.size() > 1) {
    // Ranked by the page's hints (its product, then its version), then shared parameters.
    auto rank = [&](size_t i) {
      return std::make_tuple(!hint_product.empty() && lower(meta[i].product) == lower(hint_product),
                             !hint_version.empty() && meta[i].version == hint_version,
                             match_score(page, meta[i]));
    };
    bool tie = false;
    for (size_t i : candidates) {
      if (!chosen || rank(i) > rank(*chosen)) {
        chosen = i;
        tie = false;
      } else if (rank(i) == rank(*chosen)) {
        tie = true;
      }
    }
    if (tie) chosen.reset();
  }
  if (chosen) {
    const Contract& m = meta[*chosen];
    if ((!hint_product.empty() && lower(hint_product) != lower(m.product)) ||
        (!hint_version.empty() && hint_version != m.version))
      page.warnings.push_back(
          "the page suggests " + (hint_product.empty() ? std::string("no product") : hint_product) +
          (hint_version.empty() ? std::string() : " " + hint_version) +
          (stated ? std::string() : " (its example's host is " + page.endpoint + ")") +
          "; the metadata's " + page.action + " (" + m.source.file + ") is " + m.product + " " +
          m.version + ", which is used");
    page.product = m.product;
    if (!page.version.empty()) page.version = m.version;  // else filled, and said, below
    fill_from_metadata(page, m);
    merged.insert(*chosen);
  }
  if (!chosen && !stated && page.product.empty() && !hint_product.empty()) {
    // A host that names no product of the metadata, and an action the metadata does not list
    // (an older API of the product): the page was given with one product's metadata, whose
    // product it is.
    std::set<std::string> products;
    for (const auto& m : meta) products.insert(m.product);
    if (products.size() == 1) {
      page.product = *products.begin();
      page.warnings.push_back("the page's example host (" + page.endpoint +
                              ") names no product of the metadata; " + page.product +
                              " is the only product given");
    }
  }
  if (page.product.empty()) page.product = canonical_product(hint_product, known_products);
  if (page.product.empty()) {
    std::string why = candidates.size() > 1
                          ? "the page does not name its product and several metadata APIs are "
                            "called " +
                                page.action
                          : "the page does not name its product";
    b.no_product_reason = why;  // the batch may give it
    return;
  }
  // An action the metadata does not list (a page newer than the metadata, or a typo in the page)
  // still belongs to the product: when the product's metadata has one version, that is the one.
  if (page.version.empty()) {
    std::set<std::string> versions;
    for (const auto& m : meta)
      if (lower(m.product) == lower(page.product)) versions.insert(m.version);
    if (versions.size() == 1) {
      page.version = *versions.begin();
      page.warnings.push_back("the metadata has no " + page.action + "; version " + page.version +
                              " taken from the product's metadata");
    }
  }
  b.product = page.product;
  b.version = page.version;
  b.settled = !page.version.empty();
}

}  // namespace

ResolvedPages resolve_pages(std::vector<Contract>&& pages, const std::vector<Contract>& meta,
                            const std::set<std::string>& known_products,
                            const CompileOptions& options, CompileResult& out) {
  Sources in{meta, known_products, options};
  ResolvedPages r;
  std::vector<BatchPage> batch(pages.size());
  // A page that states no product may need a second try with the batch's; it starts again from
  // what the reader gave.
  std::vector<std::optional<Contract>> as_read(pages.size());
  for (size_t k = 0; k < pages.size(); ++k) {
    if (pages[k].product.empty()) as_read[k] = pages[k];
    batch[k].file = pages[k].source.file;
    resolve_one(pages[k], options.product, in, batch[k], r.merged_meta);
  }

  // The batch rule (compile_batch.hpp), each step decided on what the step before settled, so
  // that the outcome does not depend on the order of the pages: first the product of the pages
  // without one, which are then resolved again as if given it with --product; then the version of
  // those still without one.
  std::vector<std::vector<std::string>> taken(pages.size());  // warnings, per page
  std::vector<std::optional<Error>> failed(pages.size());
  std::vector<BatchPage> second = batch;
  for (size_t k = 0; k < pages.size(); ++k) {
    if (!batch[k].product.empty()) continue;
    BatchFill product = product_from_batch(batch, k);
    if (product.error) {
      failed[k] = std::move(product.error);
      continue;
    }
    if (as_read[k]) pages[k] = std::move(*as_read[k]);
    resolve_one(pages[k], product.value, in, second[k], r.merged_meta);
    taken[k].push_back(std::move(product.warning));
  }
  batch = std::move(second);
  for (size_t k = 0; k < pages.size(); ++k) {
    if (failed[k] || batch[k].settled) continue;
    BatchFill version = version_from_batch(batch, k);
    if (version.error) {
      failed[k] = std::move(version.error);
      continue;
    }
    pages[k].version = version.value;
    taken[k].push_back(std::move(version.warning));
  }

  for (size_t k = 0; k < pages.size(); ++k) {
    Contract& page = pages[k];
    if (failed[k]) {
      out.errors.push_back(std::move(*failed[k]));
      ++out.summary.failed_inputs;
      continue;
    }
    for (auto& w : taken[k]) {
      out.batch_notes.push_back(page.source.file + ": " + page.action + ": " + w);
      page.warnings.push_back(std::move(w));
    }
    if (page.endpoint.empty()) page.endpoint = lower(page.product) + ".aliyuncs.com";
    r.pages.push_back(std::move(page));
  }
  return r;
}

}  // namespace popcheck::core
