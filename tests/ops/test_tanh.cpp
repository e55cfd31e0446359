// Tests of ops/tanh.cpp: the hyperbolic tangent.

#include "ops/op_test_util.hpp"

namespace test_tanh {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

// tanh x = (eˣ - e⁻ˣ)/(eˣ + e⁻ˣ): at ln 2, (2 - ½)/(2 + ½) = 0.6; at ln 3, (3 - ⅓)/(3 + ⅓) = 0.8
constexpr double kLn2 = 0.6931471805599453;
constexpr double kLn3 = 1.0986122886681098;

TEST(Tanh, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{0.0, kLn2}, {-kLn2, kLn3}}, d);
    expect_tensor(nabla::tanh(x), {2, 2}, {0, 0.6, -0.6, 0.8}, d);
    expect_tensor(nabla::tanh(nabla::scalar_tensor(-kLn3, d)), {}, {-0.8}, d);
  }
}

TEST(Tanh, GradientIsOneMinusResultSquared) {
  Tensor x = nabla::tensor({0.0, kLn2, kLn3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::tanh(x)).backward();
  // 1 - y²: 1, 1 - 0.36, 1 - 0.64
  expect_tensor(x.grad(), {3}, {1, 0.64, 0.36}, nabla::f64);
}

TEST(Tanh, SecondDerivativeByHand) {
  Tensor x = nabla::tensor({kLn2}, nabla::f64).requires_grad_();
  const auto g = nabla::grad({nabla::sum(nabla::tanh(x))}, {x}, {}, std::nullopt, true);
  const auto gg = nabla::grad({nabla::sum(g[0])}, {x});
  // d/dx (1 - y²) = -2y(1 - y²) = -2·0.6·0.64 = -0.768
  expect_tensor(gg[0], {1}, {-0.768}, nabla::f64);
}

class TanhGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(TanhGrad, MatchesFiniteDifferences) {
  // tanh is smooth everywhere; standard normal inputs stay off its flat tails
  const std::vector<Tensor> inputs = {normal(GetParam().shape, 1)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::tanh(in[0]); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, TanhGrad, testing::ValuesIn(unary_shape_cases()), unary_case_name);

TEST(Tanh, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::tanh(Tensor()), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::tanh(Tensor()); }), HasSubstr("nabla::tanh"));
}

TEST(Tanh, SaturatesWithoutNan) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // tanh(±inf) = ±1, tanh(±1000) = ±1 (no inf/inf), tanh(NaN) = NaN
    expect_tensor(nabla::tanh(nabla::tensor({kInf, -kInf, 1000.0, -1000.0, kNaN}, d)), {5},
                  {1, -1, 1, -1, kNaN}, d);
  }
}

TEST(Tanh, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return nabla::tanh(in[0]); },
                         {normal({3, 4}, 11)});
}

}  // namespace
}  // namespace test_tanh
