// `popcheck emulate`: the reference emulator of the seed APIs on a listening socket until SIGINT or
// SIGTERM.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/admin.hpp"
#include "app/commands.hpp"
#include "app/stop_signals.hpp"
#include "emulator/emulator.hpp"
#include "net/server.hpp"
#include "runner/metadata_fetch.hpp"

namespace popcheck::app {

namespace {

struct EmulateFlags {
  std::string listen = "127.0.0.1:" + std::to_string(emulator::kDefaultPort);
  std::string state;
  bool verify_signature = false;
  std::vector<std::string> keys;  // ID=SECRET
  std::vector<std::string> metadata;
  std::vector<std::string> product_at;  // HOST:PORT=Product or /prefix=Product
  bool preload = false;
  std::string data_dir;
  int threads = 2;
  std::string deviation;
  std::string admin_token;
};

// "HOST:PORT", "[V6]:PORT" or "PORT".
bool parse_listen(const std::string& text, std::string& host, uint16_t& port) {
  std::string port_text = text;
  host = "127.0.0.1";
  if (!text.empty() && text.front() == '[') {
    auto close = text.find("]:");
    if (close == std::string::npos) return false;
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else if (auto colon = text.rfind(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  if (host.empty() || port_text.empty() || port_text.size() > 5) return false;
  for (char c : port_text) {
    if (c < '0' || c > '9') return false;
  }
  int p = std::stoi(port_text);
  if (p > 65535) return false;
  port = static_cast<uint16_t>(p);
  return true;
}

int run_emulate(const EmulateFlags& flags) {
  emulator::EmulatorOptions options;
  options.state_file = flags.state;
  options.verify_signature = flags.verify_signature;
  for (const auto& m : flags.metadata) {
    // A product name (Rds, Rds:2014-08-15) is fetched metadata; runner/metadata_fetch.hpp.
    auto path = runner::resolve_metadata(m);
    if (!path) {
      std::cerr << "popcheck emulate: --metadata: " << path.error().to_string() << "\n";
      return 2;
    }
    options.metadata_files.push_back(*path);
  }
  if (options.metadata_files.empty()) {
    // The bundled products' metadata; never a silent fallback to the seed APIs alone.
    auto data = find_data_dir("emulate", flags.data_dir);
    if (!data) return 2;
    auto files = data_metadata("emulate", *data);
    if (!files) return 2;
    options.metadata_files = std::move(*files);
  }
  for (const auto& text : flags.product_at) {
    auto at = emulator::parse_product_at(text);
    if (!at) {
      std::cerr << "popcheck emulate: " << at.error().message << " [usage]\n";
      return 2;
    }
    options.product_at.push_back(std::move(*at));
  }
  options.preload = flags.preload;
  options.deviation = flags.deviation;
  for (const auto& k : flags.keys) {
    auto eq = k.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == k.size()) {
      // Only the id part is echoed: the secret never reaches a log.
      std::cerr << "popcheck emulate: --key wants ID=SECRET, got '" << k.substr(0, eq)
                << (eq == std::string::npos ? "" : "=...") << "' [usage]\n";
      return 2;
    }
    options.keys[k.substr(0, eq)] = k.substr(eq + 1);
  }
  if (options.verify_signature && options.keys.empty()) {
    std::cerr
        << "popcheck emulate: --verify-signature needs at least one --key ID=SECRET [usage]\n";
    return 2;
  }
  net::ServerOptions server;
  if (!parse_listen(flags.listen, server.host, server.port)) {
    std::cerr << "popcheck emulate: --listen wants HOST:PORT, got '" << flags.listen
              << "' [usage]\n";
    return 2;
  }
  if (flags.threads < 1 || flags.threads > 256) {
    std::cerr << "popcheck emulate: --threads must be between 1 and 256 [usage]\n";
    return 2;
  }
  server.threads = flags.threads;
  options.admin =
      admin_guard_for(server.host, flags.admin_token, "popcheck", "popcheck emulate", std::cerr);

  // Before any thread starts: the main thread alone receives them, through sigwait.
  StopSignals stop_signals;

  auto running = emulator::EmbeddedEmulator::start(options, server);
  if (!running) {
    std::cerr << "popcheck emulate: " << running.error().to_string() << "\n";
    return 2;
  }
  std::string url = (*running)->url();
  std::cout << "popcheck emulator listening on " << url << "\n";
  for (const auto& [product, product_url] : (*running)->product_urls())
    std::cout << product << " listening on " << product_url << "\n";
  std::cout << std::flush;
  std::cerr << "health: " << url << "/__popcheck/health; stop with Ctrl-C\n";
  std::string_view received = stop_signals.wait();
  (*running)->stop();
  std::cerr << "popcheck emulate: stopped (" << received << ")\n";
  return 0;
}

}  // namespace

void add_emulate_command(CLI::App& root, int& exit_code) {
  auto flags = std::make_shared<EmulateFlags>();
  auto* cmd = root.add_subcommand(
      "emulate",
      "Serve the reference emulator of the seed APIs (ECS RemoveTags, DetachDisk, DeleteInstances; VPC\n"
      "TagResources; ESS RemoveInstances) with real state, and every other API of the metadata with\n"
      "its documented example, any number of products at once: requests are routed by Version and\n"
      "Action, then by --product-at and the Host header (docs/emulator-routing.md).\n"
      "Admin endpoints: /__popcheck/health, state, reset, provision.\n"
      "Admin requests from another origin are refused; PUT/POST need Content-Type:\n"
      "application/json or an X-Popcheck-Admin: 1 header; beyond loopback every admin request\n"
      "needs the admin token (Authorization: Bearer TOKEN).");
  cmd->add_option("--listen", flags->listen, "HOST:PORT to listen on")->capture_default_str();
  cmd->add_option(
         "--state", flags->state,
         "JSON state to start from (the format of GET /__popcheck/state); default: built-in")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--verify-signature", flags->verify_signature,
                "Check V1 and V3 signatures against the --key credentials");
  cmd->add_option("--key", flags->keys, "ID=SECRET accepted by --verify-signature (repeatable)");
  cmd->add_option("--metadata", flags->metadata,
                  "api-docs.json files, or products of fetched metadata (Rds, Rds:2014-08-15), "
                  "for the contract-driven responder (default: the data folder's metadata/*.json)");
  cmd->add_option("--product-at", flags->product_at,
                  "HOST:PORT=PRODUCT: also listen on HOST:PORT (port 0: any free one) for that "
                  "product alone; /PREFIX=PRODUCT: requests under that path are for that product "
                  "(repeatable; docs/emulator-routing.md)");
  cmd->add_flag("--preload", flags->preload,
                "Read every metadata file before listening (default: each on the first request "
                "naming its version)");
  add_data_dir_option(cmd, flags->data_dir);
  cmd->add_option("--threads", flags->threads, "Server threads")->capture_default_str();
  add_admin_token_option(cmd, flags->admin_token, kServerAdminTokenHelp);
  // Mutation testing of the runner; hidden from --help (empty group).
  cmd->add_option("--deviation", flags->deviation,
                  "Inject one deviation: status:ACTION:CODE, code:ACTION, message:ACTION, "
                  "drop:ACTION:FIELD, xmlroot:ACTION, contenttype:ACTION")
      ->group("");
  cmd->callback([flags, &exit_code] { exit_code = run_emulate(*flags); });
}

}  // namespace popcheck::app
