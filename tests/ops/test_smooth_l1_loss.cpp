// Tests of ops/smooth_l1_loss.cpp: ½d²/β inside |d| < β, |d| − ½β outside.

#include "ops/op_test_util.hpp"

namespace test_smooth_l1_loss {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// |d| = 0.4, 1.6, 2.5, 1.6, 1.4, 0.6: both sides of β = 1 and of β = 0.5, none at a kink
// (|d| = β, where the second derivative jumps, or d = 0)
Tensor x(Dtype d) { return nabla::tensor({{0.5, -1.2, 2.0}, {0.3, 0.8, -0.4}}, d); }
Tensor t(Dtype d) { return nabla::tensor({{0.1, 0.4, -0.5}, {1.9, -0.6, 0.2}}, d); }

// Recorded from PyTorch 1.13 (python3-torch):
//   F.smooth_l1_loss(x, t, reduction=r) and F.smooth_l1_loss(x, t, reduction=r, beta=0.5)
TEST(SmoothL1Loss, MatchesPyTorchForEachReductionAndBeta) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::smooth_l1_loss(x(d), t(d)), {}, {0.8933333333333332}, d);
    expect_tensor(nabla::smooth_l1_loss(x(d), t(d), Reduction::sum), {}, {5.36}, d);
    expect_tensor(nabla::smooth_l1_loss(x(d), t(d), Reduction::none), {2, 3},
                  {0.08, 1.1, 2.0, 1.1, 0.9, 0.18}, d);
    expect_tensor(nabla::smooth_l1_loss(x(d), t(d), Reduction::mean, 0.5), {},
                  {1.1016666666666666}, d);
    expect_tensor(nabla::smooth_l1_loss(x(d), t(d), Reduction::sum, 0.5), {}, {6.61}, d);
    expect_tensor(nabla::smooth_l1_loss(x(d), t(d), Reduction::none, 0.5), {2, 3},
                  {0.16, 1.35, 2.25, 1.35, 1.15, 0.35}, d);
    // β = 0 is l1_loss (PyTorch: 1.35)
    expect_tensor(nabla::smooth_l1_loss(x(d), t(d), Reduction::mean, 0.0), {}, {1.35}, d);
  }
}

TEST(SmoothL1Loss, GradientsMatchFiniteDifferences) {
  for (double beta : {1.0, 0.5}) {
    expect_gradients_match(
        [beta](const std::vector<Tensor>& in) {
          return nabla::smooth_l1_loss(in[0], in[1], Reduction::sum, beta);
        },
        {x(nabla::f64), t(nabla::f64)});
  }
  // d/dx at d = 0.4 (inside, β = 1) is d/β = 0.4; at d = −1.6 (outside) sign(d) = −1
  Tensor a = x(nabla::f64).requires_grad_();
  nabla::smooth_l1_loss(a, t(nabla::f64), Reduction::sum).backward();
  expect_tensor(a.grad(), {2, 3}, {0.4, -1, 1, -1, 1, -0.6}, nabla::f64);
}

TEST(SmoothL1Loss, RejectsBadInput) {
  EXPECT_THAT(message_of([] {
                nabla::smooth_l1_loss(nabla::zeros({2}), nabla::zeros({2}), Reduction::mean, -0.5);
              }),
              AllOf(HasSubstr("nabla::smooth_l1_loss"), HasSubstr("beta"), HasSubstr("-0.5")));
  EXPECT_THAT(message_of([] { nabla::smooth_l1_loss(nabla::zeros({4, 1}), nabla::zeros({4})); }),
              AllOf(HasSubstr("nabla::smooth_l1_loss"), HasSubstr("[4, 1]"), HasSubstr("[4]")));
  EXPECT_THAT(message_of([] {
                nabla::smooth_l1_loss(nabla::zeros({2}, nabla::i32), nabla::zeros({2}));
              }),
              AllOf(HasSubstr("nabla::smooth_l1_loss"), HasSubstr("int32")));
}

}  // namespace
}  // namespace test_smooth_l1_loss
