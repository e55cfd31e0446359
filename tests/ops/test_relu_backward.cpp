// Tests of ops/relu_backward.cpp: relu's rule, g where mask > 0 else 0, an op of its own.

#include "ops/op_test_util.hpp"

namespace test_relu_backward {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(ReluBackward, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor g = nabla::tensor({1.0, 2.0, 3.0, -4.0}, d);
    const Tensor mask = nabla::tensor({-1.0, 0.0, 0.5, 2.0}, d);
    // mask ≤ 0 blocks (0 included), mask > 0 passes g
    expect_tensor(nabla::relu_backward(g, mask), {4}, {0, 0, 3, -4}, d);
  }
}

TEST(ReluBackward, ForwardBroadcastsBothSides) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor g = nabla::tensor({{1.0}, {2.0}}, d);       // [2,1]
    const Tensor mask = nabla::tensor({1.0, -1.0, 3.0}, d);  // [3]
    expect_tensor(nabla::relu_backward(g, mask), {2, 3}, {1, 0, 1, 2, 0, 2}, d);
  }
}

TEST(ReluBackward, GradientToGIsTheMaskAndNoneToMask) {
  Tensor g = nabla::tensor({1.0, 2.0, 3.0, 4.0}, nabla::f64).requires_grad_();
  Tensor mask = nabla::tensor({-1.0, 0.0, 0.5, 2.0}, nabla::f64).requires_grad_();
  const Tensor out = nabla::sum(nabla::relu_backward(g, mask));
  const auto grads = nabla::grad({out}, {g, mask}, {}, std::nullopt, false, true);
  expect_tensor(grads[0], {4}, {0, 0, 1, 1}, nabla::f64);
  // piecewise constant in mask: its gradient is absent or zero
  if (grads[1].defined()) expect_tensor(grads[1], {4}, {0, 0, 0, 0}, nabla::f64);
}

TEST(ReluBackward, IsWhatRelusRuleComputes) {
  Tensor x = nabla::tensor({-1.0, 0.3, 2.0}, nabla::f64).requires_grad_();
  nabla::relu(x).backward(nabla::tensor({1.5, -2.0, 0.5}, nabla::f64));
  // relu_backward(w, relu(x)) = [0, -2, 0.5]
  expect_tensor(x.grad(), {3}, {0, -2, 0.5}, nabla::f64);
}

class ReluBackwardGrad : public testing::TestWithParam<BinaryShapes> {};

TEST_P(ReluBackwardGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // mask away from its step at 0 (|mask| ≥ 0.25), signs alternating from positive so that
  // some entry passes and the Jacobian is not all zero
  const std::vector<Tensor> inputs = {normal(p.a, 1), away_from_zero(p.b, 2)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::relu_backward(in[0], in[1]);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, ReluBackwardGrad, testing::ValuesIn(binary_shape_cases()),
                         binary_case_name);

TEST(ReluBackward, RejectsShapesThatDoNotBroadcast) {
  const Tensor g = nabla::ones({3, 4});
  const Tensor mask = nabla::ones({3});
  EXPECT_THROW(nabla::relu_backward(g, mask), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::relu_backward(g, mask); }),
              AllOf(HasSubstr("nabla::relu_backward"), HasSubstr("[3, 4]"), HasSubstr("[3]")));
}

TEST(ReluBackward, RejectsMixedDtypes) {
  const Tensor g = nabla::ones({2}, nabla::f32);
  const Tensor mask = nabla::ones({2}, nabla::f64);
  EXPECT_THROW(nabla::relu_backward(g, mask), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::relu_backward(g, mask); }),
              AllOf(HasSubstr("nabla::relu_backward"), HasSubstr("float32"), HasSubstr("float64")));
}

TEST(ReluBackward, RejectsUndefinedOperands) {
  EXPECT_THROW(nabla::relu_backward(Tensor(), nabla::ones({2})), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::relu_backward(nabla::ones({2}), Tensor()); }),
              HasSubstr("nabla::relu_backward"));
}

TEST(ReluBackward, NanAndInfinityFollowTheMask) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor g = nabla::tensor({kNaN, kNaN, 1.0, kInf, 2.0}, d);
    const Tensor mask = nabla::tensor({1.0, -1.0, kNaN, 1.0, kInf}, d);
    // passed NaN stays NaN, blocked NaN is 0, a NaN mask is not > 0 so blocks, inf passes
    expect_tensor(nabla::relu_backward(g, mask), {5}, {kNaN, 0, 0, kInf, 2}, d);
  }
}

TEST(ReluBackward, Float32AgreesWithFloat64) {
  expect_f32_matches_f64(
      [](const std::vector<Tensor>& in) { return nabla::relu_backward(in[0], in[1]); },
      {normal({3, 4}, 11), away_from_zero({3, 4}, 12)});
}

}  // namespace
}  // namespace test_relu_backward
