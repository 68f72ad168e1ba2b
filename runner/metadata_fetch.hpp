#pragma once
// Alibaba's OpenAPI metadata service and the folder of metadata fetched from it (docs/catalogue.md,
// "Fetching metadata").
//
// The service, as the public tools that read it use it (Alibaba's own SDK generators among them):
//   GET <base>/products.json -> [{"code": "Ecs", "versions": ["2014-05-26"],
//                                 "defaultVersion": "2014-05-26", "style": "RPC", ...}, ...]
//   GET <base>/products/<Code>/versions/<Version>/api-docs.json -> one product-version's api-docs
// with <base> = https://api.aliyun.com/meta/v1 unless --base-url or POPCHECK_METADATA_URL says
// otherwise. Product codes are case-sensitive there ("R-kvstore"); a user may type any case, the
// product list gives the code.
//
// The folder holds <code lowercase>-<version>.json files, as the shared sample names them, so that
// products never collide (cms-2019-01-01.json and cms-export-2021-11-01.json are different
// products). Every command that takes metadata takes a product name too, resolved here.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace popcheck::runner {

inline constexpr std::string_view kDefaultMetadataUrl = "https://api.aliyun.com/meta/v1";

// The folder fetched metadata goes to: `flag` when given, else $POPCHECK_METADATA_DIR, else
// $XDG_CACHE_HOME/popcheck/metadata, else ~/.cache/popcheck/metadata.
std::string metadata_dir(const std::string& flag = {});

// The service's base URL: `flag` when given, else $POPCHECK_METADATA_URL, else kDefaultMetadataUrl.
std::string metadata_base_url(const std::string& flag = {});

// "cms-export-2021-11-01.json" for product "cms-export", version "2021-11-01".
std::string metadata_file_name(std::string_view product, std::string_view version);

// One product of the service's list.
struct ProductInfo {
  std::string code;   // case-sensitive product code: "Ecs", "R-kvstore"
  std::string style;  // "RPC", "ROA", ...
  std::string default_version;
  std::vector<std::string> versions;
};

// Reads products.json. Errors: "metadata.list" naming `source` when it is not the list.
Expected<std::vector<ProductInfo>> parse_product_list(std::string_view text,
                                                      const std::string& source);

struct FetchOptions {
  std::string base_url;  // resolved with metadata_base_url
  std::string into;      // resolved with metadata_dir
  std::chrono::seconds timeout{60};
};

struct FetchResult {
  std::string product;  // the service's code
  std::string version;
  std::string path;  // the file in the folder
  size_t bytes = 0;
  bool changed = false;  // false: the folder already held these exact bytes, nothing was written
};

// Fetches PRODUCT or PRODUCT:VERSION (the product's default version when none is given) into the
// folder, atomically, and leaves an unchanged document's file alone. The product list is read
// first to find the product's code and default version. Errors name product, version and URL:
// "metadata.unknown_product", "metadata.unknown_version", "metadata.http" (with the status),
// "metadata.net" (no complete answer, the proxy refused the tunnel: nothing is written),
// "metadata.redirect" (a loop, more than 5 redirects, one from https to http: the URLs listed),
// "metadata.format" (the answer is not an api-docs.json of that product), "net.proxy" (a proxy
// variable that names no http:// proxy), "io.*" from writing. The network: net::HttpClient, through
// the proxy net::proxy_from_environment names for each URL; redirects are followed here, not by
// the client.
Expected<FetchResult> fetch_metadata(std::string_view spec, const FetchOptions& options);

// The service's product list.
Expected<std::vector<ProductInfo>> fetch_product_list(const FetchOptions& options);

// A file of the folder.
struct CachedMetadata {
  std::string product;  // as in the file name (lower case)
  std::string version;
  std::string path;
  size_t bytes = 0;
};
// Every <product>-<yyyy-mm-dd>.json of `dir`, sorted by product then version.
std::vector<CachedMetadata> list_cached(const std::string& dir);

// Where a product name is looked for, in order: the fetched folder, then the data folder's
// metadata/ (the bundled products; core/data_dir.hpp). Every command that takes metadata follows it.
std::vector<std::string> metadata_search_dirs(const std::string& dir_flag = {});

// What a command argument that takes metadata names: an existing file is itself; anything else of
// the form PRODUCT or PRODUCT:VERSION is looked up in metadata_search_dirs (case-insensitive
// product; without a version the only cached version, else an error listing them). Errors:
// "metadata.not_cached" (with the fetch command that would get it), "metadata.ambiguous",
// "io.open" for a path that does not exist and is no product name.
Expected<std::string> resolve_metadata(const std::string& arg, const std::string& dir_flag = {});

// True when `arg` is no existing file and has the form of PRODUCT[:VERSION].
bool names_a_product(const std::string& arg);

}  // namespace popcheck::runner
