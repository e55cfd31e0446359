// nabla-bench-torch: the work of nabla-bench, written with libtorch's C++ API, printed in
// the same format so that the numbers compare line by line (tools/bench/run does that).
//
//   scalar chain : x, w, c 0-d float32 leaves that require grad; 1000 ops
//                  z ← z·w, z ← z + c, z ← tanh z (in turn), then z.backward().
//   seed step    : o = sigmoid(X·W + b), l = ½·Σ(o − y)² as 0.5·mse_loss(o, y, sum) (two
//                  ops; nabla's squared_loss is one), backward, SGD update of W and b under
//                  torch::NoGradGuard, then the gradients reset to undefined (nabla's
//                  zero_grad sets them to none too).
//   mlp step     : the Fashion-MNIST classifier (torch::nn::Sequential of Flatten, Linear,
//                  ReLU, Linear, ReLU, Linear) with nabla-bench's initial weights, batch 64,
//                  torch::nn::functional::cross_entropy (labels as int64), then
//                  optimizer.zero_grad(), backward, torch::optim::Adam (lr 2e-3) step.
//   cnn step     : the Fashion-MNIST CNN (Conv2d, BatchNorm2d, ReLU, MaxPool2d twice, then
//                  Flatten, Linear, ReLU, Linear) with nabla-bench's weights, batch 128,
//                  one Adam step (convolutions on oneDNN).
//                  libtorch 1.13's zero_grad zeroes the gradients in place; nabla's sets
//                  them to none.
//   elementwise  : a + b on two [60000, 784] float32 tensors, per op.
//
// Threads: torch::set_num_threads(N) (OpenMP intra-op) and openblas_set_num_threads(N)
// (Debian's libtorch calls the same pthreads OpenBLAS that nabla does, and at::
// set_num_threads does not reach it), both from --threads, 1 by default, as in
// nabla-bench.
//
// Only this program depends on libtorch; the nabla library never does.

#include <cblas.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
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

torch::Tensor from_floats(const std::vector<float>& v, std::vector<int64_t> shape) {
  return torch::from_blob(const_cast<float*>(v.data()), shape, torch::kFloat32).clone();
}

struct Mlp {
  torch::nn::Sequential model{
      torch::nn::Flatten(), torch::nn::Linear(bench::kMlpWidths[0], bench::kMlpWidths[1]),
      torch::nn::ReLU(),    torch::nn::Linear(bench::kMlpWidths[1], bench::kMlpWidths[2]),
      torch::nn::ReLU(),    torch::nn::Linear(bench::kMlpWidths[2], bench::kMlpWidths[3])};
  torch::Tensor x, labels;
  std::unique_ptr<torch::optim::Adam> optimizer;
  explicit Mlp(const bench::MlpData& d) {
    x = from_floats(d.x, {bench::kMlpBatch, bench::kMlpSide, bench::kMlpSide});
    labels = from_floats(d.labels, {bench::kMlpBatch}).to(torch::kInt64);
    const std::vector<torch::Tensor> params = model->parameters();  // weight, bias of each Linear
    {
      torch::NoGradGuard no_grad;
      for (std::size_t i = 0; i < 3; ++i) {
        params[2 * i].copy_(from_floats(d.weight[i], params[2 * i].sizes().vec()));
        params[2 * i + 1].copy_(from_floats(d.bias[i], params[2 * i + 1].sizes().vec()));
      }
    }
    optimizer =
        std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(bench::kMlpLr));
  }
  torch::Tensor step() {
    optimizer->zero_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(model->forward(x), labels);
    loss.backward();
    optimizer->step();
    return loss;
  }
  double sum_of_squares() const {
    double s = 0;
    for (const torch::Tensor& p : model->parameters()) {
      const torch::Tensor c = p.detach().contiguous();
      s += torch::sum(c.to(torch::kFloat64) * c.to(torch::kFloat64)).item<double>();
    }
    return s;
  }
};

void bench_mlp(const bench::Options& o, std::vector<bench::Result>& results,
               std::vector<bench::Check>& checks) {
  Mlp net(bench::make_mlp_data());
  checks.push_back({"mlp_loss0", net.step().item<double>()});
  checks.push_back({"mlp_psq1", net.sum_of_squares()});  // after one Adam update
  checks.push_back({"mlp_loss1", net.step().item<double>()});
  results.push_back(bench::measure_loop(o, "mlp_step", "mlp step 784-256-128-10", "step", 1.0,
                                        [&] { net.step(); }));
}

struct Cnn {
  torch::nn::Sequential model{
      torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 32, 3).padding(1)),
      torch::nn::BatchNorm2d(32), torch::nn::ReLU(), torch::nn::MaxPool2d(2),
      torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3).padding(1)),
      torch::nn::BatchNorm2d(64), torch::nn::ReLU(), torch::nn::MaxPool2d(2),
      torch::nn::Flatten(), torch::nn::Linear(3136, 128), torch::nn::ReLU(),
      torch::nn::Linear(128, 10)};
  torch::Tensor x, labels;
  std::unique_ptr<torch::optim::Adam> optimizer;
  explicit Cnn(const bench::CnnData& d) {
    x = from_floats(d.x, {bench::kCnnBatch, 1, 28, 28});
    labels = from_floats(d.labels, {bench::kCnnBatch}).to(torch::kInt64);
    std::vector<torch::Tensor> wb;  // the conv and linear weights and biases, in order
    for (const auto& item : model->named_parameters()) {
      const std::string& name = item.key();
      if (name.rfind("1.", 0) != 0 && name.rfind("5.", 0) != 0) wb.push_back(item.value());
    }
    {
      torch::NoGradGuard no_grad;
      for (std::size_t i = 0; i < 4; ++i) {
        wb[2 * i].copy_(from_floats(d.weight[i], wb[2 * i].sizes().vec()));
        wb[2 * i + 1].copy_(from_floats(d.bias[i], wb[2 * i + 1].sizes().vec()));
      }
    }
    optimizer = std::make_unique<torch::optim::Adam>(model->parameters(),
                                                     torch::optim::AdamOptions(bench::kCnnLr));
  }
  torch::Tensor step() {
    optimizer->zero_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(model->forward(x), labels);
    loss.backward();
    optimizer->step();
    return loss;
  }
};

void bench_cnn(const bench::Options& o, std::vector<bench::Result>& results,
               std::vector<bench::Check>& checks) {
  Cnn net(bench::make_cnn_data());
  checks.push_back({"cnn_loss0", net.step().item<double>()});
  checks.push_back({"cnn_loss1", net.step().item<double>()});
  bench::Options few = o;
  few.reps = std::min(o.reps, bench::kBigMaxReps);
  few.warmup = std::min(o.warmup, bench::kBigMaxWarmup);
  results.push_back(bench::measure_loop(few, "cnn_step", "cnn step, batch 128", "step", 1.0,
                                        [&] { net.step(); }));
}

void bench_elementwise_big(const bench::Options& o, std::vector<bench::Result>& results,
                           std::vector<bench::Check>& checks) {
  torch::Tensor a = torch::empty({bench::kBigRows, bench::kBigCols}, torch::kFloat32);
  torch::Tensor b = torch::empty({bench::kBigRows, bench::kBigCols}, torch::kFloat32);
  const auto n = static_cast<std::size_t>(a.numel());
  bench::fill_big(a.data_ptr<float>(), n, 0);
  bench::fill_big(b.data_ptr<float>(), n, 1);
  checks.push_back({"big_sum", bench::sum_floats((a + b).data_ptr<float>(), n)});
  bench::Options few = o;  // one op lasts tens of milliseconds
  few.reps = std::min(o.reps, bench::kBigMaxReps);
  few.warmup = std::min(o.warmup, bench::kBigMaxWarmup);
  results.push_back(bench::measure_loop(few, "elementwise_big", "add [60000,784] f32", "op", 1.0,
                                        [&] { torch::Tensor c = a + b; }));
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
    bench_mlp(o, results, checks);
    bench_cnn(o, results, checks);
    bench_elementwise_big(o, results, checks);
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
