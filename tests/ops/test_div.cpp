// Tests of ops/div.cpp: a / b with broadcasting, the scalar forms and operator/.

#include "ops/op_test_util.hpp"

namespace test_div {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(Div, ForwardSameShapeByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({{1.0, -6.0}, {3.0, 0.0}}, d);
    const Tensor b = nabla::tensor({{4.0, 3.0}, {-0.5, 7.0}}, d);
    // 1/4, -6/3, 3/(-0.5), 0/7
    expect_tensor(nabla::div(a, b), {2, 2}, {0.25, -2, -6, 0}, d);
    expect_tensor(a / b, {2, 2}, {0.25, -2, -6, 0}, d);
  }
}

TEST(Div, ForwardNonTerminatingQuotients) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // 1/3 = 0.333..., 2/3 = 0.666..., 10/7 = 1.428571428571...
    expect_tensor(nabla::tensor({1.0, 2.0, 10.0}, d) / nabla::tensor({3.0, 3.0, 7.0}, d), {3},
                  {0.3333333333333333, 0.6666666666666666, 1.4285714285714286}, d);
  }
}

TEST(Div, ForwardBroadcastsRowAcrossMatrix) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({{2.0, 4.0, 6.0}, {8.0, 10.0, 12.0}}, d);  // [2,3]
    const Tensor row = nabla::tensor({2.0, -4.0, 0.5}, d);                    // [3]
    // [1, -1, 12], [4, -2.5, 24]
    expect_tensor(a / row, {2, 3}, {1, -1, 12, 4, -2.5, 24}, d);
    // row / a: [1, -1, 1/12], [0.25, -0.4, 1/24]
    expect_tensor(row / a, {2, 3}, {1, -1, 0.08333333333333333, 0.25, -0.4, 0.041666666666666664},
                  d);
  }
}

TEST(Div, ForwardBroadcastsBothSides) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor col = nabla::tensor({{1.0}, {2.0}}, d);     // [2,1]
    const Tensor row = nabla::tensor({{1.0, 2.0, 4.0}}, d);  // [1,3]
    // result[i][j] = col[i] / row[j]
    expect_tensor(col / row, {2, 3}, {1, 0.5, 0.25, 2, 1, 0.5}, d);
  }
}

TEST(Div, ForwardScalarForms) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({1.0, -2.0, 4.0}, d);
    // a / 2 = [0.5, -1, 2]
    expect_tensor(nabla::div(a, 2.0), {3}, {0.5, -1, 2}, d);
    expect_tensor(a / 2.0, {3}, {0.5, -1, 2}, d);
    // 2 / a = [2, -1, 0.5]
    expect_tensor(nabla::div(2.0, a), {3}, {2, -1, 0.5}, d);
    expect_tensor(2.0 / a, {3}, {2, -1, 0.5}, d);
    // 0-d operands: 3 / 4
    expect_tensor(nabla::scalar_tensor(3.0, d) / nabla::scalar_tensor(4.0, d), {}, {0.75}, d);
  }
}

TEST(Div, GradientByHand) {
  Tensor a = nabla::tensor({1.0, 6.0}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor({2.0, -3.0}, nabla::f64).requires_grad_();
  nabla::sum(a / b).backward();
  // ∂/∂a = 1/b = [0.5, -1/3]; ∂/∂b = -a/b² = [-1/4, -6/9]
  expect_tensor(a.grad(), {2}, {0.5, -0.3333333333333333}, nabla::f64);
  expect_tensor(b.grad(), {2}, {-0.25, -0.6666666666666666}, nabla::f64);
}

TEST(Div, GradientOnlyToTheDivisor) {
  // the rule must still compute -g·a/b² when a needs no gradient (a is then saved only
  // because b needs one)
  const Tensor a = nabla::tensor({4.0}, nabla::f64);
  Tensor b = nabla::tensor({2.0}, nabla::f64).requires_grad_();
  nabla::sum(a / b).backward();
  // -4/2² = -1
  expect_tensor(b.grad(), {1}, {-1}, nabla::f64);
}

TEST(Div, BroadcastDivisorGradientIsSummed) {
  Tensor a = nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor(2.0, nabla::f64).requires_grad_();  // 0-d
  nabla::sum(a / b).backward();
  // ∂/∂a = 1/2 each; ∂/∂b = -Σa/b² = -10/4
  expect_tensor(a.grad(), {2, 2}, {0.5, 0.5, 0.5, 0.5}, nabla::f64);
  expect_tensor(b.grad(), {}, {-2.5}, nabla::f64);
}

class DivGrad : public testing::TestWithParam<BinaryShapes> {};

TEST_P(DivGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // the divisor stays away from its pole at 0 (|b| ≥ 0.25)
  const std::vector<Tensor> inputs = {normal(p.a, 1), away_from_zero(p.b, 2)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::div(in[0], in[1]); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, DivGrad, testing::ValuesIn(binary_shape_cases()),
                         binary_case_name);

TEST(Div, GradcheckOfScalarForms) {
  expect_gradients_match([](const std::vector<Tensor>& in) { return in[0] / 4.0; },
                         {normal({2, 3}, 3)});
  // 2 / x has a pole at 0: x away from it
  expect_gradients_match([](const std::vector<Tensor>& in) { return 2.0 / in[0]; },
                         {away_from_zero({2, 3}, 4)});
}

TEST(Div, RejectsShapesThatDoNotBroadcast) {
  const Tensor a = nabla::ones({3, 4});
  const Tensor b = nabla::ones({3});
  EXPECT_THROW(nabla::div(a, b), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::div(a, b); }),
              AllOf(HasSubstr("nabla::div"), HasSubstr("[3, 4]"), HasSubstr("[3]")));
}

TEST(Div, RejectsMixedDtypes) {
  const Tensor a = nabla::ones({2}, nabla::f64);
  const Tensor b = nabla::ones({2}, nabla::f32);
  EXPECT_THROW(a / b, std::invalid_argument);
  EXPECT_THAT(message_of([&] { (void)(a / b); }),
              AllOf(HasSubstr("nabla::div"), HasSubstr("float32"), HasSubstr("float64")));
}

TEST(Div, RejectsUndefinedOperand) {
  EXPECT_THROW(nabla::div(nabla::ones({2}), Tensor()), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::div(1.0, Tensor()); }), HasSubstr("nabla::div"));
}

TEST(Div, DivisionByZeroFollowsIeee) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({1.0, -1.0, 0.0, kInf, 1.0}, d);
    const Tensor b = nabla::tensor({0.0, 0.0, 0.0, kInf, kInf}, d);
    // 1/0 = inf, -1/0 = -inf, 0/0 = NaN, inf/inf = NaN, 1/inf = 0
    expect_tensor(a / b, {5}, {kInf, -kInf, kNaN, kNaN, 0}, d);
  }
}

TEST(Div, Float32AgreesWithFloat64) {
  // divisor away from 0, where float32 rounding would be amplified
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return in[0] / in[1]; },
                         {normal({4, 5}, 11), away_from_zero({5}, 12)});
}

}  // namespace
}  // namespace test_div
