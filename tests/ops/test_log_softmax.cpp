// Tests of ops/log_softmax.cpp: x − logsumexp(x) along an axis.

#include "ops/op_test_util.hpp"

namespace test_log_softmax {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

constexpr double kLogOf2 = 0.6931471805599453;
constexpr double kLn3 = 1.0986122886681098;
constexpr double kLn5 = 1.6094379124341003;
constexpr double kLn7 = 1.9459101490553132;
constexpr double kLn8 = 2.0794415416798357;

TEST(LogSoftmax, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // row 0: e^x = 1, 2, 5 (Σ 8); row 1: 3, 3, 1 (Σ 7)
    const Tensor x =
        nabla::tensor(std::vector<double>{0.0, kLogOf2, kLn5, kLn3, kLn3, 0.0}, {2, 3}, d);
    const std::vector<double> rows = {-kLn8,       kLogOf2 - kLn8, kLn5 - kLn8,
                                      kLn3 - kLn7, kLn3 - kLn7, -kLn7};
    expect_tensor(nabla::log_softmax(x, 1), {2, 3}, rows, d);
    expect_tensor(nabla::log_softmax(x, -1), {2, 3}, rows, d);
    // along axis 0 of [[0], [ln3]]: log(1/4), log(3/4)
    expect_tensor(nabla::log_softmax(nabla::tensor(std::vector<double>{0.0, kLn3}, {2, 1}, d), 0),
                  {2, 1}, {-2 * kLogOf2, kLn3 - 2 * kLogOf2}, d);
  }
}

TEST(LogSoftmax, StableForLargeLogits) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // log(e^1000 / (e^1000 + e^-1000)) = −log(1 + e^-2000) = 0; the other −2000, not −inf
    expect_tensor(nabla::log_softmax(nabla::tensor({1000.0, -1000.0}, d), 0), {2}, {0, -2000}, d);
    expect_tensor(nabla::log_softmax(nabla::tensor({1000.0, 1000.0}, d), 0), {2}, {-kLogOf2, -kLogOf2},
                  d);
  }
}

TEST(LogSoftmax, GradientByHand) {
  Tensor x = nabla::tensor({0.0, kLn3}, nabla::f64).requires_grad_();
  // g − softmax·Σg with g = [1, 0], softmax = [1/4, 3/4]: [3/4, −3/4]
  nabla::log_softmax(x, 0).backward(nabla::tensor({1.0, 0.0}, nabla::f64));
  expect_tensor(x.grad(), {2}, {0.75, -0.75}, nabla::f64);
  EXPECT_EQ(nabla::log_softmax(x, 0).grad_fn()->name(), "log_softmax");
}

TEST(LogSoftmax, ExpIsSoftmax) {
  const Tensor x = normal({3, 5}, 3);
  const auto a = nabla::exp(nabla::log_softmax(x, 1)).to_vector();
  const auto b = nabla::softmax(x, 1).to_vector();
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-14) << "element " << i;
}

struct AxisCase {
  std::string name;
  Shape shape;
  std::int64_t axis;
};

class LogSoftmaxGrad : public testing::TestWithParam<AxisCase> {};

TEST_P(LogSoftmaxGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // smooth everywhere: standard normal inputs
  const std::vector<Tensor> inputs = {normal(p.shape, 1)};
  const std::int64_t axis = p.axis;
  const nabla::Function fn = [axis](const std::vector<Tensor>& in) {
    return nabla::log_softmax(in[0], axis);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LogSoftmaxGrad,
    testing::Values(AxisCase{"Axis1_3x4", {3, 4}, 1}, AxisCase{"Axis0_3x4", {3, 4}, 0},
                    AxisCase{"Vector_5", {5}, 0}, AxisCase{"AxisMinus1_Rank3_2x3x4", {2, 3, 4}, -1},
                    AxisCase{"Axis1_Rank3_2x3x4", {2, 3, 4}, 1}),
    [](const testing::TestParamInfo<AxisCase>& param_info) { return param_info.param.name; });

TEST(LogSoftmax, RejectsAxisOutOfRange) {
  const Tensor x = nabla::ones({3, 4});
  EXPECT_THROW(nabla::log_softmax(x, 2), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::log_softmax(x, 2); }),
              AllOf(HasSubstr("nabla::log_softmax"), HasSubstr("axis 2"), HasSubstr("rank 2")));
  EXPECT_THROW(nabla::log_softmax(x, -3), std::out_of_range);
  EXPECT_THROW(nabla::log_softmax(nabla::scalar_tensor(1.0), 0), std::out_of_range);
}

TEST(LogSoftmax, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::log_softmax(Tensor(), 0), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::log_softmax(Tensor(), 0); }), HasSubstr("nabla::log_softmax"));
}

TEST(LogSoftmax, Float32AgreesWithFloat64) {
  expect_f32_matches_f64(
      [](const std::vector<Tensor>& in) { return nabla::log_softmax(in[0], -1); },
      {normal({4, 7}, 11)});
}

}  // namespace
}  // namespace test_log_softmax
