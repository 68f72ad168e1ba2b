#pragma once
// Kept for test files written before tests/support existed: include tests/support/paths.hpp.
#include "tests/support/paths.hpp"
