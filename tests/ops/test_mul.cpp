// Tests of ops/mul.cpp: a ⊙ b with broadcasting, the scalar forms and operator*.

#include "ops/op_test_util.hpp"

namespace test_mul {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(Mul, ForwardSameShapeByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({{1.0, -2.0}, {3.0, 0.5}}, d);
    const Tensor b = nabla::tensor({{4.0, 5.0}, {-6.0, 0.25}}, d);
    // 1·4, -2·5, 3·(-6), 0.5·0.25
    expect_tensor(nabla::mul(a, b), {2, 2}, {4, -10, -18, 0.125}, d);
    expect_tensor(a * b, {2, 2}, {4, -10, -18, 0.125}, d);
  }
}

TEST(Mul, ForwardBroadcastsRowAcrossMatrix) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, d);  // [2,3]
    const Tensor row = nabla::tensor({10.0, -1.0, 0.5}, d);                 // [3]
    // [10, -2, 1.5], [40, -5, 3]
    expect_tensor(a * row, {2, 3}, {10, -2, 1.5, 40, -5, 3}, d);
    expect_tensor(row * a, {2, 3}, {10, -2, 1.5, 40, -5, 3}, d);
  }
}

TEST(Mul, ForwardBroadcastsBothSidesAsOuterProduct) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor col = nabla::tensor({{1.0}, {2.0}}, d);     // [2,1]
    const Tensor row = nabla::tensor({{3.0, 4.0, 5.0}}, d);  // [1,3]
    // result[i][j] = col[i]·row[j]
    expect_tensor(col * row, {2, 3}, {3, 4, 5, 6, 8, 10}, d);
  }
}

TEST(Mul, ForwardRank3WithColumn) {
  const Tensor a = nabla::arange(0.0, 8.0, 1.0, nabla::f64).reshape({2, 2, 2});  // 0..7
  const Tensor b = nabla::tensor({{1.0}, {-1.0}}, nabla::f64);                   // [2,1]
  // a[i][j][k]·b[j]: 0, 1, -2, -3, 4, 5, -6, -7
  expect_tensor(a * b, {2, 2, 2}, {0, 1, -2, -3, 4, 5, -6, -7}, nabla::f64);
}

TEST(Mul, ForwardScalarForms) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({1.0, -2.0, 3.5}, d);
    // 2·a = [2, -4, 7]
    expect_tensor(nabla::mul(a, 2.0), {3}, {2, -4, 7}, d);
    expect_tensor(nabla::mul(2.0, a), {3}, {2, -4, 7}, d);
    expect_tensor(a * 2.0, {3}, {2, -4, 7}, d);
    expect_tensor(2.0 * a, {3}, {2, -4, 7}, d);
    // 0-d operands: 4·0.5
    expect_tensor(nabla::scalar_tensor(4.0, d) * nabla::scalar_tensor(0.5, d), {}, {2}, d);
  }
}

TEST(Mul, GradientOfEachOperandIsTheOther) {
  Tensor a = nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor({{5.0, 6.0}, {7.0, 8.0}}, nabla::f64).requires_grad_();
  nabla::sum(a * b).backward();
  // ∂Σab/∂a = b, ∂Σab/∂b = a
  expect_tensor(a.grad(), {2, 2}, {5, 6, 7, 8}, nabla::f64);
  expect_tensor(b.grad(), {2, 2}, {1, 2, 3, 4}, nabla::f64);
}

TEST(Mul, BroadcastGradientIsSummedToEachInputShape) {
  Tensor col = nabla::tensor({{1.0}, {2.0}}, nabla::f64).requires_grad_();     // [2,1]
  Tensor row = nabla::tensor({{3.0, 4.0, 5.0}}, nabla::f64).requires_grad_();  // [1,3]
  nabla::sum(col * row).backward();
  // ∂/∂col[i] = Σ_j row[j] = 12; ∂/∂row[j] = Σ_i col[i] = 3
  expect_tensor(col.grad(), {2, 1}, {12, 12}, nabla::f64);
  expect_tensor(row.grad(), {1, 3}, {3, 3, 3}, nabla::f64);
}

TEST(Mul, ScalarFormGradientIsTheScalar) {
  Tensor a = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  nabla::sum(a * -3.0).backward();
  expect_tensor(a.grad(), {2}, {-3, -3}, nabla::f64);
}

TEST(Mul, SquareThroughBothOperandsGivesTwoX) {
  // the same tensor on both sides: the two gradients must be summed, 2x
  Tensor x = nabla::tensor({1.5, -2.0}, nabla::f64).requires_grad_();
  nabla::sum(x * x).backward();
  expect_tensor(x.grad(), {2}, {3, -4}, nabla::f64);
}

class MulGrad : public testing::TestWithParam<BinaryShapes> {};

TEST_P(MulGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // mul is smooth everywhere: any values will do
  const std::vector<Tensor> inputs = {normal(p.a, 1), normal(p.b, 2)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::mul(in[0], in[1]); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, MulGrad, testing::ValuesIn(binary_shape_cases()),
                         binary_case_name);

TEST(Mul, GradcheckOfScalarFormsAndSquare) {
  expect_gradients_match([](const std::vector<Tensor>& in) { return in[0] * 2.5; },
                         {normal({2, 3}, 3)});
  expect_gradients_match([](const std::vector<Tensor>& in) { return -0.5 * in[0]; },
                         {normal({2, 3}, 4)});
  expect_gradients_match([](const std::vector<Tensor>& in) { return in[0] * in[0]; },
                         {normal({2, 3}, 5)});
}

TEST(Mul, RejectsShapesThatDoNotBroadcast) {
  const Tensor a = nabla::zeros({3, 4});
  const Tensor b = nabla::zeros({3});
  EXPECT_THROW(nabla::mul(a, b), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::mul(a, b); }),
              AllOf(HasSubstr("nabla::mul"), HasSubstr("[3, 4]"), HasSubstr("[3]")));
}

TEST(Mul, RejectsMixedDtypes) {
  const Tensor a = nabla::zeros({3}, nabla::f32);
  const Tensor b = nabla::zeros({3}, nabla::f64);
  EXPECT_THROW(a * b, std::invalid_argument);
  EXPECT_THAT(message_of([&] { (void)(a * b); }),
              AllOf(HasSubstr("nabla::mul"), HasSubstr("float32"), HasSubstr("float64")));
}

TEST(Mul, RejectsUndefinedOperand) {
  EXPECT_THROW(nabla::mul(Tensor(), nabla::zeros({2})), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::mul(Tensor(), 2.0); }), HasSubstr("nabla::mul"));
}

TEST(Mul, InfinityAndNanFlowThrough) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({kInf, kInf, -2.0, kNaN}, d);
    const Tensor b = nabla::tensor({2.0, 0.0, kInf, 0.0}, d);
    // inf·2 = inf, inf·0 = NaN, -2·inf = -inf, NaN·0 = NaN
    expect_tensor(a * b, {4}, {kInf, kNaN, -kInf, kNaN}, d);
  }
}

TEST(Mul, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return in[0] * in[1]; },
                         {normal({4, 5}, 11), normal({5}, 12)});
}

}  // namespace
}  // namespace test_mul
