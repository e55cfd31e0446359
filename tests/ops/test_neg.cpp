// Tests of ops/neg.cpp: −x and unary operator−.

#include "ops/op_test_util.hpp"

namespace test_neg {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

TEST(Neg, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{1.0, -2.5}, {0.0, 3.0}}, d);
    // -1, 2.5, -0, -3
    expect_tensor(nabla::neg(x), {2, 2}, {-1, 2.5, 0, -3}, d);
    expect_tensor(-x, {2, 2}, {-1, 2.5, 0, -3}, d);
    expect_tensor(-nabla::scalar_tensor(0.75, d), {}, {-0.75}, d);
  }
}

TEST(Neg, NegatingTwiceGivesBackTheValues) {
  const Tensor x = nabla::tensor({1.25, -7.0, 0.5}, nabla::f64);
  expect_tensor(-(-x), {3}, {1.25, -7.0, 0.5}, nabla::f64);
}

TEST(Neg, FlipsTheSignOfZero) {
  // IEEE: -(+0) is -0 (signbit set), which 1/x exposes as -inf
  const Tensor z = -nabla::zeros({1}, nabla::f64);
  expect_tensor(1.0 / z, {1}, {-kInf}, nabla::f64);
}

TEST(Neg, GradientIsMinusOne) {
  Tensor x = nabla::tensor({1.0, 2.0, 3.0}, nabla::f64).requires_grad_();
  nabla::sum(-x).backward();
  expect_tensor(x.grad(), {3}, {-1, -1, -1}, nabla::f64);
}

class NegGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(NegGrad, MatchesFiniteDifferences) {
  // neg is linear: any values will do
  const std::vector<Tensor> inputs = {normal(GetParam().shape, 1)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::neg(in[0]); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, NegGrad, testing::ValuesIn(unary_shape_cases()), unary_case_name);

TEST(Neg, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::neg(Tensor()), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::neg(Tensor()); }), HasSubstr("nabla::neg"));
}

TEST(Neg, InfinityAndNanFlowThrough) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(-nabla::tensor({kInf, -kInf, kNaN}, d), {3}, {-kInf, kInf, kNaN}, d);
  }
}

TEST(Neg, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return -in[0]; },
                         {normal({3, 4}, 11)});
}

}  // namespace
}  // namespace test_neg
