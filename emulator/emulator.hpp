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
  // api-docs.json files for the contract-driven responder. Empty: the seed APIs alone. The emulator
  // looks nowhere by itself: `popcheck` passes the data folder's metadata (core/data_dir.hpp).
  std::vector<std::string> metadata_files;
  // Mutation testing: one injected deviation, e.g. "status:RemoveTags:201", "code:DetachDisk",
  // "message:DeleteInstances", "drop:RemoveInstances:ScalingActivityId", "xmlroot:RemoveTags".
  std::string deviation;
  // Who may use the /__popcheck/ endpoints (net/admin.hpp): never a cross-origin page; with a
  // token, only callers that send it.
  net::AdminGuard admin;
};

// The request handler (emulated APIs + /__popcheck/ admin endpoints), for mounting on any
// net::Server.
Expected<std::shared_ptr<net::Handler>> make_handler(const EmulatorOptions& options);

// An emulator running in this process on its own server.
class EmbeddedEmulator {
 public:
  static Expected<std::unique_ptr<EmbeddedEmulator>> start(const EmulatorOptions& options,
                                                            net::ServerOptions server = {});
  std::string url() const;  // "http://127.0.0.1:PORT"
  uint16_t port() const;
  void stop();

 private:
  EmbeddedEmulator() = default;
  std::unique_ptr<net::Server> server_;
  std::string host_ = "127.0.0.1";
};

}  // namespace popcheck::emulator
