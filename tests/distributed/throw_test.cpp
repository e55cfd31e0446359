// A job in which rank 1 throws out of main's InitGuard scope while rank 0 waits in an
// all_reduce for it ("throw"): the guard's destructor, running during the unwinding, must
// end the job with MPI_Abort. Finalizing instead would hang, since MPI_Finalize waits for
// rank 0, which waits for rank 1 (CTest runs it with WILL_FAIL and a 30 s timeout). With
// "none" no rank throws and the job ends cleanly.

#include <cstdio>
#include <stdexcept>
#include <string>

#include "nabla/distributed.hpp"

int main(int argc, char** argv) {
  namespace dist = nabla::distributed;
  const bool throws = argc > 1 && std::string(argv[1]) == "throw";
  try {
    dist::InitGuard mpi(argc, argv);
    if (throws && dist::rank() == 1) {
      throw std::runtime_error("rank 1 fails before the all_reduce, on purpose");
    }
    nabla::Tensor t = nabla::ones({4});
    std::printf("rank %d: in all_reduce\n", dist::rank());
    std::fflush(stdout);
    dist::all_reduce(t);
    std::printf("rank %d: all_reduce gave %g\n", dist::rank(), t.to_vector()[0]);
  } catch (const std::exception& e) {
    // Reached on rank 1 only if the guard did not abort: then the job hangs in rank 0's
    // all_reduce, and CTest's timeout fails the test.
    std::fprintf(stderr, "caught outside the guard: %s\n", e.what());
    return 1;
  }
  return 0;
}
