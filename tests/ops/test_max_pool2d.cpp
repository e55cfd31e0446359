// Tests of ops/max_pool2d.cpp and ops/max_pool2d_backward.cpp: 2-d and 1-d max pooling
// with indices, and the gradient scattered to the argmax.

#include <nabla/pooling.hpp>

#include "ops/op_test_util.hpp"

namespace test_max_pool2d {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// x of the recordings below:
//   torch.manual_seed(0); x = (torch.randn(1,2,4,5, dtype=torch.float64)*100).round()/100
const std::vector<double> kX = {-2.31, -0.37, -1.06, 1.0,  -0.88, -1.28, -0.62, -0.87,
                                -1.3,  1.52,  0.32,  2.02, 1.14,  -1.23, 0.07,  0.34,
                                0.15,  -0.63, -1.26, -0.73, -0.02, 0.21,  0.18,  -0.83,
                                0.8,   0.21,  0.14,  -0.03, 0.46,  1.12,  0.37,  -0.19,
                                -0.01, -0.2,  -1.66, 0.91,  1.15,  -0.09, -1.96, 0.22};

Tensor pool_input(Dtype d = nabla::f64) { return nabla::tensor(kX, {1, 2, 4, 5}, d); }

std::vector<double> as_doubles(const std::vector<std::int64_t>& v) {
  return {v.begin(), v.end()};
}

// Recorded from PyTorch 1.13 (python3-torch):
//   v, i = F.max_pool2d(x, 2, return_indices=True); v.flatten().tolist(), i.flatten().tolist()
TEST(MaxPool2d, Kernel2MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const auto [v, i] = nabla::max_pool2d_with_indices(pool_input(d), 2);
    expect_tensor(v, {1, 2, 2, 2}, {-0.37, 1.0, 2.02, 1.14, 0.21, 0.46, 1.15, -0.01}, d);
    expect_tensor(i, {1, 2, 2, 2}, as_doubles({1, 3, 11, 12, 1, 8, 16, 12}), nabla::i64);
    EXPECT_FALSE(i.requires_grad());
  }
}

// Recorded from PyTorch 1.13: F.max_pool2d(x, 3, 2, 1, ceil_mode=True, return_indices=True)
TEST(MaxPool2d, PaddedCeilModeMatchesPyTorch) {
  const auto [v, i] = nabla::max_pool2d_with_indices(pool_input(), 3, 2, 1, 1, true);
  expect_tensor(v, {1, 2, 3, 3},
                {-0.37, 1.0, 1.52, 2.02, 2.02, 1.52, 0.34, 0.15, -0.73, 0.21, 0.46, 1.12, 1.15,
                 1.15, 1.12, 1.15, 1.15, 0.22},
                nabla::f64);
  expect_tensor(i, {1, 2, 3, 3},
                as_doubles({1, 3, 9, 11, 11, 9, 15, 16, 19, 1, 8, 9, 16, 16, 9, 16, 16, 19}),
                nabla::i64);
}

// Recorded from PyTorch 1.13: F.max_pool2d(x, (2,3), (1,2), (1,1), (2,1), return_indices=True)
TEST(MaxPool2d, PairsAndDilationMatchPyTorch) {
  const auto [v, i] = nabla::max_pool2d_with_indices(pool_input(), {2, 3}, {1, 2}, {1, 1}, {2, 1});
  expect_tensor(v, {1, 2, 4, 3},
                {-0.62, -0.62, 1.52, 2.02, 2.02, 1.0,  0.34, 0.15, 1.52, 2.02, 2.02, 0.07,
                 0.21,  0.46,  1.12, 0.37, 0.21, 0.8,  1.15, 1.15, 1.12, 0.37, -0.01, -0.2},
                nabla::f64);
  expect_tensor(i, {1, 2, 4, 3},
                as_doubles({6, 6, 9, 11, 11, 3, 15, 16, 9, 11, 11, 14, 5, 8, 9, 10, 1, 4, 16, 16,
                            9, 10, 12, 13}),
                nabla::i64);
}

TEST(MaxPool2d, UnbatchedInputHasNoBatchAxis) {
  const Tensor x = pool_input().reshape({2, 4, 5});
  const Tensor r = nabla::max_pool2d(x, 2);
  EXPECT_EQ(r.shape(), (Shape{2, 2, 2}));
  expect_tensor(r, {2, 2, 2}, {-0.37, 1.0, 2.02, 1.14, 0.21, 0.46, 1.15, -0.01}, nabla::f64);
}

// Recorded from PyTorch 1.13: x = [[[[1, nan, 3, nan], [-inf, -inf, 2, 2], [-inf, -inf, 5,
// 5], [-inf, -inf, 1, 0]]]]; F.max_pool2d(x, 2, return_indices=True) → values [nan, nan,
// -inf, 5], indices [1, 3, 8, 10]: a NaN is the maximum, ties keep the first, a window of
// -inf keeps its first position.
TEST(MaxPool2d, NaNPropagatesAndTiesKeepTheFirst) {
  const Tensor x = nabla::tensor(std::vector<double>{1, kNaN, 3, kNaN, -kInf, -kInf, 2, 2, -kInf,
                                                     -kInf, 5, 5, -kInf, -kInf, 1, 0},
                                 {1, 1, 4, 4}, nabla::f32);
  const auto [v, i] = nabla::max_pool2d_with_indices(x, 2);
  expect_tensor(v, {1, 1, 2, 2}, {kNaN, kNaN, -kInf, 5}, nabla::f32);
  expect_tensor(i, {1, 1, 2, 2}, {1, 3, 8, 10}, nabla::i64);
}

// kernel 2, stride 2 takes a fast path; with ceil_mode over an odd width the generic loop
// runs. Both must agree on ties (the first), NaN (the last) and −∞ windows. Indices
// recorded from PyTorch 1.13: F.max_pool2d(x, 2, return_indices=True) of this x.
TEST(MaxPool2d, TwoByTwoFastPathAgreesWithTheGenericLoop) {
  const double n = kNaN, i = kInf;
  const Tensor x = nabla::tensor(
      std::vector<double>{1, 1,  2, 2, 0,  //
                          1, 1,  2, 3, 0,  //
                          n, 0,  -i, -i, 0,  //
                          0, n,  -i, -i, 0,  //
                          5, 4,  n, 7, 0,  //
                          5, 5,  n, n, 0,  //
                          -1, -1, 3, 3, 0,  //
                          -2, -1, 3, 4, 0},
      {2, 1, 4, 5}, nabla::f32);
  const auto fast = nabla::max_pool2d_with_indices(x, 2);
  const auto generic = nabla::max_pool2d_with_indices(x, 2, 2, 0, 1, true);
  ASSERT_EQ(generic.values.shape(), (Shape{2, 1, 2, 3}));
  expect_tensor(fast.values, {2, 1, 2, 2},
                nabla::narrow(generic.values, 3, 0, 2).to_vector(), nabla::f32);
  expect_tensor(fast.indices, {2, 1, 2, 2}, {0, 8, 16, 12, 0, 8, 10, 18}, nabla::i64);
  expect_tensor(nabla::narrow(generic.indices, 3, 0, 2), {2, 1, 2, 2},
                {0, 8, 16, 12, 0, 8, 10, 18}, nabla::i64);
}

// Recorded from PyTorch 1.13: xr = x.requires_grad_(); y = F.max_pool2d(xr, 3, 1, 1);
//   w = torch.arange(1, y.numel()+1, dtype=torch.float64).reshape(y.shape)/10;
//   (y*w).sum().backward(); xr.grad.flatten().tolist()
TEST(MaxPool2d, OverlappingWindowsGradientMatchesPyTorch) {
  Tensor x = pool_input().requires_grad_();
  const Tensor y = nabla::max_pool2d(x, 3, 1, 1);
  ASSERT_EQ(y.shape(), (Shape{1, 2, 4, 5}));
  std::vector<double> w(40);
  for (std::size_t k = 0; k < w.size(); ++k) w[k] = static_cast<double>(k + 1) / 10;
  nabla::sum(nabla::mul(y, nabla::tensor(w, y.shape(), nabla::f64))).backward();
  expect_tensor(x.grad(), {1, 2, 4, 5},
                {0.0, 0.3, 0.0, 0.3, 0.0, 0.0, 0.0,  0.0,  0.0, 5.7, 0.0, 10.8, 1.9, 0.0,
                 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,  4.3,  0.0, 0.0, 0.0, 0.0,  0.0, 0.0,
                 5.1, 17.7, 5.3, 0.0, 0.0, 0.0, 0.0, 0.0, 20.7, 0.0, 0.0, 7.9},
                nabla::f64);
}

// kX has ties (0.21 twice in the second plane); kX[k] + 0.0001·k has none (kX's values
// are multiples of 0.01 and k < 40), and any two values differ by at least 0.0001, far
// more than gradcheck's step: the argmax never moves. Double backward: the gradient is
// linear in grad_out (a scatter), whose own gradient is the gather at the indices.
Tensor untied_input() {
  std::vector<double> v = kX;
  for (std::size_t k = 0; k < v.size(); ++k) v[k] += 0.0001 * static_cast<double>(k);
  return nabla::tensor(v, {1, 2, 4, 5}, nabla::f64);
}

TEST(MaxPool2d, GradcheckAndGradgradcheckOverlapping) {
  expect_gradients_match(
      [](const std::vector<Tensor>& in) { return nabla::max_pool2d(in[0], 3, {1, 2}, 1, 1, true); },
      {untied_input()});
  expect_gradients_match(
      [](const std::vector<Tensor>& in) { return nabla::max_pool1d(in[0], 2, 1); },
      {untied_input().reshape({2, 4, 5})});
  expect_nonzero_gradient([](const std::vector<Tensor>& in) { return nabla::max_pool2d(in[0], 2); },
                          {untied_input()});
}

TEST(MaxPool2d, ReadsViewsInPlace) {
  // a transposed view (H and W swapped) and a stepped slice, against their dense copies
  const Tensor base = pool_input();
  const Tensor t = base.transpose(2, 3);  // [1,2,5,4]
  expect_tensor(nabla::max_pool2d(t, 2), {1, 2, 2, 2},
                nabla::max_pool2d(nabla::clone(t), 2).to_vector(), nabla::f64);
  const Tensor s = nabla::slice(base, 3, 0, std::nullopt, 2);  // [1,2,4,3]
  expect_tensor(nabla::max_pool2d(s, {2, 1}), {1, 2, 2, 3},
                nabla::max_pool2d(nabla::clone(s), {2, 1}).to_vector(), nabla::f64);
}

// Recorded from PyTorch 1.13: v, i = F.max_pool1d(x[0], 3, 2, 1, return_indices=True)
// (x[0] is [2, 4, 5]: a batch of 2, 4 channels, length 5)
TEST(MaxPool1d, MatchesPyTorch) {
  const Tensor x = pool_input().reshape({2, 4, 5});
  const auto [v, i] = nabla::max_pool1d_with_indices(x, 3, 2, 1);
  expect_tensor(v, {2, 4, 3},
                {-0.37, 1.0,  1.0,  -0.62, -0.62, 1.52, 2.02, 2.02, 0.07, 0.34, 0.15, -0.73,
                 0.21,  0.21, 0.8,  0.21,  0.46,  1.12, 0.37, -0.01, -0.2, 1.15, 1.15, 0.22},
                nabla::f64);
  expect_tensor(i, {2, 4, 3},
                as_doubles({1, 3, 3, 1, 1, 4, 1, 1, 4, 0, 1, 4, 1, 1, 4, 0, 3, 4, 0, 2, 3, 1, 1, 4}),
                nabla::i64);
  EXPECT_EQ(nabla::max_pool1d(x.reshape({8, 5}), 2).shape(), (Shape{8, 2}));
}

TEST(MaxPool2d, RejectsBadArguments) {
  const Tensor x = nabla::zeros({1, 1, 4, 4});
  auto msg = [](auto f) { return message_of(f); };
  EXPECT_THAT(msg([&] { nabla::max_pool2d(x, 0); }),
              AllOf(HasSubstr("nabla::max_pool2d"), HasSubstr("kernel_size must be positive"),
                    HasSubstr("[1, 1, 4, 4]")));
  EXPECT_THAT(msg([&] { nabla::max_pool2d(x, 2, {1, 0}); }),
              AllOf(HasSubstr("stride must be positive"), HasSubstr("(1, 0)")));
  EXPECT_THAT(msg([&] { nabla::max_pool2d(x, 2, {}, -1); }),
              HasSubstr("padding must be non-negative"));
  EXPECT_THAT(msg([&] { nabla::max_pool2d(x, 2, {}, 2); }),
              AllOf(HasSubstr("padding (2, 2) must be at most half of kernel_size (2, 2)")));
  EXPECT_THAT(msg([&] { nabla::max_pool2d(x, 2, {}, 0, 0); }),
              HasSubstr("dilation must be positive"));
  EXPECT_THAT(msg([&] { nabla::max_pool2d(x, 5); }),
              AllOf(HasSubstr("input [1, 1, 4, 4] is too small for kernel_size (5, 5)"),
                    HasSubstr("0x0")));
  EXPECT_THAT(msg([&] { nabla::max_pool2d(x, {2, 3}, 1, 0, {1, 2}); }),
              HasSubstr("would be 3x0"));
  EXPECT_THAT(msg([&] { nabla::max_pool2d(nabla::zeros({4, 4}), 2); }),
              AllOf(HasSubstr("expects a 4-d batch"), HasSubstr("[4, 4]")));
  EXPECT_THAT(msg([&] { nabla::max_pool2d(nabla::zeros({1, 1, 1, 4, 4}), 2); }),
              HasSubstr("[1, 1, 1, 4, 4]"));
  EXPECT_THAT(msg([&] { nabla::max_pool2d(nabla::zeros({1, 1, 0, 4}), 2); }),
              HasSubstr("empty plane"));
  EXPECT_THAT(msg([&] { nabla::max_pool2d(nabla::zeros({1, 1, 4, 4}, nabla::i64), 2); }),
              AllOf(HasSubstr("nabla::max_pool2d"), HasSubstr("int64")));
  EXPECT_THAT(msg([&] { nabla::max_pool2d(Tensor(), 2); }), HasSubstr("undefined"));
  EXPECT_THAT(msg([&] { nabla::max_pool2d(x, {}); }), HasSubstr("kernel_size must be given"));
  EXPECT_THAT(msg([&] { nabla::max_pool1d(nabla::zeros({5}), 2); }),
              AllOf(HasSubstr("nabla::max_pool1d"), HasSubstr("[5]")));
  EXPECT_THAT(msg([&] { nabla::max_pool1d(nabla::zeros({1, 5}), 2, 0); }),
              AllOf(HasSubstr("nabla::max_pool1d"), HasSubstr("stride must be positive")));
  // an empty batch is allowed, as PyTorch
  EXPECT_EQ(nabla::max_pool2d(nabla::zeros({0, 2, 4, 4}), 2).shape(), (Shape{0, 2, 2, 2}));
}

}  // namespace
}  // namespace test_max_pool2d
