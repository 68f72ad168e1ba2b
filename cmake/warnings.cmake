# Warnings applied to every popcheck target through popcheck_warnings. -Wshadow=local (a local hiding
# a local) is GCC's; clang, used by the fuzz and tsan presets, has no such level.
add_library(popcheck_warnings INTERFACE)
target_compile_options(popcheck_warnings INTERFACE -Wall -Wextra -Wpedantic
  $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> -Wno-missing-field-initializers
  # GCC 12 reports std::string's own inlined copies as out of bounds at -O1 (GCC bugs 105329, 105651):
  # false positives in libstdc++, not in this code; clang checks bounds with ASan in the fuzz preset.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-array-bounds -Wno-stringop-overflow -Wno-restrict>)
if(POPCHECK_WERROR)
  target_compile_options(popcheck_warnings INTERFACE -Werror)
endif()
