// Tests of ops/l1_loss.cpp: |input − target|, reduced.

#include "ops/op_test_util.hpp"

namespace test_l1_loss {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// d = x − t = [[0.4, −1.6, 2.5], [−1.6, 1.4, −0.6]]: no |d| at 0, the kink of |·|
Tensor l1_input(Dtype d) { return nabla::tensor({{0.5, -1.2, 2.0}, {0.3, 0.8, -0.4}}, d); }
Tensor l1_target(Dtype d) { return nabla::tensor({{0.1, 0.4, -0.5}, {1.9, -0.6, 0.2}}, d); }

// Recorded from PyTorch 1.13 (python3-torch):
//   F.l1_loss(x, t, reduction=r) for r in 'mean', 'sum', 'none'
TEST(L1Loss, MatchesPyTorchForEachReduction) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::l1_loss(l1_input(d), l1_target(d)), {}, {1.35}, d);
    expect_tensor(nabla::l1_loss(l1_input(d), l1_target(d), Reduction::sum), {}, {8.1}, d);
    expect_tensor(nabla::l1_loss(l1_input(d), l1_target(d), Reduction::none), {2, 3},
                  {0.4, 1.6, 2.5, 1.6, 1.4, 0.6}, d);
  }
}

TEST(L1Loss, GradientsAreSignsForBothOperands) {
  Tensor a = l1_input(nabla::f64).requires_grad_();
  Tensor b = l1_target(nabla::f64).requires_grad_();
  nabla::l1_loss(a, b, Reduction::sum).backward();
  expect_tensor(a.grad(), {2, 3}, {1, -1, 1, -1, 1, -1}, nabla::f64);
  expect_tensor(b.grad(), {2, 3}, {-1, 1, -1, 1, -1, 1}, nabla::f64);
  expect_gradients_match(
      [](const std::vector<Tensor>& in) { return nabla::l1_loss(in[0], in[1]); },
      {l1_input(nabla::f64), l1_target(nabla::f64)});
}

TEST(L1Loss, RejectsBadInput) {
  EXPECT_THAT(message_of([] { nabla::l1_loss(nabla::zeros({2, 3}), nabla::zeros({3})); }),
              AllOf(HasSubstr("nabla::l1_loss"), HasSubstr("[2, 3]"), HasSubstr("[3]")));
  EXPECT_THAT(message_of([] {
                nabla::l1_loss(nabla::zeros({2}, nabla::i64), nabla::zeros({2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::l1_loss"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] { nabla::l1_loss(nabla::zeros({2}), nabla::zeros({2}, nabla::bool_)); }),
              AllOf(HasSubstr("nabla::l1_loss"), HasSubstr("bool")));
  EXPECT_THROW(nabla::l1_loss(nabla::zeros({2}), nabla::zeros({2}, nabla::f64)),
               std::invalid_argument);
}

}  // namespace
}  // namespace test_l1_loss
