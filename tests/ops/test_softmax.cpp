// Tests of ops/softmax.cpp: exp(x − max) / Σ exp(x − max) along an axis.

#include "ops/op_test_util.hpp"

namespace test_softmax {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

constexpr double kLn2 = 0.6931471805599453;
constexpr double kLn3 = 1.0986122886681098;
constexpr double kLn5 = 1.6094379124341003;

TEST(Softmax, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // row 0: e^x = 1, 2, 5 (Σ 8); row 1: 3, 3, 1 (Σ 7)
    const Tensor x = nabla::tensor({{0.0, kLn2, kLn5}, {kLn3, kLn3, 0.0}}, d);
    const std::vector<double> rows = {0.125, 0.25, 0.625, 3.0 / 7, 3.0 / 7, 1.0 / 7};
    expect_tensor(nabla::softmax(x, 1), {2, 3}, rows, d);
    expect_tensor(nabla::softmax(x, -1), {2, 3}, rows, d);
    // down the columns of [[0, ln3], [ln3, 0]]: e^x = 1, 3 and 3, 1
    expect_tensor(nabla::softmax(nabla::tensor({{0.0, kLn3}, {kLn3, 0.0}}, d), 0), {2, 2},
                  {0.25, 0.75, 0.75, 0.25}, d);
  }
}

TEST(Softmax, Rank3AlongTheMiddleAxis) {
  // x[i][j][k] = 0 except x[1][1][0] = ln3: along axis 1 every pair is (½, ½), except
  // [1][:][0] = (1/4, 3/4)
  std::vector<double> v(8, 0.0);
  v[6] = kLn3;  // [1][1][0]
  const Tensor x = nabla::tensor(v, {2, 2, 2}, nabla::f64);
  expect_tensor(nabla::softmax(x, 1), {2, 2, 2}, {0.5, 0.5, 0.5, 0.5, 0.25, 0.5, 0.75, 0.5},
                nabla::f64);
}

TEST(Softmax, StableForLargeLogits) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // e^1000 overflows; shifted by the maximum it is e^0 = 1 against e^-1000 = 0
    expect_tensor(nabla::softmax(nabla::tensor({1000.0, 0.0, 1000.0}, d), 0), {3}, {0.5, 0, 0.5},
                  d);
    expect_tensor(nabla::softmax(nabla::tensor({-1000.0, -1000.0}, d), 0), {2}, {0.5, 0.5}, d);
  }
}

TEST(Softmax, GradientByHand) {
  Tensor x = nabla::tensor({0.0, kLn3}, nabla::f64).requires_grad_();
  // s = [1/4, 3/4]; ∂s0/∂x = [s0(1 − s0), −s0·s1] = [3/16, −3/16]
  nabla::softmax(x, 0).backward(nabla::tensor({1.0, 0.0}, nabla::f64));
  expect_tensor(x.grad(), {2}, {0.1875, -0.1875}, nabla::f64);
  EXPECT_EQ(nabla::softmax(x, 0).grad_fn()->name(), "softmax");
}

struct AxisCase {
  std::string name;
  Shape shape;
  std::int64_t axis;
};

class SoftmaxGrad : public testing::TestWithParam<AxisCase> {};

TEST_P(SoftmaxGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // softmax is smooth everywhere: standard normal inputs
  const std::vector<Tensor> inputs = {normal(p.shape, 1)};
  const std::int64_t axis = p.axis;
  const nabla::Function fn = [axis](const std::vector<Tensor>& in) {
    return nabla::softmax(in[0], axis);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SoftmaxGrad,
    testing::Values(AxisCase{"Axis1_3x4", {3, 4}, 1}, AxisCase{"Axis0_3x4", {3, 4}, 0},
                    AxisCase{"Vector_5", {5}, 0}, AxisCase{"AxisMinus1_Rank3_2x3x4", {2, 3, 4}, -1},
                    AxisCase{"Axis1_Rank3_2x3x4", {2, 3, 4}, 1}),
    [](const testing::TestParamInfo<AxisCase>& param_info) { return param_info.param.name; });

TEST(Softmax, RejectsAxisOutOfRange) {
  const Tensor x = nabla::ones({3, 4});
  EXPECT_THROW(nabla::softmax(x, 2), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::softmax(x, 2); }),
              AllOf(HasSubstr("nabla::softmax"), HasSubstr("axis 2"), HasSubstr("rank 2")));
  EXPECT_THROW(nabla::softmax(x, -3), std::out_of_range);
  EXPECT_THROW(nabla::softmax(nabla::scalar_tensor(1.0), 0), std::out_of_range);
  EXPECT_THAT(message_of([] { nabla::softmax(nabla::scalar_tensor(1.0), -1); }),
              AllOf(HasSubstr("nabla::softmax"), HasSubstr("0-d")));
}

TEST(Softmax, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::softmax(Tensor(), 0), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::softmax(Tensor(), 0); }), HasSubstr("nabla::softmax"));
}

TEST(Softmax, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return nabla::softmax(in[0], -1); },
                         {normal({4, 7}, 11)});
}

}  // namespace
}  // namespace test_softmax
