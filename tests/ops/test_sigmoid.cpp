// Tests of ops/sigmoid.cpp: 1 / (1 + e⁻ˣ).

#include "ops/op_test_util.hpp"

namespace test_sigmoid {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

constexpr double kLn3 = 1.0986122886681098;  // ln 3: sigmoid(ln 3) = 1/(1 + 1/3) = 3/4
constexpr double kLn9 = 2.1972245773362196;  // ln 9: sigmoid(ln 9) = 1/(1 + 1/9) = 9/10

TEST(Sigmoid, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{0.0, kLn3}, {-kLn3, kLn9}}, d);
    // 1/2, 3/4, 1/(1+3) = 1/4, 9/10
    expect_tensor(nabla::sigmoid(x), {2, 2}, {0.5, 0.75, 0.25, 0.9}, d);
    expect_tensor(nabla::sigmoid(nabla::scalar_tensor(0.0, d)), {}, {0.5}, d);
  }
}

TEST(Sigmoid, GradientIsSTimesOneMinusS) {
  Tensor x = nabla::tensor({0.0, kLn3, -kLn3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::sigmoid(x)).backward();
  // s(1-s): ½·½ = 0.25, ¾·¼ = 0.1875, ¼·¾ = 0.1875
  expect_tensor(x.grad(), {3}, {0.25, 0.1875, 0.1875}, nabla::f64);
  EXPECT_EQ(nabla::sigmoid(x).grad_fn()->name(), "sigmoid");
}

TEST(Sigmoid, SecondDerivativeByHand) {
  Tensor x = nabla::tensor({kLn3}, nabla::f64).requires_grad_();
  const auto g = nabla::grad({nabla::sum(nabla::sigmoid(x))}, {x}, {}, std::nullopt, true);
  const auto gg = nabla::grad({nabla::sum(g[0])}, {x});
  // d/dx s(1-s) = s(1-s)(1-2s) = 0.1875·(1 - 1.5) = -0.09375
  expect_tensor(gg[0], {1}, {-0.09375}, nabla::f64);
}

class SigmoidGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(SigmoidGrad, MatchesFiniteDifferences) {
  // sigmoid is smooth everywhere; standard normal inputs stay off its flat tails
  const std::vector<Tensor> inputs = {normal(GetParam().shape, 1)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::sigmoid(in[0]); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, SigmoidGrad, testing::ValuesIn(unary_shape_cases()),
                         unary_case_name);

TEST(Sigmoid, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::sigmoid(Tensor()), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::sigmoid(Tensor()); }), HasSubstr("nabla::sigmoid"));
}

TEST(Sigmoid, SaturatesWithoutNan) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // σ(inf) = 1, σ(-inf) = 0, σ(±1000) saturates to 1 and 0 (e^1000 overflows to inf,
    // 1/(1+inf) = 0: no NaN), σ(NaN) = NaN
    expect_tensor(nabla::sigmoid(nabla::tensor({kInf, -kInf, 1000.0, -1000.0, kNaN}, d)), {5},
                  {1, 0, 1, 0, kNaN}, d);
  }
}

TEST(Sigmoid, SaturatedGradientIsZeroNotNan) {
  Tensor x = nabla::tensor({-1000.0, 1000.0}, nabla::f64).requires_grad_();
  nabla::sum(nabla::sigmoid(x)).backward();
  // s(1-s) with s = 0 or 1
  expect_tensor(x.grad(), {2}, {0, 0}, nabla::f64);
}

TEST(Sigmoid, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return nabla::sigmoid(in[0]); },
                         {normal({3, 4}, 11)});
}

}  // namespace
}  // namespace test_sigmoid
