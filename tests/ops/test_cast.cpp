// Tests of ops/cast.cpp: converting values between float32 and float64 (Tensor::to).

#include "ops/op_test_util.hpp"

namespace test_cast {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

TEST(Cast, Float32ToFloat64IsExact) {
  // 0.5, -1.25 and 3 are exact in both; float32(0.1) is 0.100000001490116119384765625
  // (0.1 rounded to a 24-bit significand), which float64 represents exactly
  const Tensor x = nabla::tensor({0.5, -1.25, 3.0, 0.1}, nabla::f32);
  const Tensor y = nabla::cast(x, nabla::f64);
  EXPECT_EQ(y.dtype(), nabla::f64);
  const auto v = y.to_vector();
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], 0.5);
  EXPECT_EQ(v[1], -1.25);
  EXPECT_EQ(v[2], 3.0);
  EXPECT_EQ(v[3], 0.100000001490116119384765625);
}

TEST(Cast, Float64ToFloat32RoundsToNearest) {
  // 2²⁴ + 1 = 16777217 is halfway between the float32 neighbours 16777216 and 16777218:
  // ties go to even, 16777216. 1/3 rounds to 0.3333333432674407958984375.
  const Tensor x = nabla::tensor({16777217.0, 1.0 / 3.0}, nabla::f64);
  const Tensor y = nabla::cast(x, nabla::f32);
  EXPECT_EQ(y.dtype(), nabla::f32);
  const auto v = y.to_vector();
  EXPECT_EQ(v[0], 16777216.0);
  EXPECT_EQ(v[1], 0.3333333432674407958984375);
}

TEST(Cast, KeepsTheShape) {
  const Tensor x = nabla::zeros({2, 3, 1}, nabla::f64);
  EXPECT_EQ(nabla::cast(x, nabla::f32).shape(), (Shape{2, 3, 1}));
  EXPECT_EQ(nabla::cast(nabla::scalar_tensor(1.0), nabla::f64).shape(), Shape{});
}

TEST(Cast, ToTheSameDtypeIsACopy) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64);
  const Tensor y = nabla::cast(x, nabla::f64);
  x.mutable_data<double>()[0] = 100.0;
  expect_tensor(y, {2}, {1, 2}, nabla::f64);
}

TEST(Cast, TensorToCallsCast) {
  const Tensor x = nabla::tensor({0.25, 8.0}, nabla::f32);
  expect_tensor(x.to(nabla::f64), {2}, {0.25, 8}, nabla::f64);
  // to() with the same dtype returns the tensor itself
  EXPECT_TRUE(x.to(nabla::f32).is_same(x));
}

TEST(Cast, GradientComesBackInTheInputDtype) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f32).requires_grad_();
  const Tensor y = nabla::cast(x, nabla::f64);
  EXPECT_EQ(y.grad_fn()->name(), "cast");
  y.backward(nabla::tensor({0.5, -3.0}, nabla::f64));
  // the identity's gradient, converted back to float32
  expect_tensor(x.grad(), {2}, {0.5, -3}, nabla::f32);
}

class CastGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(CastGrad, MatchesFiniteDifferences) {
  // cast is the identity on values (here within float64): any values will do
  const std::vector<Tensor> inputs = {normal(GetParam().shape, 1)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::cast(in[0], nabla::f64);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, CastGrad, testing::ValuesIn(unary_shape_cases()), unary_case_name);

TEST(Cast, Float32RoundTripMatchesFiniteDifferences) {
  // f64 → f32 → f64 is the identity up to float32 rounding (≤ 1.2e-7 at |x| < 2.5). The
  // function is linear, so a large step costs nothing: eps = 1e-2 keeps the rounding
  // noise in the difference quotient below 2.4e-7 / 2e-2 = 1.2e-5, under atol = 1e-4.
  nabla::GradcheckOptions options;
  options.eps = 1e-2;
  options.atol = 1e-4;
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::cast(nabla::cast(in[0], nabla::f32), nabla::f64);
      },
      {uniform({2, 3}, -2.5, 2.5, 2)}, options);
}

TEST(Cast, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::cast(Tensor(), nabla::f64), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::cast(Tensor(), nabla::f32); }), HasSubstr("nabla::cast"));
}

TEST(Cast, NanInfinityAndOverflow) {
  // NaN and ±inf survive both ways; 1e300 is beyond float32's max (3.4e38) → inf, and
  // 1e-50 is below its smallest subnormal (1.4e-45) → 0
  const Tensor x = nabla::tensor({kNaN, kInf, -kInf, 1e300, -1e300, 1e-50}, nabla::f64);
  expect_tensor(nabla::cast(x, nabla::f32), {6}, {kNaN, kInf, -kInf, kInf, -kInf, 0}, nabla::f32);
  const Tensor y = nabla::tensor({kNaN, kInf, -kInf}, nabla::f32);
  expect_tensor(nabla::cast(y, nabla::f64), {3}, {kNaN, kInf, -kInf}, nabla::f64);
}

}  // namespace
}  // namespace test_cast
