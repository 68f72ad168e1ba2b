# Warnings applied to every popcheck target through popcheck_warnings.
add_library(popcheck_warnings INTERFACE)
target_compile_options(popcheck_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local
  -Wno-missing-field-initializers)
if(POPCHECK_WERROR)
  target_compile_options(popcheck_warnings INTERFACE -Werror)
endif()
