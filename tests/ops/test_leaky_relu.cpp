// Tests of ops/leaky_relu.cpp: x where x > 0, else negative_slope·x.

#include "ops/activation_test_util.hpp"

namespace test_leaky_relu {
namespace {

using namespace nabla_test;
using nabla::Tensor;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([-inf, -1000, -1, 0, 1, 1000, inf, nan], dtype=torch.float64,
//                    requires_grad=True)
//   y = F.leaky_relu(x) (and F.leaky_relu(x, 0.2)); y.sum().backward(); y, x.grad
// The gradient at the kink 0 (and at NaN) is the slope, PyTorch's choice.
TEST(LeakyRelu, EdgesMatchPyTorch) {
  expect_edges([](const Tensor& x) { return nabla::leaky_relu(x); },
               {-kInf, -10.0, -0.01, 0.0, 1.0, 1000.0, kInf, kNaN},
               {0.01, 0.01, 0.01, 0.01, 1.0, 1.0, 1.0, 0.01});
  expect_edges([](const Tensor& x) { return nabla::leaky_relu(x, 0.2); },
               {-kInf, -200.0, -0.2, 0.0, 1.0, 1000.0, kInf, kNaN},
               {0.2, 0.2, 0.2, 0.2, 1.0, 1.0, 1.0, 0.2});
}

TEST(LeakyRelu, GradientAtTheKinkIsTheSlope) {
  // F.leaky_relu(torch.tensor([0.], requires_grad=True), 0.2): grad 0.2
  EXPECT_EQ(grad_at([](const Tensor& x) { return nabla::leaky_relu(x, 0.2); }, {0.0})[0], 0.2);
}

TEST(LeakyRelu, SecondDerivativeIsZero) {
  Tensor x = nabla::tensor({-0.5, 0.5}, nabla::f64).requires_grad_();
  const auto g = nabla::grad({nabla::sum(nabla::leaky_relu(x, 0.3))}, {x}, {}, std::nullopt, true);
  expect_tensor(g[0], {2}, {0.3, 1.0}, nabla::f64);
  // the rule uses only the saved mask, so the gradient has no history in x: ∂²/∂x² = 0
  EXPECT_FALSE(g[0].requires_grad());
}

TEST(LeakyRelu, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::leaky_relu(x); }, "leaky_relu");
}

}  // namespace
}  // namespace test_leaky_relu
