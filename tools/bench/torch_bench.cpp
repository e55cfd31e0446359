// nabla-bench-torch: the work of nabla-bench, written with libtorch's C++ API, printed in
// the same format so that the numbers compare line by line (tools/bench/run does that).
//
//   scalar chain : x, w, c 0-d float32 leaves that require grad; 1000 ops
//                  z ← z·w, z ← z + c, z ← tanh z (in turn), then z.backward().
//   seed step    : o = sigmoid(X·W + b), l = ½·Σ(o − y)² as 0.5·mse_loss(o, y, sum) (two
//                  ops; nabla's squared_loss is one), backward, SGD update of W and b under
//                  torch::NoGradGuard, then the gradients reset to undefined (nabla's
//                  zero_grad sets them to none too).
//
// Threads: torch::set_num_threads(N) (OpenMP intra-op) and openblas_set_num_threads(N)
// (Debian's libtorch calls the same pthreads OpenBLAS that nabla does, and at::
// set_num_threads does not reach it), both from --threads, 1 by default, as in
// nabla-bench.
//
// Only this program depends on libtorch; the nabla library never does.

#include <cblas.h>
#include <torch/torch.h>

#include <array>
#include <cstdio>
#include <vector>

#include "bench_common.hpp"

namespace {

torch::Tensor chain(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& c) {
  torch::Tensor z = x;
  for (int i = 0; i < bench::kChainOps; ++i) {
    switch (i % 3) {
      case 0:
        z = torch::mul(z, w);
        break;
      case 1:
        z = torch::add(z, c);
        break;
      default:
        z = torch::tanh(z);
        break;
    }
  }
  return z;
}

torch::Tensor scalar_leaf(float v) {
  return torch::scalar_tensor(v, torch::kFloat32).requires_grad_(true);
}

void reset_grad(torch::Tensor& t) {
  t.mutable_grad() = torch::Tensor();
}

void bench_chain(const bench::Options& o, std::vector<bench::Result>& results,
                 std::vector<bench::Check>& checks) {
  torch::Tensor x = scalar_leaf(bench::kChainX), w = scalar_leaf(bench::kChainW),
                c = scalar_leaf(bench::kChainC);
  {
    torch::Tensor z = chain(x, w, c);
    z.backward();
    checks.push_back({"chain_z", z.item<double>()});
    checks.push_back({"chain_dx", x.grad().item<double>()});
    checks.push_back({"chain_dw", w.grad().item<double>()});
    checks.push_back({"chain_dc", c.grad().item<double>()});
  }
  constexpr double kOps = bench::kChainOps;
  const auto s = bench::measure_phases<2>(o, kOps, [&] {
    reset_grad(x);
    reset_grad(w);
    reset_grad(c);
    const double t0 = bench::now_ns();
    torch::Tensor z = chain(x, w, c);
    const double t1 = bench::now_ns();
    z.backward();
    z = torch::Tensor();  // frees the graph: part of the backward's cost
    const double t2 = bench::now_ns();
    return std::array<double, 2>{t1 - t0, t2 - t1};
  });
  results.push_back(bench::summarize("scalar_chain", "scalar chain fwd+bwd", "op", s.per_op_ns[2],
                                     s.iters_per_rep));
  results.push_back(bench::summarize("scalar_chain_forward", "scalar chain forward", "op",
                                     s.per_op_ns[0], s.iters_per_rep));
  results.push_back(bench::summarize("scalar_chain_backward", "scalar chain backward+free", "op",
                                     s.per_op_ns[1], s.iters_per_rep));
  results.push_back(
      bench::measure_loop(o, "scalar_chain_nograd", "scalar chain fwd, no grad", "op", kOps, [&] {
        torch::NoGradGuard no_grad;
        torch::Tensor z = chain(x, w, c);
      }));
}

struct SeedNet {
  torch::Tensor x, w, b, y;
  double lr;
  explicit SeedNet(const bench::SeedSize& s) : lr(s.lr) {
    bench::SeedData d = bench::make_seed_data(s);
    auto from = [](std::vector<float>& v, std::vector<int64_t> shape) {
      return torch::from_blob(v.data(), shape, torch::kFloat32).clone();
    };
    x = from(d.x, {s.batch, s.inputs});
    w = from(d.w, {s.inputs, s.outputs}).requires_grad_(true);
    b = from(d.b, {s.outputs}).requires_grad_(true);
    y = from(d.y, {s.batch, s.outputs});
  }
  torch::Tensor step() {
    torch::Tensor o = torch::sigmoid(torch::mm(x, w) + b);
    torch::Tensor l = 0.5 * torch::mse_loss(o, y, at::Reduction::Sum);
    l.backward();
    {
      torch::NoGradGuard no_grad;
      w.add_(w.grad(), -lr);
      b.add_(b.grad(), -lr);
    }
    reset_grad(w);
    reset_grad(b);
    return l;
  }
};

void bench_seed(const bench::Options& o, const bench::SeedSize& size, const char* check_key,
                std::vector<bench::Result>& results, std::vector<bench::Check>& checks) {
  SeedNet net(size);
  {
    const torch::Tensor l = net.step();
    checks.push_back({std::string(check_key) + "_loss0", l.item<double>()});
    checks.push_back({std::string(check_key) + "_wsum1", net.w.sum().item<double>()});
  }
  results.push_back(bench::measure_loop(o, size.key, size.label, "step", 1.0, [&] { net.step(); }));
}

}  // namespace

int main(int argc, char** argv) {
  const auto [parsed, code] = bench::parse_args(argc, argv, "libtorch");
  if (!parsed) return code;
  const bench::Options& o = *parsed;
  bench::g_clock = o.clock;
  torch::set_num_threads(o.threads);
  openblas_set_num_threads(o.threads);

  std::vector<bench::Result> results;
  std::vector<bench::Check> checks;
  try {
    bench_chain(o, results, checks);
    bench_seed(o, bench::kSeedSmall, "small", results, checks);
    bench_seed(o, bench::kSeedBig, "big", results, checks);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nabla-bench-torch: %s\n", e.what());
    return 1;
  }

  bench::print_table("nabla-bench-torch (libtorch " TORCH_VERSION ")", o, results, checks);
  std::printf("\nscalar chain: %.0f ns per op (libtorch)\n", results.front().median_ns);

  if (!o.json.empty() &&
      !bench::write_json(o.json, "nabla-bench-torch", "libtorch", o, results, checks)) {
    std::fprintf(stderr, "nabla-bench-torch: cannot write %s\n", o.json.c_str());
    return 1;
  }
  return 0;
}
