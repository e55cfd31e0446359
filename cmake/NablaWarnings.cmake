# Warnings for nabla's own targets only; global flags stay untouched.
function(nabla_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wconversion -Wno-sign-conversion -Wno-missing-field-initializers)
endfunction()
