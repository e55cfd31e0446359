// Regression tests for the defects of the hardening issue that live in the core: shape
// counts that overflowed, allocations that failed with a bare std::bad_alloc, values
// converted with undefined behaviour, a static Tensor outliving the release queue,
// optimizer state after model.to(), and graphs that must leave nothing behind.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>

#include "nabla/autograd.hpp"
#include "nabla/data.hpp"
#include "nabla/nn.hpp"
#include "nabla/ops.hpp"
#include "nabla/optim.hpp"

namespace {

// Runs f, which must throw E, and returns the message.
template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception of the expected type";
  return "";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

constexpr std::int64_t k62 = std::int64_t{1} << 62;

TEST(Hardening, ShapeWhoseProductOverflowsIsRefusedByEveryFactory) {
  // (2⁶² + 1)·4 wraps to 4 in int64 arithmetic: it used to be accepted with numel 4.
  const std::string m = message_of<std::invalid_argument>([] { nabla::ones({k62 + 1, 4}); });
  EXPECT_TRUE(contains(m, "nabla::ones: shape [4611686018427387905, 4] has too many elements"))
      << m;
  // 2⁶²·4 wraps to 0: it used to give an empty tensor.
  EXPECT_TRUE(contains(message_of<std::invalid_argument>([] {
                         nabla::zeros({k62, 4});
                       }),
                       "nabla::zeros: shape"));
  EXPECT_THROW(nabla::empty({k62, 2, 2}), std::invalid_argument);
  EXPECT_THROW(nabla::full({k62, 4}, 1.0), std::invalid_argument);
  EXPECT_THROW(nabla::randn({k62, 4}), std::invalid_argument);
  // Zero extents do not hide an overflow among the others, in any order.
  EXPECT_THROW(nabla::zeros({0, k62, 4}), std::invalid_argument);
  EXPECT_THROW(nabla::zeros({k62, 4, 0}), std::invalid_argument);
  EXPECT_EQ(nabla::zeros({0, k62}).numel(), 0);  // fine: 2⁶² itself fits
  EXPECT_THROW(nabla::shape_numel({-1, 2}), std::invalid_argument);
}

TEST(Hardening, ResultShapesThatOverflowAreRefusedByTheOp) {
  // Valid empty operands whose result shape does not fit.
  const nabla::Tensor a = nabla::zeros({k62, 0});
  const nabla::Tensor b = nabla::zeros({0, k62});
  EXPECT_TRUE(contains(message_of<std::invalid_argument>([&] { nabla::matmul(a, b); }),
                       "nabla::matmul: shape [4611686018427387904, 4611686018427387904]"));
  const nabla::Tensor col = nabla::zeros({k62, 0, 1});
  const nabla::Tensor row = nabla::zeros({1, 0, k62});
  EXPECT_TRUE(
      contains(message_of<std::invalid_argument>([&] { nabla::add(col, row); }), "nabla::add"));
  EXPECT_THROW(nabla::broadcast_to(nabla::zeros({1, 0, 1}), {k62, 0, k62}), std::invalid_argument);
  // reshape: the target's product overflows (it used to wrap and could match numel).
  const nabla::Tensor x = nabla::zeros({4});
  EXPECT_TRUE(contains(message_of<std::invalid_argument>([&] {
                         nabla::reshape(x, {k62 + 1, 4});
                       }),
                       "nabla::reshape"));
  EXPECT_THROW(nabla::reshape(x, {k62, 4, -1}), std::invalid_argument);
}

TEST(Hardening, AllocationThatCannotBeHadNamesOpShapeAndBytes) {
  // 2⁵⁰ floats are 4 PiB: beyond any address space, whatever the overcommit policy.
  const std::string m = message_of<nabla::OutOfMemoryError>([] { nabla::zeros({1LL << 50}); });
  EXPECT_TRUE(contains(m,
                       "nabla::zeros: out of memory: a float32 tensor of shape "
                       "[1125899906842624] needs 4.0 PiB"))
      << m;
  // Still a std::bad_alloc for code that handles running out of memory.
  EXPECT_THROW(nabla::empty({1LL << 50}, nabla::f64), std::bad_alloc);
  // More bytes than a 64-bit count holds.
  EXPECT_TRUE(contains(message_of<std::invalid_argument>([] { nabla::zeros({k62}, nabla::f64); }),
                       "more than a 64-bit byte count holds"));
}

TEST(Hardening, LayersAndOneHotNameThemselvesWhenTooLarge) {
  EXPECT_TRUE(contains(message_of<std::invalid_argument>(
                           [] { nabla::nn::Linear(std::int64_t{1} << 32, std::int64_t{1} << 32); }),
                       "nabla::nn::Linear: shape [4294967296, 4294967296] has too many elements"));
  const std::string oom = message_of<nabla::OutOfMemoryError>(
      [] { nabla::nn::Linear(std::int64_t{1} << 24, std::int64_t{1} << 24); });
  EXPECT_TRUE(contains(oom, "nabla::nn::Linear(16777216, 16777216): the weight does not fit"))
      << oom;
  const nabla::Tensor labels = nabla::tensor({0.0, 1.0, 2.0});
  // 3 · 2⁶¹ elements fit in int64, their bytes do not: this was a std::length_error.
  EXPECT_TRUE(contains(message_of<std::invalid_argument>(
                           [&] { nabla::data::one_hot(labels, std::int64_t{1} << 61); }),
                       "nabla::data::one_hot: 3 labels × 2305843009213693952 classes"));
  const nabla::Tensor oh = nabla::data::one_hot(labels, 4);
  EXPECT_EQ(oh.to_vector(), (std::vector<double>{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0}));
}

TEST(Hardening, ItemRefusesValuesThatDoNotFitTheIntegerType) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (double v : {nan, inf, -inf, 1e30, 2147483648.0, -2147483649.0}) {
    const std::string m = message_of<std::invalid_argument>(
        [&] { static_cast<void>(nabla::scalar_tensor(v, nabla::f64).item<int>()); });
    EXPECT_TRUE(contains(m, "nabla::Tensor::item: the value")) << v << ": " << m;
  }
  EXPECT_THROW(static_cast<void>(nabla::scalar_tensor(9.3e18, nabla::f64).item<std::int64_t>()),
               std::invalid_argument);
  EXPECT_EQ(nabla::scalar_tensor(-2147483648.0, nabla::f64).item<int>(), -2147483647 - 1);
  EXPECT_EQ(nabla::scalar_tensor(2.7).item<int>(), 2);  // truncation, as int(tensor(2.7))
  EXPECT_EQ(nabla::scalar_tensor(-9.2e18, nabla::f64).item<std::int64_t>(),
            static_cast<std::int64_t>(-9.2e18));
  EXPECT_TRUE(std::isnan(nabla::scalar_tensor(nan).item<float>()));  // floats pass through
}

TEST(Hardening, ArangeRefusesNonFiniteBoundsAndSteps) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(contains(message_of<std::invalid_argument>([&] { nabla::arange(0, nan); }),
                       "nabla::arange: start, end and step must be finite, got start 0, end nan"));
  EXPECT_THROW(nabla::arange(0, inf), std::invalid_argument);
  EXPECT_THROW(nabla::arange(0, 1, nan), std::invalid_argument);
  EXPECT_THROW(nabla::arange(-inf, 0), std::invalid_argument);
  EXPECT_TRUE(contains(message_of<std::invalid_argument>([] { nabla::arange(0, 1e300, 1e-300); }),
                       "too many for a tensor"));
  EXPECT_EQ(nabla::arange(0, 1, 0.25).to_vector(), (std::vector<double>{0, 0.25, 0.5, 0.75}));
}

TEST(Hardening, BinaryCrossEntropyWithLogitsAtInfiniteLogitsGivesTheLimits) {
  const double inf = std::numeric_limits<double>::infinity();
  const nabla::Tensor x = nabla::tensor({inf, -inf, inf, -inf, 30.0, -30.0, 0.5}, nabla::f64);
  const nabla::Tensor t = nabla::tensor({0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.25}, nabla::f64);
  const auto l = nabla::binary_cross_entropy_with_logits(x, t, nabla::Reduction::none).to_vector();
  EXPECT_EQ(l[0], inf);  // confidently wrong: +∞ (it was NaN; PyTorch 1.13 says +∞ too)
  EXPECT_EQ(l[1], inf);  // confidently wrong the other way (PyTorch 1.13: NaN)
  EXPECT_EQ(l[2], 0.0);  // confidently right (PyTorch 1.13: NaN)
  EXPECT_EQ(l[3], 0.0);  // (PyTorch 1.13: NaN)
  // Finite logits, recorded from Debian's python3-torch 1.13.1:
  // F.binary_cross_entropy_with_logits(x, t, reduction='none') in float64.
  EXPECT_NEAR(l[4], 30.000000000000092, 1e-12);
  EXPECT_NEAR(l[5], 30.000000000000092, 1e-12);
  EXPECT_NEAR(l[6], 0.8490769841801067, 1e-15);
  nabla::Tensor xg = x.detach().clone().requires_grad_();
  nabla::binary_cross_entropy_with_logits(xg, t, nabla::Reduction::sum).backward();
  const auto g = xg.grad().to_vector();  // σ(x) − t, finite everywhere
  EXPECT_EQ(g[0], 1.0);
  EXPECT_EQ(g[1], -1.0);
  EXPECT_NEAR(g[6], 0.3724593312018546, 1e-15);  // python3-torch 1.13.1, as above
}

// A chain of `n` ops from a leaf, as a static Tensor would hold it.
nabla::Tensor chain(int n) {
  nabla::Tensor x = nabla::ones({2}).requires_grad_();
  nabla::Tensor y = x;
  for (int i = 0; i < n; ++i) y = nabla::mul(y, 1.0);
  return y;
}

// Destroyed at process exit, after every thread_local object of the main thread: its
// graph is released then (this used to use the destroyed thread-local release queue;
// AddressSanitizer reported a heap-use-after-free at exit).
nabla::Tensor static_graph;  // NOLINT: a global on purpose

TEST(Hardening, StaticTensorHoldingAGraphIsReleasedAfterThreadLocals) {
  static_graph = chain(100000);  // long enough that a recursive release would overflow
  EXPECT_EQ(static_graph.grad_fn()->name(), "mul");
  // The same order of destruction at a thread's exit, checked here and now: the holder is
  // made before the thread's first release, so it is destroyed after everything else.
  std::thread([] {
    thread_local nabla::Tensor holder;
    holder = chain(100000);
    chain(10);  // a graph released while the thread runs
  }).join();
}

TEST(Hardening, OptimizerFollowsModelToF64BeforeItsFirstStep) {
  // PyTorch makes optimizer state lazily, so model.to() before the first step just works.
  nabla::Generator gen(5);
  nabla::nn::Linear a(3, 2, true, {.generator = &gen});
  nabla::Generator gen2(5);
  nabla::nn::Linear b(3, 2, true, {.generator = &gen2});
  nabla::optim::Adam before(a.parameters(), {.lr = 0.1});  // built while a is float32
  a.to(nabla::f64);
  b.to(nabla::f64);
  nabla::optim::Adam after(b.parameters(), {.lr = 0.1});
  const nabla::Tensor x = nabla::randn({4, 3}, gen, nabla::f64);
  for (auto [m, opt] : {std::pair{&a, &before}, std::pair{&b, &after}}) {
    for (int s = 0; s < 3; ++s) {
      opt->zero_grad();
      nabla::sum(nabla::pow(m->forward(x), 2.0)).backward();
      opt->step();
    }
  }
  EXPECT_EQ(a.weight().to_vector(), b.weight().to_vector());
}

TEST(Hardening, OptimizerWithUsedStateNamesTheParameterAfterModelTo) {
  nabla::nn::Linear m(3, 2);
  nabla::optim::Adam opt(m.parameters(), {.lr = 0.1});
  nabla::sum(m.forward(nabla::ones({1, 3}))).backward();
  opt.step();
  m.to(nabla::f64);
  nabla::sum(m.forward(nabla::ones({1, 3}, nabla::f64))).backward();
  const std::string msg = message_of<std::logic_error>([&] { opt.step(); });
  EXPECT_TRUE(contains(msg,
                       "nabla::optim::Adam::step: parameter 0 ('weight') is now float64 [2, "
                       "3], but its state 'exp_avg' was made for float32 [2, 3] and has "
                       "seen 1 steps"))
      << msg;
}

TEST(Hardening, DroppedGraphsLeaveNoNodesOrStoragesBehind) {
  const nabla::debug::LiveCounts before = nabla::debug::live_counts();
  {
    nabla::Generator gen(9);
    nabla::nn::Sequential model(nabla::nn::Linear(4, 8, true, {.generator = &gen}),
                                nabla::nn::Tanh(),
                                nabla::nn::Linear(8, 1, true, {.generator = &gen}));
    const nabla::Tensor x = nabla::randn({5, 4}, gen).requires_grad_();
    for (int i = 0; i < 3; ++i) {
      // A gradient penalty: the gradient with a graph of its own, differentiated again.
      nabla::Tensor out = nabla::sum(model.forward(x));
      std::vector<nabla::Tensor> gx = nabla::grad({out}, {x}, {}, std::nullopt, true);
      nabla::Tensor penalty = nabla::sum(nabla::pow(gx[0], 2.0));
      penalty.backward();
      // backward(create_graph) on a loss, then the graph and the grads dropped.
      nabla::Tensor loss = nabla::sum(nabla::pow(model.forward(x), 2.0));
      loss.backward({}, false, true);
      EXPECT_GT(nabla::debug::live_counts().nodes, before.nodes);  // the counter counts
      model.zero_grad();
    }
  }
  const nabla::debug::LiveCounts after = nabla::debug::live_counts();
  EXPECT_EQ(after.nodes, before.nodes);
  EXPECT_EQ(after.storages, before.storages);
}

}  // namespace
