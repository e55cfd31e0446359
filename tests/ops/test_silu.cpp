// Tests of ops/silu.cpp: x·σ(x).

#include "ops/activation_test_util.hpp"

namespace test_silu {
namespace {

using namespace nabla_test;
using nabla::Tensor;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([-inf, -1000, -1, 0, 1, 1000, inf, nan], dtype=torch.float64,
//                    requires_grad=True); y = F.silu(x); y.sum().backward(); y, x.grad
TEST(Silu, EdgesMatchPyTorch) {
  expect_edges([](const Tensor& x) { return nabla::silu(x); },
               {kNaN, -0.0, -0.2689414213699951, 0.0, 0.7310585786300049, 1000.0, kInf, kNaN},
               {kNaN, -0.0, 0.07232948812851325, 0.5, 0.9276705118714869, 1.0, kNaN, kNaN});
}

TEST(Silu, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // σ(ln 3) = 3/4, so silu(ln 3) = ¾ ln 3; σ(−ln 3) = ¼
    const double l3 = std::log(3.0);
    expect_tensor(nabla::silu(nabla::tensor({l3, -l3}, d)), {2}, {0.75 * l3, -0.25 * l3}, d);
  }
}

TEST(Silu, GradientByHand) {
  // σ(1 + x(1 − σ)) at ln 3: ¾(1 + ¼ ln 3)
  const double l3 = std::log(3.0);
  EXPECT_NEAR(grad_at([](const Tensor& x) { return nabla::silu(x); }, {l3})[0],
              0.75 * (1 + 0.25 * l3), 1e-12);
}

TEST(Silu, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::silu(x); }, "silu");
}

}  // namespace
}  // namespace test_silu
