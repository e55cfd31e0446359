// Tests of ops/huber_loss.cpp: ½d² inside |d| < δ, δ(|d| − ½δ) outside.

#include "ops/op_test_util.hpp"

namespace test_huber_loss {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// |d| = 0.4, 1.6, 2.5, 1.6, 1.4, 0.6: both sides of δ = 1 and δ = 0.5, none at |d| = δ
// (where the second derivative jumps) or 0
Tensor huber_input(Dtype d) { return nabla::tensor({{0.5, -1.2, 2.0}, {0.3, 0.8, -0.4}}, d); }
Tensor t(Dtype d) { return nabla::tensor({{0.1, 0.4, -0.5}, {1.9, -0.6, 0.2}}, d); }

// Recorded from PyTorch 1.13 (python3-torch):
//   F.huber_loss(x, t, reduction=r) and F.huber_loss(x, t, reduction=r, delta=0.5)
TEST(HuberLoss, MatchesPyTorchForEachReductionAndDelta) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::huber_loss(huber_input(d), t(d)), {}, {0.8933333333333332}, d);
    expect_tensor(nabla::huber_loss(huber_input(d), t(d), Reduction::sum), {}, {5.36}, d);
    expect_tensor(nabla::huber_loss(huber_input(d), t(d), Reduction::none), {2, 3},
                  {0.08, 1.1, 2.0, 1.1, 0.9, 0.18}, d);
    expect_tensor(nabla::huber_loss(huber_input(d), t(d), Reduction::mean, 0.5), {}, {0.5508333333333333},
                  d);
    expect_tensor(nabla::huber_loss(huber_input(d), t(d), Reduction::sum, 0.5), {}, {3.305}, d);
    expect_tensor(nabla::huber_loss(huber_input(d), t(d), Reduction::none, 0.5), {2, 3},
                  {0.08, 0.675, 1.125, 0.675, 0.575, 0.175}, d);
  }
}

TEST(HuberLoss, GradientsMatchFiniteDifferences) {
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::huber_loss(in[0], in[1], Reduction::mean, 0.5);
      },
      {huber_input(nabla::f64), t(nabla::f64)});
  // d inside δ = 0.5 at 0.4; outside δ·sign(d) = ±0.5
  Tensor a = huber_input(nabla::f64).requires_grad_();
  nabla::huber_loss(a, t(nabla::f64), Reduction::sum, 0.5).backward();
  expect_tensor(a.grad(), {2, 3}, {0.4, -0.5, 0.5, -0.5, 0.5, -0.5}, nabla::f64);
}

TEST(HuberLoss, RejectsBadInput) {
  for (double delta : {0.0, -1.0}) {
    EXPECT_THAT(message_of([delta] {
                  nabla::huber_loss(nabla::zeros({2}), nabla::zeros({2}), Reduction::mean, delta);
                }),
                AllOf(HasSubstr("nabla::huber_loss"), HasSubstr("delta"),
                      HasSubstr(fmt::format("{}", delta))));
  }
  EXPECT_THAT(message_of([] { nabla::huber_loss(nabla::zeros({2, 3}), nabla::zeros({3, 2})); }),
              AllOf(HasSubstr("nabla::huber_loss"), HasSubstr("[2, 3]"), HasSubstr("[3, 2]")));
  EXPECT_THAT(message_of([] {
                nabla::huber_loss(nabla::zeros({2}), nabla::zeros({2}, nabla::u8));
              }),
              AllOf(HasSubstr("nabla::huber_loss"), HasSubstr("uint8")));
}

}  // namespace
}  // namespace test_huber_loss
