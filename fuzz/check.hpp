#pragma once
// What the fuzz targets share: a check that aborts with a message (libFuzzer then saves the input as a
// crash), and the oracle of request normalisation that the three request targets apply.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/protocol/normalize.hpp"

namespace popcheck::fuzz {

// Aborts when `ok` is false: a broken property is a finding like a crash.
inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", what);
  std::abort();
}

// Normalises `request` every way the proxy and the emulator do and checks that the one-pass paths
// agree with the reference (merge_params then match_params), as core/protocol/tests/property_test.cpp
// does for generated requests.
inline void check_request(const core::HttpRequestView& request, const core::MatchOptions& options) {
  const core::Params merged = core::merge_params(request);
  const auto expected = core::match_params(merged, options);
  require(core::request_match_params(request, options) == expected,
          "request_match_params == match_params(merge_params)");
  const core::RequestKey key = core::request_match_key(request, options);
  require(key.key() == core::match_key(expected),
          "request_match_key.key == match_key(match_params)");
  require(key.hash() == core::match_key_hash(key.key()), "request_match_key.hash");
  const auto field = [&](const char* name) {
    auto it = expected.find(name);
    return it == expected.end() ? std::string() : it->second;
  };
  require(key.action() == field("Action"), "request_match_key.action");
  require(key.format() == field("Format"), "request_match_key.format");
}

}  // namespace popcheck::fuzz
