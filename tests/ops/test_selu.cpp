// Tests of ops/selu.cpp: scale·elu(x, α) with PyTorch's constants.

#include "ops/activation_test_util.hpp"

namespace test_selu {
namespace {

using namespace nabla_test;
using nabla::Tensor;

constexpr double kAlpha = 1.6732632423543772848170429916717;
constexpr double kScale = 1.0507009873554804934193349852946;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([-inf, -1000, -1, 0, 1, 1000, inf, nan], dtype=torch.float64,
//                    requires_grad=True); y = F.selu(x); y.sum().backward(); y, x.grad
// (torch's float32 kernel gives a gradient of scale at NaN; nabla gives NaN in both dtypes)
TEST(Selu, EdgesMatchPyTorch) {
  expect_edges([](const Tensor& x) { return nabla::selu(x); },
               {-1.7580993408473766, -1.7580993408473766, -1.1113307378125625, 0.0,
                1.0507009873554805, 1050.7009873554805, kInf, kNaN},
               {0.0, 0.0, 0.646768603034814, 1.7580993408473766, 1.0507009873554805,
                1.0507009873554805, 1.0507009873554805, kNaN});
}

TEST(Selu, GradientAtTheKinkIsScaleTimesAlpha) {
  EXPECT_NEAR(grad_at([](const Tensor& x) { return nabla::selu(x); }, {0.0})[0], kScale * kAlpha,
              1e-15);
}

TEST(Selu, ForwardByHand) {
  // scale·α(e^(−ln 2) − 1) = −½·scale·α; scale·2
  expect_tensor(nabla::selu(nabla::tensor({-std::log(2.0), 2.0}, nabla::f64)), {2},
                {-0.5 * kScale * kAlpha, 2 * kScale}, nabla::f64);
}

TEST(Selu, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::selu(x); }, "selu");
}

}  // namespace
}  // namespace test_selu
