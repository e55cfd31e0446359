// Views and in-place updates: a view shares its base's storage and version counter, so
// writing through it trips the version check of any graph that saved the base or a view;
// an expanded view refuses writes; and the issue's example program runs, its gradients
// matching finite differences.

#include "ops/op_test_util.hpp"

namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

TEST(Views, InPlaceThroughAViewBumpsTheBasesVersion) {
  Tensor x = nabla::arange(12, nabla::f64).reshape({4, 3});
  const std::uint64_t before = x.version();
  {
    nabla::NoGradGuard no_grad;
    x.narrow(1, 1, 2).mul_(2.0);
  }
  EXPECT_GT(x.version(), before);
  EXPECT_EQ(x.t().version(), x.version());
  // columns 1 and 2 doubled, column 0 untouched
  expect_tensor(x, {4, 3}, {0, 2, 4, 3, 8, 10, 6, 14, 16, 9, 20, 22}, nabla::f64);
}

TEST(Views, GraphThatSavedTheBaseThrowsAtBackwardNamingTheOp) {
  nabla::Generator gen(3);
  Tensor w = nabla::randn({4, 3}, gen, nabla::f64).requires_grad_();
  Tensor x = nabla::randn({4, 3}, gen, nabla::f64);
  const Tensor y = (x * w).sum();  // mul saved x for w's gradient
  {
    nabla::NoGradGuard no_grad;
    x.select(0, 2).mul_(2.0);
  }
  EXPECT_THROW(y.backward(), std::exception);
  EXPECT_THAT(message_of([&] { y.backward(); }), HasSubstr("mul"));
}

TEST(Views, GraphThatSavedAViewThrowsWhenTheBaseChanges) {
  nabla::Generator gen(4);
  Tensor w = nabla::randn({3, 4}, gen, nabla::f64).requires_grad_();
  Tensor x = nabla::randn({4, 3}, gen, nabla::f64);
  const Tensor y = (x.t() * w).sum();  // mul saved the view x.t()
  {
    nabla::NoGradGuard no_grad;
    x.add_(nabla::ones({3}, nabla::f64));
  }
  EXPECT_THAT(message_of([&] { y.backward(); }), HasSubstr("mul"));
  // and a graph whose saved view stayed untouched runs
  Tensor x2 = nabla::randn({4, 3}, gen, nabla::f64);
  (x2.t() * w).sum().backward();
  expect_tensor(w.grad(), {3, 4}, x2.t().to_vector(), nabla::f64);
}

TEST(Views, WritingInPlaceIntoAnExpandedTensorThrows) {
  Tensor e = nabla::tensor({1.0, 2.0, 3.0}, nabla::f64).unsqueeze(0).expand({4, 3});
  nabla::NoGradGuard no_grad;
  EXPECT_THROW(e.mul_(2.0), std::invalid_argument);
  EXPECT_THROW(e.add_(nabla::ones({4, 3}, nabla::f64)), std::invalid_argument);
  EXPECT_THROW(e.copy_(nabla::ones({4, 3}, nabla::f64)), std::invalid_argument);
  // its narrowing keeps the stride 0 and refuses too; a select along it does not repeat
  EXPECT_THROW(e.narrow(1, 0, 2).zero_(), std::invalid_argument);
  EXPECT_NO_THROW(e.select(0, 1).mul_(2.0));
  expect_tensor(e, {4, 3}, {2, 4, 6, 2, 4, 6, 2, 4, 6, 2, 4, 6}, nabla::f64);
}

TEST(Views, TheIssuesExampleRunsAndItsGradientsMatchFiniteDifferences) {
  nabla::Generator gen(10);
  nabla::Tensor x = nabla::randn({4, 3}, gen).requires_grad_();
  nabla::Tensor xt = x.t();  // view
  EXPECT_TRUE(xt.is_same_storage(x));
  EXPECT_FALSE(xt.is_contiguous());
  nabla::Tensor row = x.select(0, 2);
  nabla::Tensor mid = x.narrow(1, 1, 2);
  EXPECT_EQ(row.shape(), (Shape{3}));
  EXPECT_EQ(mid.shape(), (Shape{4, 2}));
  EXPECT_TRUE(row.is_same_storage(x) && mid.is_same_storage(x));
  nabla::Tensor e = nabla::randn({3}, gen).unsqueeze(0).expand({4, 3});
  EXPECT_EQ(e.strides()[0], 0);
  (mid * 2 + e.narrow(1, 0, 2)).sum().backward();
  // ∂/∂x: 2 on columns 1 and 2, 0 on column 0
  expect_tensor(x.grad(), {4, 3}, {0, 2, 2, 0, 2, 2, 0, 2, 2, 0, 2, 2}, nabla::f32);
  EXPECT_TRUE(x.grad().is_contiguous());

  // the same program as a function of x and e's storage, against finite differences
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    const Tensor m = in[0].narrow(1, 1, 2);
    const Tensor ev = in[1].unsqueeze(0).expand({4, 3});
    return (m * m * 2 + ev.narrow(1, 0, 2) * in[0].select(0, 2).narrow(0, 0, 2)).sum();
  };
  expect_gradients_match(fn, {normal({4, 3}, 81), normal({3}, 82)});
  expect_nonzero_gradient(fn, {normal({4, 3}, 81), normal({3}, 82)});
}

TEST(Views, LeafGradientIsDenseEvenWhenTheRuleReturnsAView) {
  // sum's rule broadcasts its gradient (a stride-0 view): .grad() must still be dense
  Tensor x = nabla::ones({2, 3}, nabla::f64).requires_grad_();
  x.sum().backward();
  EXPECT_TRUE(x.grad().is_contiguous());
  EXPECT_EQ(x.grad().data<double>()[5], 1.0);
  (x.t() * 1.0).sum().backward();  // accumulates: 2 everywhere
  expect_tensor(x.grad(), {2, 3}, {2, 2, 2, 2, 2, 2}, nabla::f64);
}

TEST(Views, GradientsOfEmptyTensorsAccumulateWhateverTheirStrides) {
  // Found by tools/fuzz: an empty expanded gradient (strides all 0) is "contiguous", was
  // stored as .grad, and the next accumulation refused to write into it.
  Tensor x = nabla::zeros({5, 0}, nabla::f64).requires_grad_();
  x.sum().backward();
  x.sum().backward();
  EXPECT_EQ(x.grad().shape(), (nabla::Shape{5, 0}));
  Tensor e = nabla::zeros({1, 0}).expand({4, 0});
  EXPECT_NO_THROW(e.fill_(1.0));  // nothing to write
}

TEST(Views, MatmulReadsTransposedAndRowStridedOperandsInPlace) {
  // The issue's matmul(x.t(), x), and a narrow of the columns (a leading dimension larger
  // than the row), against the same products of contiguous copies.
  nabla::Generator gen(3);
  Tensor x = nabla::randn({4, 3}, gen, nabla::f64).requires_grad_();
  Tensor wide = nabla::randn({3, 7}, gen, nabla::f64);
  const Tensor xt = x.t();
  ASSERT_FALSE(xt.is_contiguous());
  expect_tensor(nabla::matmul(xt, x), {3, 3},
                nabla::matmul(xt.contiguous(), x).to_vector(), nabla::f64);
  const Tensor cols = wide.narrow(1, 2, 4);  // [3,4], row stride 7
  expect_tensor(nabla::matmul(x, cols), {4, 4}, nabla::matmul(x, cols.contiguous()).to_vector(),
                nabla::f64);
  const Tensor stepped = wide.slice(1, 0, 7, 2);  // [3,4], column stride 2: copied for gemm
  expect_tensor(nabla::matmul(x, stepped), {4, 4},
                nabla::matmul(x, stepped.contiguous()).to_vector(), nabla::f64);
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::matmul(in[0].t(), in[0].narrow(1, 0, 2)).sum();
  };
  expect_gradients_match(fn, {normal({4, 3}, 91)});
}

}  // namespace
