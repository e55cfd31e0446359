// The engine with multi-output nodes (MultiOutputNode, record_outputs): each output's
// gradient reaches its own slot of the rule, undefined when it got none; nabla::grad and
// retain_grad work on any output; a rule is checked as a single-output one is.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nabla/nabla.hpp>

#include "ops/op_test_util.hpp"

namespace {

using namespace nabla_test;
using testing::HasSubstr;

// (2x, 3x) from one node; the rule records which gradients arrived.
struct TwoNode : nabla::MultiOutputNode {
  TwoNode() : MultiOutputNode("two") {}
  static inline std::vector<bool> seen;
  std::vector<Tensor> backward(const std::vector<Tensor>& g) override {
    seen = {g[0].defined(), g[1].defined()};
    return {grad_or_zeros(g, 0) * 2.0 + grad_or_zeros(g, 1) * 3.0};
  }
};

std::vector<Tensor> two(const Tensor& x) {
  std::vector<double> a = x.to_vector(), b = a;
  for (double& v : a) v *= 2.0;
  for (double& v : b) v *= 3.0;
  std::vector<Tensor> out{nabla::tensor(a, x.shape(), x.dtype()),
                          nabla::tensor(b, x.shape(), x.dtype())};
  nabla::record_outputs<TwoNode>(out, {x});
  return out;
}

TEST(MultiOutput, EachOutputsGradientReachesItsSlot) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  auto out = two(x);
  EXPECT_EQ(out[0].grad_fn(), out[1].grad_fn());
  EXPECT_EQ(out[1].grad_fn()->num_outputs(), 2u);
  nabla::sum(out[1]).backward();
  EXPECT_EQ(TwoNode::seen, (std::vector<bool>{false, true}));  // output 0 got none
  expect_tensor(x.grad(), {2}, {3, 3}, nabla::f64);
  x.zero_grad();
  auto again = two(x);
  (nabla::sum(again[0] * again[1])).backward();  // both: 2·(3x) + 3·(2x) = 12x
  EXPECT_EQ(TwoNode::seen, (std::vector<bool>{true, true}));
  expect_tensor(x.grad(), {2}, {12, 24}, nabla::f64);
}

TEST(MultiOutput, GradOfAnyOutputAndRetainGrad) {
  Tensor x = nabla::tensor({1.0, 2.0, 3.0, 4.0}, nabla::f64).requires_grad_();
  auto parts = nabla::split(x * 1.0, 2);
  parts[1].retain_grad();
  const Tensor loss = nabla::sum(parts[0] * 2.0) + nabla::sum(parts[1] * parts[1]);
  const auto g = nabla::grad({loss}, {parts[1], parts[0]}, {}, true);
  expect_tensor(g[0], {2}, {6, 8}, nabla::f64);
  expect_tensor(g[1], {2}, {2, 2}, nabla::f64);
  EXPECT_FALSE(parts[1].grad().defined());  // nabla::grad writes no grad, as autograd.grad
  loss.backward();
  expect_tensor(parts[1].grad(), {2}, {6, 8}, nabla::f64);
  EXPECT_FALSE(parts[0].grad().defined());
  expect_tensor(x.grad(), {4}, {2, 2, 6, 8}, nabla::f64);
}

TEST(MultiOutput, SecondDerivativesFlowThroughTheRule) {
  Tensor x = nabla::tensor({1.0, 2.0, 3.0}, nabla::f64).requires_grad_();
  const auto parts = nabla::unbind(x * x, 0);  // x₀², x₁², x₂²
  const Tensor y = parts[0] * parts[2];        // x₀² x₂²
  const Tensor gx = nabla::grad({y}, {x}, {}, std::nullopt, true)[0];
  expect_tensor(gx, {3}, {2 * 1 * 9, 0, 2 * 3 * 1}, nabla::f64);
  const Tensor h0 = nabla::grad({gx.select(0, 0)}, {x})[0];  // ∂(2x₀x₂²)/∂x = (2x₂², 0, 4x₀x₂)
  expect_tensor(h0, {3}, {18, 0, 12}, nabla::f64);
}

struct WrongCountNode : nabla::MultiOutputNode {
  WrongCountNode() : MultiOutputNode("wrong_count") {}
  std::vector<Tensor> backward(const std::vector<Tensor>&) override { return {}; }
};

TEST(MultiOutput, ARuleIsCheckedAsAnyOther) {
  Tensor x = nabla::ones({2}, nabla::f64).requires_grad_();
  std::vector<Tensor> out{x.detach() * 1.0, x.detach() * 1.0};
  nabla::record_outputs<WrongCountNode>(out, {x});
  EXPECT_THAT(message_of([&] { nabla::sum(out[1]).backward(); }),
              HasSubstr("'wrong_count' returned 0 gradients for 1 inputs"));
}

TEST(MultiOutput, NothingIsRecordedWithoutGrad) {
  const Tensor x = nabla::ones({2});
  auto out = two(x);
  EXPECT_FALSE(out[0].requires_grad());
  Tensor y = nabla::ones({2}).requires_grad_();
  nabla::NoGradGuard g;
  EXPECT_FALSE(two(y)[1].requires_grad());
}

TEST(MultiOutput, AnomalyModeChecksEveryOutput) {
  nabla::DetectAnomalyGuard guard;
  Tensor x = nabla::tensor({1.0, INFINITY}, nabla::f64).requires_grad_();
  EXPECT_THAT(message_of([&] { two(x); }), HasSubstr("two"));
}

}  // namespace
