// Tests of ops/pow.cpp: xᵖ for a scalar exponent, and Tensor::pow.

#include "ops/op_test_util.hpp"

namespace test_pow {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

TEST(Pow, ForwardIntegerExponentsByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({1.0, -2.0, 3.0, 0.5}, d);
    // x²: 1, 4, 9, 0.25
    expect_tensor(nabla::pow(x, 2.0), {4}, {1, 4, 9, 0.25}, d);
    // x³: 1, -8, 27, 0.125
    expect_tensor(nabla::pow(x, 3.0), {4}, {1, -8, 27, 0.125}, d);
    expect_tensor(x.pow(3.0), {4}, {1, -8, 27, 0.125}, d);
    // x⁻¹: 1, -0.5, 1/3, 2
    expect_tensor(nabla::pow(x, -1.0), {4}, {1, -0.5, 0.3333333333333333, 2}, d);
    // x¹ = x and x⁰ = 1
    expect_tensor(nabla::pow(x, 1.0), {4}, {1, -2, 3, 0.5}, d);
    expect_tensor(nabla::pow(x, 0.0), {4}, {1, 1, 1, 1}, d);
  }
}

TEST(Pow, ForwardFractionalExponentsByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{4.0, 2.25}, {9.0, 1.0}}, d);
    // √x: 2, 1.5, 3, 1
    expect_tensor(nabla::pow(x, 0.5), {2, 2}, {2, 1.5, 3, 1}, d);
    // x^2.5 = x²·√x: 16·2 = 32, 5.0625·1.5 = 7.59375, 81·3 = 243, 1
    expect_tensor(nabla::pow(x, 2.5), {2, 2}, {32, 7.59375, 243, 1}, d);
    // x^-0.5 = 1/√x: 0.5, 1/1.5, 1/3, 1
    expect_tensor(nabla::pow(x, -0.5), {2, 2}, {0.5, 0.6666666666666666, 0.3333333333333333, 1}, d);
    expect_tensor(nabla::pow(nabla::scalar_tensor(16.0, d), 0.25), {}, {2}, d);
  }
}

TEST(Pow, GradientByHand) {
  Tensor x = nabla::tensor({-2.0, 0.5}, nabla::f64).requires_grad_();
  nabla::sum(nabla::pow(x, 3.0)).backward();
  // 3x²: 12, 0.75
  expect_tensor(x.grad(), {2}, {12, 0.75}, nabla::f64);

  Tensor y = nabla::tensor({4.0, 1.0}, nabla::f64).requires_grad_();
  nabla::sum(nabla::pow(y, 2.5)).backward();
  // 2.5·y^1.5: 2.5·8 = 20, 2.5·1 = 2.5
  expect_tensor(y.grad(), {2}, {20, 2.5}, nabla::f64);

  Tensor z = nabla::tensor({2.0, -4.0}, nabla::f64).requires_grad_();
  nabla::sum(nabla::pow(z, -1.0)).backward();
  // -z⁻²: -1/4, -1/16
  expect_tensor(z.grad(), {2}, {-0.25, -0.0625}, nabla::f64);
}

TEST(Pow, ZeroExponentHasZeroGradient) {
  Tensor x = nabla::tensor({3.0, -1.0}, nabla::f64).requires_grad_();
  nabla::sum(nabla::pow(x, 0.0)).backward();
  // x⁰ = 1 is constant
  expect_tensor(x.grad(), {2}, {0, 0}, nabla::f64);
}

TEST(Pow, SecondDerivativeByHand) {
  Tensor x = nabla::tensor({2.0}, nabla::f64).requires_grad_();
  const auto g = nabla::grad({nabla::sum(nabla::pow(x, 3.0))}, {x}, {}, std::nullopt, true);
  const auto gg = nabla::grad({nabla::sum(g[0])}, {x});
  // d²/dx² x³ = 6x = 12
  expect_tensor(gg[0], {1}, {12}, nabla::f64);
}

class PowGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(PowGrad, MatchesFiniteDifferences) {
  // x^2.5 is real only for x ≥ 0 and its second derivative is singular at 0: x in [0.5, 2.5)
  const std::vector<Tensor> inputs = {uniform(GetParam().shape, 0.5, 2.5, 1)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::pow(in[0], 2.5); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, PowGrad, testing::ValuesIn(unary_shape_cases()), unary_case_name);

struct Exponent {
  std::string name;
  double p;
  bool positive_base;  // fractional and negative powers need x > 0 (and away from the pole)
};

class PowExponentGrad : public testing::TestWithParam<Exponent> {};

TEST_P(PowExponentGrad, MatchesFiniteDifferences) {
  const Exponent& e = GetParam();
  const Tensor x = e.positive_base ? uniform({2, 3}, 0.5, 2.5, 2) : normal({2, 3}, 2);
  const double p = e.p;
  const nabla::Function fn = [p](const std::vector<Tensor>& in) { return nabla::pow(in[0], p); };
  expect_gradients_match(fn, {x});
  expect_nonzero_gradient(fn, {x});
}

INSTANTIATE_TEST_SUITE_P(
    Exponents, PowExponentGrad,
    testing::Values(Exponent{"Square", 2.0, false}, Exponent{"Cube", 3.0, false},
                    Exponent{"Identity", 1.0, false}, Exponent{"Half", 0.5, true},
                    Exponent{"MinusOne", -1.0, true}, Exponent{"MinusTwoPointFive", -2.5, true}),
    [](const testing::TestParamInfo<Exponent>& param_info) { return param_info.param.name; });

TEST(Pow, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::pow(Tensor(), 2.0), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::pow(Tensor(), 2.0); }), HasSubstr("nabla::pow"));
}

TEST(Pow, DomainEdgesFollowIeee) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // (-4)^0.5 = NaN, 0^-1 = inf, inf² = inf, NaN² = NaN, 0^0.5 = 0
    expect_tensor(nabla::pow(nabla::tensor({-4.0}, d), 0.5), {1}, {kNaN}, d);
    expect_tensor(nabla::pow(nabla::tensor({0.0}, d), -1.0), {1}, {kInf}, d);
    expect_tensor(nabla::pow(nabla::tensor({kInf, kNaN}, d), 2.0), {2}, {kInf, kNaN}, d);
    expect_tensor(nabla::pow(nabla::tensor({0.0}, d), 0.5), {1}, {0}, d);
  }
}

TEST(Pow, Float32AgreesWithFloat64) {
  const Tensor x = uniform({3, 4}, 0.5, 2.5, 11);
  for (double p : {2.0, 3.0, 2.5, -1.0}) {
    SCOPED_TRACE(p);
    expect_f32_matches_f64([p](const std::vector<Tensor>& in) { return nabla::pow(in[0], p); },
                           {x});
  }
}

}  // namespace
}  // namespace test_pow
