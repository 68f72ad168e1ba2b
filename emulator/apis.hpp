#pragma once
// The five seed APIs with real behaviour on the State: ECS RemoveTags, DetachDisk and DeleteInstances,
// VPC TagResources and ESS RemoveInstances. Each validates in the same order: required parameters,
// formats and limits, existence, then state; nothing changes unless every check passes. Pure functions
// of (parameters, state): no sockets, threads or clocks, so tests drive them directly.
#include <span>
#include <string>
#include <string_view>

#include "core/model.hpp"
#include "core/protocol/normalize.hpp"
#include "emulator/state.hpp"

namespace popcheck::emulator {

// What an API answers: an error (code non-empty) or success fields without RequestId.
struct ApiResult {
  int status = 200;
  std::string code;
  std::string message;
  ojson body = ojson::object();
  bool ok() const { return code.empty(); }
};

ApiResult api_error(int status, std::string code, std::string message);
// The value of the parameter named `name`, the first where a request repeats it; nullptr when the
// request has none (core/protocol/normalize.hpp). For every API of the emulator.
using core::find_param;
// The gateway's common errors.
ApiResult missing_parameter(std::string_view name);
ApiResult invalid_parameter(std::string_view name);

using ApiFunction = ApiResult (*)(const core::Params& params, State& state);

struct SeedApi {
  std::string_view product;  // "Ecs", "Vpc", "Ess"
  std::string_view version;  // "2014-05-26"
  std::string_view action;
  ApiFunction run;
};

std::span<const SeedApi> seed_apis();
// The seed API of a product's action; nullptr when it is not one of the five.
const SeedApi* find_seed_api(std::string_view product, std::string_view action);

// Products the emulator knows without metadata, with the host used as HostId in errors.
struct Product {
  std::string_view name;     // "Ecs"
  std::string_view version;  // "2014-05-26"
  std::string_view host;     // "ecs.aliyuncs.com"
};
std::span<const Product> known_products();

ApiResult remove_tags(const core::Params& params, State& state);
ApiResult detach_disk(const core::Params& params, State& state);
ApiResult delete_instances(const core::Params& params, State& state);
ApiResult tag_resources(const core::Params& params, State& state);
ApiResult remove_instances(const core::Params& params, State& state);

}  // namespace popcheck::emulator
