# Warnings applied to every popcheck target through popcheck_warnings. -Wshadow=local (a local hiding
# a local) is GCC's; clang, used by the fuzz and tsan presets, has no such level.
add_library(popcheck_warnings INTERFACE)
target_compile_options(popcheck_warnings INTERFACE -Wall -Wextra -Wpedantic
  $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> -Wno-missing-field-initializers)
if(POPCHECK_WERROR)
  target_compile_options(popcheck_warnings INTERFACE -Werror)
endif()
