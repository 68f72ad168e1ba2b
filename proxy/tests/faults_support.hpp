#pragma once
// A fault rule from flag syntax for the fault tests (faults_test.cpp, faults_proxy_test.cpp); a
// spec that does not parse fails the test that gave it.
#include <gtest/gtest.h>

#include <string_view>

#include "proxy/faults.hpp"

namespace popcheck::proxy::test_support {

inline FaultRule parsed(std::string_view spec) {
  auto rule = parse_fault(spec);
  EXPECT_TRUE(rule.has_value()) << spec << ": " << (rule ? "" : rule.error().message);
  return rule ? *rule : FaultRule{};
}

}  // namespace popcheck::proxy::test_support
