// Tests of ops/adaptive_avg_pool2d.cpp and ops/adaptive_avg_pool2d_backward.cpp.

#include <nabla/pooling.hpp>

#include "ops/op_test_util.hpp"

namespace test_adaptive_avg_pool2d {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// torch.manual_seed(0); x = (torch.randn(1,2,4,5, dtype=torch.float64)*100).round()/100
const std::vector<double> kAdaptiveX = {-2.31, -0.37, -1.06, 1.0,  -0.88, -1.28, -0.62, -0.87,
                                        -1.3,  1.52,  0.32,  2.02, 1.14,  -1.23, 0.07,  0.34,
                                        0.15,  -0.63, -1.26, -0.73, -0.02, 0.21,  0.18,  -0.83,
                                        0.8,   0.21,  0.14,  -0.03, 0.46,  1.12,  0.37,  -0.19,
                                        -0.01, -0.2,  -1.66, 0.91,  1.15,  -0.09, -1.96, 0.22};

Tensor adaptive_input(Dtype d = nabla::f64) {
  return nabla::tensor(kAdaptiveX, {1, 2, 4, 5}, d);
}

// Recorded from PyTorch 1.13 (python3-torch), rounded to 12 digits:
//   F.adaptive_avg_pool2d(x, (3,2)); F.adaptive_avg_pool2d(x[0], 3)
TEST(AdaptiveAvgPool2d, ForwardMatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::adaptive_avg_pool2d(adaptive_input(d), {3, 2}), {1, 2, 3, 2},
                  {-1.085, -0.265, 0.118333333333, -0.111666666667, 0.556666666667, -0.44, 0.115,
                   0.283333333333, 0.081666666667, -0.053333333333, 0.356666666667,
                   -0.616666666667},
                  d);
  }
  expect_tensor(nabla::adaptive_avg_pool2d(adaptive_input().reshape({2, 4, 5}), 3), {2, 3, 3},
                {-1.145, -0.536666666667, 0.085, 0.11, -0.143333333333, -0.235, 0.7075,
                 0.031666666667, -0.7875, 0.135, 0.021666666667, 0.3875, 0.1325, 0.028333333333,
                 -0.07, 0.56, -0.216666666667, -0.9},
                nabla::f64);
  // output 1×1 is the global mean of each plane
  expect_tensor(nabla::adaptive_avg_pool2d(adaptive_input(), 1), {1, 2, 1, 1},
                nabla::mean(adaptive_input(), {2, 3}, true).to_vector(), nabla::f64);
}

// Recorded from PyTorch 1.13: xr = x.requires_grad_(); y = F.adaptive_avg_pool2d(xr, (3,2));
//   w = torch.arange(1, y.numel()+1, dtype=torch.float64).reshape(y.shape)/10;
//   (y*w).sum().backward(); xr.grad
TEST(AdaptiveAvgPool2d, GradientMatchesPyTorch) {
  Tensor x = adaptive_input().requires_grad_();
  const Tensor y = nabla::adaptive_avg_pool2d(x, {3, 2});
  std::vector<double> w(static_cast<std::size_t>(y.numel()));
  for (std::size_t k = 0; k < w.size(); ++k) w[k] = static_cast<double>(k + 1) / 10;
  nabla::sum(nabla::mul(y, nabla::tensor(w, y.shape(), nabla::f64))).backward();
  expect_tensor(
      x.grad(), {1, 2, 4, 5},
      {0.016666666667, 0.016666666667, 0.05,           0.033333333333, 0.033333333333,
       0.066666666667, 0.066666666667, 0.166666666667, 0.1,            0.1,
       0.133333333333, 0.133333333333, 0.3,            0.166666666667, 0.166666666667,
       0.083333333333, 0.083333333333, 0.183333333333, 0.1,            0.1,
       0.116666666667, 0.116666666667, 0.25,           0.133333333333, 0.133333333333,
       0.266666666667, 0.266666666667, 0.566666666667, 0.3,            0.3,
       0.333333333333, 0.333333333333, 0.7,            0.366666666667, 0.366666666667,
       0.183333333333, 0.183333333333, 0.383333333333, 0.2,            0.2},
      nabla::f64);
}

// Linear: any values; an output larger than the input (windows of one element repeated).
TEST(AdaptiveAvgPool2d, GradcheckAndGradgradcheck) {
  expect_gradients_match(
      [](const std::vector<Tensor>& in) { return nabla::adaptive_avg_pool2d(in[0], {3, 7}); },
      {adaptive_input()});
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::adaptive_avg_pool2d(nabla::slice(in[0], 3, 0, std::nullopt, 2), 2);
      },
      {adaptive_input()});
}

TEST(AdaptiveAvgPool2d, RejectsBadArguments) {
  const Tensor x = nabla::zeros({1, 1, 4, 4});
  EXPECT_THAT(message_of([&] { nabla::adaptive_avg_pool2d(x, {0, 2}); }),
              AllOf(HasSubstr("nabla::adaptive_avg_pool2d"),
                    HasSubstr("output_size (0, 2) must be positive"), HasSubstr("[1, 1, 4, 4]")));
  EXPECT_THAT(message_of([&] { nabla::adaptive_avg_pool2d(x, {}); }),
              HasSubstr("output_size must be given"));
  EXPECT_THAT(message_of([&] { nabla::adaptive_avg_pool2d(nabla::zeros({4, 4}), 2); }),
              AllOf(HasSubstr("nabla::adaptive_avg_pool2d"), HasSubstr("[4, 4]")));
  EXPECT_THAT(message_of([&] { nabla::adaptive_avg_pool2d(nabla::zeros({2, 0, 4}), 2); }),
              HasSubstr("empty plane"));
}

}  // namespace
}  // namespace test_adaptive_avg_pool2d
