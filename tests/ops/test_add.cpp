// Tests of ops/add.cpp: a + b with broadcasting, the scalar forms and operator+.

#include "ops/op_test_util.hpp"

namespace test_add {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(Add, ForwardSameShapeByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, d);
    const Tensor b = nabla::tensor({{10.0, 20.0}, {30.0, 40.0}}, d);
    // 1+10, 2+20, 3+30, 4+40
    expect_tensor(nabla::add(a, b), {2, 2}, {11, 22, 33, 44}, d);
    expect_tensor(a + b, {2, 2}, {11, 22, 33, 44}, d);
  }
}

TEST(Add, ForwardFractionsByHandInBothDtypes) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // 0.5 + 0.25 = 0.75, -1.5 + 0.125 = -1.375 (exact in binary)
    expect_tensor(nabla::tensor({0.5, -1.5}, d) + nabla::tensor({0.25, 0.125}, d), {2},
                  {0.75, -1.375}, d);
  }
}

TEST(Add, ForwardBroadcastsRowAcrossMatrix) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, d);  // [2,3]
    const Tensor row = nabla::tensor({10.0, 20.0, 30.0}, d);                // [3]
    // each row + [10, 20, 30]
    expect_tensor(a + row, {2, 3}, {11, 22, 33, 14, 25, 36}, d);
    expect_tensor(row + a, {2, 3}, {11, 22, 33, 14, 25, 36}, d);
  }
}

TEST(Add, ForwardBroadcastsBothSides) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor col = nabla::tensor({{1.0}, {2.0}}, d);        // [2,1]
    const Tensor row = nabla::tensor({{10.0, 20.0, 30.0}}, d);  // [1,3]
    // result[i][j] = col[i] + row[j]
    expect_tensor(col + row, {2, 3}, {11, 21, 31, 12, 22, 32}, d);
  }
}

TEST(Add, ForwardRank3WithMatrix) {
  const Tensor a = nabla::arange(0.0, 8.0, 1.0, nabla::f64).reshape({2, 2, 2});  // 0..7
  const Tensor b = nabla::tensor({{100.0}, {200.0}}, nabla::f64);                // [2,1]
  // a[i][j][k] + b[j]: 0+100, 1+100, 2+200, 3+200, 4+100, 5+100, 6+200, 7+200
  expect_tensor(a + b, {2, 2, 2}, {100, 101, 202, 203, 104, 105, 206, 207}, nabla::f64);
}

TEST(Add, ForwardScalarForms) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({1.0, -2.0, 3.5}, d);
    // a + 2 = [3, 0, 5.5], in every spelling, commutative
    expect_tensor(nabla::add(a, 2.0), {3}, {3, 0, 5.5}, d);
    expect_tensor(nabla::add(2.0, a), {3}, {3, 0, 5.5}, d);
    expect_tensor(a + 2.0, {3}, {3, 0, 5.5}, d);
    expect_tensor(2.0 + a, {3}, {3, 0, 5.5}, d);
    // a 0-d tensor operand: 4 + 0.5
    expect_tensor(nabla::scalar_tensor(4.0, d) + nabla::scalar_tensor(0.5, d), {}, {4.5}, d);
  }
}

TEST(Add, ScalarFormKeepsTheTensorDtype) {
  EXPECT_EQ((nabla::tensor({1.0}, nabla::f32) + 1.0).dtype(), nabla::f32);
  EXPECT_EQ((1.0 + nabla::tensor({1.0}, nabla::f64)).dtype(), nabla::f64);
}

TEST(Add, BroadcastGradientIsSummedToEachInputShape) {
  Tensor a = nabla::tensor({{1.0}, {2.0}, {3.0}}, nabla::f64).requires_grad_();   // [3,1]
  Tensor b = nabla::tensor({{1.0, 2.0, 3.0, 4.0}}, nabla::f64).requires_grad_();  // [1,4]
  nabla::sum(a + b).backward();
  // each a[i] is used by the 4 columns, each b[j] by the 3 rows
  expect_tensor(a.grad(), {3, 1}, {4, 4, 4}, nabla::f64);
  expect_tensor(b.grad(), {1, 4}, {3, 3, 3, 3}, nabla::f64);
}

TEST(Add, ScalarFormGradientIsOne) {
  Tensor a = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  nabla::sum(3.0 + a).backward();
  expect_tensor(a.grad(), {2}, {1, 1}, nabla::f64);
}

class AddGrad : public testing::TestWithParam<BinaryShapes> {};

TEST_P(AddGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // add is linear: any values will do
  const std::vector<Tensor> inputs = {normal(p.a, 1), normal(p.b, 2)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::add(in[0], in[1]); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, AddGrad, testing::ValuesIn(binary_shape_cases()),
                         binary_case_name);

TEST(Add, GradcheckOfScalarForms) {
  expect_gradients_match([](const std::vector<Tensor>& in) { return in[0] + 2.0; },
                         {normal({2, 3}, 3)});
  expect_gradients_match([](const std::vector<Tensor>& in) { return 2.0 + in[0]; },
                         {normal({2, 3}, 4)});
}

TEST(Add, RejectsShapesThatDoNotBroadcast) {
  const Tensor a = nabla::zeros({3, 4});
  const Tensor b = nabla::zeros({3});
  EXPECT_THROW(nabla::add(a, b), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::add(a, b); }),
              AllOf(HasSubstr("nabla::add"), HasSubstr("[3, 4]"), HasSubstr("[3]")));
  const Tensor c = nabla::zeros({2, 3});
  const Tensor e = nabla::zeros({3, 2});
  EXPECT_THROW(c + e, std::invalid_argument);
  EXPECT_THAT(message_of([&] { (void)(c + e); }),
              AllOf(HasSubstr("nabla::add"), HasSubstr("[2, 3]"), HasSubstr("[3, 2]")));
}

TEST(Add, RejectsMixedDtypes) {
  const Tensor a = nabla::zeros({2}, nabla::f32);
  const Tensor b = nabla::zeros({2}, nabla::f64);
  EXPECT_THROW(nabla::add(a, b), std::invalid_argument);
  EXPECT_THAT(
      message_of([&] { nabla::add(a, b); }),
      AllOf(HasSubstr("nabla::add"), HasSubstr("float32"), HasSubstr("float64"), HasSubstr("[2]")));
}

TEST(Add, RejectsUndefinedOperand) {
  EXPECT_THROW(nabla::add(Tensor(), nabla::zeros({2})), std::invalid_argument);
  EXPECT_THROW(nabla::add(Tensor(), 1.0), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::add(1.0, Tensor()); }), HasSubstr("nabla::add"));
}

TEST(Add, InfinityAndNanFlowThrough) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({kInf, kInf, 1.0, kNaN}, d);
    const Tensor b = nabla::tensor({1.0, -kInf, -kInf, 2.0}, d);
    // inf + 1 = inf, inf + (-inf) = NaN, 1 + (-inf) = -inf, NaN + 2 = NaN
    expect_tensor(a + b, {4}, {kInf, kNaN, -kInf, kNaN}, d);
  }
}

TEST(Add, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return in[0] + in[1]; },
                         {normal({4, 5}, 11), normal({5}, 12)});
}

}  // namespace
}  // namespace test_add
