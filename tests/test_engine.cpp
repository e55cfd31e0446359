// The backward engine: accumulation, graph release, grad mode, detach, higher order,
// rule checks, version counters, and a 10⁶-op chain.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nabla/nabla.hpp>

using nabla::Tensor;
using ::testing::HasSubstr;

namespace {
double value(const Tensor& t) {
  return t.item<double>();
}
}  // namespace

TEST(Engine, TensorUsedTwiceAccumulatesBothPaths) {
  Tensor x = nabla::scalar_tensor(3.0, nabla::f64).requires_grad_();
  Tensor y = x * x + x;  // dy/dx = 2x + 1 = 7
  y.backward();
  EXPECT_DOUBLE_EQ(value(x.grad()), 7.0);
}

TEST(Engine, GradientsAccumulateAcrossCallsUntilZeroGrad) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  nabla::sum(x * 3.0).backward();
  nabla::sum(x * 3.0).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{6.0, 6.0}));
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
  nabla::sum(x * 2.0).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{2.0, 2.0}));
}

TEST(Engine, BroadcastGradientIsSummedToTheInputShape) {
  Tensor a = nabla::ones({3, 4}, nabla::f64).requires_grad_();
  Tensor b = nabla::ones({4}, nabla::f64).requires_grad_();
  Tensor c = nabla::ones({3, 1}, nabla::f64).requires_grad_();
  nabla::sum((a + b) * c).backward();
  EXPECT_EQ(b.grad().shape(), (nabla::Shape{4}));
  EXPECT_EQ(b.grad().to_vector(), (std::vector<double>(4, 3.0)));  // summed over 3 rows
  EXPECT_EQ(c.grad().shape(), (nabla::Shape{3, 1}));
  EXPECT_EQ(c.grad().to_vector(), (std::vector<double>(3, 8.0)));  // Σ_j (a + b) = 4·2
}

TEST(Engine, ChainOfAMillionOpsRunsBackwardWithoutOverflow) {
  Tensor x = nabla::scalar_tensor(1.0, nabla::f64).requires_grad_();
  Tensor z = x;
  const int n = 1000000;
  for (int i = 0; i < n; ++i) z = z * 1.0000001;
  z.backward();
  // d/dx (x·c^n) = c^n
  EXPECT_NEAR(value(x.grad()), std::pow(1.0000001, n), 1e-9);
}

TEST(Engine, DroppingAMillionOpGraphWithoutBackwardDoesNotOverflow) {
  Tensor x = nabla::scalar_tensor(1.0).requires_grad_();
  {
    Tensor z = x;
    for (int i = 0; i < 1000000; ++i) z = nabla::tanh(z + 0.5);
  }  // the whole graph (with saved tensors) is released here
  SUCCEED();
}

TEST(Engine, SecondBackwardThroughReleasedGraphSaysRetainGraph) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  Tensor y = nabla::sum(nabla::exp(x));
  y.backward();
  try {
    y.backward();
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'exp'"));
    EXPECT_THAT(e.what(), HasSubstr("retain_graph"));
  }
}

TEST(Engine, RetainGraphAllowsASecondBackward) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  Tensor y = nabla::sum(nabla::exp(x));
  y.backward({}, /*retain_graph=*/true);
  y.backward();
  EXPECT_NEAR(x.grad().to_vector()[0], 2.0 * std::exp(1.0), 1e-12);
}

TEST(Engine, NoGradGuardRecordsNothing) {
  Tensor w = nabla::ones({2}).requires_grad_();
  {
    nabla::NoGradGuard no_grad;
    EXPECT_FALSE(nabla::is_grad_enabled());
    Tensor y = nabla::sigmoid(w * 2.0);
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(y.grad_fn(), nullptr);
    EXPECT_TRUE(y.is_leaf());
    EXPECT_THROW(nabla::sum(y).backward(), std::runtime_error);
  }
  EXPECT_TRUE(nabla::is_grad_enabled());
  EXPECT_NE((w * 2.0).grad_fn(), nullptr);
}

TEST(Engine, GradModeIsThreadLocal) {
  nabla::NoGradGuard no_grad;
  bool other_thread = false;
  std::thread t([&] { other_thread = nabla::is_grad_enabled(); });
  t.join();
  EXPECT_TRUE(other_thread);
  EXPECT_FALSE(nabla::is_grad_enabled());
}

TEST(Engine, DetachStopsGradients) {
  Tensor x = nabla::scalar_tensor(2.0, nabla::f64).requires_grad_();
  Tensor y = x * x.detach();  // only the first factor carries a gradient: dy/dx = x
  y.backward();
  EXPECT_DOUBLE_EQ(value(x.grad()), 2.0);
  EXPECT_FALSE(x.detach().requires_grad());
}

TEST(Engine, NonScalarBackwardNeedsAGradient) {
  Tensor x = nabla::ones({2, 3}).requires_grad_();
  Tensor y = x * 2.0;
  try {
    y.backward();
    FAIL() << "expected an exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("[2, 3]"));
    EXPECT_THAT(e.what(), HasSubstr("grad_output"));
  }
  y.backward(nabla::full({2, 3}, 0.5));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>(6, 1.0)));
  EXPECT_THROW(y.backward(nabla::ones({3, 2})), std::invalid_argument);
}

TEST(Engine, BackwardOnATensorWithoutGradThrows) {
  try {
    nabla::sum(nabla::ones({2})).backward();
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("does not require grad"));
  }
}

TEST(Engine, LeafAndGradFnBookkeeping) {
  Tensor w = nabla::ones({2}).requires_grad_();
  EXPECT_TRUE(w.is_leaf());
  EXPECT_TRUE(w.requires_grad());
  Tensor y = nabla::tanh(w);
  EXPECT_FALSE(y.is_leaf());
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "tanh");
  EXPECT_EQ(y.grad_fn()->num_inputs(), 1u);
  Tensor z = y + nabla::ones({2});
  EXPECT_EQ(z.grad_fn()->next_functions()[0], y.grad_fn());
  EXPECT_EQ(z.grad_fn()->next_functions()[1], nullptr);
  EXPECT_THROW(y.requires_grad_(), std::logic_error);
  EXPECT_TRUE(nabla::ones({1}).is_leaf());
}

TEST(Engine, RetainGradKeepsAnInteriorGradient) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  Tensor h = x * 3.0;
  h.retain_grad();
  Tensor other = x * 5.0;  // interior gradients are not kept by default
  nabla::sum(h * h + other).backward();
  EXPECT_EQ(h.grad().to_vector(), (std::vector<double>{6.0, 12.0}));  // 2h
  EXPECT_FALSE(other.grad().defined());
}

TEST(Engine, GradReturnsGradientsWithoutTouchingDotGrad) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  Tensor y = nabla::sum(x * x);
  auto g = nabla::grad({y}, {x});
  EXPECT_EQ(g[0].to_vector(), (std::vector<double>{2.0, 4.0}));
  EXPECT_FALSE(x.grad().defined());
}

TEST(Engine, GradWithRespectToAnInteriorTensor) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  Tensor h = nabla::exp(x);
  Tensor y = nabla::sum(h * 2.0);
  auto g = nabla::grad({y}, {h, x});
  EXPECT_EQ(g[0].to_vector(), (std::vector<double>{2.0, 2.0}));
  EXPECT_NEAR(g[1].to_vector()[1], 2.0 * std::exp(2.0), 1e-12);
}

TEST(Engine, GradOfUnusedInputThrowsUnlessAllowed) {
  Tensor x = nabla::ones({2}).requires_grad_();
  Tensor unused = nabla::ones({2}).requires_grad_();
  Tensor y = nabla::sum(x);
  EXPECT_THROW((void)nabla::grad({y}, {unused}, {}, true), std::runtime_error);
  auto g = nabla::grad({y}, {x, unused}, {}, std::nullopt, false, /*allow_unused=*/true);
  EXPECT_TRUE(g[0].defined());
  EXPECT_FALSE(g[1].defined());
}

TEST(Engine, HessianVectorProductThroughCreateGraph) {
  // f(x) = Σ x_i³ x_j-free: ∇f = 3x², H = diag(6x), so H·v = 6 x ⊙ v.
  Tensor x = nabla::tensor({1.0, -2.0, 0.5}, nabla::f64).requires_grad_();
  Tensor v = nabla::tensor({0.3, 1.0, -2.0}, nabla::f64);
  Tensor f = nabla::sum(nabla::pow(x, 3.0)) + nabla::sum(nabla::sigmoid(x));
  auto g = nabla::grad({f}, {x}, {}, std::nullopt, /*create_graph=*/true);
  ASSERT_TRUE(g[0].requires_grad());
  Tensor gv = nabla::sum(g[0] * v);
  auto hv = nabla::grad({gv}, {x});
  const auto xs = x.to_vector(), vs = v.to_vector(), got = hv[0].to_vector();
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double s = 1.0 / (1.0 + std::exp(-xs[i]));
    const double sig2 = s * (1 - s) * (1 - 2 * s);  // σ''
    EXPECT_NEAR(got[i], (6.0 * xs[i] + sig2) * vs[i], 1e-12) << i;
  }
}

TEST(Engine, BackwardWithCreateGraphRecordsTheGradient) {
  Tensor x = nabla::scalar_tensor(1.5, nabla::f64).requires_grad_();
  Tensor y = nabla::tanh(x);
  y.backward({}, false, /*create_graph=*/true);
  Tensor g = x.grad();  // 1 − tanh²(x), with history
  ASSERT_TRUE(g.requires_grad());
  auto gg = nabla::grad({g}, {x});
  const double t = std::tanh(1.5);
  EXPECT_NEAR(value(gg[0]), -2.0 * t * (1 - t * t), 1e-12);
  x.zero_grad();  // drops the graph held by .grad
}

namespace {
// A deliberately malformed rule: returns two gradients for one input.
struct TooManyGradsNode : nabla::Node {
  TooManyGradsNode() : Node("too_many_grads") {}
  std::vector<Tensor> backward(const Tensor& g) override { return {g, g}; }
};
// A rule that returns a gradient of a shape that does not reduce to its input's.
struct WrongShapeNode : nabla::Node {
  WrongShapeNode() : Node("wrong_shape") {}
  std::vector<Tensor> backward(const Tensor&) override { return {nabla::ones({5})}; }
};
template <class N>
Tensor apply(const Tensor& x) {
  Tensor out = nabla::clone(x.detach());
  nabla::record<N>(out, {x});
  return out;
}
}  // namespace

TEST(Engine, MalformedRuleCountThrowsNamingTheNode) {
  Tensor x = nabla::ones({3}).requires_grad_();
  try {
    nabla::sum(apply<TooManyGradsNode>(x)).backward();
    FAIL() << "expected an exception";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'too_many_grads'"));
    EXPECT_THAT(e.what(), HasSubstr("2 gradients for 1 inputs"));
  }
}

TEST(Engine, MalformedRuleShapeThrowsNamingTheNode) {
  Tensor x = nabla::ones({3}).requires_grad_();
  try {
    nabla::sum(apply<WrongShapeNode>(x)).backward();
    FAIL() << "expected an exception";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'wrong_shape'"));
    EXPECT_THAT(e.what(), HasSubstr("shape [5] for input 0 of shape [3]"));
  }
}

TEST(Engine, InPlaceChangeOfASavedTensorIsCaughtAtBackward) {
  Tensor w = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  Tensor x = nabla::tensor({3.0, 4.0}, nabla::f64);
  Tensor y = nabla::sum(w * x);  // mul saves x for w's gradient
  x.add_(nabla::ones({2}, nabla::f64));
  try {
    y.backward();
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'mul'"));
    EXPECT_THAT(e.what(), HasSubstr("saved at version 0 and is now at version 1"));
  }
}

TEST(Engine, OptimizerStepBetweenForwardAndBackwardIsCaught) {
  Tensor w = nabla::tensor({0.5}, nabla::f64).requires_grad_();
  Tensor y = nabla::sum(nabla::sigmoid(w) * w);  // mul saves w
  {
    nabla::NoGradGuard no_grad;
    w.add_(nabla::ones({1}, nabla::f64), -0.1);
  }
  EXPECT_THROW(y.backward(), std::runtime_error);
}

TEST(Engine, NanFlowsThroughBackwardWithoutCrashing) {
  Tensor x = nabla::tensor({-1.0, 4.0}, nabla::f64).requires_grad_();
  Tensor y = nabla::sum(nabla::sqrt(x));
  y.backward();
  auto g = x.grad().to_vector();
  EXPECT_TRUE(std::isnan(g[0]));
  EXPECT_DOUBLE_EQ(g[1], 0.25);
}

TEST(Engine, Float32AndFloat64AgreeWithinFloat32Tolerance) {
  nabla::Generator gen(9);
  Tensor X64 = nabla::randn({6, 4}, gen, nabla::f64);
  Tensor W64 = nabla::randn({4, 3}, gen, nabla::f64);
  Tensor y64 = nabla::rand({6, 3}, gen, nabla::f64);
  auto run = [&](nabla::Dtype d) {
    Tensor W = W64.to(d).detach().requires_grad_();
    Tensor l = nabla::mse_loss(nabla::tanh(nabla::matmul(X64.to(d), W)), y64.to(d));
    l.backward();
    return std::make_pair(l.item<double>(), W.grad().to_vector());
  };
  auto [l32, g32] = run(nabla::f32);
  auto [l64, g64] = run(nabla::f64);
  EXPECT_NEAR(l32, l64, 1e-5 * std::abs(l64));
  for (std::size_t i = 0; i < g64.size(); ++i) EXPECT_NEAR(g32[i], g64[i], 1e-5) << i;
}

TEST(Engine, MixedDtypesAreRejectedNotPromoted) {
  try {
    (void)(nabla::ones({2}) + nabla::ones({2}, nabla::f64));
    FAIL() << "expected an exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("nabla::add: dtype mismatch: float32 [2] and float64 [2]"));
  }
}

TEST(Engine, GradientFlowsAcrossACast) {
  Tensor x = nabla::tensor({1.0, 2.0}).requires_grad_();  // float32 leaf
  Tensor y = nabla::sum(x.to(nabla::f64) * 3.0);
  y.backward();
  EXPECT_EQ(x.grad().dtype(), nabla::f32);
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{3.0, 3.0}));
}
