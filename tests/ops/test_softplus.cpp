// Tests of ops/softplus.cpp: log(1 + e^(βx))/β, linear above the threshold.

#include "ops/activation_test_util.hpp"

namespace test_softplus {
namespace {

using namespace nabla_test;
using nabla::Tensor;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([-inf, -1000, -1, 0, 1, 1000, inf, nan], dtype=torch.float64,
//                    requires_grad=True)
//   y = F.softplus(x) (and F.softplus(x, 2.0, 4.0)); y.sum().backward(); y, x.grad
TEST(Softplus, EdgesMatchPyTorch) {
  expect_edges(
      [](const Tensor& x) { return nabla::softplus(x); },
      {0.0, 0.0, 0.31326168751822286, 0.6931471805599453, 1.3132616875182228, 1000.0, kInf, kNaN},
      {0.0, 0.0, 0.2689414213699951, 0.5, 0.7310585786300049, 1.0, 1.0, kNaN});
  expect_edges(
      [](const Tensor& x) { return nabla::softplus(x, 2.0, 4.0); },
      {0.0, 0.0, 0.06346400552148625, 0.34657359027997264, 1.0634640055214863, 1000.0, kInf, kNaN},
      {0.0, 0.0, 0.11920292202211755, 0.5, 0.8807970779778824, 1.0, 1.0, kNaN});
}

TEST(Softplus, LinearAboveTheThreshold) {
  // β = 2, threshold 4: βx = 5 > 4 gives x itself; βx = 4 is not above, so the log form
  // log(1 + e⁴)/2 = 2.0090749639589047 (recorded from PyTorch as above at x = 2, 2.5)
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::softplus(nabla::tensor({2.0, 2.5}, d), 2.0, 4.0), {2},
                  {2.0090749639589047, 2.5}, d);
  }
  // the gradient: σ(4) = 0.9820137900379085 at the threshold, 1 above it
  const auto g = grad_at([](const Tensor& x) { return nabla::softplus(x, 2.0, 4.0); }, {2.0, 2.5});
  EXPECT_NEAR(g[0], 0.9820137900379085, 1e-12);
  EXPECT_EQ(g[1], 1.0);
}

TEST(Softplus, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // log(1 + e^(ln 3)) = ln 4; with β = 2 at x = ½ ln 3: ln 4 / 2
    const double l3 = std::log(3.0);
    expect_tensor(nabla::softplus(nabla::tensor({l3}, d)), {1}, {std::log(4.0)}, d);
    expect_tensor(nabla::softplus(nabla::tensor({0.5 * l3}, d), 2.0), {1}, {0.5 * std::log(4.0)},
                  d);
  }
}

TEST(Softplus, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::softplus(x); }, "softplus");
}

}  // namespace
}  // namespace test_softplus
