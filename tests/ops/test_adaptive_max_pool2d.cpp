// Tests of ops/adaptive_max_pool2d.cpp (its gradient is ops/max_pool2d_backward.cpp).

#include <nabla/pooling.hpp>

#include "ops/op_test_util.hpp"

namespace test_adaptive_max_pool2d {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// torch.manual_seed(0); x = (torch.randn(1,2,4,5, dtype=torch.float64)*100).round()/100
const std::vector<double> kAdaptiveMaxX = {
    -2.31, -0.37, -1.06, 1.0,  -0.88, -1.28, -0.62, -0.87, -1.3, 1.52,  0.32,  2.02,  1.14, -1.23,
    0.07,  0.34,  0.15,  -0.63, -1.26, -0.73, -0.02, 0.21,  0.18, -0.83, 0.8,   0.21,  0.14, -0.03,
    0.46,  1.12,  0.37,  -0.19, -0.01, -0.2,  -1.66, 0.91,  1.15, -0.09, -1.96, 0.22};

Tensor adaptive_max_input(Dtype d = nabla::f64) {
  return nabla::tensor(kAdaptiveMaxX, {1, 2, 4, 5}, d);
}

// Recorded from PyTorch 1.13 (python3-torch):
//   v, i = F.adaptive_max_pool2d(x, (3,2), return_indices=True)
TEST(AdaptiveMaxPool2d, ForwardMatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const auto [v, i] = nabla::adaptive_max_pool2d_with_indices(adaptive_max_input(d), {3, 2});
    expect_tensor(v, {1, 2, 3, 2},
                  {-0.37, 1.52, 2.02, 1.52, 2.02, 1.14, 0.21, 1.12, 0.37, 1.12, 1.15, 0.22}, d);
    expect_tensor(i, {1, 2, 3, 2}, {1, 9, 11, 9, 11, 12, 1, 9, 10, 9, 16, 19}, nabla::i64);
  }
  EXPECT_EQ(nabla::adaptive_max_pool2d(adaptive_max_input().reshape({2, 4, 5}), 2).shape(),
            (Shape{2, 2, 2}));
}

// Recorded from PyTorch 1.13: xr = x.requires_grad_(); y = F.adaptive_max_pool2d(xr, (3,4));
//   w = torch.arange(1, y.numel()+1, dtype=torch.float64).reshape(y.shape)/10;
//   (y*w).sum().backward(); xr.grad
TEST(AdaptiveMaxPool2d, GradientMatchesPyTorch) {
  Tensor x = adaptive_max_input().requires_grad_();
  const Tensor y = nabla::adaptive_max_pool2d(x, {3, 4});
  std::vector<double> w(static_cast<std::size_t>(y.numel()));
  for (std::size_t k = 0; k < w.size(); ++k) w[k] = static_cast<double>(k + 1) / 10;
  nabla::sum(nabla::mul(y, nabla::tensor(w, y.shape(), nabla::f64))).backward();
  expect_tensor(x.grad(), {1, 2, 4, 5},
                {0.0, 0.3, 0.0, 0.3, 0.0, 0.0, 0.0, 0.0, 0.0, 1.2, 0.0, 3.0, 1.8, 0.0,
                 1.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.7, 0.0, 0.0, 0.0, 0.0, 1.8, 0.0,
                 3.4, 3.6, 1.7, 0.0, 2.3, 0.0, 0.0, 0.0, 4.3, 0.0, 0.0, 2.4},
                nabla::f64);
}

// x has ties (0.21 twice); x[k] + 0.0001·k has none, its values at least 0.0001 apart
// (see test_max_pool2d): the argmax never moves under gradcheck's step.
TEST(AdaptiveMaxPool2d, GradcheckAndGradgradcheck) {
  std::vector<double> v = kAdaptiveMaxX;
  for (std::size_t k = 0; k < v.size(); ++k) v[k] += 0.0001 * static_cast<double>(k);
  expect_gradients_match(
      [](const std::vector<Tensor>& in) { return nabla::adaptive_max_pool2d(in[0], {3, 4}); },
      {nabla::tensor(v, {1, 2, 4, 5}, nabla::f64)});
}

TEST(AdaptiveMaxPool2d, RejectsBadArguments) {
  EXPECT_THAT(message_of([] { nabla::adaptive_max_pool2d(nabla::zeros({1, 1, 4, 4}), {2, -1}); }),
              AllOf(HasSubstr("nabla::adaptive_max_pool2d"),
                    HasSubstr("output_size (2, -1) must be positive")));
  EXPECT_THAT(message_of([] { nabla::adaptive_max_pool2d(nabla::zeros({4}), 1); }),
              AllOf(HasSubstr("nabla::adaptive_max_pool2d"), HasSubstr("[4]")));
  EXPECT_THAT(message_of([] {
                nabla::adaptive_max_pool2d(nabla::zeros({1, 1, 4, 4}, nabla::bool_), 1);
              }),
              HasSubstr("bool"));
}

}  // namespace
}  // namespace test_adaptive_max_pool2d
