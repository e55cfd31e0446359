// Tests of ops/slice_backward.cpp: the gradient of select/narrow/slice scattered into zeros,
// itself differentiable (its rule is the same view of its gradient).

#include "ops/op_test_util.hpp"

namespace test_slice_backward {
namespace {

using namespace nabla_test;
using testing::HasSubstr;

TEST(SliceBackward, SecondDerivativesThroughViews) {
  // f = Σ narrow(x)³: the Hessian-vector product goes through slice_backward's own rule
  for (const Shape& s : {Shape{3, 4}, Shape{2, 3, 4}}) {
    SCOPED_TRACE(nabla::shape_str(s));
    const nabla::Function fn = [](const std::vector<Tensor>& in) {
      const Tensor b = in[0].narrow(-1, 1, 2).select(0, 0);
      return b * b * b;
    };
    expect_gradients_match(fn, {normal(s, 21)});
  }
}

TEST(SliceBackward, CreateGraphGradientIsDifferentiable) {
  Tensor x = nabla::tensor({1.0, 2.0, 3.0, 4.0}, nabla::f64).requires_grad_();
  const Tensor y = (x.slice(0, 0, std::nullopt, 2).pow(2.0)).sum();  // x0² + x2²
  const auto g = nabla::grad({y}, {x}, {}, std::nullopt, /*create_graph=*/true);
  expect_tensor(g[0], {4}, {2, 0, 6, 0}, nabla::f64);
  ASSERT_TRUE(g[0].requires_grad());
  const auto h = nabla::grad({g[0].sum()}, {x});
  expect_tensor(h[0], {4}, {2, 0, 2, 0}, nabla::f64);
}

TEST(SliceBackward, RegistryEntryRejectsAMisshapedGradient) {
  const nabla::OpInfo* op = nabla::op_registry().find("slice_backward");
  ASSERT_NE(op, nullptr);
  EXPECT_THAT(message_of([&] {
                op->fn({nabla::ones({3, 4}, nabla::f64)});
              }),
              HasSubstr("nabla::slice_backward"));
}

}  // namespace
}  // namespace test_slice_backward
