// nabla-bench-ddp: one DistributedDataParallel training step (forward, backward with the
// gradients averaged over the ranks, Adam) of the bench's MLP (784-256-128-10, global
// batch 64) and of the Fashion-MNIST CNN (global batch 128), split evenly over the ranks
// of `mpirun -n N` (strong scaling: the same global batch on any N). Rank 0 prints, per
// model, the median step time, the median time backward spent waiting for the all-reduces
// after the graph was done (what communication did not overlap), and the bytes each rank
// all-reduces per step. tools/bench/run runs it on 1 and 2 ranks.
//
//   mpirun -n 2 build-bench/tools/bench/nabla-bench-ddp [--steps N] [--threads N]

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nabla/distributed.hpp>
#include <nabla/nabla.hpp>

namespace {

namespace dist = nabla::distributed;
namespace nn = nabla::nn;
using nabla::Tensor;

struct Row {
  std::string name;
  double step_ms = 0, wait_ms = 0, bytes = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

Row time_steps(const std::string& name, std::shared_ptr<nn::Module> model, const Tensor& x,
               const Tensor& y, int steps) {
  dist::DistributedDataParallel ddp(model);
  nabla::optim::Adam opt(ddp.parameters(), {.lr = 1e-3});
  const auto step = [&] {
    opt.zero_grad();
    nabla::cross_entropy(ddp(x), y).backward();
    opt.step();
  };
  for (int i = 0; i < 3; ++i) step();  // warm-up: buffers, caches, the MPI connections
  std::vector<double> times, waits;
  for (int i = 0; i < steps; ++i) {
    dist::barrier();  // every rank starts the step together
    const auto t0 = std::chrono::steady_clock::now();
    step();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    waits.push_back(ddp.last_wait_seconds() * 1e3);
  }
  // The slowest rank sets the pace: each step's time is the largest over the ranks.
  Tensor t = nabla::tensor(times, {static_cast<std::int64_t>(times.size())}, nabla::f64);
  dist::all_reduce(t, dist::ReduceOp::max);
  double bytes = 0;
  for (const Tensor& p : ddp.parameters()) bytes += static_cast<double>(p.numel()) * 4;
  return {name, median(t.to_vector()), median(waits), bytes};
}

}  // namespace

int main(int argc, char** argv) {
  dist::InitGuard mpi(argc, argv);
  int steps = 20, threads = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--steps") == 0) steps = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--threads") == 0) threads = std::max(1, std::atoi(argv[i + 1]));
  }
  const int world = dist::world_size(), rank = dist::rank();
  // The machine's cores shared among the ranks on it (all of them, in this bench).
  if (threads == 0) {
    threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / world);
  }
  nabla::set_num_threads(threads);
  try {
    std::vector<Row> rows;
    nabla::manual_seed(0);
    {
      const std::int64_t n = 64 / world;
      auto mlp = std::make_shared<nn::Sequential>(nn::Flatten(), nn::Linear(784, 256), nn::ReLU(),
                                                  nn::Linear(256, 128), nn::ReLU(),
                                                  nn::Linear(128, 10));
      rows.push_back(time_steps(fmt::format("mlp 784-256-128-10, batch 64 ({} per rank)", n),
                                mlp, nabla::rand({n, 28, 28}), nabla::randint(0, 10, {n}), steps * 10));
    }
    {
      const std::int64_t n = 128 / world;
      auto cnn = std::make_shared<nn::Sequential>(
          nn::Conv2d(1, 32, 3, {.padding = 1}), nn::BatchNorm2d(32), nn::ReLU(), nn::MaxPool2d(2),
          nn::Conv2d(32, 64, 3, {.padding = 1}), nn::BatchNorm2d(64), nn::ReLU(),
          nn::MaxPool2d(2), nn::Flatten(), nn::Linear(64 * 7 * 7, 128), nn::ReLU(),
          nn::Linear(128, 10));
      rows.push_back(time_steps(fmt::format("cnn, batch 128 ({} per rank)", n), cnn,
                                nabla::randn({n, 1, 28, 28}), nabla::randint(0, 10, {n}), steps));
    }
    if (rank == 0) {
      fmt::print("DistributedDataParallel step on {} rank{} ({} kernel thread{} each)\n", world,
                 world == 1 ? "" : "s", threads, threads == 1 ? "" : "s");
      for (const Row& r : rows) {
        fmt::print("  {:<42} {:8.3f} ms a step, {:7.3f} ms ({:4.1f}%) waiting on the "
                   "all-reduce after backward, {:.2f} MB all-reduced per rank\n",
                   r.name, r.step_ms, r.wait_ms, 100 * r.wait_ms / r.step_ms, r.bytes / 1e6);
      }
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "nabla-bench-ddp (rank {}): {}\n", rank, e.what());
    dist::abort(1);
  }
  return 0;
}
