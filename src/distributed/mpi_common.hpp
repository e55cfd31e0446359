#pragma once
// What the files of src/distributed share: the lock around MPI calls, the checks that MPI
// is running and that a call succeeded. Internal; includes mpi.h, which the public header
// keeps out of users' code.

// The MPI C API alone: from C++, Open MPI's and MPICH's mpi.h would also pull in the
// deprecated C++ bindings, which need a library of their own (libmpi_cxx).
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <cstdint>
#include <mutex>

namespace nabla::distributed::detail {

// Held around every MPI call nabla makes: MPI runs in MPI_THREAD_SERIALIZED mode, which
// allows calls from any thread but one at a time. Recursive, because a collective calls
// rank() and world_size() under it.
std::recursive_mutex& mpi_mutex();

// True between MPI_Init and MPI_Finalize (whoever called them).
bool running() noexcept;

// This process's rank, or -1 when MPI is not running (for messages; never throws).
int current_rank() noexcept;

// Throws DistributedError naming `call` unless MPI is running: before init() it says to
// call init() (or make an InitGuard), after finalize() that MPI has ended.
void require_running(const char* call);

// Throws DistributedError naming `call`, the MPI function, this rank and MPI's own
// description of `rc` (MPI_Error_string) unless rc is MPI_SUCCESS.
void check(int rc, const char* call, const char* mpi_function);

// The most elements nabla hands to one MPI call, whose counts are ints: all_reduce and
// broadcast cut larger tensors into pieces of this size, all_gather and reduce_scatter
// refuse them. INT_MAX; the tests lower it to exercise the pieces.
std::int64_t max_count() noexcept;
void set_max_count(std::int64_t n) noexcept;

}  // namespace nabla::distributed::detail
