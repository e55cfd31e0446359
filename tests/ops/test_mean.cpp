// Tests of ops/mean.cpp: the mean of all elements, or over given axes, with keepdim.

#include "ops/op_test_util.hpp"

namespace test_mean {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// [[1, 2, 3], [4, 5, 6]]
Tensor two_by_three(Dtype d) {
  return nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, d);
}

TEST(Mean, AllElementsIsZeroDimensional) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // 21 / 6 = 3.5
    expect_tensor(nabla::mean(two_by_three(d)), {}, {3.5}, d);
    expect_tensor(two_by_three(d).mean(), {}, {3.5}, d);
    // 1, 2 and 4: 7/3 = 2.333...
    expect_tensor(nabla::mean(nabla::tensor({1.0, 2.0, 4.0}, d)), {}, {2.3333333333333335}, d);
    expect_tensor(nabla::mean(nabla::scalar_tensor(-1.5, d)), {}, {-1.5}, d);
  }
}

TEST(Mean, OverAGivenAxis) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // columns: [5/2, 7/2, 9/2]
    expect_tensor(nabla::mean(two_by_three(d), {0}), {3}, {2.5, 3.5, 4.5}, d);
    // rows: [6/3, 15/3]
    expect_tensor(nabla::mean(two_by_three(d), {1}), {2}, {2, 5}, d);
  }
}

TEST(Mean, NegativeAxisAndKeepdim) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::mean(two_by_three(d), {-1}), {2}, {2, 5}, d);
    expect_tensor(nabla::mean(two_by_three(d), {-1}, true), {2, 1}, {2, 5}, d);
    expect_tensor(nabla::mean(two_by_three(d), {-2}, true), {1, 3}, {2.5, 3.5, 4.5}, d);
  }
}

TEST(Mean, Rank3OverTwoAxes) {
  const Tensor x = nabla::arange(0.0, 8.0, 1.0, nabla::f64).reshape({2, 2, 2});  // 0..7
  // axes 0 and 2 for j = 0: (0+1+4+5)/4 = 2.5; j = 1: (2+3+6+7)/4 = 4.5
  expect_tensor(nabla::mean(x, {0, 2}), {2}, {2.5, 4.5}, nabla::f64);
  expect_tensor(nabla::mean(x, {0, -1}, true), {1, 2, 1}, {2.5, 4.5}, nabla::f64);
}

TEST(Mean, GradientIsOneOverCount) {
  Tensor x = two_by_three(nabla::f64).requires_grad_();
  nabla::mean(x).backward();
  // 1/6 each
  const double s = 1.0 / 6.0;
  expect_tensor(x.grad(), {2, 3}, {s, s, s, s, s, s}, nabla::f64);
  Tensor y = two_by_three(nabla::f64).requires_grad_();
  nabla::mean(y, {1}).backward(nabla::tensor({3.0, -6.0}, nabla::f64));
  // w[i]/3: 1 in the first row, -2 in the second
  expect_tensor(y.grad(), {2, 3}, {1, 1, 1, -2, -2, -2}, nabla::f64);
}

struct MeanCase {
  std::string name;
  Shape shape;
  std::vector<std::int64_t> axes;
  bool keepdim;
};

class MeanGrad : public testing::TestWithParam<MeanCase> {};

TEST_P(MeanGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // mean is linear: any values will do
  const std::vector<Tensor> inputs = {normal(p.shape, 1)};
  const auto axes = p.axes;
  const bool keepdim = p.keepdim;
  const nabla::Function fn = [axes, keepdim](const std::vector<Tensor>& in) {
    return nabla::mean(in[0], axes, keepdim);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MeanGrad,
    testing::Values(MeanCase{"All_3x4", {3, 4}, {}, false}, MeanCase{"All_Scalar", {}, {}, false},
                    MeanCase{"All_Vector_5", {5}, {}, false},
                    MeanCase{"Axis0_3x4", {3, 4}, {0}, false},
                    MeanCase{"AxisMinus1Keepdim_3x4", {3, 4}, {-1}, true},
                    MeanCase{"Axis1_Rank3_2x3x4", {2, 3, 4}, {1}, false},
                    MeanCase{"Axes0And2Keepdim_Rank3_2x3x4", {2, 3, 4}, {0, 2}, true}),
    [](const testing::TestParamInfo<MeanCase>& param_info) { return param_info.param.name; });

TEST(Mean, RejectsAxisOutOfRange) {
  const Tensor x = nabla::ones({3, 4});
  EXPECT_THROW(nabla::mean(x, {2}), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::mean(x, {2}); }),
              AllOf(HasSubstr("nabla::mean"), HasSubstr("axis 2"), HasSubstr("rank 2")));
  EXPECT_THROW(nabla::mean(nabla::scalar_tensor(1.0), {-1}), std::out_of_range);
}

TEST(Mean, RejectsRepeatedAxis) {
  EXPECT_THROW(nabla::mean(nabla::ones({3, 4}), {0, 0}), std::invalid_argument);
  EXPECT_THAT(message_of([] {
                nabla::mean(nabla::ones({3, 4}), {0, -2});
              }),
              AllOf(HasSubstr("nabla::mean"), HasSubstr("twice")));
}

TEST(Mean, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::mean(Tensor()), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::mean(Tensor()); }), HasSubstr("nabla::mean"));
}

TEST(Mean, InfinityNanAndEmptyInput) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // (1 + inf)/2 = inf, (NaN + 1)/2 = NaN
    expect_tensor(nabla::mean(nabla::tensor({{1.0, kInf}, {kNaN, 1.0}}, d), {1}), {2}, {kInf, kNaN},
                  d);
    // the mean of no elements is 0/0 = NaN, as in PyTorch
    expect_tensor(nabla::mean(nabla::zeros({0}, d)), {}, {kNaN}, d);
  }
}

TEST(Mean, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return nabla::mean(in[0], {0}); },
                         {normal({50, 4}, 11)});
}

}  // namespace
}  // namespace test_mean
