// Tests of ops/sub.cpp: a − b with broadcasting, the scalar forms and operator−.

#include "ops/op_test_util.hpp"

namespace test_sub {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(Sub, ForwardSameShapeByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({{10.0, 20.0}, {30.0, 40.0}}, d);
    const Tensor b = nabla::tensor({{1.0, 2.5}, {-3.0, 40.0}}, d);
    // 10-1, 20-2.5, 30-(-3), 40-40
    expect_tensor(nabla::sub(a, b), {2, 2}, {9, 17.5, 33, 0}, d);
    expect_tensor(a - b, {2, 2}, {9, 17.5, 33, 0}, d);
    // the other order negates: 1-10, 2.5-20, -3-30, 40-40
    expect_tensor(b - a, {2, 2}, {-9, -17.5, -33, 0}, d);
  }
}

TEST(Sub, ForwardBroadcastsRowAcrossMatrix) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, d);  // [2,3]
    const Tensor row = nabla::tensor({1.0, 1.0, 10.0}, d);                  // [3]
    // [1-1, 2-1, 3-10], [4-1, 5-1, 6-10]
    expect_tensor(a - row, {2, 3}, {0, 1, -7, 3, 4, -4}, d);
    // row - a: [1-1, 1-2, 10-3], [1-4, 1-5, 10-6]
    expect_tensor(row - a, {2, 3}, {0, -1, 7, -3, -4, 4}, d);
  }
}

TEST(Sub, ForwardBroadcastsBothSides) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor col = nabla::tensor({{10.0}, {20.0}}, d);   // [2,1]
    const Tensor row = nabla::tensor({{1.0, 2.0, 3.0}}, d);  // [1,3]
    // result[i][j] = col[i] - row[j]
    expect_tensor(col - row, {2, 3}, {9, 8, 7, 19, 18, 17}, d);
  }
}

TEST(Sub, ForwardScalarForms) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({1.0, -2.0, 3.5}, d);
    // a - 2 = [-1, -4, 1.5]
    expect_tensor(nabla::sub(a, 2.0), {3}, {-1, -4, 1.5}, d);
    expect_tensor(a - 2.0, {3}, {-1, -4, 1.5}, d);
    // 2 - a = [1, 4, -1.5]
    expect_tensor(nabla::sub(2.0, a), {3}, {1, 4, -1.5}, d);
    expect_tensor(2.0 - a, {3}, {1, 4, -1.5}, d);
    // 0-d operands: 4 - 0.5
    expect_tensor(nabla::scalar_tensor(4.0, d) - nabla::scalar_tensor(0.5, d), {}, {3.5}, d);
  }
}

TEST(Sub, GradientIsPlusOneAndMinusOneSummedToShapes) {
  Tensor a = nabla::tensor({{1.0}, {2.0}, {3.0}}, nabla::f64).requires_grad_();   // [3,1]
  Tensor b = nabla::tensor({{1.0, 2.0, 3.0, 4.0}}, nabla::f64).requires_grad_();  // [1,4]
  nabla::sum(a - b).backward();
  // ∂/∂a = +1 over 4 columns, ∂/∂b = -1 over 3 rows
  expect_tensor(a.grad(), {3, 1}, {4, 4, 4}, nabla::f64);
  expect_tensor(b.grad(), {1, 4}, {-3, -3, -3, -3}, nabla::f64);
}

TEST(Sub, ScalarLeftFormGradientIsMinusOne) {
  Tensor a = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  nabla::sum(5.0 - a).backward();
  expect_tensor(a.grad(), {2}, {-1, -1}, nabla::f64);
}

class SubGrad : public testing::TestWithParam<BinaryShapes> {};

TEST_P(SubGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // sub is linear: any values will do
  const std::vector<Tensor> inputs = {normal(p.a, 1), normal(p.b, 2)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::sub(in[0], in[1]); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, SubGrad, testing::ValuesIn(binary_shape_cases()),
                         binary_case_name);

TEST(Sub, GradcheckOfScalarForms) {
  expect_gradients_match([](const std::vector<Tensor>& in) { return in[0] - 2.0; },
                         {normal({2, 3}, 3)});
  expect_gradients_match([](const std::vector<Tensor>& in) { return 2.0 - in[0]; },
                         {normal({2, 3}, 4)});
}

TEST(Sub, GradientOnlyToTheSecondOperand) {
  // the rule must give -grad to b even when a needs no gradient
  const Tensor a = nabla::tensor({1.0, 2.0}, nabla::f64);
  Tensor b = nabla::tensor({3.0, 4.0}, nabla::f64).requires_grad_();
  nabla::sum(a - b).backward();
  expect_tensor(b.grad(), {2}, {-1, -1}, nabla::f64);
}

TEST(Sub, RejectsShapesThatDoNotBroadcast) {
  const Tensor a = nabla::zeros({3, 4});
  const Tensor b = nabla::zeros({3});
  EXPECT_THROW(nabla::sub(a, b), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::sub(a, b); }),
              AllOf(HasSubstr("nabla::sub"), HasSubstr("[3, 4]"), HasSubstr("[3]")));
}

TEST(Sub, RejectsMixedDtypes) {
  const Tensor a = nabla::zeros({2, 2}, nabla::f64);
  const Tensor b = nabla::zeros({2, 2}, nabla::f32);
  EXPECT_THROW(a - b, std::invalid_argument);
  EXPECT_THAT(message_of([&] { (void)(a - b); }),
              AllOf(HasSubstr("nabla::sub"), HasSubstr("float32"), HasSubstr("float64"),
                    HasSubstr("[2, 2]")));
}

TEST(Sub, RejectsUndefinedOperand) {
  EXPECT_THROW(nabla::sub(nabla::zeros({2}), Tensor()), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::sub(1.0, Tensor()); }), HasSubstr("nabla::sub"));
}

TEST(Sub, InfinityAndNanFlowThrough) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({kInf, kInf, 1.0, kNaN}, d);
    const Tensor b = nabla::tensor({1.0, kInf, kInf, 2.0}, d);
    // inf - 1 = inf, inf - inf = NaN, 1 - inf = -inf, NaN - 2 = NaN
    expect_tensor(a - b, {4}, {kInf, kNaN, -kInf, kNaN}, d);
  }
}

TEST(Sub, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return in[0] - in[1]; },
                         {normal({4, 5}, 11), normal({4, 1}, 12)});
}

}  // namespace
}  // namespace test_sub
