// nabla's kernel threads under concurrent callers: two user threads running large
// elementwise ops and reductions at once (each big enough to be split over the pool)
// both get the right values, with no deadlock; set_num_threads between them is safe.
// Work split over the threads (partial sums, softmax lines, tiles of a transpose) gives
// the values of one thread, bit for bit.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "nabla/nabla.hpp"

namespace {

TEST(KernelThreads, BigElementwiseOpsFromTwoThreadsAtOnceGetTheirOwnValues) {
  const int before = nabla::get_num_threads();
  nabla::set_num_threads(2);
  constexpr std::int64_t n = 1 << 18;  // well above the splitting threshold
  auto work = [&](double k, int rounds, bool& ok) {
    ok = true;
    std::vector<double> v(n);
    for (std::int64_t i = 0; i < n; ++i)
      v[static_cast<std::size_t>(i)] = k + static_cast<double>(i % 5);
    const nabla::Tensor a = nabla::tensor(v, {n}, nabla::f32);
    for (int r = 0; r < rounds; ++r) {
      const nabla::Tensor s = nabla::add(a, a);
      const nabla::Tensor e = nabla::exp(nabla::mul(a, 0.0));  // all ones
      const double total = nabla::sum(e).item<double>();
      const float* p = s.data<float>();
      for (std::int64_t i = 0; i < n; i += 997) {
        if (p[i] != static_cast<float>(2 * (k + static_cast<double>(i % 5)))) ok = false;
      }
      if (total != static_cast<double>(n)) ok = false;
    }
  };
  bool ok1 = false, ok2 = false;
  std::thread t1(work, 1.0, 20, std::ref(ok1));
  std::thread t2(work, 100.0, 20, std::ref(ok2));
  t1.join();
  t2.join();
  EXPECT_TRUE(ok1);
  EXPECT_TRUE(ok2);
  nabla::set_num_threads(before);
}

TEST(KernelThreads, SetNumThreadsWhileAnotherThreadComputes) {
  const int before = nabla::get_num_threads();
  const nabla::Tensor a = nabla::ones({1 << 17});
  bool ok = true;
  std::thread worker([&] {
    for (int r = 0; r < 30; ++r) {
      if (nabla::sum(nabla::add(a, a)).item<double>() != 2.0 * (1 << 17)) ok = false;
    }
  });
  for (int r = 0; r < 10; ++r) nabla::set_num_threads(1 + r % 2);
  worker.join();
  EXPECT_TRUE(ok);
  nabla::set_num_threads(before);
}

TEST(KernelThreads, SplitReductionsAndTransposesGiveTheValuesOfOneThread) {
  const int before = nabla::get_num_threads();
  nabla::Generator gen(11);
  // Random values (not exact in every summation order): any change of order would show.
  const nabla::Tensor x = nabla::randn({600, 700}, gen, nabla::f32);
  const nabla::Tensor y = nabla::randn({700, 600}, gen, nabla::f64);
  const nabla::Tensor r3 = nabla::randn({20, 60, 70}, gen, nabla::f32);
  const std::vector<std::pair<std::string, std::function<nabla::Tensor()>>> cases = {
      {"sum over axis 0", [&] { return nabla::sum(x, {0}); }},
      {"sum over axis 1", [&] { return nabla::sum(x, {1}); }},
      {"sum over axis 1 of a transpose", [&] { return nabla::sum(y.t(), {1}); }},
      {"sum over axes 0, 2 of rank 3",
       [&] {
         return nabla::sum(r3, {0, 2});
       }},
      {"mean over axis 1, keepdim", [&] { return nabla::mean(x, {1}, true); }},
      {"softmax along the last axis", [&] { return nabla::softmax(x, -1); }},
      {"softmax along axis 0", [&] { return nabla::softmax(x, 0); }},
      {"log_softmax along axis 1 of rank 3", [&] { return nabla::log_softmax(r3, 1); }},
      {"logsumexp along the last axis", [&] { return nabla::logsumexp(y, -1); }},
      {"add of two transposes", [&] { return nabla::add(y.t(), y.t()); }},
      {"exp of a transpose", [&] { return nabla::exp(y.t()); }},
      {"contiguous of a transpose", [&] { return y.t().contiguous(); }}};
  for (const auto& [name, f] : cases) {
    nabla::set_num_threads(1);
    const std::vector<double> one = f().to_vector();
    nabla::set_num_threads(2);
    const std::vector<double> two = f().to_vector();
    ASSERT_EQ(one.size(), two.size()) << name;
    for (std::size_t i = 0; i < one.size(); ++i)
      ASSERT_EQ(one[i], two[i]) << name << " at flat index " << i;
  }
  nabla::set_num_threads(before);
}

// gemm cuts a large product into one piece per thread: C's columns, its rows, or k
// (partial products added up); conv2d gives each thread its own samples. Each way, the
// values are one thread's up to the summation order of a split k.
TEST(KernelThreads, SplitGemmsAndConvolutionsGiveTheValuesOfOneThread) {
  const int before = nabla::get_num_threads();
  nabla::Generator gen(12);
  const auto r = [&](nabla::Shape s, nabla::Dtype d) { return nabla::randn(s, gen, d); };
  const nabla::Tensor a = r({64, 64}, nabla::f32), b = r({64, 256}, nabla::f32);  // columns
  const nabla::Tensor c = r({256, 64}, nabla::f64), d = r({64, 40}, nabla::f64);  // rows
  const nabla::Tensor e = r({16, 4096}, nabla::f32), f = r({4096, 16}, nabla::f32);  // k
  const nabla::Tensor bt = r({256, 64}, nabla::f32), ct = r({64, 256}, nabla::f64);
  const nabla::Tensor img = r({8, 3, 20, 20}, nabla::f64), w = r({16, 3, 3, 3}, nabla::f64);
  const std::vector<std::pair<std::string, std::function<std::vector<nabla::Tensor>()>>> cases = {
      {"columns", [&] { return std::vector{nabla::matmul(a, b), nabla::matmul(a, bt.t())}; }},
      {"rows", [&] { return std::vector{nabla::matmul(c, d), nabla::matmul(ct.t(), d)}; }},
      {"k", [&] { return std::vector{nabla::matmul(e, f), nabla::matmul(f.t(), e.t())}; }},
      {"conv2d forward and backward",
       [&] {
         nabla::Tensor x = img.detach().requires_grad_(), k = w.detach().requires_grad_();
         nabla::Tensor y = nabla::conv2d(x, k, nabla::Tensor(), 1, 1);
         nabla::sum(y * y).backward();
         return std::vector{y, x.grad(), k.grad()};
       }}};
  for (const auto& [name, fn] : cases) {
    nabla::set_num_threads(1);
    const std::vector<nabla::Tensor> one = fn();
    nabla::set_num_threads(2);
    const std::vector<nabla::Tensor> two = fn();
    for (std::size_t i = 0; i < one.size(); ++i) {
      const double tol = one[i].dtype() == nabla::f32 ? 1e-4 : 1e-10;
      const double scale = nabla::amax(nabla::abs(one[i])).item<double>();
      const double diff = nabla::amax(nabla::abs(one[i] - two[i])).item<double>();
      EXPECT_LE(diff, tol * scale) << name << ", result " << i;
    }
  }
  nabla::set_num_threads(before);
}

}  // namespace

namespace {

// The loader's prefetching thread gathers and transforms batch i + 1 (with nabla ops and
// the buffer cache) while this thread trains on batch i: the batches must be those of a
// loader without prefetching, and ThreadSanitizer must see no race.
TEST(KernelThreads, PrefetchingLoaderMakesBatchesBesideTraining) {
  namespace data = nabla::data;
  nabla::Generator gen(1);
  auto ds = std::make_shared<data::TensorDataset>(nabla::rand({96, 1, 8, 8}, gen),
                                                  nabla::arange(96.0));
  auto pipeline = [] {
    return data::transforms::compose(
        {data::transforms::random_crop(8, 1, data::transforms::Fill::reflect),
         data::transforms::random_horizontal_flip(), data::transforms::normalize({0.5}, {0.25})});
  };
  data::DataLoader ahead(ds, {.batch_size = 16, .shuffle = true, .seed = 4,
                              .transform = pipeline(), .prefetch = true});
  data::DataLoader plain(ds, {.batch_size = 16, .shuffle = true, .seed = 4,
                              .transform = pipeline(), .prefetch = false});
  nabla::Tensor w = nabla::randn({64, 4}, gen).requires_grad_();
  for (int epoch = 0; epoch < 2; ++epoch) {
    std::vector<std::vector<double>> a, b;
    for (const data::Batch& batch : ahead) {
      a.push_back(batch.inputs.to_vector());
      // training work on this thread while the next batch is made
      nabla::sum(nabla::tanh(nabla::matmul(nabla::reshape(batch.inputs, {-1, 64}), w))).backward();
    }
    for (const data::Batch& batch : plain) b.push_back(batch.inputs.to_vector());
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.size(), 6u);
  }
}

}  // namespace
