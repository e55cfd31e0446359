# Included by tests/distributed and examples where nabla::distributed is built.

# mpirun's command line (FindMPI's MPIEXEC_* variables). Open MPI refuses to start more
# processes than the machine has cores unless told --oversubscribe (CI machines have two),
# and to run as root (as in a container) unless told --allow-run-as-root; other MPIs
# (MPICH) take neither flag and need neither.
set(NABLA_MPIEXEC_FLAGS ${MPIEXEC_PREFLAGS})
execute_process(COMMAND ${MPIEXEC_EXECUTABLE} --version
  OUTPUT_VARIABLE mpiexec_version ERROR_VARIABLE mpiexec_version RESULT_VARIABLE status)
if(mpiexec_version MATCHES "Open MPI|OpenRTE")
  list(APPEND NABLA_MPIEXEC_FLAGS --oversubscribe)
  execute_process(COMMAND id -u OUTPUT_VARIABLE uid OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(uid STREQUAL "0")
    list(APPEND NABLA_MPIEXEC_FLAGS --allow-run-as-root)
  endif()
endif()

# Under AddressSanitizer (tools/test --sanitize) LeakSanitizer is off in these jobs: Open
# MPI leaves its start-up allocations for the end of the process, most of them made by its
# plugins, which MPI_Finalize unloads, so LSan can neither attribute nor suppress them (no
# report names nabla). ASan and UBSan still check every access.
function(nabla_no_leak_check name)
  if(NABLA_SANITIZE STREQUAL "address")
    set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT_MODIFICATION
      "ASAN_OPTIONS=string_append::detect_leaks=0")
  endif()
endfunction()

# nabla_mpi_test(NAME ranks target [args...]): a CTest test running target on `ranks`
# processes; ctest -j counts them as that many processors.
function(nabla_mpi_test name ranks target)
  add_test(NAME ${name}
    COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${ranks} ${NABLA_MPIEXEC_FLAGS}
      $<TARGET_FILE:${target}> ${MPIEXEC_POSTFLAGS} ${ARGN})
  set_tests_properties(${name} PROPERTIES PROCESSORS ${ranks} LABELS distributed)
  nabla_no_leak_check(${name})
endfunction()
