# Sanitizer and fuzzing flags (tools/test --sanitize, --tsan; tools/fuzz). Unlike warnings,
# they must reach every target of the build, tests and examples included, so they are set
# for the whole directory tree here. NABLA_SANITIZE_FLAGS_STRING holds them all, for the
# package test, whose consumer must be built (and linked) with the same flags.
set(NABLA_SANITIZE_FLAGS "")
if(NABLA_SANITIZE STREQUAL "address")
  set(NABLA_SANITIZE_FLAGS
    -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # Third-party code with known, harmless reports (the file says which and why).
    list(APPEND NABLA_SANITIZE_FLAGS
      -fsanitize-ignorelist=${PROJECT_SOURCE_DIR}/cmake/sanitize-ignorelist.txt)
  endif()
elseif(NABLA_SANITIZE STREQUAL "thread")
  set(NABLA_SANITIZE_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
elseif(NOT NABLA_SANITIZE STREQUAL "")
  message(FATAL_ERROR "NABLA_SANITIZE is '${NABLA_SANITIZE}': use '', 'address' or 'thread'")
endif()
if(NABLA_SANITIZE_FLAGS)
  add_compile_options(${NABLA_SANITIZE_FLAGS})
  add_link_options(${NABLA_SANITIZE_FLAGS})
endif()
if(NABLA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "NABLA_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Coverage feedback for libFuzzer in every object; only the fuzz targets link its main.
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_link_options(-fsanitize=fuzzer-no-link)
  list(APPEND NABLA_SANITIZE_FLAGS -fsanitize=fuzzer-no-link)
endif()
string(REPLACE ";" " " NABLA_SANITIZE_FLAGS_STRING "${NABLA_SANITIZE_FLAGS}")
