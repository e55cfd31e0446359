// Tests of ops/sum.cpp: the sum of all elements, or over given axes, with keepdim.

#include "ops/op_test_util.hpp"

namespace test_sum {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// [[1, 2, 3], [4, 5, 6]]
Tensor two_by_three(Dtype d) {
  return nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, d);
}

TEST(Sum, AllElementsIsZeroDimensional) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // 1+2+3+4+5+6 = 21
    expect_tensor(nabla::sum(two_by_three(d)), {}, {21}, d);
    expect_tensor(two_by_three(d).sum(), {}, {21}, d);
    expect_tensor(nabla::sum(two_by_three(d), {}), {}, {21}, d);
    // a scalar sums to itself
    expect_tensor(nabla::sum(nabla::scalar_tensor(2.5, d)), {}, {2.5}, d);
  }
}

TEST(Sum, OverAGivenAxis) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // down the columns: [1+4, 2+5, 3+6]
    expect_tensor(nabla::sum(two_by_three(d), {0}), {3}, {5, 7, 9}, d);
    // along the rows: [1+2+3, 4+5+6]
    expect_tensor(nabla::sum(two_by_three(d), {1}), {2}, {6, 15}, d);
    // both axes listed
    expect_tensor(nabla::sum(two_by_three(d), {0, 1}), {}, {21}, d);
  }
}

TEST(Sum, NegativeAxisCountsFromTheEnd) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::sum(two_by_three(d), {-1}), {2}, {6, 15}, d);
    expect_tensor(nabla::sum(two_by_three(d), {-2}), {3}, {5, 7, 9}, d);
  }
}

TEST(Sum, KeepdimKeepsReducedAxesAsOne) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::sum(two_by_three(d), {1}, true), {2, 1}, {6, 15}, d);
    expect_tensor(nabla::sum(two_by_three(d), {0}, true), {1, 3}, {5, 7, 9}, d);
    expect_tensor(nabla::sum(two_by_three(d), {}, true), {1, 1}, {21}, d);
  }
}

TEST(Sum, Rank3OverOneAndTwoAxes) {
  // x[i][j][k] = 4i + 2j + k: the values 0..7 in shape [2,2,2]
  const Tensor x = nabla::arange(0.0, 8.0, 1.0, nabla::f64).reshape({2, 2, 2});
  // axis 1: x[i][0][k] + x[i][1][k] = [0+2, 1+3], [4+6, 5+7]
  expect_tensor(nabla::sum(x, {1}), {2, 2}, {2, 4, 10, 12}, nabla::f64);
  // axes 0 and -1, keepdim: Σ_i,k for j = 0: 0+1+4+5 = 10; j = 1: 2+3+6+7 = 18
  expect_tensor(nabla::sum(x, {0, -1}, true), {1, 2, 1}, {10, 18}, nabla::f64);
  // the order of the axes does not matter
  expect_tensor(nabla::sum(x, {-1, 0}), {2}, {10, 18}, nabla::f64);
}

TEST(Sum, Float32AccumulatesInDouble) {
  // 1e8 + 1 rounds back to 1e8 in float32 (spacing 8 there); a double accumulator keeps
  // the 1: (1e8 + 1) - 1e8 = 1
  const Tensor x = nabla::tensor({1e8, 1.0, -1e8}, nabla::f32);
  expect_tensor(nabla::sum(x), {}, {1}, nabla::f32);
}

TEST(Sum, GradientIsOnesInTheInputShape) {
  Tensor x = two_by_three(nabla::f64).requires_grad_();
  nabla::sum(x).backward();
  expect_tensor(x.grad(), {2, 3}, {1, 1, 1, 1, 1, 1}, nabla::f64);
}

TEST(Sum, AxisGradientBroadcastsTheOutputGradient) {
  Tensor x = two_by_three(nabla::f64).requires_grad_();
  // ∂/∂x[i][j] of Σ_i w[i]·(Σ_j x[i][j]) = w[i]
  nabla::sum(x, {1}).backward(nabla::tensor({10.0, -1.0}, nabla::f64));
  expect_tensor(x.grad(), {2, 3}, {10, 10, 10, -1, -1, -1}, nabla::f64);
  Tensor y = two_by_three(nabla::f64).requires_grad_();
  nabla::sum(y, {0}, true).backward(nabla::tensor({{1.0, 2.0, 3.0}}, nabla::f64));
  expect_tensor(y.grad(), {2, 3}, {1, 2, 3, 1, 2, 3}, nabla::f64);
}

struct SumCase {
  std::string name;
  Shape shape;
  std::vector<std::int64_t> axes;
  bool keepdim;
};

class SumGrad : public testing::TestWithParam<SumCase> {};

TEST_P(SumGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // sum is linear: any values will do
  const std::vector<Tensor> inputs = {normal(p.shape, 1)};
  const auto axes = p.axes;
  const bool keepdim = p.keepdim;
  const nabla::Function fn = [axes, keepdim](const std::vector<Tensor>& in) {
    return nabla::sum(in[0], axes, keepdim);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SumGrad,
    testing::Values(SumCase{"All_3x4", {3, 4}, {}, false}, SumCase{"All_Scalar", {}, {}, false},
                    SumCase{"All_Vector_5", {5}, {}, false},
                    SumCase{"Axis0_3x4", {3, 4}, {0}, false},
                    SumCase{"Axis1_3x4", {3, 4}, {1}, false},
                    SumCase{"AxisMinus1_Rank3_2x3x4", {2, 3, 4}, {-1}, false},
                    SumCase{"Axis1Keepdim_Rank3_2x3x4", {2, 3, 4}, {1}, true},
                    SumCase{"Axes0AndMinus1Keepdim_Rank3_2x3x4", {2, 3, 4}, {0, -1}, true},
                    SumCase{"UnitAxis_3x1", {3, 1}, {1}, false}),
    [](const testing::TestParamInfo<SumCase>& param_info) { return param_info.param.name; });

TEST(Sum, RejectsAxisOutOfRange) {
  const Tensor x = nabla::ones({3, 4});
  EXPECT_THROW(nabla::sum(x, {2}), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::sum(x, {2}); }),
              AllOf(HasSubstr("nabla::sum"), HasSubstr("axis 2"), HasSubstr("rank 2")));
  EXPECT_THROW(nabla::sum(x, {-3}), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::sum(x, {-3}); }),
              AllOf(HasSubstr("nabla::sum"), HasSubstr("-3")));
  // a scalar has no axes
  EXPECT_THROW(nabla::sum(nabla::scalar_tensor(1.0), {0}), std::out_of_range);
  EXPECT_THAT(message_of([] { nabla::sum(nabla::scalar_tensor(1.0), {0}); }),
              HasSubstr("nabla::sum"));
}

TEST(Sum, RejectsRepeatedAxis) {
  const Tensor x = nabla::ones({3, 4});
  // 1 and -1 name the same axis of a matrix
  EXPECT_THROW(nabla::sum(x, {1, -1}), std::invalid_argument);
  EXPECT_THAT(message_of([&] {
                nabla::sum(x, {1, -1});
              }),
              AllOf(HasSubstr("nabla::sum"), HasSubstr("twice")));
}

TEST(Sum, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::sum(Tensor()), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::sum(Tensor(), {0}); }), HasSubstr("nabla::sum"));
}

TEST(Sum, InfinityAndNanFlowThrough) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{1.0, kInf}, {kNaN, 2.0}, {kInf, -kInf}}, d);
    // rows: 1 + inf = inf, NaN + 2 = NaN, inf - inf = NaN
    expect_tensor(nabla::sum(x, {1}), {3}, {kInf, kNaN, kNaN}, d);
    expect_tensor(nabla::sum(x), {}, {kNaN}, d);
  }
}

TEST(Sum, EmptyTensorSumsToZero) {
  expect_tensor(nabla::sum(nabla::zeros({0}, nabla::f64)), {}, {0}, nabla::f64);
  expect_tensor(nabla::sum(nabla::zeros({2, 0}, nabla::f64), {1}), {2}, {0, 0}, nabla::f64);
}

TEST(Sum, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return nabla::sum(in[0], {1}); },
                         {normal({4, 50}, 11)});
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return nabla::sum(in[0]); },
                         {normal({30, 30}, 12)});
}

}  // namespace
}  // namespace test_sum
