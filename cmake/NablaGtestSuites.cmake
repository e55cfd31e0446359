# nabla_add_gtest_suites(TARGET [TIMEOUT seconds] [LABELS label...])
#
# One CTest test per GoogleTest suite of TARGET (gtest_discover_tests makes one per test
# case, and with three thousand of them the process start-ups, not the tests, were most
# of a ctest run: about 0.1 s each, several times that under the sanitizers). After each
# build the executable lists its tests (--gtest_list_tests) and a CTest include file gets
# one `add_test(Suite ... --gtest_filter=Suite.*)` per suite. A single test case runs
# with the executable itself: `build-test/tests/nabla_tests --gtest_filter=Suite.Case`.
function(nabla_add_gtest_suites target)
  cmake_parse_arguments(ARG "" "TIMEOUT" "LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  set(ctest_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake")
  string(REPLACE ";" "," labels "${ARG_LABELS}")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:${target}> -DOUT=${ctest_file}
      -DTIMEOUT=${ARG_TIMEOUT} -DLABELS=${labels}
      -P ${PROJECT_SOURCE_DIR}/cmake/NablaListSuites.cmake
    COMMENT "Listing the test suites of ${target}"
    VERBATIM)
  # CTest reads the list when it exists; before the executable is built, a test that
  # fails says so.
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_include.cmake")
  file(WRITE "${include_file}"
    "if(EXISTS [==[${ctest_file}]==])\n"
    "  include([==[${ctest_file}]==])\n"
    "else()\n"
    "  add_test([==[${target}_NOT_BUILT]==] [==[${target}_NOT_BUILT]==])\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${include_file})
endfunction()
