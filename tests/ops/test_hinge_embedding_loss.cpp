// Tests of ops/hinge_embedding_loss.cpp.

#include "ops/op_test_util.hpp"

namespace test_hinge_embedding_loss {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// margin − x = 0.5, 2, −1, 0.7, −0.7 (margin 1) and 2, 3.5, 0.5, 2.2, 0.8 (margin 2.5):
// none at the hinge's kink at 0
Tensor x(Dtype d) { return nabla::tensor({0.5, -1.0, 2.0, 0.3, 1.7}, d); }
Tensor y() { return nabla::tensor({1, -1, -1, -1, 1}, nabla::i64); }

// Recorded from PyTorch 1.13 (python3-torch): F.hinge_embedding_loss(x, y, reduction=r)
// and with margin=2.5
TEST(HingeEmbeddingLoss, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::hinge_embedding_loss(x(d), y()), {}, {0.98}, d);
    expect_tensor(nabla::hinge_embedding_loss(x(d), y(), 1.0, Reduction::sum), {}, {4.9}, d);
    expect_tensor(nabla::hinge_embedding_loss(x(d), y(), 1.0, Reduction::none), {5},
                  {0.5, 2.0, 0.0, 0.7, 1.7}, d);
    expect_tensor(nabla::hinge_embedding_loss(x(d), y(), 2.5), {}, {1.68}, d);
    expect_tensor(nabla::hinge_embedding_loss(x(d), y(), 2.5, Reduction::sum), {}, {8.4}, d);
    expect_tensor(nabla::hinge_embedding_loss(x(d), y(), 2.5, Reduction::none), {5},
                  {0.5, 3.5, 0.5, 2.2, 1.7}, d);
  }
}

TEST(HingeEmbeddingLoss, GradientIsOneOrMinusOne) {
  Tensor a = x(nabla::f64).requires_grad_();
  nabla::hinge_embedding_loss(a, y(), 1.0, Reduction::sum).backward();
  expect_tensor(a.grad(), {5}, {1, -1, 0, -1, 1}, nabla::f64);
  expect_gradients_match(
      [](const std::vector<Tensor>& in) { return nabla::hinge_embedding_loss(in[0], y(), 2.5); },
      {x(nabla::f64)});
}

TEST(HingeEmbeddingLoss, RejectsBadInput) {
  EXPECT_THAT(message_of([] { nabla::hinge_embedding_loss(nabla::zeros({5}), nabla::zeros({4})); }),
              AllOf(HasSubstr("nabla::hinge_embedding_loss"), HasSubstr("[5]"), HasSubstr("[4]")));
  EXPECT_THAT(message_of([] {
                nabla::hinge_embedding_loss(nabla::zeros({2}, nabla::i64), nabla::zeros({2}));
              }),
              AllOf(HasSubstr("nabla::hinge_embedding_loss"), HasSubstr("int64")));
}

}  // namespace
}  // namespace test_hinge_embedding_loss
