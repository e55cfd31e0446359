// Links the installed nabla::distributed: the ranks' sum of their ranks, 0 + 1 + ... + (N − 1).

#include <cstdio>

#include <nabla/distributed.hpp>

int main(int argc, char** argv) {
  namespace dist = nabla::distributed;
  dist::InitGuard mpi(argc, argv);
  nabla::Tensor t = nabla::scalar_tensor(dist::rank(), nabla::i64);
  dist::all_reduce(t);
  const int n = dist::world_size();
  if (t.item<int>() != n * (n - 1) / 2) {
    std::fprintf(stderr, "rank %d: the sum of the ranks is %d, not %d\n", dist::rank(),
                 t.item<int>(), n * (n - 1) / 2);
    return 1;
  }
  if (dist::rank() == 0) std::printf("ok: the sum of %d ranks is %d\n", n, t.item<int>());
  return 0;
}
