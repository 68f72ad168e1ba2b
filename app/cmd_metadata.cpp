// `popcheck metadata fetch|list`: Alibaba's api-docs.json metadata, fetched once into a folder and
// used offline from then on by every command that takes metadata (runner/metadata_fetch.hpp).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "runner/metadata_fetch.hpp"

namespace popcheck::app {

namespace {

struct MetadataFlags {
  std::vector<std::string> products;
  std::string into;
  std::string base_url;
  int timeout = 60;
  bool offline = false;
};

runner::FetchOptions options_of(const MetadataFlags& f) {
  runner::FetchOptions o;
  o.base_url = runner::metadata_base_url(f.base_url);
  o.into = runner::metadata_dir(f.into);
  o.timeout = std::chrono::seconds(f.timeout);
  return o;
}

int run_fetch(const MetadataFlags& f) {
  if (f.timeout < 1 || f.timeout > 3600) {
    std::cerr << "popcheck metadata fetch: --timeout must be between 1 and 3600 seconds [usage]\n";
    return 2;
  }
  auto options = options_of(f);
  int status = 0;
  for (const auto& p : f.products) {
    auto r = runner::fetch_metadata(p, options);
    if (!r) {
      std::cerr << "popcheck metadata fetch: " << r.error().to_string() << "\n";
      status = 2;
      continue;
    }
    std::cout << r->product << " " << r->version << ": " << r->path << " (" << r->bytes
              << " bytes, " << (r->changed ? "written" : "unchanged") << ")\n";
  }
  return status;
}

int run_list(const MetadataFlags& f) {
  auto options = options_of(f);
  auto cached = runner::list_cached(options.into);
  std::cout << "cached in " << options.into << ": " << cached.size() << "\n";
  for (const auto& c : cached)
    std::cout << "  " << c.product << " " << c.version << " (" << c.bytes << " bytes)\n";
  if (f.offline) return 0;
  auto list = runner::fetch_product_list(options);
  if (!list) {
    std::cerr << "popcheck metadata list: " << list.error().to_string() << "\n";
    return 2;
  }
  std::cout << "offered by " << options.base_url << ": " << list->size() << " products\n";
  for (const auto& p : *list) {
    std::cout << "  " << p.code << " " << (p.style.empty() ? "?" : p.style) << " default "
              << (p.default_version.empty() ? "?" : p.default_version);
    if (p.versions.size() > 1) {
      std::cout << " (";
      for (size_t i = 0; i < p.versions.size(); ++i) std::cout << (i ? ", " : "") << p.versions[i];
      std::cout << ")";
    }
    std::cout << "\n";
  }
  return 0;
}

void add_common(CLI::App* cmd, MetadataFlags& f) {
  cmd->add_option("--base-url", f.base_url,
                  "The metadata service (default: $POPCHECK_METADATA_URL, else " +
                      std::string(runner::kDefaultMetadataUrl) + ")");
  cmd->add_option("--into,--dir", f.into,
                  "The metadata folder (default: $POPCHECK_METADATA_DIR, else "
                  "$XDG_CACHE_HOME/popcheck/metadata, else ~/.cache/popcheck/metadata)")
      ->type_name("DIR");
  cmd->add_option("--timeout", f.timeout, "Seconds to wait for an answer")->capture_default_str();
}

}  // namespace

void add_metadata_command(CLI::App& root, int& exit_code) {
  auto flags = std::make_shared<MetadataFlags>();
  auto* cmd = root.add_subcommand(
      "metadata",
      "Fetch Alibaba's api-docs.json metadata once, then use it offline by product name.");
  cmd->require_subcommand(1);
  cmd->footer(
      "Fetched files are named <product lowercase>-<version>.json. compile, emulate and run take\n"
      "a product name (Rds, or Rds:2014-08-15) wherever they take a metadata file, and look it up\n"
      "in this folder. HTTPS_PROXY/HTTP_PROXY and NO_PROXY are honoured. See docs/catalogue.md.");

  auto* fetch = cmd->add_subcommand(
      "fetch",
      "Download PRODUCT[:VERSION] (default: the product's default version) into the folder");
  fetch
      ->add_option("PRODUCT", flags->products, "Product code, any case, e.g. Rds or Rds:2014-08-15")
      ->required();
  add_common(fetch, *flags);
  fetch->footer(
      "Written atomically; a document identical to the cached one is not rewritten. Exit status:\n"
      "0 every product fetched, 2 some product failed (unknown product or version, HTTP error,\n"
      "connection lost: nothing partial is ever written).");
  fetch->callback([flags, &exit_code] { exit_code = run_fetch(*flags); });

  auto* list = cmd->add_subcommand("list", "Show what is cached and what the service offers");
  add_common(list, *flags);
  list->add_flag("--offline", flags->offline, "Only what is cached; ask the service nothing");
  list->callback([flags, &exit_code] { exit_code = run_list(*flags); });
}

}  // namespace popcheck::app
