#pragma once
// A fault rule from flag syntax for the fault tests (faults_test.cpp, faults_proxy_test.cpp); a
// spec that does not parse fails the test that gave it. Its namespace is its own: one named
// popcheck::proxy::test_support would hide the project's popcheck::test_support (tests/support/) in
// every proxy test that includes it.
#include <gtest/gtest.h>

#include <string_view>

#include "proxy/faults.hpp"

namespace popcheck::proxy::fault_test {

inline FaultRule parsed(std::string_view spec) {
  auto rule = parse_fault(spec);
  EXPECT_TRUE(rule.has_value()) << spec << ": " << (rule ? "" : rule.error().message);
  return rule ? *rule : FaultRule{};
}

}  // namespace popcheck::proxy::fault_test
