// Tests of ops/sqrt.cpp: √x.

#include "ops/op_test_util.hpp"

namespace test_sqrt {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

TEST(Sqrt, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{4.0, 2.25}, {0.0, 0.01}}, d);
    // 2, 1.5, 0, 0.1
    expect_tensor(nabla::sqrt(x), {2, 2}, {2, 1.5, 0, 0.1}, d);
    // √2 = 1.41421356237309504...
    expect_tensor(nabla::sqrt(nabla::scalar_tensor(2.0, d)), {}, {1.4142135623730951}, d);
  }
}

TEST(Sqrt, GradientIsOneOverTwiceTheResult) {
  Tensor x = nabla::tensor({4.0, 0.25, 1.0}, nabla::f64).requires_grad_();
  nabla::sum(nabla::sqrt(x)).backward();
  // 1/(2√x): 1/4, 1/1, 1/2
  expect_tensor(x.grad(), {3}, {0.25, 1, 0.5}, nabla::f64);
}

TEST(Sqrt, SecondDerivativeByHand) {
  Tensor x = nabla::tensor({4.0}, nabla::f64).requires_grad_();
  const auto g = nabla::grad({nabla::sum(nabla::sqrt(x))}, {x}, {}, std::nullopt, true);
  const auto gg = nabla::grad({nabla::sum(g[0])}, {x});
  // d²/dx² √x = -¼ x^(-3/2) = -1/(4·8) = -1/32
  expect_tensor(gg[0], {1}, {-0.03125}, nabla::f64);
}

class SqrtGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(SqrtGrad, MatchesFiniteDifferences) {
  // x > 0, away from 0 where the derivative is infinite: x in [0.5, 2.5)
  const std::vector<Tensor> inputs = {uniform(GetParam().shape, 0.5, 2.5, 1)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::sqrt(in[0]); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, SqrtGrad, testing::ValuesIn(unary_shape_cases()), unary_case_name);

TEST(Sqrt, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::sqrt(Tensor()), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::sqrt(Tensor()); }), HasSubstr("nabla::sqrt"));
}

TEST(Sqrt, NegativeInfinityAndNanFollowIeee) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // √-1 = NaN, √inf = inf, √NaN = NaN
    expect_tensor(nabla::sqrt(nabla::tensor({-1.0, kInf, kNaN}, d)), {3}, {kNaN, kInf, kNaN}, d);
  }
}

TEST(Sqrt, GradientAtZeroIsInfiniteNotACrash) {
  Tensor x = nabla::tensor({0.0}, nabla::f64).requires_grad_();
  nabla::sum(nabla::sqrt(x)).backward();
  // 1/(2·0) = inf
  expect_tensor(x.grad(), {1}, {kInf}, nabla::f64);
}

TEST(Sqrt, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return nabla::sqrt(in[0]); },
                         {uniform({3, 4}, 0.0, 10.0, 11)});
}

}  // namespace
}  // namespace test_sqrt
