// Tests of ops/logsigmoid.cpp: log σ(x), stable.

#include "ops/activation_test_util.hpp"

namespace test_logsigmoid {
namespace {

using namespace nabla_test;
using nabla::Tensor;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([-inf, -1000, -1, 0, 1, 1000, inf, nan], dtype=torch.float64,
//                    requires_grad=True); y = F.logsigmoid(x); y.sum().backward(); y, x.grad
// No overflow at −1000 (log(1/(1 + e¹⁰⁰⁰)) computed naively is −inf).
TEST(Logsigmoid, EdgesMatchPyTorch) {
  expect_edges([](const Tensor& x) { return nabla::logsigmoid(x); },
               {-kInf, -1000.0, -1.3132616875182228, -0.6931471805599453, -0.31326168751822286, 0.0,
                0.0, kNaN},
               {1.0, 1.0, 0.7310585786300049, 0.5, 0.2689414213699951, 0.0, 0.0, kNaN});
}

TEST(Logsigmoid, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // σ(ln 3) = ¾, σ(−ln 3) = ¼
    const double l3 = std::log(3.0);
    expect_tensor(nabla::logsigmoid(nabla::tensor({l3, -l3}, d)), {2},
                  {std::log(0.75), std::log(0.25)}, d);
  }
}

TEST(Logsigmoid, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::logsigmoid(x); }, "logsigmoid");
}

}  // namespace
}  // namespace test_logsigmoid
