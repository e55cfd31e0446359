// Tests of ops/cosine_similarity.cpp.

#include "ops/op_test_util.hpp"

namespace test_cosine_similarity {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

Tensor cs_a(Dtype d) { return nabla::tensor({{1.0, 2.0, -1.0}, {0.5, -0.5, 2.0}}, d); }
Tensor cs_b(Dtype d) { return nabla::tensor({{2.0, 0.0, 1.0}, {-1.0, 1.0, 0.5}}, d); }

// Recorded from PyTorch 1.13 (python3-torch): F.cosine_similarity(a, b),
// F.cosine_similarity(a, b, dim=0), and F.cosine_similarity([[1e-3, 0]], [[1e-3, 0]],
// eps=1e-4) = 1 (each norm clamped to ε on its own, not their product)
TEST(CosineSimilarity, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::cosine_similarity(cs_a(d), cs_b(d)), {2}, {0.18257418583505539, 0.0}, d);
    expect_tensor(nabla::cosine_similarity(cs_a(d), cs_b(d), 0), {3}, {0.6, -0.24253562503633297, 0.0},
                  d);
    const Tensor small = nabla::tensor({{1e-3, 0.0}}, d);
    expect_tensor(nabla::cosine_similarity(small, small, 1, 1e-4), {1}, {1.0}, d);
    // broadcasting: a row against each row
    expect_tensor(nabla::cosine_similarity(cs_a(d), nabla::select(cs_b(d), 0, 0).unsqueeze(0)), {2},
                  {0.18257418583505539, 0.632455532033676}, d);
  }
}

TEST(CosineSimilarity, GradientsMatchFiniteDifferencesAndZeroVectorsGiveNoNan) {
  expect_gradients_match(
      [](const std::vector<Tensor>& in) { return nabla::cosine_similarity(in[0], in[1]); },
      {cs_a(nabla::f64), cs_b(nabla::f64)});
  // PyTorch 1.13: x.grad of F.cosine_similarity([[1e-5, 2e-5]], [[1, 0.5]], eps=1e-4): the
  // squared norm is clamped to ε², its gradient passed through
  Tensor s = nabla::tensor({{1e-5, 2e-5}}, nabla::f64).requires_grad_();
  nabla::sum(nabla::cosine_similarity(s, nabla::tensor({{1.0, 0.5}}, nabla::f64), 1, 1e-4))
      .backward();
  const auto gs = s.grad().to_vector();
  EXPECT_NEAR(gs[0], 8765.386471799175, 1e-6);
  EXPECT_NEAR(gs[1], 4114.365078599612, 1e-6);
  Tensor z = nabla::zeros({1, 3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::cosine_similarity(z, cs_b(nabla::f64))).backward();
  for (double g : z.grad().to_vector()) EXPECT_FALSE(std::isnan(g));
}

TEST(CosineSimilarity, RejectsBadInput) {
  EXPECT_THAT(message_of([] { nabla::cosine_similarity(nabla::zeros({2, 3}), nabla::zeros({2, 2})); }),
              AllOf(HasSubstr("cosine_similarity"), HasSubstr("[2, 3]"), HasSubstr("[2, 2]")));
  EXPECT_THROW(nabla::cosine_similarity(nabla::zeros({3}), nabla::zeros({3})), std::out_of_range);
  EXPECT_THAT(message_of([] {
                nabla::cosine_similarity(nabla::zeros({2, 3}, nabla::i64), nabla::zeros({2, 3}));
              }),
              AllOf(HasSubstr("nabla::cosine_similarity"), HasSubstr("int64")));
}

}  // namespace
}  // namespace test_cosine_similarity
