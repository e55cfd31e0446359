// Tests of ops/avg_pool2d.cpp and ops/avg_pool2d_backward.cpp: 2-d and 1-d average
// pooling and their gradient (the adjoint, whose own gradient is the pool again).

#include <nabla/pooling.hpp>

#include "ops/op_test_util.hpp"

namespace test_avg_pool2d {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// torch.manual_seed(0); x = (torch.randn(1,2,4,5, dtype=torch.float64)*100).round()/100
const std::vector<double> kAvgX = {-2.31, -0.37, -1.06, 1.0,  -0.88, -1.28, -0.62, -0.87,
                                   -1.3,  1.52,  0.32,  2.02, 1.14,  -1.23, 0.07,  0.34,
                                   0.15,  -0.63, -1.26, -0.73, -0.02, 0.21,  0.18,  -0.83,
                                   0.8,   0.21,  0.14,  -0.03, 0.46,  1.12,  0.37,  -0.19,
                                   -0.01, -0.2,  -1.66, 0.91,  1.15,  -0.09, -1.96, 0.22};

Tensor avg_input(Dtype d = nabla::f64) { return nabla::tensor(kAvgX, {1, 2, 4, 5}, d); }

// Recorded from PyTorch 1.13 (python3-torch), values rounded to 12 digits:
//   F.avg_pool2d(x, 2); F.avg_pool2d(x, 3, 2, 1, ceil_mode=True);
//   F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False);
//   F.avg_pool2d(x, (2,3), (1,2), (1,1), divisor_override=5)
TEST(AvgPool2d, ForwardMatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::avg_pool2d(avg_input(d), 2), {1, 2, 2, 2},
                  {-1.145, -0.5575, 0.7075, -0.495, 0.135, -0.055, 0.56, -0.565}, d);
  }
  expect_tensor(nabla::avg_pool2d(avg_input(), 3, 2, 1, true), {1, 2, 3, 3},
                {-0.508888888889, -0.357777777778, 0.037777777778, 0.103333333333,
                 -0.288888888889, -0.325555555556, 0.081666666667, -0.29, -0.331666666667, 0.06,
                 0.014444444444, 0.172222222222, 0.287777777778, -0.081111111111,
                 -0.224444444444, 0.343333333333, -0.15, -0.29},
                nabla::f64);
  expect_tensor(nabla::avg_pool2d(avg_input(), 3, 2, 1, true, false), {1, 2, 3, 3},
                {-1.145, -0.536666666667, 0.085, 0.155, -0.288888888889, -0.488333333333, 0.245,
                 -0.58, -0.995, 0.135, 0.021666666667, 0.3875, 0.431666666667, -0.081111111111,
                 -0.336666666667, 1.03, -0.3, -0.87},
                nabla::f64);
  expect_tensor(nabla::avg_pool2d(avg_input(), {2, 3}, {1, 2}, {1, 1}, false, true, 5),
                {1, 2, 5, 3},
                {-0.536, -0.086, 0.024, -0.916, -0.644, 0.068, 0.088,  -0.172, -0.188, 0.566,
                 0.038,  -0.63,  0.098, -0.348, -0.398, 0.038, -0.088, -0.006, 0.108,  0.026,
                 0.31,   0.106,  0.034, -0.056, 0.448,  -0.26, -0.72,  0.412,  -0.18,  -0.348},
                nabla::f64);
}

// Recorded from PyTorch 1.13: xr = x.requires_grad_();
//   y = F.avg_pool2d(xr, 3, 2, 1, ceil_mode=True, count_include_pad=False);
//   w = torch.arange(1, y.numel()+1, dtype=torch.float64).reshape(y.shape)/10;
//   (y*w).sum().backward(); xr.grad
TEST(AvgPool2d, GradientMatchesPyTorch) {
  Tensor x = avg_input().requires_grad_();
  const Tensor y = nabla::avg_pool2d(x, 3, 2, 1, true, false);
  std::vector<double> w(static_cast<std::size_t>(y.numel()));
  for (std::size_t k = 0; k < w.size(); ++k) w[k] = static_cast<double>(k + 1) / 10;
  nabla::sum(nabla::mul(y, nabla::tensor(w, y.shape(), nabla::f64))).backward();
  expect_tensor(
      x.grad(), {1, 2, 4, 5},
      {0.025,          0.058333333333, 0.033333333333, 0.108333333333, 0.075,
       0.091666666667, 0.180555555556, 0.088888888889, 0.263888888889, 0.175,
       0.066666666667, 0.122222222222, 0.055555555556, 0.155555555556, 0.1,
       0.416666666667, 0.738888888889, 0.322222222222, 0.872222222222, 0.55,
       0.25,           0.433333333333, 0.183333333333, 0.483333333333, 0.3,
       0.466666666667, 0.805555555556, 0.338888888889, 0.888888888889, 0.55,
       0.216666666667, 0.372222222222, 0.155555555556, 0.405555555556, 0.25,
       1.016666666667, 1.738888888889, 0.722222222222, 1.872222222222, 1.15},
      nabla::f64);
}

// Linear in x: any values. Double backward runs avg_pool2d_backward's rule (avg_pool2d).
TEST(AvgPool2d, GradcheckAndGradgradcheck) {
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::avg_pool2d(in[0], {3, 2}, {2, 1}, {1, 1}, true, true, 4);
      },
      {avg_input()});
  // a transposed view as input
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::avg_pool2d(in[0].transpose(2, 3), 2, 1, 1, false, false);
      },
      {avg_input()});
  expect_nonzero_gradient([](const std::vector<Tensor>& in) { return nabla::avg_pool2d(in[0], 2); },
                          {avg_input()});
}

// Recorded from PyTorch 1.13: F.avg_pool1d(x[0], 3, 2, 1);
//   F.avg_pool1d(x[0], 2, 2, 1, ceil_mode=True, count_include_pad=False)
TEST(AvgPool1d, MatchesPyTorch) {
  const Tensor x = avg_input().reshape({2, 4, 5});
  expect_tensor(nabla::avg_pool1d(x, 3, 2, 1), {2, 4, 3},
                {-0.893333333333, -0.143333333333, 0.04,  -0.633333333333, -0.93,
                 0.073333333333,  0.78,            0.643333333333, -0.386666666667,
                 0.163333333333,  -0.58,           -0.663333333333, 0.063333333333,
                 -0.146666666667, -0.01,           0.116666666667,  0.19,
                 0.526666666667,  0.06,            -0.133333333333, -0.62,
                 0.686666666667,  -0.3,            -0.58},
                nabla::f64);
  expect_tensor(nabla::avg_pool1d(x, 2, 2, 1, true, false), {2, 4, 3},
                {-2.31, -0.715, 0.06,  -1.28, -0.745, 0.11, 0.32,  1.58,  -0.58, 0.34,  -0.24, -0.995,
                 -0.02, 0.195,  -0.015, 0.21, 0.055,  0.79, 0.37,  -0.1,  -0.93, 0.91,  0.53,  -0.87},
                nabla::f64);
}

TEST(AvgPool2d, RejectsBadArguments) {
  const Tensor x = nabla::zeros({1, 1, 4, 4});
  EXPECT_THAT(message_of([&] { nabla::avg_pool2d(x, 2, {}, 0, false, true, 0); }),
              AllOf(HasSubstr("nabla::avg_pool2d"), HasSubstr("divisor_override must not be zero")));
  EXPECT_THAT(message_of([&] { nabla::avg_pool2d(x, {0, 2}); }),
              HasSubstr("kernel_size must be positive"));
  EXPECT_THAT(message_of([&] { nabla::avg_pool2d(x, 2, -1); }),
              HasSubstr("stride must be positive"));
  EXPECT_THAT(message_of([&] { nabla::avg_pool2d(x, 3, 1, 2); }),
              HasSubstr("must be at most half of kernel_size"));
  EXPECT_THAT(message_of([&] { nabla::avg_pool2d(x, 7, 1, 1); }),
              AllOf(HasSubstr("too small"), HasSubstr("[1, 1, 4, 4]")));
  EXPECT_THAT(message_of([&] { nabla::avg_pool2d(nabla::zeros({4}), 2); }),
              AllOf(HasSubstr("nabla::avg_pool2d"), HasSubstr("[4]")));
  EXPECT_THAT(message_of([&] { nabla::avg_pool1d(nabla::zeros({1, 1, 1, 4}), 2); }),
              AllOf(HasSubstr("nabla::avg_pool1d"), HasSubstr("[1, 1, 1, 4]")));
  EXPECT_THAT(message_of([&] { nabla::avg_pool1d(nabla::zeros({1, 4}), 2, 2, 2); }),
              AllOf(HasSubstr("nabla::avg_pool1d"), HasSubstr("half of kernel_size")));
}

}  // namespace
}  // namespace test_avg_pool2d
