// Tests of ops/margin_ranking_loss.cpp: max(0, −y·(x1 − x2) + margin).

#include "ops/op_test_util.hpp"

namespace test_margin_ranking_loss {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// −y·(x1 − x2) = 0.5, −1.2, 2.5, 0.6: with margin 0 and 0.3 none lands on the kink at 0
Tensor x1(Dtype d) { return nabla::tensor({0.5, -1.0, 2.0, 0.3}, d); }
Tensor x2(Dtype d) { return nabla::tensor({1.0, 0.2, -0.5, 0.9}, d); }
Tensor y(Dtype d) { return nabla::tensor({1.0, -1.0, -1.0, 1.0}, d); }

// Recorded from PyTorch 1.13 (python3-torch): F.margin_ranking_loss(x1, x2, y,
// reduction=r) and with margin=0.3
TEST(MarginRankingLoss, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::margin_ranking_loss(x1(d), x2(d), y(d)), {}, {0.9}, d);
    expect_tensor(nabla::margin_ranking_loss(x1(d), x2(d), y(d), 0.0, Reduction::sum), {}, {3.6}, d);
    expect_tensor(nabla::margin_ranking_loss(x1(d), x2(d), y(d), 0.0, Reduction::none), {4},
                  {0.5, 0.0, 2.5, 0.6}, d);
    expect_tensor(nabla::margin_ranking_loss(x1(d), x2(d), y(d), 0.3), {}, {1.125}, d);
    expect_tensor(nabla::margin_ranking_loss(x1(d), x2(d), y(d), 0.3, Reduction::sum), {}, {4.5}, d);
    expect_tensor(nabla::margin_ranking_loss(x1(d), x2(d), y(d), 0.3, Reduction::none), {4},
                  {0.8, 0.0, 2.8, 0.9}, d);
  }
}

TEST(MarginRankingLoss, GradientsReachAllThree) {
  Tensor a = x1(nabla::f64).requires_grad_();
  Tensor b = x2(nabla::f64).requires_grad_();
  Tensor c = y(nabla::f64).requires_grad_();
  nabla::margin_ranking_loss(a, b, c, 0.0, Reduction::sum).backward();
  expect_tensor(a.grad(), {4}, {-1, 0, 1, -1}, nabla::f64);
  expect_tensor(b.grad(), {4}, {1, 0, -1, 1}, nabla::f64);
  expect_tensor(c.grad(), {4}, {0.5, 0, -2.5, 0.6}, nabla::f64);
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::margin_ranking_loss(in[0], in[1], in[2], 0.3);
      },
      {x1(nabla::f64), x2(nabla::f64), y(nabla::f64)});
}

TEST(MarginRankingLoss, RejectsBadInput) {
  const Tensor v = nabla::zeros({4});
  EXPECT_THAT(message_of([&] { nabla::margin_ranking_loss(v, nabla::zeros({3}), v); }),
              AllOf(HasSubstr("nabla::margin_ranking_loss"), HasSubstr("[4]"), HasSubstr("[3]")));
  EXPECT_THAT(message_of([&] { nabla::margin_ranking_loss(v, v, nabla::zeros({2, 2})); }),
              AllOf(HasSubstr("y [2, 2]"), HasSubstr("x1 [4]")));
  EXPECT_THAT(message_of([&] { nabla::margin_ranking_loss(v, v, nabla::zeros({4}, nabla::i64)); }),
              AllOf(HasSubstr("nabla::margin_ranking_loss"), HasSubstr("int64")));
}

}  // namespace
}  // namespace test_margin_ranking_loss
