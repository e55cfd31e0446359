// Tests of ops/hardswish.cpp: x·relu6(x + 3)/6.

#include "ops/activation_test_util.hpp"

namespace test_hardswish {
namespace {

using namespace nabla_test;
using nabla::Tensor;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([-inf, -1000, -1, 0, 1, 1000, inf, nan], dtype=torch.float64,
//                    requires_grad=True); y = F.hardswish(x); y.sum().backward(); y, x.grad
// (−inf gives NaN: −inf·0. torch's float32 kernel gives a gradient of 1 at NaN; nabla NaN)
TEST(Hardswish, EdgesMatchPyTorch) {
  expect_edges([](const Tensor& x) { return nabla::hardswish(x); },
               {kNaN, -0.0, -0.3333333333333333, 0.0, 0.6666666666666666, 1000.0, kInf, kNaN},
               {0.0, 0.0, 0.16666666666666669, 0.5, 0.8333333333333333, 1.0, 1.0, kNaN});
}

TEST(Hardswish, GradientAtTheKinksIsPyTorchs) {
  // F.hardswish(torch.tensor([-3., 3.], requires_grad=True)): grad [-0.5, 1.5], the middle
  // piece x/3 + ½ taken at both ends
  const auto g = grad_at([](const Tensor& x) { return nabla::hardswish(x); }, {-3.0, 3.0});
  EXPECT_EQ(g, (std::vector<double>{-0.5, 1.5}));
}

TEST(Hardswish, SecondDerivativeInTheMiddleIsAThird) {
  Tensor x = nabla::tensor({-4.0, 1.0, 4.0}, nabla::f64).requires_grad_();
  const auto g = nabla::grad({nabla::sum(nabla::hardswish(x))}, {x}, {}, std::nullopt, true);
  const auto gg = nabla::grad({nabla::sum(g[0])}, {x});
  expect_tensor(gg[0], {3}, {0, 1.0 / 3.0, 0}, nabla::f64);
}

TEST(Hardswish, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::hardswish(x); }, "hardswish");
}

}  // namespace
}  // namespace test_hardswish
