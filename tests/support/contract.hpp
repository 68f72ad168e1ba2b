#pragma once
// Parts of a contract as the page readers make them, for the tests that build contracts by hand.
// Header-only: it needs core/model.hpp alone, which every test binary links.
#include <string>
#include <utility>

#include "core/model.hpp"

namespace popcheck::test_support {

// A documented parameter: its name as written ("Tag.N.Key"), its documented type, whether it is
// required and its example. Depth and constraints are left to the test.
inline core::Param param(std::string name, std::string type, bool required = false,
                         std::string example = {}) {
  core::Param p;
  p.name = std::move(name);
  p.type = std::move(type);
  p.required = required;
  p.example = std::move(example);
  return p;
}

// A documented error row: its HTTP status (and the cell as written), code, message and description.
inline core::ErrorRow row(int http, std::string code, std::string message = {},
                          std::string description = {}) {
  core::ErrorRow r;
  r.http = http;
  r.http_raw = std::to_string(http);
  r.code = std::move(code);
  r.message = std::move(message);
  r.description = std::move(description);
  return r;
}

}  // namespace popcheck::test_support
