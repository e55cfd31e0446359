// Tests of ops/mish.cpp: x·tanh(softplus(x)).

#include "ops/activation_test_util.hpp"

namespace test_mish {
namespace {

using namespace nabla_test;
using nabla::Tensor;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([-inf, -1000, -1, 0, 1, 1000, inf, nan], dtype=torch.float64,
//                    requires_grad=True); y = F.mish(x); y.sum().backward(); y, x.grad
TEST(Mish, EdgesMatchPyTorch) {
  expect_edges([](const Tensor& x) { return nabla::mish(x); },
               {kNaN, -0.0, -0.30340146137410895, 0.0, 0.8650983882673103, 1000.0, kInf, kNaN},
               {kNaN, 0.0, 0.059216755877395014, 0.6, 1.0490362200997922, 1.0, kNaN, kNaN});
}

TEST(Mish, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // softplus(ln 3) = ln 4, tanh(ln 4) = (4 − ¼)/(4 + ¼) = 15/17
    const double l3 = std::log(3.0);
    expect_tensor(nabla::mish(nabla::scalar_tensor(l3, d)), {}, {l3 * 15.0 / 17.0}, d);
  }
}

TEST(Mish, GradientAtZeroByHand) {
  // t = tanh(ln 2) = (2 − ½)/(2 + ½) = 0.6; x·σ(x)(1 − t²) vanishes at 0: gradient 0.6
  EXPECT_NEAR(grad_at([](const Tensor& x) { return nabla::mish(x); }, {0.0})[0], 0.6, 1e-12);
}

TEST(Mish, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::mish(x); }, "mish");
}

}  // namespace
}  // namespace test_mish
