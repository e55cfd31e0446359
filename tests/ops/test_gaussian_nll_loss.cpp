// Tests of ops/gaussian_nll_loss.cpp.

#include "ops/op_test_util.hpp"

namespace test_gaussian_nll_loss {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

Tensor x(Dtype d) { return nabla::tensor({{0.5, -1.2, 2.0}, {0.3, 0.8, -0.4}}, d); }
Tensor t(Dtype d) { return nabla::tensor({{0.1, 0.4, -0.5}, {1.9, -0.6, 0.2}}, d); }
// the last var (1e-8) is below eps = 1e-6 and is clamped to it
Tensor var(Dtype d) { return nabla::tensor({{0.5, 1.0, 2.0}, {0.1, 3.0, 1e-8}}, d); }

// Recorded from PyTorch 1.13 (python3-torch), for r in 'mean', 'sum', 'none':
//   F.gaussian_nll_loss(x, t, var, reduction=r) and with full=True; and a variance per
//   row, var [2] and [2,1]: F.gaussian_nll_loss(x, t, [0.5, 2.0])
TEST(GaussianNllLoss, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // the clamped entry's loss ~1.8e5 carries float32's relative rounding
    const double tol = d == nabla::f32 ? 1e-5 : 1e-12;
    const auto near = [&](const Tensor& got, const std::vector<double>& want) {
      const auto v = got.to_vector();
      ASSERT_EQ(v.size(), want.size());
      for (std::size_t i = 0; i < v.size(); ++i) {
        EXPECT_NEAR(v[i], want[i], tol * std::max(1.0, std::abs(want[i]))) << i;
      }
    };
    near(nabla::gaussian_nll_loss(x(d), t(d), var(d)), {30001.43657083093});
    near(nabla::gaussian_nll_loss(x(d), t(d), var(d), false, 1e-6, Reduction::sum),
         {180008.61942498558});
    near(nabla::gaussian_nll_loss(x(d), t(d), var(d), false, 1e-6, Reduction::none),
         {-0.1865735902799726, 1.2800000000000002, 1.9090735902799727, 11.648707453502974,
          0.8759728110007214, 179993.09224472108});
    near(nabla::gaussian_nll_loss(x(d), t(d), var(d), true), {30002.355509364133});
    near(nabla::gaussian_nll_loss(x(d), t(d), var(d), true, 1e-6, Reduction::none),
         {0.7323649429247001, 2.198938533204673, 2.8280121234846454, 12.567645986707646,
          1.794911344205394, 179994.01118325428});
    near(nabla::gaussian_nll_loss(x(d), t(d), nabla::tensor({0.5, 2.0}, d)), {1.6983333333333333});
    near(nabla::gaussian_nll_loss(x(d), t(d), nabla::tensor({{0.5}, {2.0}}, d)),
         {1.6983333333333333});
  }
}

TEST(GaussianNllLoss, GradientsAndTheClampedVariance) {
  const Tensor v = nabla::tensor({{0.5, 1.0, 2.0}, {0.1, 3.0, 1.5}}, nabla::f64);
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::gaussian_nll_loss(in[0], in[1], in[2], true);
      },
      {x(nabla::f64), t(nabla::f64), v});
  // PyTorch 1.13: var.grad of F.gaussian_nll_loss(x, t, var): the clamped entry's
  // gradient, taken at v = eps, passes through the clamp
  Tensor w = var(nabla::f64).requires_grad_();
  nabla::gaussian_nll_loss(x(nabla::f64), t(nabla::f64), w).backward();
  const auto g = w.grad().to_vector();
  const std::vector<double> want = {0.11333333333333331,  -0.13000000000000006,
                                    -0.08854166666666666, -20.499999999999996,
                                    0.009629629629629634, -29999916666.666676};
  for (std::size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], want[i], 1e-9 * std::abs(want[i])) << i;
}

TEST(GaussianNllLoss, RejectsBadInput) {
  const Tensor a = nabla::zeros({2, 3});
  EXPECT_THAT(message_of([&] {
                nabla::gaussian_nll_loss(a, a, nabla::tensor({{1.0, -0.5, 1.0}, {1.0, 1.0, 1.0}}));
              }),
              AllOf(HasSubstr("nabla::gaussian_nll_loss"), HasSubstr("non-negative"),
                    HasSubstr("-0.5")));
  EXPECT_THAT(message_of([&] { nabla::gaussian_nll_loss(a, a, nabla::ones({3})); }),
              AllOf(HasSubstr("nabla::gaussian_nll_loss"), HasSubstr("var [3]"),
                    HasSubstr("input [2, 3]")));
  EXPECT_THAT(message_of([&] { nabla::gaussian_nll_loss(a, nabla::zeros({3, 2}), nabla::ones({2, 3})); }),
              AllOf(HasSubstr("[2, 3]"), HasSubstr("[3, 2]")));
  EXPECT_THAT(message_of([&] { nabla::gaussian_nll_loss(a, a, nabla::ones({2, 3}, nabla::i64)); }),
              AllOf(HasSubstr("nabla::gaussian_nll_loss"), HasSubstr("int64")));
}

}  // namespace
}  // namespace test_gaussian_nll_loss
