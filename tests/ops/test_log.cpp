// Tests of ops/log.cpp: the natural logarithm.

#include "ops/op_test_util.hpp"

namespace test_log {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

constexpr double kE = 2.718281828459045;     // e, so ln e = 1
constexpr double kLn2 = 0.6931471805599453;  // ln 2

TEST(Log, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{1.0, kE}, {0.5, 4.0}}, d);
    // ln 1 = 0, ln e = 1, ln ½ = -ln 2, ln 4 = 2 ln 2
    expect_tensor(nabla::log(x), {2, 2}, {0, 1, -kLn2, 2 * kLn2}, d);
    expect_tensor(nabla::log(nabla::scalar_tensor(1.0, d)), {}, {0}, d);
  }
}

TEST(Log, GradientIsOneOverX) {
  Tensor x = nabla::tensor({0.5, 1.0, 4.0}, nabla::f64).requires_grad_();
  nabla::sum(nabla::log(x)).backward();
  // 1/x: 2, 1, 0.25
  expect_tensor(x.grad(), {3}, {2, 1, 0.25}, nabla::f64);
}

TEST(Log, SecondDerivativeIsMinusOneOverXSquared) {
  Tensor x = nabla::tensor({2.0}, nabla::f64).requires_grad_();
  const auto g = nabla::grad({nabla::sum(nabla::log(x))}, {x}, {}, std::nullopt, true);
  const auto gg = nabla::grad({nabla::sum(g[0])}, {x});
  // -1/2² = -0.25
  expect_tensor(gg[0], {1}, {-0.25}, nabla::f64);
}

class LogGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(LogGrad, MatchesFiniteDifferences) {
  // log is defined for x > 0 and steep near 0: x in [0.5, 2.5)
  const std::vector<Tensor> inputs = {uniform(GetParam().shape, 0.5, 2.5, 1)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::log(in[0]); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, LogGrad, testing::ValuesIn(unary_shape_cases()), unary_case_name);

TEST(Log, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::log(Tensor()), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::log(Tensor()); }), HasSubstr("nabla::log"));
}

TEST(Log, ZeroNegativeInfinityAndNanFollowIeee) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // log 0 = -inf, log(-1) = NaN, log inf = inf, log NaN = NaN
    expect_tensor(nabla::log(nabla::tensor({0.0, -1.0, kInf, kNaN}, d)), {4},
                  {-kInf, kNaN, kInf, kNaN}, d);
  }
}

TEST(Log, GradientAtZeroIsInfiniteNotACrash) {
  Tensor x = nabla::tensor({0.0, 1.0}, nabla::f64).requires_grad_();
  nabla::sum(nabla::log(x)).backward();
  // 1/0 = inf, 1/1 = 1
  expect_tensor(x.grad(), {2}, {kInf, 1}, nabla::f64);
}

TEST(Log, InvertsExp) {
  const Tensor x = nabla::tensor({-3.0, 0.25, 5.0}, nabla::f64);
  expect_tensor(nabla::log(nabla::exp(x)), {3}, {-3.0, 0.25, 5.0}, nabla::f64);
}

TEST(Log, Float32AgreesWithFloat64) {
  // positive inputs, away from 0 where log is steep
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return nabla::log(in[0]); },
                         {uniform({3, 4}, 0.5, 10.0, 11)});
}

}  // namespace
}  // namespace test_log
