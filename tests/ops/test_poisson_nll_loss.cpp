// Tests of ops/poisson_nll_loss.cpp.

#include "ops/op_test_util.hpp"

namespace test_poisson_nll_loss {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// targets on both sides of Stirling's switch at t = 1 (0, 0.5 and 1 get no term)
Tensor x(Dtype d) { return nabla::tensor({{0.5, -1.0, 2.0}, {0.3, 1.2, 0.1}}, d); }
Tensor t(Dtype d) { return nabla::tensor({{0.0, 1.0, 3.0}, {2.5, 0.5, 4.0}}, d); }

// Recorded from PyTorch 1.13 (python3-torch), for r in 'mean', 'sum', 'none':
//   F.poisson_nll_loss(x, t, reduction=r), with full=True, and
//   F.poisson_nll_loss(x.abs(), t, log_input=False, reduction=r)
TEST(PoissonNllLoss, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor rate = nabla::abs(x(d));
    const auto pnll = [&](const Tensor& in, bool log_input, bool full, Reduction r) {
      return nabla::poisson_nll_loss(in, t(d), log_input, full, 1e-8, r);
    };
    expect_tensor(pnll(x(d), true, false, Reduction::mean), {}, {1.40513390986507}, d);
    expect_tensor(pnll(x(d), true, false, Reduction::sum), {}, {8.43080345919042}, d);
    expect_tensor(pnll(x(d), true, false, Reduction::none), {2, 3},
                  {1.6487212707001282, 1.3678794411714423, 1.3890560989306504, 0.5998588075760032,
                   2.720116922736547, 0.7051709180756477},
                  d);
    expect_tensor(pnll(x(d), true, true, Reduction::mean), {}, {2.419993148300799}, d);
    expect_tensor(pnll(x(d), true, true, Reduction::sum), {}, {14.519958889804794}, d);
    expect_tensor(pnll(x(d), true, true, Reduction::none), {2, 3},
                  {1.6487212707001282, 1.3678794411714423, 3.153137642473707, 1.7676695364031412,
                   2.720116922736547, 3.862434076319828},
                  d);
    expect_tensor(pnll(rate, false, false, Reduction::mean), {}, {2.524944925035705}, d);
    expect_tensor(pnll(rate, false, false, Reduction::sum), {}, {15.149669550214231}, d);
    expect_tensor(pnll(rate, false, false, Reduction::none), {2, 3},
                  {0.5, 0.9999999900000001, -0.07944155667983566, 3.309931927481508,
                   1.108839217436356, 9.310339971976202},
                  d);
    expect_tensor(nabla::poisson_nll_loss(x(d), t(d)), {}, {1.40513390986507}, d);
  }
}

TEST(PoissonNllLoss, GradientsMatchFiniteDifferences) {
  // positive targets (0.5 and 1 read Stirling's term nowhere near its switch at t = 1 from
  // above: the term is 0 there, and for t = 1 + h it is ≈ −1 + ½log 2π, so the check keeps
  // t off 1)
  const Tensor pos = nabla::tensor({{0.3, 0.6, 3.0}, {2.5, 0.5, 4.0}}, nabla::f64);
  for (bool log_input : {true, false}) {
    expect_gradients_match(
        [log_input](const std::vector<Tensor>& in) {
          return nabla::poisson_nll_loss(in[0], in[1], log_input, /*full=*/true);
        },
        {log_input ? x(nabla::f64) : nabla::abs(x(nabla::f64)), pos});
  }
}

TEST(PoissonNllLoss, RejectsBadInput) {
  EXPECT_THAT(message_of([] { nabla::poisson_nll_loss(nabla::zeros({2, 3}), nabla::zeros({3})); }),
              AllOf(HasSubstr("nabla::poisson_nll_loss"), HasSubstr("[2, 3]"), HasSubstr("[3]")));
  EXPECT_THAT(message_of([] {
                nabla::poisson_nll_loss(nabla::zeros({3}), nabla::zeros({3}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::poisson_nll_loss"), HasSubstr("int64")));
}

}  // namespace
}  // namespace test_poisson_nll_loss
