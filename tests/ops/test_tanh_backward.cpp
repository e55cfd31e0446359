// Tests of ops/tanh_backward.cpp: the fused rule g ⊙ (1 − y²), an op of its own.

#include "ops/op_test_util.hpp"

namespace test_tanh_backward {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(TanhBackward, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor g = nabla::tensor({2.0, 1.0, -3.0, 4.0}, d);
    const Tensor y = nabla::tensor({0.5, 0.6, 0.0, 1.0}, d);
    // 2·(1 - ¼) = 1.5, 1·(1 - 0.36) = 0.64, -3·1 = -3, 4·0 = 0
    expect_tensor(nabla::tanh_backward(g, y), {4}, {1.5, 0.64, -3, 0}, d);
  }
}

TEST(TanhBackward, ForwardBroadcastsBothSides) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor g = nabla::tensor({{1.0}, {-2.0}}, d);   // [2,1]
    const Tensor y = nabla::tensor({0.0, 0.5, -0.6}, d);  // [3]
    // 1 - y² = [1, 0.75, 0.64], times g[i]
    expect_tensor(nabla::tanh_backward(g, y), {2, 3}, {1, 0.75, 0.64, -2, -1.5, -1.28}, d);
  }
}

TEST(TanhBackward, GradientsByHand) {
  Tensor g = nabla::tensor({2.0, 1.0, -3.0, 4.0}, nabla::f64).requires_grad_();
  Tensor y = nabla::tensor({0.5, 0.6, 0.0, 1.0}, nabla::f64).requires_grad_();
  nabla::sum(nabla::tanh_backward(g, y)).backward();
  // ∂/∂g = 1 - y²: 0.75, 0.64, 1, 0
  expect_tensor(g.grad(), {4}, {0.75, 0.64, 1, 0}, nabla::f64);
  // ∂/∂y = -2gy: -2, -1.2, 0, -8
  expect_tensor(y.grad(), {4}, {-2, -1.2, 0, -8}, nabla::f64);
}

TEST(TanhBackward, GradientOnlyToY) {
  // g is saved only when y needs a gradient: check the y-only path
  const Tensor g = nabla::tensor({3.0}, nabla::f64);
  Tensor y = nabla::tensor({0.5}, nabla::f64).requires_grad_();
  nabla::sum(nabla::tanh_backward(g, y)).backward();
  // -2·3·0.5 = -3
  expect_tensor(y.grad(), {1}, {-3}, nabla::f64);
}

TEST(TanhBackward, IsWhatTanhsRuleComputes) {
  Tensor x = nabla::tensor({-1.0, 0.3, 2.0}, nabla::f64).requires_grad_();
  const Tensor w = nabla::tensor({1.0, -2.0, 0.5}, nabla::f64);
  nabla::tanh(x).backward(w);
  const Tensor expected = nabla::tanh_backward(w, nabla::tanh(x.detach()));
  const auto got = x.grad().to_vector();
  const auto want = expected.to_vector();
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_DOUBLE_EQ(got[i], want[i]) << i;
}

class TanhBackwardGrad : public testing::TestWithParam<BinaryShapes> {};

TEST_P(TanhBackwardGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // y is a tanh's value: keep it in (-0.9, 0.9)
  const std::vector<Tensor> inputs = {normal(p.a, 1), uniform(p.b, -0.9, 0.9, 2)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::tanh_backward(in[0], in[1]);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, TanhBackwardGrad, testing::ValuesIn(binary_shape_cases()),
                         binary_case_name);

TEST(TanhBackward, RejectsShapesThatDoNotBroadcast) {
  const Tensor g = nabla::ones({3, 4});
  const Tensor y = nabla::ones({3});
  EXPECT_THROW(nabla::tanh_backward(g, y), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::tanh_backward(g, y); }),
              AllOf(HasSubstr("nabla::tanh_backward"), HasSubstr("[3, 4]"), HasSubstr("[3]")));
}

TEST(TanhBackward, RejectsMixedDtypes) {
  const Tensor g = nabla::ones({2}, nabla::f64);
  const Tensor y = nabla::ones({2}, nabla::f32);
  EXPECT_THROW(nabla::tanh_backward(g, y), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::tanh_backward(g, y); }),
              AllOf(HasSubstr("nabla::tanh_backward"), HasSubstr("float32"), HasSubstr("float64")));
}

TEST(TanhBackward, RejectsUndefinedOperands) {
  EXPECT_THROW(nabla::tanh_backward(Tensor(), nabla::ones({2})), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::tanh_backward(nabla::ones({2}), Tensor()); }),
              HasSubstr("nabla::tanh_backward"));
}

TEST(TanhBackward, InfinityAndNanFlowThrough) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor g = nabla::tensor({kNaN, 1.0, kInf}, d);
    const Tensor y = nabla::tensor({0.5, kInf, 0.5}, d);
    // NaN·¾ = NaN, 1·(1 - inf) = -inf, inf·¾ = inf
    expect_tensor(nabla::tanh_backward(g, y), {3}, {kNaN, -kInf, kInf}, d);
  }
}

TEST(TanhBackward, Float32AgreesWithFloat64) {
  expect_f32_matches_f64(
      [](const std::vector<Tensor>& in) { return nabla::tanh_backward(in[0], in[1]); },
      {normal({3, 4}, 11), uniform({3, 4}, -1.0, 1.0, 12)});
}

}  // namespace
}  // namespace test_tanh_backward
