// Tests of ops/sum_to.cpp: summing a tensor down to a shape that broadcasts to it (the
// engine's reduction of broadcast gradients).

#include "ops/op_test_util.hpp"

namespace test_sum_to {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// [[1, 2, 3], [4, 5, 6]]
Tensor sum_to_input(Dtype d) {
  return nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, d);
}

TEST(SumTo, DropsLeadingAxes) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // [2,3] → [3]: column sums 1+4, 2+5, 3+6
    expect_tensor(nabla::sum_to(sum_to_input(d), {3}), {3}, {5, 7, 9}, d);
  }
}

TEST(SumTo, ReducesUnitAxes) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // [2,3] → [2,1]: row sums 6, 15; → [1,3]: column sums
    expect_tensor(nabla::sum_to(sum_to_input(d), {2, 1}), {2, 1}, {6, 15}, d);
    expect_tensor(nabla::sum_to(sum_to_input(d), {1, 3}), {1, 3}, {5, 7, 9}, d);
    expect_tensor(nabla::sum_to(sum_to_input(d), {1, 1}), {1, 1}, {21}, d);
  }
}

TEST(SumTo, ToScalar) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::sum_to(sum_to_input(d), {}), {}, {21}, d);
  }
}

TEST(SumTo, Rank3ToColumn) {
  // x[i][j][k] = 4i + 2j + k over [2,2,2]; → [2,1] sums over i and k for each j:
  // j = 0: 0+1+4+5 = 10, j = 1: 2+3+6+7 = 18
  const Tensor x = nabla::arange(0.0, 8.0, 1.0, nabla::f64).reshape({2, 2, 2});
  expect_tensor(nabla::sum_to(x, {2, 1}), {2, 1}, {10, 18}, nabla::f64);
  // a unit axis of x that stays 1 is not summed over: [2,2,1] → [2,1] sums i only
  const Tensor y = nabla::arange(0.0, 4.0, 1.0, nabla::f64).reshape({2, 2, 1});
  // j = 0: 0+2, j = 1: 1+3
  expect_tensor(nabla::sum_to(y, {2, 1}), {2, 1}, {2, 4}, nabla::f64);
}

TEST(SumTo, SameShapeKeepsTheValues) {
  expect_tensor(nabla::sum_to(sum_to_input(nabla::f64), {2, 3}), {2, 3}, {1, 2, 3, 4, 5, 6},
                nabla::f64);
}

TEST(SumTo, UndoesBroadcastTo) {
  // broadcast a [3] to [4,3], then sum back: 4 times the values
  const Tensor x = nabla::tensor({1.0, -2.0, 0.5}, nabla::f64);
  expect_tensor(nabla::sum_to(nabla::broadcast_to(x, {4, 3}), {3}), {3}, {4, -8, 2}, nabla::f64);
}

TEST(SumTo, GradientBroadcastsTheOutputGradient) {
  Tensor x = sum_to_input(nabla::f64).requires_grad_();
  nabla::sum_to(x, {3}).backward(nabla::tensor({10.0, 20.0, 30.0}, nabla::f64));
  expect_tensor(x.grad(), {2, 3}, {10, 20, 30, 10, 20, 30}, nabla::f64);
  Tensor y = sum_to_input(nabla::f64).requires_grad_();
  nabla::sum_to(y, {2, 1}).backward(nabla::tensor({{1.0}, {-1.0}}, nabla::f64));
  expect_tensor(y.grad(), {2, 3}, {1, 1, 1, -1, -1, -1}, nabla::f64);
}

struct SumToCase {
  std::string name;
  Shape from;
  Shape to;
};

class SumToGrad : public testing::TestWithParam<SumToCase> {};

TEST_P(SumToGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // sum_to is linear: any values will do
  const std::vector<Tensor> inputs = {normal(p.from, 1)};
  const Shape to = p.to;
  const nabla::Function fn = [to](const std::vector<Tensor>& in) {
    return nabla::sum_to(in[0], to);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Cases, SumToGrad,
                         testing::Values(SumToCase{"Matrix_3x4_to_3x1", {3, 4}, {3, 1}},
                                         SumToCase{"Matrix_3x4_to_4", {3, 4}, {4}},
                                         SumToCase{"Rank3_2x3x4_to_3x1", {2, 3, 4}, {3, 1}},
                                         SumToCase{"LeadingOnly_2x3x1_to_3x1", {2, 3, 1}, {3, 1}},
                                         SumToCase{"Matrix_3x4_to_Scalar", {3, 4}, {}},
                                         SumToCase{"Same_3x4", {3, 4}, {3, 4}}),
                         [](const testing::TestParamInfo<SumToCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(SumTo, RejectsShapesThatDoNotBroadcastToTheInput) {
  // [3,1] has more axes than [3]
  const Tensor x = nabla::ones({3});
  EXPECT_THROW(nabla::sum_to(x, {3, 1}), std::invalid_argument);
  EXPECT_THAT(message_of([&] {
                nabla::sum_to(x, {3, 1});
              }),
              AllOf(HasSubstr("nabla::sum_to"), HasSubstr("[3]"), HasSubstr("[3, 1]")));
  // 3 is neither 4 nor 1
  const Tensor y = nabla::ones({4, 4});
  EXPECT_THROW(nabla::sum_to(y, {3, 1}), std::invalid_argument);
  EXPECT_THAT(message_of([&] {
                nabla::sum_to(y, {3, 1});
              }),
              AllOf(HasSubstr("nabla::sum_to"), HasSubstr("[4, 4]"), HasSubstr("[3, 1]")));
}

TEST(SumTo, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::sum_to(Tensor(), {}), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::sum_to(Tensor(), {}); }), HasSubstr("nabla::sum_to"));
}

TEST(SumTo, InfinityAndNanFlowThrough) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{1.0, kInf, kNaN}, {1.0, 1.0, 1.0}}, d);
    // columns: 1+1, inf+1, NaN+1
    expect_tensor(nabla::sum_to(x, {3}), {3}, {2, kInf, kNaN}, d);
  }
}

TEST(SumTo, Float32AgreesWithFloat64) {
  expect_f32_matches_f64(
      [](const std::vector<Tensor>& in) {
        return nabla::sum_to(in[0], {3, 1});
      },
      {normal({5, 3, 40}, 11)});
}

}  // namespace
}  // namespace test_sum_to
