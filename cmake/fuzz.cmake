# Fuzzing and ThreadSanitizer builds (the fuzz and tsan presets). Both need clang: the fuzz preset
# instruments every object for libFuzzer (-fsanitize=fuzzer-no-link) on top of ASan+UBSan
# (POPCHECK_SANITIZE, sanitizers.cmake), so the one build gives both the fuzz targets of fuzz/ and the
# unit tests under ASan+UBSan; the tsan preset instruments everything with -fsanitize=thread.
option(POPCHECK_FUZZ "Instrument for libFuzzer and build the fuzz targets of fuzz/ (clang)" OFF)
option(POPCHECK_TSAN "Build with ThreadSanitizer (clang or gcc)" OFF)

if(POPCHECK_FUZZ OR POPCHECK_TSAN)
  if(POPCHECK_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "POPCHECK_FUZZ needs clang (libFuzzer); configure with the fuzz preset")
  endif()
  if(POPCHECK_TSAN AND (POPCHECK_SANITIZE OR POPCHECK_FUZZ))
    message(FATAL_ERROR "POPCHECK_TSAN cannot be combined with ASan (POPCHECK_SANITIZE, POPCHECK_FUZZ)")
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # libstdc++ 12 only declares std::expected when __cpp_concepts >= 202002L (it needs conditionally
    # trivial special members, P0848). Clang 16 implements P0848 but still reports 201907L, so the
    # header stays empty; telling it the truth makes <expected> usable. Clang 14 lacks P0848 and
    # cannot compile std::expected at all, hence clang 16 in the presets.
    include(CheckCXXSourceCompiles)
    check_cxx_source_compiles("#include <expected>\nint main() { std::expected<int, int> e{1}; return *e - 1; }"
      POPCHECK_HAS_STD_EXPECTED)
    if(NOT POPCHECK_HAS_STD_EXPECTED)
      add_compile_options(-D__cpp_concepts=202002L -Wno-macro-redefined)
    endif()
  endif()
endif()

if(POPCHECK_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
if(POPCHECK_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
