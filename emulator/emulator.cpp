#include "emulator/emulator.hpp"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <sstream>

#include <pugixml.hpp>

#include "core/files.hpp"
#include "core/input_limits.hpp"
#include "core/protocol/normalize.hpp"
#include "core/support/text.hpp"
#include "emulator/apis.hpp"
#include "emulator/catalogue.hpp"
#include "emulator/deviation.hpp"
#include "emulator/responder.hpp"
#include "emulator/signature.hpp"
#include "emulator/state.hpp"
#include "popcheck/version.hpp"

namespace popcheck::emulator {

namespace {

constexpr std::string_view kAdminPrefix = "/__popcheck/";
constexpr const char* kJson = "application/json;charset=utf-8";
constexpr const char* kXml = "text/xml;charset=utf-8";

using core::text::iequals;

// The admin answers, indented for people (the state is read by eye).
net::HttpResponse json_response(int status, const ojson& body) {
  return net::json_response(status, body, 2);
}

net::HttpResponse admin_error(int status, std::string code, std::string message) {
  return net::make_error_response({status, std::move(code), std::move(message), "popcheck"});
}

class EmulatorHandler : public net::Handler {
 public:
  EmulatorHandler(const EmulatorOptions& options, State initial, Deviation deviation,
                  std::vector<std::string> metadata_files)
      : options_(options),
        deviation_(std::move(deviation)),
        initial_(std::move(initial)),
        state_(initial_),
        catalogue_(std::move(metadata_files)) {
    if (options_.verify_signature) signatures_ = std::make_unique<SignatureChecker>(options_.keys);
  }

  void handle(net::HttpRequest request, net::Respond respond) override {
    respond(serve(request, {}));
  }

  ContractCatalogue& catalogue() { return catalogue_; }
  // Before the handler serves: the --product-at entries with the catalogue's product names.
  void set_product_at(std::vector<ProductAt> product_at) {
    options_.product_at = std::move(product_at);
  }
  const std::vector<ProductAt>& product_at() const { return options_.product_at; }

  // `pinned`: the product of the --product-at listener the request arrived at; empty: none.
  net::HttpResponse serve(const net::HttpRequest& request, std::string_view pinned) {
    std::string_view target = request.target;
    std::string_view path = target.substr(0, target.find('?'));
    // A --product-at path prefix pins the product; what follows it is served as at the root.
    for (const auto& at : options_.product_at) {
      if (at.prefix.empty() || !path.starts_with(at.prefix)) continue;
      std::string_view rest = path.substr(at.prefix.size());
      if (!rest.empty() && rest.front() != '/') continue;
      pinned = at.product;
      path = rest;
      break;
    }
    if (path.starts_with(kAdminPrefix)) {
      if (auto refused = net::refuse_admin(options_.admin, request)) return std::move(*refused);
      return admin(request, path.substr(kAdminPrefix.size()));
    }
    return api(request, pinned);
  }

 private:
  // ------------------------------------------------------------------------------------------------
  //  The emulated cloud API.

  net::HttpResponse api(const net::HttpRequest& request, std::string_view pinned) {
    core::HttpRequestView view{request.method, request.target, &request.headers, request.body};
    core::Params params = core::merge_params(view);
    const std::string* format = find_param(params, "Format");
    // Format is optional and V3 clients send none: JSON is the default (docs/protocol.md 1.2: the
    // common parameters page and ESS document JSON; every SDK that omits Format parses JSON).
    bool xml = format != nullptr && iequals(*format, "XML");
    const std::string* action = find_param(params, "Action");
    const std::string* version = find_param(params, "Version");
    std::string host = gateway_host(request);

    auto error = [&](const ApiResult& r, const std::string& host_id) {
      return finish(render_error(r, host_id, xml), xml, action ? *action : std::string());
    };
    if (request.method != "GET" && request.method != "POST") {
      return error(
          api_error(400, "UnsupportedHTTPMethod",
                    "The HTTP method " + request.method + " is not supported; use GET or POST."),
          host);
    }
    for (const auto& [k, v] : params) {
      bool printable = !k.empty() && std::all_of(k.begin(), k.end(), [](unsigned char c) {
        return c > 0x20 && c != 0x7F;
      });
      if (!printable) {
        return error(
            api_error(400, "InvalidParameter",
                      "The request carries a parameter whose name is empty or holds control "
                      "characters."),
            host);
      }
    }
    if (action == nullptr || action->empty()) return error(missing_parameter("Action"), host);
    if (version == nullptr || version->empty()) return error(missing_parameter("Version"), host);

    // Which product answers: Version and Action, then where the request arrived and its Host
    // (emulator/catalogue.hpp).
    Route route =
        catalogue_.route(*version, *action, core::header_value(request.headers, "Host"), pinned);
    if (route.error) return error(*route.error, route.host.empty() ? host : route.host);
    const SeedApi* seed = route.seed;
    const core::Contract* contract = route.contract;
    const std::string& product_host = route.host;

    if (signatures_) {
      if (auto bad = signatures_->check(request)) return error(*bad, product_host);
    }

    // A sandboxed request runs on a fresh copy of the initial state and leaves the shared state
    // alone, so that documented examples that consume resources succeed every time they are sent.
    bool sandbox = iequals(core::header_value(request.headers, "x-popcheck-state"), "initial");
    const ContractApi* api = contract != nullptr ? &responder_.api(*contract) : nullptr;
    // The request alone is checked outside the state's lock; an injected fault still wins.
    std::optional<ApiResult> invalid = api != nullptr ? api->validate(params) : std::nullopt;
    ApiResult result;
    Outcome outcome;
    {
      std::unique_lock lock(mutex_);
      State scratch;
      State* state = &state_;
      if (sandbox) {
        scratch = initial_;
        state = &scratch;
      }
      if (auto fault = state->take_fault(*action, params,
                                         core::header_value(request.headers, kCaseHeader))) {
        result = api_error(fault->status, fault->code, fault->message);
      } else if (seed != nullptr) {
        result = seed->run(params, *state);
      } else if (invalid) {
        result = *invalid;
      } else {
        outcome = api->apply(params, *state);
        if (outcome.error) result = *outcome.error;
      }
    }
    if (!result.ok()) return error(result, product_host);

    net::HttpResponse response;
    std::string request_id = net::new_request_id();
    response.body = seed != nullptr ? render_success(*action, result.body, xml, request_id)
                                    : api->render(outcome, params, xml, request_id);
    response.headers.emplace_back("Content-Type", xml ? kXml : kJson);
    response.headers.emplace_back("x-acs-request-id", std::move(request_id));
    return finish(std::move(response), xml, *action);
  }

  // The host errors name before the product is known: the request's Host without its port.
  static std::string gateway_host(const net::HttpRequest& request) {
    std::string host = core::header_value(request.headers, "Host");
    if (auto colon = host.rfind(':');
        colon != std::string::npos && host.find(']') == std::string::npos) {
      host.resize(colon);
    }
    return host.empty() ? "popcheck" : host;
  }

  static net::HttpResponse render_error(const ApiResult& r, const std::string& host_id, bool xml) {
    auto response = net::make_error_response({r.status, r.code, r.message, host_id}, xml);
    // The real gateway repeats the RequestId in a header; SDKs read either.
    // make_error_response writes RequestId first in both formats; find it without re-parsing.
    std::string_view body = response.body;
    std::string_view marker = xml ? "<RequestId>" : "\"RequestId\":\"";
    if (auto at = body.find(marker); at != std::string_view::npos) {
      std::string_view rest = body.substr(at + marker.size());
      response.headers.emplace_back("x-acs-request-id",
                                    std::string(rest.substr(0, rest.find_first_of("<\""))));
    }
    return response;
  }

  net::HttpResponse finish(net::HttpResponse response, bool xml, const std::string& action) {
    if (deviation_.applies_to(action)) deviation_.apply(response, xml, action);
    return response;
  }

  // ------------------------------------------------------------------------------------------------
  //  Admin endpoints.

  net::HttpResponse admin(const net::HttpRequest& request, std::string_view what) {
    const std::string& method = request.method;
    if (what == "health") {
      if (method != "GET") return admin_error(405, "MethodNotAllowed", "health answers GET only.");
      ojson body = {{"service", "popcheck-emulator"}, {"version", std::string(kVersion)}};
      return json_response(200, body);
    }
    if (what == "state") {
      if (method == "GET") {
        std::lock_guard lock(mutex_);
        return json_response(200, to_json(state_));
      }
      if (method == "PUT") {
        auto body = core::parse_ordered_json(request.body, "request body");
        if (!body)
          return admin_error(400, "InvalidState",
                             "The state is refused: " + body.error().to_string());
        auto state = state_from_json(*body);
        if (!state) return admin_error(400, "InvalidState", state.error().message);
        std::lock_guard lock(mutex_);
        state_ = std::move(*state);
        return json_response(200, {{"ok", true}});
      }
      return admin_error(405, "MethodNotAllowed", "state answers GET and PUT only.");
    }
    if (what == "reset") {
      if (method != "POST") return admin_error(405, "MethodNotAllowed", "reset answers POST only.");
      std::lock_guard lock(mutex_);
      state_ = initial_;
      return json_response(200, {{"ok", true}});
    }
    if (what == "provision") {
      if (method != "POST")
        return admin_error(405, "MethodNotAllowed", "provision answers POST only.");
      auto body = core::parse_ordered_json(request.body, "request body");
      if (!body)
        return admin_error(400, "InvalidNeed",
                           "The needs are refused: " + body.error().to_string());
      std::lock_guard lock(mutex_);
      auto vars = provision(state_, *body);
      if (!vars) return admin_error(400, "InvalidNeed", vars.error().message);
      return json_response(200, *vars);
    }
    return admin_error(404, "NotFound",
                       "No admin endpoint " + std::string(kAdminPrefix) + std::string(what) +
                           " (health, state, reset, provision).");
  }

  EmulatorOptions options_;
  Deviation deviation_;
  const State initial_;
  std::mutex mutex_;  // guards state_
  State state_;
  ContractCatalogue catalogue_;
  Responder responder_;  // the contract-driven APIs, each prepared on its first request
  std::unique_ptr<SignatureChecker> signatures_;  // null unless --verify-signature
};

}  // namespace

Expected<std::shared_ptr<net::Handler>> make_handler(const EmulatorOptions& options) {
  auto deviation = parse_deviation(options.deviation);
  if (!deviation) return std::unexpected(deviation.error());
  State initial;
  if (options.state_file.empty()) {
    initial = default_state();
  } else {
    auto text = core::read_file(options.state_file);
    if (!text) return std::unexpected(text.error());
    auto json = core::parse_ordered_json(*text, options.state_file);
    if (!json) {
      Error e = json.error();
      if (e.code == "json.parse") e.code = "state.json";
      e.message = "the state file is refused: " + e.message;
      return std::unexpected(std::move(e));
    }
    auto state = state_from_json(*json);
    if (!state) {
      Error e = state.error();
      e.file = options.state_file;
      return std::unexpected(e);
    }
    initial = std::move(*state);
  }
  const std::vector<std::string>& files = options.metadata_files;
  for (const auto& f : files) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(f, ec)) {
      return fail("io.open", "the metadata file does not exist", f);
    }
  }
  auto handler =
      std::make_shared<EmulatorHandler>(options, std::move(initial), std::move(*deviation), files);
  // Every --product-at names a product served (the catalogue's spelling from then on).
  std::vector<ProductAt> product_at = options.product_at;
  for (auto& at : product_at) {
    std::string name = handler->catalogue().product_named(at.product);
    if (name.empty()) {
      std::string served;
      for (const auto& s : handler->catalogue().served())
        served += (served.empty() ? "" : ", ") + s;
      return fail("usage.product-at", "--product-at names product \"" + at.product +
                                          "\", which no metadata given serves (served: " + served +
                                          ")");
    }
    at.product = std::move(name);
  }
  handler->set_product_at(std::move(product_at));
  if (options.preload) handler->catalogue().load_all();
  return handler;
}

namespace {

class ProductListener : public net::Handler {
 public:
  ProductListener(std::shared_ptr<EmulatorHandler> emulator, std::string product)
      : emulator_(std::move(emulator)), product_(std::move(product)) {}
  void handle(net::HttpRequest request, net::Respond respond) override {
    respond(emulator_->serve(request, product_));
  }

 private:
  std::shared_ptr<EmulatorHandler> emulator_;
  std::string product_;
};

}  // namespace

std::shared_ptr<net::Handler> product_listener(std::shared_ptr<net::Handler> emulator,
                                               std::string product) {
  auto handler = std::dynamic_pointer_cast<EmulatorHandler>(std::move(emulator));
  if (!handler) return nullptr;
  return std::make_shared<ProductListener>(std::move(handler), std::move(product));
}

Expected<std::unique_ptr<EmbeddedEmulator>> EmbeddedEmulator::start(const EmulatorOptions& options,
                                                                    net::ServerOptions server) {
  auto handler = make_handler(options);
  if (!handler) return std::unexpected(handler.error());
  std::unique_ptr<EmbeddedEmulator> out(new EmbeddedEmulator());
  // A wildcard listener is reached through loopback.
  auto display_host = [](const std::string& host) {
    std::string h = (host == "0.0.0.0" || host.empty()) ? "127.0.0.1" : host;
    if (h.find(':') != std::string::npos) h = "[" + h + "]";
    return h == "[::]" ? std::string("[::1]") : h;
  };
  out->host_ = display_host(server.host);
  // The --product-at listeners share the handler's state; same threads as the main listener.
  const auto& emulator = dynamic_cast<const EmulatorHandler&>(**handler);
  for (const auto& at : emulator.product_at()) {
    if (at.prefix.empty()) {
      net::ServerOptions extra = server;
      extra.host = at.host;
      extra.port = at.port;
      out->product_servers_.push_back(
          {at.product, display_host(at.host),
           std::make_unique<net::Server>(std::move(extra),
                                         product_listener(*handler, at.product))});
    }
  }
  out->server_ = std::make_unique<net::Server>(std::move(server), std::move(*handler));
  auto started = out->server_->start();
  if (!started) return std::unexpected(started.error());
  for (auto& ps : out->product_servers_) {
    auto ok = ps.server->start();
    if (!ok) {
      Error e = ok.error();
      e.message = "--product-at " + ps.product + ": " + e.message;
      out->stop();
      return std::unexpected(std::move(e));
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> EmbeddedEmulator::product_urls() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(product_servers_.size());
  for (const auto& ps : product_servers_)
    out.emplace_back(ps.product, "http://" + ps.host + ":" + std::to_string(ps.server->port()));
  return out;
}

std::string EmbeddedEmulator::url() const {
  return "http://" + host_ + ":" + std::to_string(port());
}

uint16_t EmbeddedEmulator::port() const { return server_ ? server_->port() : 0; }

void EmbeddedEmulator::stop() {
  for (auto& ps : product_servers_) ps.server->stop();
  if (server_) server_->stop();
}

}  // namespace popcheck::emulator
