#pragma once
// The products the emulator serves and which one answers a request (docs/emulator-routing.md).
//
// Loading: each api-docs.json file is indexed at start-up by its `info` block alone (product and
// version; the block opens the file, so indexing reads a few hundred bytes of JSON per file) and read
// in full the first time a request names its version. Starting with every file of a large catalogue
// therefore costs milliseconds, and each product pays for its own reading on its first request.
//
// Routing: a request names Version and Action. The candidates are the products serving that version
// (several when version dates collide across products, as Cassandra's and CloudMonitor's 2019-01-01
// do) that have that action, the five seed APIs included. One candidate answers. Several are told
// apart by, in order: a product pinned by where the request arrived (a --product-at listener or path
// prefix: then only that product is a candidate at all), then the Host header when it names one
// candidate's documented endpoint (ecs.cn-hangzhou.aliyuncs.com). Anything still ambiguous is
// answered 400 Product.Ambiguous naming the candidates and how to route to one.
//
// Thread-safe: the index is fixed at construction, each file is read once (std::call_once) and never
// changes after, so contracts returned stay valid and unchanged for the catalogue's lifetime.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "emulator/apis.hpp"

namespace popcheck::emulator {

// Where a request for a product arrives, besides Version/Action routing (`--product-at`).
struct ProductAt {
  std::string product;  // as the user typed it; matched case-insensitively
  // Exactly one of these: a listener of its own (host and port; port 0: any free port) ...
  std::string host;
  uint16_t port = 0;
  // ... or a path prefix on every listener ("/cms": /cms/?Action=... and /cms/__popcheck/...).
  std::string prefix;
};

// "HOST:PORT=Product", "[V6]:PORT=Product" or "/prefix=Product". Error "usage.product-at" naming
// the text.
Expected<ProductAt> parse_product_at(std::string_view text);

// What the router decided for one request.
struct Route {
  std::string product;  // the product that answers; empty when the request is refused
  // The HostId of answers: the product's central endpoint ("ecs.aliyuncs.com"); for a refusal made
  // before a product is known, empty (the caller uses the gateway's own host).
  std::string host;
  const SeedApi* seed = nullptr;             // one of the five seed APIs, or
  const core::Contract* contract = nullptr;  // a contract-driven API
  std::optional<ApiResult> error;  // NoSuchVersion, InvalidAction.NotFound, Product.Ambiguous
};

class ContractCatalogue {
 public:
  // Indexes the files (their info blocks); nothing else is read until a request needs it. A file
  // that cannot be indexed is left out and listed by load_errors(). A product-version given twice
  // is served by the last file naming it (an explicit file after the bundled one).
  explicit ContractCatalogue(std::vector<std::string> files);
  // For tests: contracts given directly (nothing is read). `endpoints`: documented host names per
  // product, for Host routing.
  explicit ContractCatalogue(std::vector<core::Contract> contracts,
                             std::map<std::string, std::vector<std::string>> endpoints = {});
  ~ContractCatalogue();
  ContractCatalogue(const ContractCatalogue&) = delete;
  ContractCatalogue& operator=(const ContractCatalogue&) = delete;

  // The contract of (Version, Action) of the first product serving both; nullptr when none.
  const core::Contract* find(const std::string& version, const std::string& action);
  // The contract of one product's (Version, Action); the product matched case-insensitively.
  const core::Contract* find(std::string_view product, const std::string& version,
                             const std::string& action);
  // The product name ("Ecs") of the first file declaring a version; empty when none.
  std::string product_of_version(const std::string& version) const;
  // Every product declaring a version, in the order the files were given.
  std::vector<std::string> products_of_version(const std::string& version) const;
  // The catalogue's spelling of a product name given in any case ("r-kvstore" -> "R-kvstore"),
  // among the files and the seed products; empty when it serves no such product.
  std::string product_named(std::string_view name) const;
  // Every product-version served, "Ecs 2014-05-26", in file order (seed products included).
  std::vector<std::string> served() const;
  // The host names of a product's version, lower case: the seed product's host, the file's
  // documented "endpoints" (read on first use), then <product>.aliyuncs.com.
  std::vector<std::string> endpoints(std::string_view product, const std::string& version);

  // Which product answers Version/Action (see the header comment). `host_header` is the request's
  // Host (a port is ignored); `pinned` a product fixed by where the request arrived, or empty.
  Route route(const std::string& version, const std::string& action, std::string_view host_header,
              std::string_view pinned = {});

  // Reads every file now, one reader thread per core (the first requests then pay nothing);
  // returns the wall time it took in seconds. For a warm start and for measuring.
  double load_all();
  // Files or APIs that could not be read (they are skipped; the rest still serve). Reads every
  // file first.
  std::vector<std::string> load_errors();

 private:
  struct File;
  File* file_of(std::string_view product, const std::string& version) const;
  void load(File& f);
  std::vector<std::unique_ptr<File>> files_;              // served product-versions, in order
  std::map<std::string, std::vector<File*>> by_version_;  // version -> files, in order
  std::vector<std::string> index_errors_;
};

}  // namespace popcheck::emulator
