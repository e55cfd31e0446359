// Tests of ops/broadcast_to.cpp: repeating a tensor along broadcast dimensions.

#include "ops/op_test_util.hpp"

namespace test_broadcast_to {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(BroadcastTo, RowIsRepeatedDownTheRows) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::broadcast_to(nabla::tensor({1.0, 2.0, 3.0}, d), {2, 3}), {2, 3},
                  {1, 2, 3, 1, 2, 3}, d);
  }
}

TEST(BroadcastTo, ColumnIsRepeatedAcrossTheColumns) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::broadcast_to(nabla::tensor({{1.0}, {2.0}}, d), {2, 3}), {2, 3},
                  {1, 1, 1, 2, 2, 2}, d);
  }
}

TEST(BroadcastTo, ScalarFillsTheShape) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::broadcast_to(nabla::scalar_tensor(2.5, d), {2, 2}), {2, 2},
                  {2.5, 2.5, 2.5, 2.5}, d);
    // a [1] tensor too
    expect_tensor(nabla::broadcast_to(nabla::tensor({-1.0}, d), {3}), {3}, {-1, -1, -1}, d);
  }
}

TEST(BroadcastTo, AddsLeadingAxesAndExpandsUnitAxes) {
  // [1,2] → [2,3,2]: the row (7, 8) everywhere
  const Tensor x = nabla::tensor({{7.0, 8.0}}, nabla::f64);
  expect_tensor(nabla::broadcast_to(x, {2, 3, 2}), {2, 3, 2}, {7, 8, 7, 8, 7, 8, 7, 8, 7, 8, 7, 8},
                nabla::f64);
  // [2,1,2] → [2,2,2]: each [1,2] slab repeated twice
  const Tensor y = nabla::tensor({{{1.0, 2.0}}, {{3.0, 4.0}}}, nabla::f64);
  expect_tensor(nabla::broadcast_to(y, {2, 2, 2}), {2, 2, 2}, {1, 2, 1, 2, 3, 4, 3, 4}, nabla::f64);
}

TEST(BroadcastTo, SameShapeKeepsTheValues) {
  const Tensor x = nabla::tensor({{1.0, 2.0}}, nabla::f64);
  expect_tensor(nabla::broadcast_to(x, {1, 2}), {1, 2}, {1, 2}, nabla::f64);
}

TEST(BroadcastTo, GradientSumsOverTheRepeats) {
  const Tensor w = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, nabla::f64);
  Tensor row = nabla::tensor({0.0, 0.0, 0.0}, nabla::f64).requires_grad_();
  nabla::broadcast_to(row, {2, 3}).backward(w);
  // column sums of w: 1+4, 2+5, 3+6
  expect_tensor(row.grad(), {3}, {5, 7, 9}, nabla::f64);
  Tensor col = nabla::tensor({{0.0}, {0.0}}, nabla::f64).requires_grad_();
  nabla::broadcast_to(col, {2, 3}).backward(w);
  // row sums of w: 1+2+3, 4+5+6
  expect_tensor(col.grad(), {2, 1}, {6, 15}, nabla::f64);
  Tensor s = nabla::scalar_tensor(0.0, nabla::f64).requires_grad_();
  nabla::broadcast_to(s, {2, 3}).backward(w);
  // everything: 21
  expect_tensor(s.grad(), {}, {21}, nabla::f64);
}

struct BroadcastCase {
  std::string name;
  Shape from;
  Shape to;
};

class BroadcastToGrad : public testing::TestWithParam<BroadcastCase> {};

TEST_P(BroadcastToGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // broadcast_to is linear: any values will do
  const std::vector<Tensor> inputs = {normal(p.from, 1)};
  const Shape to = p.to;
  const nabla::Function fn = [to](const std::vector<Tensor>& in) {
    return nabla::broadcast_to(in[0], to);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Cases, BroadcastToGrad,
                         testing::Values(BroadcastCase{"Row_4_to_2x3x4", {4}, {2, 3, 4}},
                                         BroadcastCase{"Column_3x1_to_2x3x4", {3, 1}, {2, 3, 4}},
                                         BroadcastCase{"Both_2x1x4_to_2x3x4", {2, 1, 4}, {2, 3, 4}},
                                         BroadcastCase{"Scalar_to_2x3", {}, {2, 3}},
                                         BroadcastCase{"OneElement_1_to_3", {1}, {3}},
                                         BroadcastCase{"Same_3x4", {3, 4}, {3, 4}}),
                         [](const testing::TestParamInfo<BroadcastCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(BroadcastTo, RejectsShapesThatDoNotBroadcast) {
  const Tensor x = nabla::ones({5});
  EXPECT_THROW(nabla::broadcast_to(x, {2, 3, 4}), std::invalid_argument);
  EXPECT_THAT(message_of([&] {
                nabla::broadcast_to(x, {2, 3, 4});
              }),
              AllOf(HasSubstr("nabla::broadcast_to"), HasSubstr("[5]"), HasSubstr("[2, 3, 4]")));
  // broadcasting never removes axes
  const Tensor y = nabla::ones({2, 2, 3, 4});
  EXPECT_THROW(nabla::broadcast_to(y, {2, 3, 4}), std::invalid_argument);
  EXPECT_THAT(message_of([&] {
                nabla::broadcast_to(y, {2, 3, 4});
              }),
              AllOf(HasSubstr("nabla::broadcast_to"), HasSubstr("[2, 2, 3, 4]")));
  EXPECT_THROW(nabla::broadcast_to(nabla::ones({3}), {}), std::invalid_argument);
}

TEST(BroadcastTo, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::broadcast_to(Tensor(), {2}), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::broadcast_to(Tensor(), {2}); }),
              HasSubstr("nabla::broadcast_to"));
}

TEST(BroadcastTo, NanAndInfinityAreRepeated) {
  expect_tensor(nabla::broadcast_to(nabla::tensor({kNaN, kInf}, nabla::f32), {2, 2}), {2, 2},
                {kNaN, kInf, kNaN, kInf}, nabla::f32);
}

}  // namespace

namespace {
TEST(BroadcastTo, IsAStrideZeroView) {
  const Tensor x = nabla::tensor({{1.0}, {2.0}, {3.0}}, nabla::f64);  // [3,1]
  const Tensor y = nabla::broadcast_to(x, {2, 3, 4});
  EXPECT_TRUE(y.is_same_storage(x));
  EXPECT_EQ(y.strides(), (nabla::Shape{0, 1, 0}));
  EXPECT_FALSE(y.is_contiguous());
  EXPECT_TRUE(x.broadcast_to({3, 4}).is_same_storage(x));
}
}  // namespace
}  // namespace test_broadcast_to
