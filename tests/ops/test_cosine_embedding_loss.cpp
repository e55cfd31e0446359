// Tests of ops/cosine_embedding_loss.cpp.

#include "ops/op_test_util.hpp"

namespace test_cosine_embedding_loss {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// cos = 0.18 and 0 per row; with y = −1 and margin −0.5, cos − margin = 0.68 and 0.5:
// away from the hinge's kink at 0
Tensor a(Dtype d) { return nabla::tensor({{1.0, 2.0, -1.0}, {0.5, -0.5, 2.0}}, d); }
Tensor b(Dtype d) { return nabla::tensor({{2.0, 0.0, 1.0}, {-1.0, 1.0, 0.5}}, d); }

// Recorded from PyTorch 1.13 (python3-torch), for r in 'mean', 'sum', 'none':
//   F.cosine_embedding_loss(a, b, [1, -1], reduction=r) and
//   F.cosine_embedding_loss(a, b, [-1, -1], margin=-0.5, reduction=r)
TEST(CosineEmbeddingLoss, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor y = nabla::tensor({1, -1}, nabla::i64);
    const Tensor y_neg = nabla::tensor({-1.0, -1.0}, d);
    expect_tensor(nabla::cosine_embedding_loss(a(d), b(d), y), {}, {0.4087129070824891}, d);
    expect_tensor(nabla::cosine_embedding_loss(a(d), b(d), y, 0.0, Reduction::sum), {},
                  {0.8174258141649782}, d);
    expect_tensor(nabla::cosine_embedding_loss(a(d), b(d), y, 0.0, Reduction::none), {2},
                  {0.8174258141649782, 0.0}, d);
    expect_tensor(nabla::cosine_embedding_loss(a(d), b(d), y_neg, -0.5), {}, {0.5912870929175109},
                  d);
    expect_tensor(nabla::cosine_embedding_loss(a(d), b(d), y_neg, -0.5, Reduction::sum), {},
                  {1.1825741858350218}, d);
    expect_tensor(nabla::cosine_embedding_loss(a(d), b(d), y_neg, -0.5, Reduction::none), {2},
                  {0.6825741858350218, 0.5}, d);
  }
}

TEST(CosineEmbeddingLoss, GradientsMatchFiniteDifferences) {
  const Tensor y = nabla::tensor({1, -1}, nabla::i64);
  expect_gradients_match(
      [y](const std::vector<Tensor>& in) {
        return nabla::cosine_embedding_loss(in[0], in[1], y, -0.5);
      },
      {a(nabla::f64), b(nabla::f64)});
}

TEST(CosineEmbeddingLoss, RejectsBadInput) {
  const Tensor y = nabla::tensor({1, -1}, nabla::i64);
  EXPECT_THAT(message_of([&] { nabla::cosine_embedding_loss(nabla::zeros({2, 3}), nabla::zeros({2, 4}), y); }),
              AllOf(HasSubstr("nabla::cosine_embedding_loss"), HasSubstr("[2, 3]"),
                    HasSubstr("[2, 4]")));
  EXPECT_THAT(message_of([] {
                nabla::cosine_embedding_loss(nabla::zeros({2, 3}), nabla::zeros({2, 3}),
                                             nabla::tensor({1, -1, 1}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::cosine_embedding_loss"), HasSubstr("[2, 3]"),
                    HasSubstr("y [3]")));
  EXPECT_THAT(message_of([&] {
                nabla::cosine_embedding_loss(nabla::zeros({2, 3}, nabla::i64),
                                             nabla::zeros({2, 3}, nabla::i64), y);
              }),
              AllOf(HasSubstr("nabla::cosine_embedding_loss"), HasSubstr("int64")));
}

}  // namespace
}  // namespace test_cosine_embedding_loss
