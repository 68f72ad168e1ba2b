# ASan + UBSan for the dev preset. Applied globally so that every object, tests included, is instrumented.
if(POPCHECK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
