// Tests of ops/sigmoid_backward.cpp: the fused rule g ⊙ s ⊙ (1 − s), an op of its own.

#include "ops/op_test_util.hpp"

namespace test_sigmoid_backward {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(SigmoidBackward, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor g = nabla::tensor({2.0, 1.0, -4.0, 0.0}, d);
    const Tensor s = nabla::tensor({0.5, 0.25, 0.1, 0.7}, d);
    // 2·½·½ = 0.5, 1·¼·¾ = 0.1875, -4·0.1·0.9 = -0.36, 0
    expect_tensor(nabla::sigmoid_backward(g, s), {4}, {0.5, 0.1875, -0.36, 0}, d);
  }
}

TEST(SigmoidBackward, ForwardBroadcastsBothSides) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor g = nabla::tensor({{1.0}, {2.0}}, d);    // [2,1]
    const Tensor s = nabla::tensor({0.5, 0.25, 0.1}, d);  // [3]
    // s(1-s) = [0.25, 0.1875, 0.09], times g[i]
    expect_tensor(nabla::sigmoid_backward(g, s), {2, 3}, {0.25, 0.1875, 0.09, 0.5, 0.375, 0.18}, d);
  }
}

TEST(SigmoidBackward, GradientsByHand) {
  Tensor g = nabla::tensor({2.0, 1.0, -4.0, 0.0}, nabla::f64).requires_grad_();
  Tensor s = nabla::tensor({0.5, 0.25, 0.1, 0.7}, nabla::f64).requires_grad_();
  nabla::sum(nabla::sigmoid_backward(g, s)).backward();
  // ∂/∂g = s(1-s): 0.25, 0.1875, 0.09, 0.21
  expect_tensor(g.grad(), {4}, {0.25, 0.1875, 0.09, 0.21}, nabla::f64);
  // ∂/∂s = g(1-2s): 2·0 = 0, 1·0.5 = 0.5, -4·0.8 = -3.2, 0·(-0.4) = 0
  expect_tensor(s.grad(), {4}, {0, 0.5, -3.2, 0}, nabla::f64);
}

TEST(SigmoidBackward, GradientOnlyToS) {
  // g is saved only when s needs a gradient: check the s-only path
  const Tensor g = nabla::tensor({3.0}, nabla::f64);
  Tensor s = nabla::tensor({0.25}, nabla::f64).requires_grad_();
  nabla::sum(nabla::sigmoid_backward(g, s)).backward();
  // 3·(1 - 0.5) = 1.5
  expect_tensor(s.grad(), {1}, {1.5}, nabla::f64);
}

TEST(SigmoidBackward, IsWhatSigmoidsRuleComputes) {
  Tensor x = nabla::tensor({-1.0, 0.3, 2.0}, nabla::f64).requires_grad_();
  const Tensor w = nabla::tensor({1.0, -2.0, 0.5}, nabla::f64);
  nabla::sigmoid(x).backward(w);
  const Tensor expected = nabla::sigmoid_backward(w, nabla::sigmoid(x.detach()));
  const auto got = x.grad().to_vector();
  const auto want = expected.to_vector();
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_DOUBLE_EQ(got[i], want[i]) << i;
}

class SigmoidBackwardGrad : public testing::TestWithParam<BinaryShapes> {};

TEST_P(SigmoidBackwardGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // s is a sigmoid's value: keep it in (0.1, 0.9)
  const std::vector<Tensor> inputs = {normal(p.a, 1), uniform(p.b, 0.1, 0.9, 2)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::sigmoid_backward(in[0], in[1]);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, SigmoidBackwardGrad, testing::ValuesIn(binary_shape_cases()),
                         binary_case_name);

TEST(SigmoidBackward, RejectsShapesThatDoNotBroadcast) {
  const Tensor g = nabla::ones({3, 4});
  const Tensor s = nabla::ones({3});
  EXPECT_THROW(nabla::sigmoid_backward(g, s), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::sigmoid_backward(g, s); }),
              AllOf(HasSubstr("nabla::sigmoid_backward"), HasSubstr("[3, 4]"), HasSubstr("[3]")));
}

TEST(SigmoidBackward, RejectsMixedDtypes) {
  const Tensor g = nabla::ones({2}, nabla::f32);
  const Tensor s = nabla::ones({2}, nabla::f64);
  EXPECT_THROW(nabla::sigmoid_backward(g, s), std::invalid_argument);
  EXPECT_THAT(
      message_of([&] { nabla::sigmoid_backward(g, s); }),
      AllOf(HasSubstr("nabla::sigmoid_backward"), HasSubstr("float32"), HasSubstr("float64")));
}

TEST(SigmoidBackward, RejectsUndefinedOperands) {
  EXPECT_THROW(nabla::sigmoid_backward(Tensor(), nabla::ones({2})), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::sigmoid_backward(nabla::ones({2}), Tensor()); }),
              HasSubstr("nabla::sigmoid_backward"));
}

TEST(SigmoidBackward, InfinityAndNanFlowThrough) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor g = nabla::tensor({kNaN, 1.0, kInf}, d);
    const Tensor s = nabla::tensor({0.5, kInf, 0.5}, d);
    // NaN·¼ = NaN, 1·inf·(1 - inf) = -inf, inf·¼ = inf
    expect_tensor(nabla::sigmoid_backward(g, s), {3}, {kNaN, -kInf, kInf}, d);
  }
}

TEST(SigmoidBackward, Float32AgreesWithFloat64) {
  expect_f32_matches_f64(
      [](const std::vector<Tensor>& in) { return nabla::sigmoid_backward(in[0], in[1]); },
      {normal({3, 4}, 11), uniform({3, 4}, 0.0, 1.0, 12)});
}

}  // namespace
}  // namespace test_sigmoid_backward
