// Tests of ops/softsign.cpp: x/(1 + |x|).

#include "ops/activation_test_util.hpp"

namespace test_softsign {
namespace {

using namespace nabla_test;
using nabla::Tensor;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([-inf, -1000, -1, 0, 1, 1000, inf, nan], dtype=torch.float64,
//                    requires_grad=True); y = F.softsign(x); y.sum().backward(); y, x.grad
// PyTorch computes x/(1 + |x|) as written, so ±inf give inf/inf = NaN, value and gradient.
TEST(Softsign, EdgesMatchPyTorch) {
  expect_edges([](const Tensor& x) { return nabla::softsign(x); },
               {kNaN, -0.999000999000999, -0.5, 0.0, 0.5, 0.999000999000999, kNaN, kNaN},
               {kNaN, 9.98002996005021e-07, 0.25, 1.0, 0.25, 9.98002996005021e-07, kNaN, kNaN});
}

TEST(Softsign, SecondDerivativeByHand) {
  // d²/dx² = −2·sign(x)/(1 + |x|)³: at 1, −¼; at −1, ¼
  Tensor x = nabla::tensor({1.0, -1.0}, nabla::f64).requires_grad_();
  const auto g = nabla::grad({nabla::sum(nabla::softsign(x))}, {x}, {}, std::nullopt, true);
  const auto gg = nabla::grad({nabla::sum(g[0])}, {x});
  expect_tensor(gg[0], {2}, {-0.25, 0.25}, nabla::f64);
}

TEST(Softsign, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::softsign(x); }, "softsign");
}

}  // namespace
}  // namespace test_softsign
