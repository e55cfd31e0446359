// Tests of ops/exp.cpp: eˣ.

#include "ops/op_test_util.hpp"

namespace test_exp {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

constexpr double kE = 2.718281828459045;       // e
constexpr double kInvE = 0.36787944117144233;  // 1/e
constexpr double kE2 = 7.38905609893065;       // e² = e·e
constexpr double kLn2 = 0.6931471805599453;    // ln 2, so exp(ln 2) = 2

TEST(Exp, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{0.0, 1.0}, {-1.0, 2.0}}, d);
    expect_tensor(nabla::exp(x), {2, 2}, {1, kE, kInvE, kE2}, d);
    // exp(ln 2) = 2, exp(-ln 2) = 1/2
    expect_tensor(nabla::exp(nabla::tensor({kLn2, -kLn2}, d)), {2}, {2, 0.5}, d);
    expect_tensor(nabla::exp(nabla::scalar_tensor(0.0, d)), {}, {1}, d);
  }
}

TEST(Exp, GradientIsTheResult) {
  Tensor x = nabla::tensor({0.0, 1.0, kLn2}, nabla::f64).requires_grad_();
  nabla::sum(nabla::exp(x)).backward();
  // d/dx eˣ = eˣ: 1, e, 2
  expect_tensor(x.grad(), {3}, {1, kE, 2}, nabla::f64);
}

TEST(Exp, SecondDerivativeIsTheResult) {
  Tensor x = nabla::tensor({1.0}, nabla::f64).requires_grad_();
  const Tensor y = nabla::sum(nabla::exp(x));
  const auto g = nabla::grad({y}, {x}, {}, std::nullopt, /*create_graph=*/true);
  const auto gg = nabla::grad({nabla::sum(g[0])}, {x});
  // d²/dx² eˣ at 1 = e
  expect_tensor(gg[0], {1}, {kE}, nabla::f64);
}

class ExpGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(ExpGrad, MatchesFiniteDifferences) {
  // exp is smooth everywhere; standard normal inputs keep eˣ moderate
  const std::vector<Tensor> inputs = {normal(GetParam().shape, 1)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::exp(in[0]); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, ExpGrad, testing::ValuesIn(unary_shape_cases()), unary_case_name);

TEST(Exp, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::exp(Tensor()), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::exp(Tensor()); }), HasSubstr("nabla::exp"));
}

TEST(Exp, InfinityNanAndOverflow) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // exp(inf) = inf, exp(-inf) = 0, exp(NaN) = NaN, exp(1000) overflows to inf,
    // exp(-1000) underflows to 0
    expect_tensor(nabla::exp(nabla::tensor({kInf, -kInf, kNaN, 1000.0, -1000.0}, d)), {5},
                  {kInf, 0, kNaN, kInf, 0}, d);
  }
  // e^100 ≈ 2.7e43 overflows float32 (max ≈ 3.4e38) but not float64
  EXPECT_EQ(nabla::exp(nabla::tensor({100.0}, nabla::f32)).to_vector()[0], kInf);
  EXPECT_TRUE(std::isfinite(nabla::exp(nabla::tensor({100.0}, nabla::f64)).to_vector()[0]));
}

TEST(Exp, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return nabla::exp(in[0]); },
                         {normal({3, 4}, 11)});
}

}  // namespace
}  // namespace test_exp
