// Tests of ops/conv2d_weight.cpp: conv2d's weight gradient as an op: against PyTorch and as
// conv2d's gradient.

#include <nabla/conv.hpp>

#include "ops/conv_test_util.hpp"

namespace test_conv2d_weight {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), with
//   def v(shape, seed): torch.tensor([((i*7 + seed*3) % 11 - 5) / 4.0 for i in range(n)],
//                                    dtype=torch.float64).reshape(shape)   (n = numel)
//   ins = [v(s, k + 1).requires_grad_() for k, s in enumerate(shapes)]; y = fn(*ins)
//   (y * v(y.shape, 9)).sum().backward(); y.tolist(), [t.grad.tolist() for t in ins]
// Recorded from PyTorch 1.13 (python3-torch): with v as above,
//   torch.nn.grad.conv2d_weight(v((2,2,4,5), 1), (4,1,2,2), v((2,4,3,3), 2), stride=2,
//                               padding=1, groups=2).flatten().tolist()
TEST(Conv2dWeight, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    const Tensor g = nabla::conv2d_weight(conv_values({2, 2, 4, 5}, 1, d), {4, 1, 2, 2},
                                          conv_values({2, 4, 3, 3}, 2, d), 2, 1, 1, 2);
    expect_tensor(g, {4, 1, 2, 2},
                  {2.75, 0.625, -1.9375, 0.5625, -0.25, -2.5, 1.5, 0.5625, -0.9375, -0.125, -1.125,
                   2.4375, -0.125, -2.0, -0.75, -1.125},
                  d);
  }
}

TEST(Conv2dWeight, IsConv2dsWeightGradientAndHasGradients) {
  Tensor x = normal({3, 2, 5, 4}, 1);
  Tensor w = normal({4, 2, 3, 2}, 2).requires_grad_();
  const Tensor y = nabla::conv2d(x, w, {}, {1, 2}, {1, 0}, {2, 1});
  const Tensor gy = normal(y.shape(), 3);
  nabla::sum(nabla::mul(y, gy)).backward();
  const Tensor g = nabla::conv2d_weight(x, w.shape(), gy, {1, 2}, {1, 0}, {2, 1});
  expect_tensor(g, w.shape(), w.grad().to_vector(), nabla::f64);
  const std::vector<Tensor> in = {nabla::transpose(normal({1, 2, 4, 5}, 4), 2, 3).requires_grad_(),
                                  normal({1, 2, 2, 2}, 5).requires_grad_()};
  const auto fn = [](const std::vector<Tensor>& t) {
    return nabla::conv2d_weight(t[0], {2, 2, 2, 2}, t[1], 2);
  };
  {
    const auto r = nabla::gradcheck(fn, in);
    EXPECT_TRUE(r.passed) << r.message;
  }
  {
    const auto r = nabla::gradgradcheck(fn, in);
    EXPECT_TRUE(r.passed) << r.message;
  }
}

TEST(Conv2dWeight, RejectsBadArguments) {
  const Tensor x = nabla::zeros({2, 2, 4, 5});
  EXPECT_THAT(message_of([&] {
                nabla::conv2d_weight(x, {4, 1, 2}, nabla::zeros({2, 4, 3, 3}));
              }),
              AllOf(HasSubstr("nabla::conv2d_weight"), HasSubstr("[4, 1, 2]")));
  EXPECT_THAT(message_of([&] {
                nabla::conv2d_weight(x, {4, 1, 2, 2}, nabla::zeros({2, 3, 3, 3}), 2, 1, 1, 2);
              }),
              AllOf(HasSubstr("do not fit with groups = 2"), HasSubstr("[2, 3, 3, 3]")));
  EXPECT_THAT(message_of([&] {
                nabla::conv2d_weight(x, {4, 1, 2, 2}, nabla::zeros({2, 4, 4, 3}), 2, 1, 1, 2);
              }),
              HasSubstr("more positions than conv2d gives (3, 3)"));
  EXPECT_THAT(message_of([&] {
                nabla::conv2d_weight(x, {4, 2, 2, 2}, nabla::zeros({2, 4, 3, 3}), 0);
              }),
              HasSubstr("stride must be ≥ 1"));
}

}  // namespace
}  // namespace test_conv2d_weight
