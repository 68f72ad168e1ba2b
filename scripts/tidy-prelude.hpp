// Included first in every file clang-tidy reads (scripts/tidy.sh), never in a build. libstdc++ 12
// declares std::expected only when __cpp_concepts >= 202002L; clang 16 implements what that needs
// (P0848) but still reports 201907L, so the value is corrected here. cmake/fuzz.cmake does the same
// for the clang builds with -D; here a -D would make clang-tidy report the redefinition in every
// file.
#pragma clang diagnostic ignored "-Wbuiltin-macro-redefined"
#pragma clang diagnostic ignored "-Wmacro-redefined"
#undef __cpp_concepts
#define __cpp_concepts 202002L
