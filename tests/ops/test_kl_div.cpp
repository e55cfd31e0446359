// Tests of ops/kl_div.cpp: t·(log t − input), or eᵗ·(t − input) with log_target.

#include "ops/op_test_util.hpp"

namespace test_kl_div {
namespace {

using namespace nabla_test;
using nabla::KlDivReduction;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

Tensor lp(Dtype d) { return nabla::tensor({{-1.2, -0.7, -1.5}, {-0.3, -2.0, -1.1}}, d); }
// one target 0: xlogy gives 0 there, not NaN
Tensor q(Dtype d) { return nabla::tensor({{0.2, 0.5, 0.0}, {0.6, 0.1, 0.3}}, d); }
Tensor t(Dtype d) { return nabla::tensor({{0.1, 0.4, -0.5}, {1.9, -0.6, 0.2}}, d); }

// Recorded from PyTorch 1.13 (python3-torch):
//   F.kl_div(lp, q, reduction=r); F.kl_div(lp, t, reduction=r, log_target=True)
TEST(KlDiv, MatchesPyTorchForEachReduction) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::kl_div(lp(d), q(d)), {}, {-0.04440114960392876}, d);
    expect_tensor(nabla::kl_div(lp(d), q(d), KlDivReduction::batchmean), {},
                  {-0.13320344881178628}, d);
    expect_tensor(nabla::kl_div(lp(d), q(d), Reduction::sum), {}, {-0.26640689762357256}, d);
    expect_tensor(nabla::kl_div(lp(d), q(d), Reduction::none), {2, 3},
                  {-0.0818875824868201, 0.0034264097200273347, 0.0, -0.12649537425959445,
                   -0.030258509299404546, -0.031191841297780798},
                  d);
    expect_tensor(nabla::kl_div(lp(d), t(d), Reduction::mean, true), {}, {3.4582312782951035}, d);
    expect_tensor(nabla::kl_div(lp(d), t(d), KlDivReduction::batchmean, true), {},
                  {10.37469383488531}, d);
    expect_tensor(nabla::kl_div(lp(d), t(d), KlDivReduction::sum, true), {}, {20.74938766977062},
                  d);
    expect_tensor(nabla::kl_div(lp(d), t(d), KlDivReduction::none, true), {2, 3},
                  {1.436722193498342, 1.6410071674053974, 0.6065306597126334, 14.70896777301439,
                   0.7683362905316371, 1.5878235856082208},
                  d);
  }
}

TEST(KlDiv, BatchmeanOfA0dInputIsTheSum) {
  const Tensor a = nabla::scalar_tensor(-0.5, nabla::f64);
  const Tensor b = nabla::scalar_tensor(0.25, nabla::f64);
  // 0.25·(log 0.25 + 0.5)
  expect_tensor(nabla::kl_div(a, b, KlDivReduction::batchmean), {},
                {0.25 * (std::log(0.25) + 0.5)}, nabla::f64);
}

TEST(KlDiv, GradientsReachInputAndTargetWithoutNanAtZero) {
  Tensor a = lp(nabla::f64).requires_grad_();
  Tensor b = q(nabla::f64).requires_grad_();
  nabla::kl_div(a, b, Reduction::sum).backward();
  // grad_input = −t; grad_t = log t + 1 − input, and −input where t = 0
  expect_tensor(a.grad(), {2, 3}, {-0.2, -0.5, 0.0, -0.6, -0.1, -0.3}, nabla::f64);
  const auto g = b.grad().to_vector();
  EXPECT_NEAR(g[0], std::log(0.2) + 1 + 1.2, 1e-12);
  EXPECT_NEAR(g[2], 1.5, 1e-12);
  // positive targets, away from xlogy's switch at t = 0
  const Tensor pos = nabla::tensor({{0.2, 0.5, 0.3}, {0.6, 0.1, 0.3}}, nabla::f64);
  for (bool log_target : {false, true}) {
    expect_gradients_match(
        [log_target](const std::vector<Tensor>& in) {
          return nabla::kl_div(in[0], in[1], KlDivReduction::batchmean, log_target);
        },
        {lp(nabla::f64), pos});
  }
}

TEST(KlDiv, RejectsBadInput) {
  EXPECT_THAT(message_of([] { nabla::kl_div(nabla::zeros({2, 3}), nabla::zeros({2})); }),
              AllOf(HasSubstr("nabla::kl_div"), HasSubstr("[2, 3]"), HasSubstr("[2]")));
  EXPECT_THAT(message_of([] {
                nabla::kl_div(nabla::zeros({2}), nabla::zeros({2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::kl_div"), HasSubstr("int64")));
}

}  // namespace
}  // namespace test_kl_div
