// Tests of ops/pairwise_distance.cpp: ‖x1 − x2 + ε‖_p along the last axis.

#include "ops/op_test_util.hpp"

namespace test_pairwise_distance {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// x1 − x2 = [[−1, 2, −2], [1.5, −1.5, 1.5]]: no element at 0, the kink of |·|
Tensor a(Dtype d) { return nabla::tensor({{1.0, 2.0, -1.0}, {0.5, -0.5, 2.0}}, d); }
Tensor b(Dtype d) { return nabla::tensor({{2.0, 0.0, 1.0}, {-1.0, 1.0, 0.5}}, d); }

// Recorded from PyTorch 1.13 (python3-torch): F.pairwise_distance(a, b, p=p) for p = 2, 1,
// 3, inf, 0 (ε = 1e-6 is added to the difference)
TEST(PairwiseDistance, MatchesPyTorchForEachP) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::pairwise_distance(a(d), b(d)), {2}, {2.999999666667148, 2.5980767887040983},
                  d);
    expect_tensor(nabla::pairwise_distance(a(d), b(d), 1.0), {2}, {4.999999, 4.500001}, d);
    expect_tensor(nabla::pairwise_distance(a(d), b(d), 3.0), {2},
                  {2.5712814394071244, 2.163374836211824}, d);
    expect_tensor(nabla::pairwise_distance(a(d), b(d), INFINITY), {2}, {2.000001, 1.500001}, d);
    expect_tensor(nabla::pairwise_distance(a(d), b(d), 0.0), {2}, {3.0, 3.0}, d);
    expect_tensor(nabla::pairwise_distance(a(d), b(d), 2.0, 1e-6, true), {2, 1},
                  {2.999999666667148, 2.5980767887040983}, d);
  }
}

TEST(PairwiseDistance, GradientsMatchFiniteDifferences) {
  for (double p : {2.0, 1.0, 3.0}) {
    SCOPED_TRACE(p);
    expect_gradients_match(
        [p](const std::vector<Tensor>& in) { return nabla::pairwise_distance(in[0], in[1], p); },
        {a(nabla::f64), b(nabla::f64)});
  }
  // p = ∞ on differences without ties in |d| (a tie is a kink of the maximum):
  // d = [[−1.2, 2, −2.3], [1.2, −1.6, 1.5]]
  const Tensor untied = nabla::tensor({{2.2, 0.0, 1.3}, {-0.7, 1.1, 0.5}}, nabla::f64);
  expect_gradients_match(
      [](const std::vector<Tensor>& in) { return nabla::pairwise_distance(in[0], in[1], kInf); },
      {a(nabla::f64), untied});
}

TEST(PairwiseDistance, RejectsBadInput) {
  EXPECT_THAT(message_of([] {
                nabla::pairwise_distance(nabla::zeros({2, 3}), nabla::zeros({2, 3}), -1.0);
              }),
              AllOf(HasSubstr("nabla::pairwise_distance"), HasSubstr("p"), HasSubstr("-1")));
  EXPECT_THAT(message_of([] { nabla::pairwise_distance(nabla::zeros({2, 3}), nabla::zeros({2})); }),
              AllOf(HasSubstr("pairwise_distance"), HasSubstr("[2, 3]"), HasSubstr("[2]")));
  EXPECT_THAT(message_of([] {
                nabla::pairwise_distance(nabla::zeros({3}, nabla::i32), nabla::zeros({3}));
              }),
              AllOf(HasSubstr("nabla::pairwise_distance"), HasSubstr("int32")));
}

}  // namespace
}  // namespace test_pairwise_distance
