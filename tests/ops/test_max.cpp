// Tests of ops/max.cpp: the maximum along an axis, its gradient at the (first) argmax.

#include "ops/op_test_util.hpp"

namespace test_max {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// [[1, 5, 5], [7, -2, 3]]: row 0 has a tie
Tensor with_tie(Dtype d) {
  return nabla::tensor({{1.0, 5.0, 5.0}, {7.0, -2.0, 3.0}}, d);
}

TEST(Max, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::max(with_tie(d), 1), {2}, {5, 7}, d);
    expect_tensor(nabla::max(with_tie(d), -1, true), {2, 1}, {5, 7}, d);
    expect_tensor(nabla::max(with_tie(d), 0), {3}, {7, 5, 5}, d);
    expect_tensor(nabla::max(nabla::tensor({-3.0, -1.0, -2.0}, d), 0), {}, {-1}, d);
    // a NaN along the axis is the maximum
    expect_tensor(nabla::max(nabla::tensor({1.0, kNaN, 3.0}, d), 0), {}, {kNaN}, d);
  }
}

TEST(Max, Rank3AlongTheMiddleAxis) {
  // x[i][j][k] = 4i + 2j + k, and j = 1 is larger: the maximum is x[i][1][k]
  const Tensor x = nabla::arange(0.0, 8.0, 1.0, nabla::f64).reshape({2, 2, 2});
  expect_tensor(nabla::max(x, 1), {2, 2}, {2, 3, 6, 7}, nabla::f64);
}

TEST(Max, GradientGoesToTheFirstMaximum) {
  Tensor x = with_tie(nabla::f64).requires_grad_();
  nabla::max(x, 1).backward(nabla::tensor({2.0, 3.0}, nabla::f64));
  // the tie in row 0 sends everything to index 1, the first 5
  expect_tensor(x.grad(), {2, 3}, {0, 2, 0, 3, 0, 0}, nabla::f64);
  Tensor y = with_tie(nabla::f64).requires_grad_();
  nabla::max(y, 0, true).backward(nabla::tensor({{1.0, 2.0, 3.0}}, nabla::f64));
  expect_tensor(y.grad(), {2, 3}, {0, 2, 3, 1, 0, 0}, nabla::f64);
  EXPECT_EQ(nabla::max(x, 0).grad_fn()->name(), "max");
}

struct MaxAxisCase {
  std::string name;
  Shape shape;
  std::int64_t axis;
  bool keepdim;
};

class MaxGrad : public testing::TestWithParam<MaxAxisCase> {};

TEST_P(MaxGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // standard normal values: ties (where the gradient jumps) have probability 0, and with
  // a fixed seed the gaps are far wider than the finite-difference step
  const std::vector<Tensor> inputs = {normal(p.shape, 1)};
  const std::int64_t axis = p.axis;
  const bool keepdim = p.keepdim;
  const nabla::Function fn = [axis, keepdim](const std::vector<Tensor>& in) {
    return nabla::max(in[0], axis, keepdim);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Cases, MaxGrad,
                         testing::Values(MaxAxisCase{"Axis1_3x4", {3, 4}, 1, false},
                                         MaxAxisCase{"Axis0Keepdim_3x4", {3, 4}, 0, true},
                                         MaxAxisCase{"Vector_5", {5}, 0, false},
                                         MaxAxisCase{"AxisMinus1_Rank3_2x3x4", {2, 3, 4}, -1, false},
                                         MaxAxisCase{"Axis1Keepdim_Rank3_2x3x4", {2, 3, 4}, 1, true}),
                         [](const testing::TestParamInfo<MaxAxisCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(Max, RejectsAxisOutOfRange) {
  const Tensor x = nabla::ones({3, 4});
  EXPECT_THROW(nabla::max(x, 2), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::max(x, 2); }),
              AllOf(HasSubstr("nabla::max"), HasSubstr("axis 2"), HasSubstr("rank 2")));
  EXPECT_THROW(nabla::max(x, -3), std::out_of_range);
  EXPECT_THROW(nabla::max(nabla::scalar_tensor(1.0), 0), std::out_of_range);
}

TEST(Max, RejectsEmptyAxis) {
  const Tensor x = nabla::zeros({2, 0});
  EXPECT_THROW(nabla::max(x, 1), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::max(x, 1); }),
              AllOf(HasSubstr("nabla::max"), HasSubstr("[2, 0]"), HasSubstr("empty")));
}

TEST(Max, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::max(Tensor(), 0), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::max(Tensor(), 0); }), HasSubstr("nabla::max"));
}

}  // namespace
}  // namespace test_max
