#pragma once
// The reference emulator of the seed APIs (ECS RemoveTags, DetachDisk, DeleteInstances; VPC TagResources;
// ESS RemoveInstances) with real state, plus a contract-driven responder for every other API of the
// metadata. Served by net::Server; embeddable in `popcheck run`.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "emulator/catalogue.hpp"
#include "net/admin.hpp"
#include "net/http.hpp"
#include "net/server.hpp"

namespace popcheck::emulator {

// The fixed, documented default port of `popcheck emulate`.
inline constexpr uint16_t kDefaultPort = 18080;

struct EmulatorOptions {
  std::string state_file;  // JSON seed state loaded at start; empty: the built-in default state
  bool verify_signature = false;
  std::map<std::string, std::string> keys;  // AccessKeyId -> AccessKeySecret for signature checks
  // api-docs.json files for the contract-driven responder, any number of products. Empty: the seed
  // APIs alone. The emulator looks nowhere by itself: `popcheck` passes the data folder's metadata
  // (core/data_dir.hpp) and whatever --metadata adds. Routing: emulator/catalogue.hpp.
  std::vector<std::string> metadata_files;
  // --product-at: a listener of its own (EmbeddedEmulator starts it) or a path prefix for one
  // product. Every product named must be served, else make_handler fails ("usage.product-at").
  std::vector<ProductAt> product_at;
  // Read every metadata file before serving rather than each on the first request naming its
  // version (emulator/catalogue.hpp).
  bool preload = false;
  // Mutation testing: one injected deviation, e.g. "status:RemoveTags:201", "code:DetachDisk",
  // "message:DeleteInstances", "drop:RemoveInstances:ScalingActivityId", "xmlroot:RemoveTags".
  std::string deviation;
  // Who may use the /__popcheck/ endpoints (net/admin.hpp): never a cross-origin page; with a
  // token, only callers that send it.
  net::AdminGuard admin;
};

// The request handler (emulated APIs + /__popcheck/ admin endpoints), for mounting on any
// net::Server. The --product-at listeners are not started here (EmbeddedEmulator does); their
// handlers come from product_listener.
Expected<std::shared_ptr<net::Handler>> make_handler(const EmulatorOptions& options);

// The handler of a --product-at HOST:PORT listener: every request arriving there is for `product`
// (only its APIs are candidates), with the state, catalogue and admin endpoints of `emulator`, a
// handler make_handler returned.
std::shared_ptr<net::Handler> product_listener(std::shared_ptr<net::Handler> emulator,
                                               std::string product);

// An emulator running in this process on its own server.
class EmbeddedEmulator {
 public:
  static Expected<std::unique_ptr<EmbeddedEmulator>> start(const EmulatorOptions& options,
                                                           net::ServerOptions server = {});
  std::string url() const;  // "http://127.0.0.1:PORT"
  uint16_t port() const;
  // The --product-at listeners, in the order given: the product (catalogue spelling) and its URL.
  std::vector<std::pair<std::string, std::string>> product_urls() const;
  void stop();

 private:
  EmbeddedEmulator() = default;
  std::unique_ptr<net::Server> server_;
  std::string host_ = "127.0.0.1";
  struct ProductServer {
    std::string product;
    std::string host;  // as in url()
    std::unique_ptr<net::Server> server;
  };
  std::vector<ProductServer> product_servers_;
};

}  // namespace popcheck::emulator
