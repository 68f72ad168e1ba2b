# Every third-party dependency comes from Debian 12's packages (scripts/setup.sh installs them).
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(pugixml REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
if(POPCHECK_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

# Precompiled headers: nlohmann/json (and GoogleTest in test binaries) are parsed once instead of once
# per file; with them, eight typical files compile in a third less CPU. A header costs 4 to 7 s of CPU
# to build, so one is built for all the libraries (popcheck_pch) and one for all the test binaries
# (popcheck_pch_tests), and every other target reuses it (REUSE_FROM): 2 headers per build instead of
# 23 (bench/README.md, "test command time"). The macros that differ between targets (BOOST_ALL_NO_LIB,
# CPPHTTPLIB_*) do not appear in these headers, which GCC and clang both accept (a header they refused
# would fail the build: -Winvalid-pch with -Werror). A target with headers of its own (the app's
# CLI11) builds its own.
option(POPCHECK_PCH "Precompile the heavy third-party headers" ON)
set(_popcheck_pch_headers <nlohmann/json.hpp> <string> <vector> <map>)
if(POPCHECK_PCH)
  file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/popcheck_pch.cpp CONTENT "// The owner of a shared precompiled header (cmake/dependencies.cmake).\n")
  add_library(popcheck_pch OBJECT ${PROJECT_BINARY_DIR}/popcheck_pch.cpp)
  target_link_libraries(popcheck_pch PRIVATE nlohmann_json::nlohmann_json popcheck_warnings)
  target_precompile_headers(popcheck_pch PRIVATE ${_popcheck_pch_headers})
  if(POPCHECK_BUILD_TESTS)
    add_library(popcheck_pch_tests OBJECT ${PROJECT_BINARY_DIR}/popcheck_pch.cpp)
    target_link_libraries(popcheck_pch_tests PRIVATE nlohmann_json::nlohmann_json GTest::gtest popcheck_warnings)
    target_precompile_headers(popcheck_pch_tests PRIVATE ${_popcheck_pch_headers} <gtest/gtest.h>)
  endif()
endif()
function(popcheck_precompile target)
  if(NOT POPCHECK_PCH)
    return()
  elseif(NOT ARGN)
    target_precompile_headers(${target} REUSE_FROM popcheck_pch)
  elseif(ARGN STREQUAL "<gtest/gtest.h>")
    target_precompile_headers(${target} REUSE_FROM popcheck_pch_tests)
  else()
    target_precompile_headers(${target} PRIVATE ${_popcheck_pch_headers} ${ARGN})
  endif()
endfunction()

# popcheck_module(NAME DIR DEPS...) builds every .cpp directly in DIR into a static library and, when
# DIR/tests holds *_test.cpp files, one GoogleTest binary NAME_tests. Globbing keeps modules independent:
# adding a file never means editing a shared list.
function(popcheck_module name dir)
  file(GLOB srcs CONFIGURE_DEPENDS ${dir}/*.cpp)
  if(NOT srcs)
    # A module still being written: headers only.
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} INTERFACE ${ARGN})
    return()
  endif()
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARGN} PRIVATE popcheck_warnings)
  popcheck_precompile(${name})
  if(POPCHECK_BUILD_TESTS)
    file(GLOB tests CONFIGURE_DEPENDS ${dir}/tests/*_test.cpp)
    if(tests)
      add_executable(${name}_tests ${tests})
      # popcheck_test_support (tests/support): the helpers every test binary shares.
      target_link_libraries(${name}_tests PRIVATE ${name} popcheck_test_support GTest::gtest
        GTest::gtest_main GTest::gmock popcheck_warnings)
      popcheck_precompile(${name}_tests <gtest/gtest.h>)
      # gtest_discover_tests passes a list-valued property on as its first item only: one variable per
      # property. POPCHECK_SHARED comes from the caller's environment, else POPCHECK_SRC/../shared.
      gtest_discover_tests(${name}_tests DISCOVERY_TIMEOUT 60
        PROPERTIES ENVIRONMENT "POPCHECK_SRC=${PROJECT_SOURCE_DIR}"
                   ENVIRONMENT_MODIFICATION "POPCHECK_CORPUS_LOG=set:${POPCHECK_CORPUS_LOG}")
    endif()
  endif()
endfunction()

# ../shared, the workshop folder beside a checkout, holds the seed pages and the 74-page corpus that
# some suites read when it is present (tests/support/paths.hpp, tests/e2e/lib/harness.mjs). Those suites write a line
# to POPCHECK_CORPUS_LOG saying whether they ran; scripts/test.sh prints the summary.
set(POPCHECK_SHARED_DIR "${PROJECT_SOURCE_DIR}/../shared" CACHE PATH "The shared material folder")
# Tests know the source tree (data/, cases/, tests/data/) through POPCHECK_SRC; the product never does.
# (An environment variable rather than a compile definition keeps the objects free of the checkout's
# path, so ccache serves another clone.)
set(POPCHECK_CORPUS_LOG "${PROJECT_BINARY_DIR}/corpus-suites.log")
set(POPCHECK_TEST_ENVIRONMENT "POPCHECK_SRC=${PROJECT_SOURCE_DIR};POPCHECK_SHARED=${POPCHECK_SHARED_DIR}"
  "POPCHECK_CORPUS_LOG=${POPCHECK_CORPUS_LOG}")
