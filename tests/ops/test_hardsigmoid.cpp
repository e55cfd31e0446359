// Tests of ops/hardsigmoid.cpp: relu6(x + 3)/6.

#include "ops/activation_test_util.hpp"

namespace test_hardsigmoid {
namespace {

using namespace nabla_test;
using nabla::Tensor;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([-inf, -1000, -1, 0, 1, 1000, inf, nan], dtype=torch.float64,
//                    requires_grad=True); y = F.hardsigmoid(x); y.sum().backward(); y, x.grad
// torch 1.13's float64 backward multiplies by a float32 1/6 (0.1666666716337204, off by
// 3e-8); nabla's gradient is the exact 1/6, compared here.
TEST(Hardsigmoid, EdgesMatchPyTorch) {
  const double s = 1.0 / 6.0;
  expect_edges([](const Tensor& x) { return nabla::hardsigmoid(x); },
               {0.0, 0.0, 0.3333333333333333, 0.5, 0.6666666666666666, 1.0, 1.0, kNaN},
               {0.0, 0.0, s, s, s, 0.0, 0.0, 0.0});
}

TEST(Hardsigmoid, GradientAtTheKinksIsZero) {
  // F.hardsigmoid(torch.tensor([-3., 3.], requires_grad=True)): grad [0, 0]
  const auto g = grad_at([](const Tensor& x) { return nabla::hardsigmoid(x); }, {-3.0, 3.0});
  EXPECT_EQ(g, (std::vector<double>{0.0, 0.0}));
}

TEST(Hardsigmoid, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::hardsigmoid(x); }, "hardsigmoid");
}

}  // namespace
}  // namespace test_hardsigmoid
