// nabla-bench: how long nabla takes per scalar op and per training step, next to the
// bare OpenBLAS calls that the step cannot avoid.
//
//   scalar chain : x, w, c 0-d float32 leaves that require grad; 1000 ops
//                  z ← z·w, z ← z + c, z ← tanh z (in turn), then z.backward(). Reported
//                  per op: forward, backward (including freeing the graph), both, and the
//                  forward alone under NoGradGuard.
//   seed step    : o = sigmoid(X·W + b), l = squared_loss(o, y), l.backward(), then
//                  W -= lr·∂l/∂W and b -= lr·∂l/∂b under NoGradGuard and zero_grad.
//                  Reported per step, at 4x3->2 (the tutorial) and 64x784->128.
//   bare sgemm   : the two gemm calls of that step (X·W forward, Xᵀ·G for ∂l/∂W) through
//                  cblas_sgemm alone: the floor under the step, to read nabla's overhead.
//   mlp step     : one training step of examples/fashion_mnist.cpp's classifier
//                  (Flatten, Linear 784→256, ReLU, Linear 256→128, ReLU, Linear 128→10;
//                  batch 64, cross_entropy, zero_grad, backward, Adam lr 2e-3), per step,
//                  next to its eight bare gemm calls.
//   checkpoint   : the peak memory of a deep MLP's pass with and without nn::checkpoint
//                  per block (a line after the table; the gradients must be identical).
//   cnn step     : one Adam step of examples/fashion_mnist_cnn.cpp's network without its
//                  Dropout (two conv-BN-ReLU-maxpool blocks, Linear 3136→128→10), batch
//                  128, same initial weights as nabla-bench-torch, losses checked equal.
//   elementwise  : nabla::add on two [60000, 784] float32 tensors (the whole Fashion-MNIST
//                  training set), per op; each result is a fresh 188 MB buffer.
//   kernels      : add, mul, exp, sigmoid on 10⁶ and 10⁷ float32 values, contiguous and
//                  transposed, at 1 and 2 threads, against -march=native loops; matmul
//                  fed by x.t() and by a permute (kernel_rows.cpp; --no-kernels skips).
//
// It also counts heap allocations (calls of operator new) per op and per step, in one
// untimed pass: DESIGN.md §9 wants no allocation that a pool could avoid. The count covers
// every tensor, node and vector; tensor buffers over Storage's inline 32 bytes come from
// aligned_alloc and are not in it.
//
// Uses only nabla's public headers, as a user would; OpenBLAS is linked directly for the
// baseline and to set its thread count. nabla-bench-torch runs the same work in libtorch.

#include <cblas.h>
#include <malloc.h>

#include <nabla/nabla.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>
#include <utility>
#include <vector>

#include "bench_common.hpp"

namespace bench {
// kernel_rows.cpp: the elementwise kernel rows and matmul of views.
void bench_kernels(const Options& o, std::vector<Result>& results, std::vector<Check>& allocs,
                   long (*allocations)());
}  // namespace bench

// ---- counting operator new ---------------------------------------------------------------
// Replaces the global allocation functions (the array and nothrow forms of libstdc++ call
// these) with ones that do what libstdc++'s do (malloc, or aligned_alloc for over-aligned
// types) and count the calls. A thread_local increment costs next to nothing against
// malloc, so the timings stand.

namespace {
thread_local long t_allocations = 0;

void* allocate(std::size_t n, std::size_t align) {
  ++t_allocations;
  for (;;) {
    void* p = nullptr;
    if (align <= alignof(std::max_align_t)) {
      p = std::malloc(n ? n : 1);
    } else {
      const std::size_t size = (n + align - 1) & ~(align - 1);  // aligned_alloc wants a multiple
      p = std::aligned_alloc(align, size ? size : align);
    }
    if (p) return p;
    const std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}
}  // namespace

void* operator new(std::size_t n) {
  return allocate(n, 0);
}
void* operator new(std::size_t n, std::align_val_t a) {
  return allocate(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}

namespace {

using nabla::Tensor;

// ---- scalar chain ---------------------------------------------------------------------

Tensor chain(const Tensor& x, const Tensor& w, const Tensor& c) {
  Tensor z = x;
  for (int i = 0; i < bench::kChainOps; ++i) {
    switch (i % 3) {
      case 0:
        z = nabla::mul(z, w);
        break;
      case 1:
        z = nabla::add(z, c);
        break;
      default:
        z = nabla::tanh(z);
        break;
    }
  }
  return z;
}

struct ChainLeaves {
  Tensor x = nabla::scalar_tensor(bench::kChainX);
  Tensor w = nabla::scalar_tensor(bench::kChainW);
  Tensor c = nabla::scalar_tensor(bench::kChainC);
  ChainLeaves() {
    x.requires_grad_();
    w.requires_grad_();
    c.requires_grad_();
  }
  void zero_grad() {
    x.zero_grad();
    w.zero_grad();
    c.zero_grad();
  }
};

// Adds the chain's timings to `results`, the values it computes to `checks`, and its heap
// allocations per op to `allocs`.
void bench_chain(const bench::Options& o, std::vector<bench::Result>& results,
                 std::vector<bench::Check>& checks, std::vector<bench::Check>& allocs) {
  ChainLeaves leaves;
  {
    Tensor z = chain(leaves.x, leaves.w, leaves.c);
    z.backward();
    checks.push_back({"chain_z", z.item<double>()});
    checks.push_back({"chain_dx", leaves.x.grad().item<double>()});
    checks.push_back({"chain_dw", leaves.w.grad().item<double>()});
    checks.push_back({"chain_dc", leaves.c.grad().item<double>()});
  }
  constexpr double kOps = bench::kChainOps;
  {
    leaves.zero_grad();
    const long a0 = t_allocations;
    Tensor z = chain(leaves.x, leaves.w, leaves.c);
    const long a1 = t_allocations;
    z.backward();
    z = Tensor();
    const long a2 = t_allocations;
    {
      nabla::NoGradGuard no_grad;
      z = chain(leaves.x, leaves.w, leaves.c);
    }
    const long a3 = t_allocations;
    allocs.push_back({"scalar_chain_forward", static_cast<double>(a1 - a0) / kOps});
    allocs.push_back({"scalar_chain_backward", static_cast<double>(a2 - a1) / kOps});
    allocs.push_back({"scalar_chain_nograd", static_cast<double>(a3 - a2) / kOps});
  }
  const auto s = bench::measure_phases<2>(o, kOps, [&] {
    leaves.zero_grad();
    const double t0 = bench::now_ns();
    Tensor z = chain(leaves.x, leaves.w, leaves.c);
    const double t1 = bench::now_ns();
    z.backward();
    z = Tensor();  // frees the graph: part of the backward's cost
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
        nabla::NoGradGuard no_grad;
        Tensor z = chain(leaves.x, leaves.w, leaves.c);
      }));
}

// What anomaly mode (nabla::DetectAnomalyGuard) costs: the same work with every result
// and every rule's gradients checked for NaN and infinity.
void bench_anomaly(const bench::Options& o, std::vector<bench::Result>& results);

// ---- seed network -----------------------------------------------------------------------

struct SeedNet {
  Tensor x, w, b, y;
  double lr;
  explicit SeedNet(const bench::SeedSize& s) : lr(s.lr) {
    const bench::SeedData d = bench::make_seed_data(s);
    x = nabla::tensor(d.x, {s.batch, s.inputs});
    w = nabla::tensor(d.w, {s.inputs, s.outputs});
    b = nabla::tensor(d.b, {s.outputs});
    y = nabla::tensor(d.y, {s.batch, s.outputs});
    w.requires_grad_();
    b.requires_grad_();
  }
  // One training step; returns the loss tensor (before the update).
  Tensor step() {
    Tensor o = nabla::sigmoid(nabla::add(nabla::matmul(x, w), b));
    Tensor l = nabla::squared_loss(o, y);
    l.backward();
    {
      nabla::NoGradGuard no_grad;
      w.add_(w.grad(), -lr);
      b.add_(b.grad(), -lr);
    }
    w.zero_grad();
    b.zero_grad();
    return l;
  }
};

double sum_of(const Tensor& t) {
  double s = 0;
  for (const double v : t.to_vector()) s += v;
  return s;
}

void bench_seed(const bench::Options& o, const bench::SeedSize& size, const char* check_key,
                std::vector<bench::Result>& results, std::vector<bench::Check>& checks,
                std::vector<bench::Check>& allocs) {
  SeedNet net(size);
  {
    const Tensor l = net.step();
    checks.push_back({std::string(check_key) + "_loss0", l.item<double>()});
    checks.push_back({std::string(check_key) + "_wsum1", sum_of(net.w)});
    const long a0 = t_allocations;
    net.step();
    allocs.push_back({size.key, static_cast<double>(t_allocations - a0)});
  }
  results.push_back(bench::measure_loop(o, size.key, size.label, "step", 1.0, [&] { net.step(); }));
}

// The gemm calls the seed step makes, alone: H = X·W [N,M] = [N,K]·[K,M] forward and
// ∂l/∂W = Xᵀ·G [K,M] = [K,N]·[N,M] backward (X needs no gradient, so no G·Wᵀ).
void bench_gemm(const bench::Options& o, const bench::SeedSize& size, const char* key,
                const char* label, std::vector<bench::Result>& results) {
  const bench::SeedData d = bench::make_seed_data(size);
  const int n = size.batch, k = size.inputs, m = size.outputs;
  std::vector<float> h(static_cast<std::size_t>(n * m));
  std::vector<float> g(d.y);  // any [N,M] values stand in for the output gradient
  std::vector<float> gw(static_cast<std::size_t>(k * m));
  results.push_back(bench::measure_loop(o, key, label, "step", 1.0, [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, m, k, 1.0f, d.x.data(), k, d.w.data(),
                m, 0.0f, h.data(), m);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, m, n, 1.0f, d.x.data(), k, g.data(), m,
                0.0f, gw.data(), m);
  }));
}

// ---- Fashion-MNIST classifier -------------------------------------------------------------

namespace nn = nabla::nn;

// The classifier with bench::make_mlp_data's initial parameters in place of random ones.
nn::Sequential make_mlp(const bench::MlpData& d) {
  nn::Sequential model(nn::Flatten(),                                                       //
                       nn::Linear(bench::kMlpWidths[0], bench::kMlpWidths[1]), nn::ReLU(),  //
                       nn::Linear(bench::kMlpWidths[1], bench::kMlpWidths[2]), nn::ReLU(),  //
                       nn::Linear(bench::kMlpWidths[2], bench::kMlpWidths[3]));
  const std::vector<Tensor> params = model.parameters();  // weight, bias of each Linear
  for (std::size_t i = 0; i < 3; ++i) {
    for (const auto& [param, values] :
         {std::pair{params[2 * i], &d.weight[i]}, std::pair{params[2 * i + 1], &d.bias[i]}}) {
      Tensor p = param;
      if (static_cast<std::size_t>(p.numel()) != values->size()) {
        throw std::logic_error("mlp: parameter sizes differ from bench::make_mlp_data's");
      }
      std::copy(values->begin(), values->end(), p.mutable_data<float>());
    }
  }
  return model;
}

struct Mlp {
  nn::Sequential model;
  Tensor x, labels;
  nabla::optim::Adam optimizer;
  explicit Mlp(const bench::MlpData& d)
      : model(make_mlp(d)),
        x(nabla::tensor(d.x, {bench::kMlpBatch, bench::kMlpSide, bench::kMlpSide})),
        labels(nabla::tensor(d.labels, {bench::kMlpBatch})),
        optimizer(model.parameters(), {.lr = bench::kMlpLr}) {}
  // One training step, as examples/fashion_mnist.cpp takes it; returns the loss (before
  // the update).
  Tensor step() {
    optimizer.zero_grad();
    Tensor loss = nabla::cross_entropy(model(x), labels);
    loss.backward();
    optimizer.step();
    return loss;
  }
  double sum_of_squares() const {
    double s = 0;
    for (const Tensor& p : model.parameters()) {
      for (const double v : p.to_vector()) s += v * v;
    }
    return s;
  }
};

void bench_mlp(const bench::Options& o, std::vector<bench::Result>& results,
               std::vector<bench::Check>& checks, std::vector<bench::Check>& allocs) {
  Mlp net(bench::make_mlp_data());
  {
    checks.push_back({"mlp_loss0", net.step().item<double>()});
    checks.push_back({"mlp_psq1", net.sum_of_squares()});  // after one Adam update
    const long a0 = t_allocations;
    checks.push_back({"mlp_loss1", net.step().item<double>()});
    allocs.push_back({"mlp_step", static_cast<double>(t_allocations - a0)});
  }
  results.push_back(bench::measure_loop(o, "mlp_step", "mlp step 784-256-128-10", "step", 1.0,
                                        [&] { net.step(); }));
}

// ---- Fashion-MNIST CNN ----------------------------------------------------------------------

struct Cnn {
  nn::Sequential model{
      nn::Conv2d(1, 32, 3, {.padding = 1}), nn::BatchNorm2d(32), nn::ReLU(), nn::MaxPool2d(2),
      nn::Conv2d(32, 64, 3, {.padding = 1}), nn::BatchNorm2d(64), nn::ReLU(), nn::MaxPool2d(2),
      nn::Flatten(), nn::Linear(3136, 128), nn::ReLU(), nn::Linear(128, 10)};
  Tensor x, labels;
  std::unique_ptr<nabla::optim::Adam> optimizer;
  explicit Cnn(const bench::CnnData& d)
      : x(nabla::tensor(d.x, {bench::kCnnBatch, 1, 28, 28})),
        labels(nabla::tensor(d.labels, {bench::kCnnBatch}).to(nabla::i64)) {
    // The conv and linear layers' weight and bias, in order (BatchNorm's stay at 1 and 0).
    std::vector<Tensor> wb;
    for (const auto& [name, p] : model.named_parameters()) {
      if (!name.starts_with("1.") && !name.starts_with("5.")) wb.push_back(p);
    }
    for (std::size_t i = 0; i < 4; ++i) {
      for (const auto& [param, values] :
           {std::pair{wb[2 * i], &d.weight[i]}, std::pair{wb[2 * i + 1], &d.bias[i]}}) {
        Tensor p = param;
        if (static_cast<std::size_t>(p.numel()) != values->size()) {
          throw std::logic_error("cnn: parameter sizes differ from bench::make_cnn_data's");
        }
        std::copy(values->begin(), values->end(), p.mutable_data<float>());
      }
    }
    optimizer = std::make_unique<nabla::optim::Adam>(model.parameters(),
                                                     nabla::optim::AdamOptions{.lr = bench::kCnnLr});
  }
  Tensor step() {
    optimizer->zero_grad();
    Tensor loss = nabla::cross_entropy(model(x), labels);
    loss.backward();
    optimizer->step();
    return loss;
  }
};

void bench_cnn(const bench::Options& o, std::vector<bench::Result>& results,
               std::vector<bench::Check>& checks, std::vector<bench::Check>& allocs) {
  Cnn net(bench::make_cnn_data());
  checks.push_back({"cnn_loss0", net.step().item<double>()});
  const long a0 = t_allocations;
  checks.push_back({"cnn_loss1", net.step().item<double>()});  // after one Adam update
  allocs.push_back({"cnn_step", static_cast<double>(t_allocations - a0)});
  bench::Options few = o;  // one step lasts tens of milliseconds
  few.reps = std::min(o.reps, bench::kBigMaxReps);
  few.warmup = std::min(o.warmup, bench::kBigMaxWarmup);
  results.push_back(bench::measure_loop(few, "cnn_step", "cnn step, batch 128", "step", 1.0,
                                        [&] { net.step(); }));
}

// ---- activation checkpointing: peak memory -------------------------------------------------

// The process's peak resident set (VmHWM) in KiB, after resetting it to the current size
// when `reset` (writing 5 to /proc/self/clear_refs); -1 where /proc is not Linux's.
long peak_rss_kib(bool reset) {
  if (reset) {
    std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
    if (f == nullptr) return -1;
    std::fputs("5", f);
    std::fclose(f);
  }
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return -1;
  char line[256];
  long kib = -1;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
  }
  std::fclose(f);
  return kib;
}

// The peak memory of one forward and backward pass of a deep MLP (16 blocks of
// Linear(256, 256), tanh, ×1.5, tanh on a batch of 4096: each activation 4 MiB, each weight
// 256 KiB, so activations dominate), plainly and with each
// block run through nn::checkpoint, which keeps only the blocks' inputs and recomputes the
// rest in backward. Reports the growth of the peak over the resident size before the pass,
// with nabla's buffer cache emptied and malloc trimmed first, and checks that both give the
// same gradients.
void bench_checkpoint_memory(std::vector<bench::Check>& checks) {
  constexpr int kBlocks = 16;
  constexpr std::int64_t kWidth = 256, kBatch = 4096;
  nabla::Generator gen(3);
  std::vector<std::shared_ptr<nn::Linear>> layers;
  for (int i = 0; i < kBlocks; ++i) {
    layers.push_back(std::make_shared<nn::Linear>(kWidth, kWidth, true,
                                                  nn::LayerOptions{.generator = &gen}));
  }
  const Tensor x = nabla::randn({kBatch, kWidth}, gen);
  std::vector<Tensor> params;
  for (auto& l : layers) {
    for (const Tensor& p : l->parameters()) params.push_back(p);
  }
  auto pass = [&](bool checkpointed) {
    for (Tensor p : params) p.zero_grad();
    nabla::debug::release_cached_memory();
    malloc_trim(0);  // glibc: hand freed heap pages back, so the pass before does not count
    const long before = peak_rss_kib(true);
    Tensor h = x;
    for (auto& l : layers) {
      auto block = [l](const Tensor& in) { return nabla::tanh(nabla::tanh((*l)(in)) * 1.5); };
      h = checkpointed ? nn::checkpoint(block, h, l->parameters()) : block(h);
    }
    nabla::sum(h).backward();
    const long peak = peak_rss_kib(false);
    double g = 0;
    for (const Tensor& p : params) g += nabla::sum(p.grad() * p.grad()).item<double>();
    return std::pair{static_cast<double>(peak - before) / 1024.0, g};
  };
  const auto [plain_mib, plain_g] = pass(false);
  const auto [ckpt_mib, ckpt_g] = pass(true);
  std::printf("checkpoint memory: peak growth of a 16-block MLP pass (batch 4096, width 256): "
              "%.0f MiB plainly, %.0f MiB with nn::checkpoint per block (%.1fx less); "
              "gradients %s\n",
              plain_mib, ckpt_mib, ckpt_mib > 0 ? plain_mib / ckpt_mib : 0.0,
              plain_g == ckpt_g ? "identical" : "DIFFER");
  checks.push_back({"ckpt_grad_sq", ckpt_g});
}

// The gemm calls of the classifier's step, alone, for each Linear with input X [N,K],
// weight W [M,K] and output gradient G [N,M]: forward H = X·Wᵀ [N,M] = [N,K]·[K,M];
// backward ∂W = Gᵀ·X [M,K] = [M,N]·[N,K] and, except for the first layer (whose input
// needs no gradient), ∂X = G·W [N,K] = [N,M]·[M,K]. Eight calls.
void bench_gemm_mlp(const bench::Options& o, std::vector<bench::Result>& results) {
  const bench::MlpData d = bench::make_mlp_data();
  const int n = bench::kMlpBatch;
  std::array<std::vector<float>, 4> act;   // act[i]: layer i's input [N, widths[i]]
  std::array<std::vector<float>, 4> grad;  // grad[i]: gradient of act[i]
  std::array<std::vector<float>, 3> dw;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto size = static_cast<std::size_t>(n * bench::kMlpWidths[i]);
    act[i].assign(size, 0.5f);
    grad[i].assign(size, 0.5f);
  }
  act[0] = d.x;
  for (std::size_t i = 0; i < 3; ++i) dw[i].resize(d.weight[i].size());
  results.push_back(
      bench::measure_loop(o, "gemm_mlp", "bare sgemm x8, 784-256-128-10", "step", 1.0, [&] {
        for (std::size_t i = 0; i < 3; ++i) {
          const int k = bench::kMlpWidths[i], m = bench::kMlpWidths[i + 1];
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, m, k, 1.0f, act[i].data(), k,
                      d.weight[i].data(), k, 0.0f, act[i + 1].data(), m);
        }
        for (std::size_t i = 3; i-- > 0;) {
          const int k = bench::kMlpWidths[i], m = bench::kMlpWidths[i + 1];
          cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, k, n, 1.0f, grad[i + 1].data(), m,
                      act[i].data(), k, 0.0f, dw[i].data(), k);
          if (i > 0) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, k, m, 1.0f,
                        grad[i + 1].data(), m, d.weight[i].data(), k, 0.0f, grad[i].data(), k);
          }
        }
      }));
}

// ---- a big elementwise op ---------------------------------------------------------------

void bench_elementwise_big(const bench::Options& o, std::vector<bench::Result>& results,
                           std::vector<bench::Check>& checks) {
  Tensor a = nabla::empty({bench::kBigRows, bench::kBigCols});
  Tensor b = nabla::empty({bench::kBigRows, bench::kBigCols});
  const auto n = static_cast<std::size_t>(a.numel());
  bench::fill_big(a.mutable_data<float>(), n, 0);
  bench::fill_big(b.mutable_data<float>(), n, 1);
  checks.push_back({"big_sum", bench::sum_floats(nabla::add(a, b).data<float>(), n)});
  bench::Options few = o;  // one op lasts tens of milliseconds
  few.reps = std::min(o.reps, bench::kBigMaxReps);
  few.warmup = std::min(o.warmup, bench::kBigMaxWarmup);
  results.push_back(bench::measure_loop(few, "elementwise_big", "add [60000,784] f32", "op", 1.0,
                                        [&] { Tensor c = nabla::add(a, b); }));
}

void bench_anomaly(const bench::Options& o, std::vector<bench::Result>& results) {
  nabla::DetectAnomalyGuard anomaly;
  ChainLeaves leaves;
  results.push_back(bench::measure_loop(o, "scalar_chain_anomaly", "scalar chain fwd+bwd, anomaly",
                                        "op", bench::kChainOps, [&] {
                                          leaves.zero_grad();
                                          Tensor z = chain(leaves.x, leaves.w, leaves.c);
                                          z.backward();
                                        }));
  SeedNet net(bench::kSeedBig);
  results.push_back(bench::measure_loop(o, "seed_step_big_anomaly",
                                        "seed step 64x784->128, anomaly", "step", 1.0,
                                        [&] { net.step(); }));
}

const bench::Result* find(const std::vector<bench::Result>& results, const char* key) {
  for (const bench::Result& r : results) {
    if (r.key == key) return &r;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  const auto [parsed, code] = bench::parse_args(argc, argv, "nabla");
  if (!parsed) return code;
  const bench::Options& o = *parsed;
  bench::g_clock = o.clock;
  nabla::set_num_threads(o.threads);  // nabla's kernel threads and OpenBLAS's

  std::vector<bench::Result> results;
  std::vector<bench::Check> checks;
  std::vector<bench::Check> allocs;  // heap allocations per op or per step
  try {
    bench_chain(o, results, checks, allocs);
    bench_seed(o, bench::kSeedSmall, "small", results, checks, allocs);
    bench_seed(o, bench::kSeedBig, "big", results, checks, allocs);
    bench_gemm(o, bench::kSeedSmall, "gemm_small", "bare sgemm x2, 4x3->2", results);
    bench_gemm(o, bench::kSeedBig, "gemm_big", "bare sgemm x2, 64x784->128", results);
    bench_mlp(o, results, checks, allocs);
    bench_gemm_mlp(o, results);
    bench_cnn(o, results, checks, allocs);
    bench_elementwise_big(o, results, checks);
    bench_anomaly(o, results);
    if (!o.skip_kernels) bench::bench_kernels(o, results, allocs, [] { return t_allocations; });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nabla-bench: %s\n", e.what());
    return 1;
  }

  try {
    bench_checkpoint_memory(checks);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nabla-bench: %s\n", e.what());
    return 1;
  }
  bench::print_table("nabla-bench", o, results, checks);
  constexpr double kTargetNs = 500.0;
  const bench::Result* chain_total = find(results, "scalar_chain");
  std::printf("\nscalar chain: %.0f ns per op (target < %.0f ns): %s\n", chain_total->median_ns,
              kTargetNs, chain_total->median_ns < kTargetNs ? "met" : "NOT met");
  for (const auto& [step, gemm] :
       {std::pair{"seed_step_small", "gemm_small"}, std::pair{"seed_step_big", "gemm_big"},
        std::pair{"mlp_step", "gemm_mlp"}}) {
    const bench::Result* s = find(results, step);
    const bench::Result* g = find(results, gemm);
    std::printf("%s: %.1fx the bare sgemm calls (%.0f ns of %.0f ns per step is not gemm)\n",
                s->label.c_str(), s->median_ns / g->median_ns, s->median_ns - g->median_ns,
                s->median_ns);
  }

  for (const auto& [plain, checked] : {std::pair{"scalar_chain", "scalar_chain_anomaly"},
                                       std::pair{"seed_step_big", "seed_step_big_anomaly"}}) {
    const bench::Result* p = find(results, plain);
    const bench::Result* c = find(results, checked);
    std::printf("anomaly mode costs %.2fx on %s\n", c->median_ns / p->median_ns, p->label.c_str());
  }

  std::printf("heap allocations (operator new calls; buffers over 32 B not counted):");
  for (const bench::Check& a : allocs) {
    std::printf("%s %s %.2f", &a == allocs.data() ? "" : ",", a.key.c_str(), a.value);
  }
  std::printf("\n");

  if (!o.json.empty() &&
      !bench::write_json(o.json, "nabla-bench", "nabla", o, results, checks, allocs)) {
    std::fprintf(stderr, "nabla-bench: cannot write %s\n", o.json.c_str());
    return 1;
  }
  return 0;
}
