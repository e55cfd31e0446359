// Tests of ops/celu.cpp: max(0, x) + min(0, α(e^(x/α) − 1)).

#include "ops/activation_test_util.hpp"

namespace test_celu {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([-inf, -1000, -1, 0, 1, 1000, inf, nan], dtype=torch.float64,
//                    requires_grad=True)
//   y = F.celu(x) (and F.celu(x, 2.0)); y.sum().backward(); y, x.grad
// (torch's float32 kernel gives a gradient of 1 at NaN; nabla gives NaN in both dtypes)
TEST(Celu, EdgesMatchPyTorch) {
  expect_edges([](const Tensor& x) { return nabla::celu(x); },
               {-1.0, -1.0, -0.6321205588285577, 0.0, 1.0, 1000.0, kInf, kNaN},
               {0.0, 0.0, 0.36787944117144233, 1.0, 1.0, 1.0, 1.0, kNaN});
  expect_edges([](const Tensor& x) { return nabla::celu(x, 2.0); },
               {-2.0, -2.0, -0.7869386805747332, 0.0, 1.0, 1000.0, kInf, kNaN},
               {0.0, 7.124576406741286e-218, 0.6065306597126334, 1.0, 1.0, 1.0, 1.0, kNaN});
}

TEST(Celu, GradientAtTheKinkIsOne) {
  EXPECT_EQ(grad_at([](const Tensor& x) { return nabla::celu(x, 2.0); }, {0.0})[0], 1.0);
}

TEST(Celu, NegativeAlpha) {
  // α = −1: min(0, −(e^(−x) − 1)) at x = −ln 2 is min(0, −1) = −1 (as torch.celu)
  expect_tensor(nabla::celu(nabla::tensor({-std::log(2.0)}, nabla::f64), -1.0), {1}, {-1.0},
                nabla::f64);
}

TEST(Celu, RejectsAlphaZero) {
  // torch.celu(x, 0.): RuntimeError "ZeroDivisionError: alpha cannot be 0 for CELU"
  const Tensor x = nabla::ones({2});
  EXPECT_THROW(nabla::celu(x, 0.0), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::celu(x, 0.0); }),
              AllOf(HasSubstr("nabla::celu"), HasSubstr("alpha 0")));
}

TEST(Celu, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::celu(x); }, "celu");
}

}  // namespace
}  // namespace test_celu
