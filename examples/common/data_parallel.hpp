#pragma once
// What the examples' --distributed runs share: which rank this process is, and how many
// kernel threads each of the ranks on one machine should use.

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <thread>
#include <vector>

#ifdef NABLA_EXAMPLES_DISTRIBUTED
#include <nabla/distributed.hpp>
#endif

namespace examples {

/// This process's rank and the number of ranks: 0 and 1 unless --distributed.
struct World {
  int rank = 0, size = 1;
};

/// Kernel threads per rank: the cores shared among the ranks on this machine (Open MPI and
/// MPICH name how many ranks share it), so that N ranks do not run N times the cores.
inline int threads_per_rank() {
  int local = 1;
  for (const char* var : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"}) {
    if (const char* v = std::getenv(var)) local = std::max(1, std::atoi(v));
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / local);
}

#ifdef NABLA_EXAMPLES_DISTRIBUTED
/// Replaces each value with its sum over the ranks (an epoch's loss, counts), in one
/// all_reduce.
inline void sum_over_ranks(std::initializer_list<double*> values) {
  std::vector<double> v;
  for (const double* p : values) v.push_back(*p);
  nabla::Tensor t = nabla::tensor(v, {static_cast<std::int64_t>(v.size())}, nabla::f64);
  nabla::distributed::all_reduce(t);
  const std::vector<double> sums = t.to_vector();
  std::size_t i = 0;
  for (double* p : values) *p = sums[i++];
}
#endif

}  // namespace examples
