// Tests of ops/elu.cpp: x where x > 0, else α(eˣ − 1).

#include "ops/activation_test_util.hpp"

namespace test_elu {
namespace {

using namespace nabla_test;
using nabla::Tensor;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([-inf, -1000, -1, 0, 1, 1000, inf, nan], dtype=torch.float64,
//                    requires_grad=True)
//   y = F.elu(x) (and F.elu(x, 2.0)); y.sum().backward(); y, x.grad
// At NaN the float64 gradient is NaN; torch's vectorized float32 kernel gives 1 there
// instead. nabla gives the float64 answer in both dtypes.
TEST(Elu, EdgesMatchPyTorch) {
  expect_edges([](const Tensor& x) { return nabla::elu(x); },
               {-1.0, -1.0, -0.6321205588285577, 0.0, 1.0, 1000.0, kInf, kNaN},
               {0.0, 0.0, 0.36787944117144233, 1.0, 1.0, 1.0, 1.0, kNaN});
  expect_edges([](const Tensor& x) { return nabla::elu(x, 2.0); },
               {-2.0, -2.0, -1.2642411176571153, 0.0, 1.0, 1000.0, kInf, kNaN},
               {0.0, 0.0, 0.7357588823428847, 2.0, 1.0, 1.0, 1.0, kNaN});
}

TEST(Elu, GradientAtTheKinkIsAlpha) {
  // F.elu(torch.tensor([0.], requires_grad=True), 2.0): grad 2 (the left branch, α·e⁰)
  EXPECT_EQ(grad_at([](const Tensor& x) { return nabla::elu(x, 2.0); }, {0.0})[0], 2.0);
}

TEST(Elu, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // α = 0.5: 0.5(e^(−ln 2) − 1) = −¼; positive values pass
    expect_tensor(nabla::elu(nabla::tensor({-std::log(2.0), 3.0}, d), 0.5), {2}, {-0.25, 3.0}, d);
  }
}

TEST(Elu, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::elu(x); }, "elu");
}

}  // namespace
}  // namespace test_elu
