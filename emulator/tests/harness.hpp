#pragma once
// Drives the emulator's handler directly with HTTP requests (no sockets) for the unit tests.
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/protocol/sign.hpp"
#include "emulator/emulator.hpp"
#include "tests/support/paths.hpp"

namespace popcheck::emulator::testing {

using json = nlohmann::ordered_json;

struct Reply {
  int status = 0;
  std::string content_type;
  std::map<std::string, std::string> headers;
  std::string body;
  json json_body;  // parsed when the body is JSON
  std::string code() const { return json_body.value("Code", std::string()); }
  std::string message() const { return json_body.value("Message", std::string()); }
};

class Harness {
 public:
  // With no metadata given, the bundled products' (data/metadata), as `popcheck emulate` serves.
  explicit Harness(EmulatorOptions options = {}) {
    if (options.metadata_files.empty()) options.metadata_files = test_support::bundled_metadata();
    auto h = make_handler(options);
    EXPECT_TRUE(h) << (h ? "" : h.error().to_string());
    if (h) handler_ = *h;
  }

  Reply send(net::HttpRequest request) {
    Reply reply;
    handler_->handle(std::move(request), [&reply](net::HttpResponse r) {
      reply.status = r.status;
      reply.body = std::move(r.body);
      for (auto& [k, v] : r.headers) {
        if (k == "Content-Type") reply.content_type = v;
        reply.headers[k] = v;
      }
    });
    if (reply.content_type.starts_with("application/json")) {
      reply.json_body = json::parse(reply.body, nullptr, false);
    }
    return reply;
  }

  // An RPC call as GET with every parameter in the query.
  Reply call(const core::Params& params, const std::string& method = "GET",
             core::Params headers = {}) {
    std::string query = core::encode_params(params);
    net::HttpRequest r;
    r.method = method;
    if (method == "POST") {
      r.target = "/";
      r.body = query;
      r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    } else {
      r.target = "/?" + query;
    }
    for (auto& h : headers) r.headers.push_back(h);
    r.headers.emplace_back("Host", "127.0.0.1:18080");
    return send(std::move(r));
  }

  // An admin request as popcheck's own callers send it: JSON, from the loopback address, with
  // `extra` headers after those.
  Reply admin(const std::string& method, const std::string& what, const std::string& body = {},
              const net::Headers& extra = {}) {
    net::HttpRequest r;
    r.method = method;
    r.target = "/__popcheck/" + what;
    r.body = body;
    r.headers = {{"Host", "127.0.0.1:18080"}, {"Content-Type", "application/json"}};
    r.headers.insert(r.headers.end(), extra.begin(), extra.end());
    return send(std::move(r));
  }

  // Provisions needs and returns the vars; fails the test when the emulator refuses.
  std::map<std::string, std::string> provision(const json& needs, const std::string& region = "") {
    json body = {{"needs", needs}};
    if (!region.empty()) body["region"] = region;
    Reply r = admin("POST", "provision", body.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, std::string> vars;
    if (r.json_body.contains("vars")) {
      for (auto& [k, v] : r.json_body["vars"].items()) vars[k] = v.get<std::string>();
    }
    return vars;
  }

  json state() { return admin("GET", "state").json_body; }

 private:
  std::shared_ptr<net::Handler> handler_;
};

// Replaces ${var} in every value.
inline core::Params substitute(core::Params params,
                               const std::map<std::string, std::string>& vars) {
  for (auto& [k, v] : params) {
    for (const auto& [name, value] : vars) {
      std::string token = "${" + name + "}";
      for (size_t pos; (pos = v.find(token)) != std::string::npos;)
        v.replace(pos, token.size(), value);
    }
  }
  return params;
}

inline core::Params ecs(std::string action, core::Params rest) {
  core::Params p = {{"Action", std::move(action)}, {"Version", "2014-05-26"}, {"Format", "JSON"}};
  p.insert(p.end(), rest.begin(), rest.end());
  return p;
}
inline core::Params vpc(std::string action, core::Params rest) {
  core::Params p = {{"Action", std::move(action)}, {"Version", "2016-04-28"}, {"Format", "JSON"}};
  p.insert(p.end(), rest.begin(), rest.end());
  return p;
}
inline core::Params ess(std::string action, core::Params rest) {
  core::Params p = {{"Action", std::move(action)}, {"Version", "2014-08-28"}, {"Format", "JSON"}};
  p.insert(p.end(), rest.begin(), rest.end());
  return p;
}

}  // namespace popcheck::emulator::testing
