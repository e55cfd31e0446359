// The kernel rows of nabla-bench: add, mul, exp and sigmoid on 10⁶ and 10⁷ float32
// elements (square matrices 1000² and 3162²), contiguous and transposed (x.t(), a view),
// at 1 and 2 kernel threads, next to a plain loop compiled with -O3 -march=native
// (native_loops.cpp) on one thread; the reductions that keep an axis (sum over axis 0 and
// over axis 1, softmax along the last axis) and contiguous() of x.t() on 10⁶ float32 at 1
// and 2 threads; and matmul fed by x.t() and by a permute (views: gemm reads them through
// its transpose flag), with their heap allocations per call.
// Timed on the wall clock: at 2 threads the work is not all on this thread.

#include <nabla/nabla.hpp>

#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "bench_common.hpp"

namespace native {
void add(const float* x, const float* y, float* out, std::int64_t n);
void mul(const float* x, const float* y, float* out, std::int64_t n);
void exp(const float* x, float* out, std::int64_t n);
void sigmoid(const float* x, float* out, std::int64_t n);
void add_t(const float* x, const float* y, float* out, std::int64_t n);
void mul_t(const float* x, const float* y, float* out, std::int64_t n);
void exp_t(const float* x, float* out, std::int64_t n);
void sigmoid_t(const float* x, float* out, std::int64_t n);
}  // namespace native

namespace bench {

void bench_kernels(const Options& o, std::vector<Result>& results, std::vector<Check>& allocs,
                   long (*allocations)()) {
  const Clock saved_clock = g_clock;
  g_clock = Clock::wall;
  Options few = o;
  few.reps = std::min(o.reps, kBigMaxReps);
  few.warmup = std::min(o.warmup, kBigMaxWarmup);
  const int saved_threads = nabla::get_num_threads();
  for (const std::int64_t side : {std::int64_t{1000}, std::int64_t{3162}}) {
    const std::string size = side == 1000 ? "1e6" : "1e7";
    const std::int64_t n = side * side;
    nabla::Tensor x = nabla::empty({side, side}), y = nabla::empty({side, side});
    fill_big(x.mutable_data<float>(), static_cast<std::size_t>(n), 0);
    fill_big(y.mutable_data<float>(), static_cast<std::size_t>(n), 1);
    const nabla::Tensor xt = x.t(), yt = y.t();
    std::vector<float> out(static_cast<std::size_t>(n));
    const float* px = x.data<float>();
    const float* py = y.data<float>();
    float* po = out.data();
    struct Row {
      const char* op;
      std::function<nabla::Tensor(const nabla::Tensor&, const nabla::Tensor&)> f;
      std::function<void()> loop, loop_t;
    };
    const std::vector<Row> rows = {
        {"add", [](const nabla::Tensor& a, const nabla::Tensor& b) { return nabla::add(a, b); },
         [&] { native::add(px, py, po, n); }, [&] { native::add_t(px, py, po, side); }},
        {"mul", [](const nabla::Tensor& a, const nabla::Tensor& b) { return nabla::mul(a, b); },
         [&] { native::mul(px, py, po, n); }, [&] { native::mul_t(px, py, po, side); }},
        {"exp", [](const nabla::Tensor& a, const nabla::Tensor&) { return nabla::exp(a); },
         [&] { native::exp(px, po, n); }, [&] { native::exp_t(px, po, side); }},
        {"sigmoid", [](const nabla::Tensor& a, const nabla::Tensor&) { return nabla::sigmoid(a); },
         [&] { native::sigmoid(px, po, n); }, [&] { native::sigmoid_t(px, po, side); }}};
    for (const Row& r : rows) {
      for (const bool transposed : {false, true}) {
        const std::string layout = transposed ? "t" : "contig";
        const std::string base = std::string("kernel_") + r.op + "_" + size + "_" + layout;
        const std::string what =
            std::string(r.op) + " " + size + " f32 " + (transposed ? "x.t()" : "contiguous");
        results.push_back(measure_loop(few, base + "_native", what + ", -march=native loop", "op",
                                       1.0, transposed ? r.loop_t : r.loop));
        // The same loop writing a freshly allocated result each time, as an op that returns
        // a new tensor must (nabla's rows include that allocation; the row above does not).
        results.push_back(measure_loop(
            few, base + "_native_fresh", what + ", -march=native loop, fresh result", "op", 1.0,
            [&] {
              float* const kept = po;
              std::unique_ptr<float[]> fresh(new float[static_cast<std::size_t>(n)]);
              po = fresh.get();
              (transposed ? r.loop_t : r.loop)();
              po = kept;
            }));
        for (const int threads : {1, 2}) {
          nabla::set_num_threads(threads);
          const nabla::Tensor& a = transposed ? xt : x;
          const nabla::Tensor& b = transposed ? yt : y;
          results.push_back(measure_loop(
              few, base + "_" + std::to_string(threads) + "t",
              what + ", nabla " + std::to_string(threads) + " thread" + (threads > 1 ? "s" : ""),
              "op", 1.0, [&] { nabla::Tensor c = r.f(a, b); }));
        }
      }
    }
  }

  // Reductions that keep an axis, and the copy of a transpose, on [1000, 1000].
  {
    nabla::Tensor x = nabla::empty({1000, 1000});
    fill_big(x.mutable_data<float>(), static_cast<std::size_t>(x.numel()), 0);
    const nabla::Tensor xt = x.t();
    for (const auto& [key, label, fn] :
         {std::tuple<std::string, std::string, std::function<nabla::Tensor()>>{
              "kernel_sum0_1e6", "sum over axis 0 of [1000,1000] f32",
              [&] { return nabla::sum(x, {0}); }},
          {"kernel_sum1_1e6", "sum over axis 1 of [1000,1000] f32",
           [&] { return nabla::sum(x, {1}); }},
          {"kernel_softmax_1e6", "softmax along the last axis of [1000,1000] f32",
           [&] { return nabla::softmax(x, -1); }},
          {"kernel_contiguous_1e6_t", "contiguous() of x.t(), [1000,1000] f32",
           [&] { return xt.contiguous(); }}}) {
      for (const int threads : {1, 2}) {
        nabla::set_num_threads(threads);
        results.push_back(measure_loop(
            few, key + "_" + std::to_string(threads) + "t",
            label + ", nabla " + std::to_string(threads) + " thread" + (threads > 1 ? "s" : ""),
            "op", 1.0, [&] { nabla::Tensor c = fn(); }));
      }
    }
  }
  nabla::set_num_threads(saved_threads);

  // matmul of views: [256, 512]ᵀ · [256, 384] through x.t(), and a permute of a
  // [64, 8, 32] batch seen as [8·32... ] kept 2-d: permute({1, 0}) of [512, 256].
  {
    nabla::Tensor a = nabla::empty({256, 512}), b = nabla::empty({256, 384});
    fill_big(a.mutable_data<float>(), static_cast<std::size_t>(a.numel()), 0);
    fill_big(b.mutable_data<float>(), static_cast<std::size_t>(b.numel()), 1);
    const nabla::Tensor p = nabla::empty({384, 512});
    for (const auto& [key, label, fn] :
         {std::tuple<std::string, std::string, std::function<nabla::Tensor()>>{
              "matmul_t", "matmul(a.t(), b) [512,256]x[256,384]",
              [&] { return nabla::matmul(a.t(), b); }},
          {"matmul_permute", "matmul(a, permute(p, {1, 0})) [256,512]x[512,384]", [&] {
             return nabla::matmul(a, nabla::permute(p, {1, 0}));
           }}}) {
      const long a0 = allocations();
      try {
        nabla::Tensor c = fn();
      } catch (const std::logic_error& e) {  // a build whose matmul cannot read views yet
        std::fprintf(stderr, "nabla-bench: %s skipped: %s\n", key.c_str(), e.what());
        continue;
      }
      allocs.push_back({key, static_cast<double>(allocations() - a0)});
      results.push_back(measure_loop(o, key, label, "op", 1.0, [&] { nabla::Tensor c = fn(); }));
    }
  }
  g_clock = saved_clock;
}

}  // namespace bench
