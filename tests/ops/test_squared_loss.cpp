// Tests of ops/squared_loss.cpp: ½·Σ(o − y)², the tutorial's loss.

#include "ops/op_test_util.hpp"

namespace test_squared_loss {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(SquaredLoss, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor o = nabla::tensor({1.0, 2.0, 3.0}, d);
    const Tensor y = nabla::tensor({0.0, 2.0, 5.0}, d);
    // ½·(1² + 0² + (-2)²) = ½·5 = 2.5
    expect_tensor(nabla::squared_loss(o, y), {}, {2.5}, d);
    // matrices: ½·(0.5² + 1.5² + 1² + 0²) = ½·(0.25 + 2.25 + 1) = 1.75
    expect_tensor(nabla::squared_loss(nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, d),
                                      nabla::tensor({{0.5, 0.5}, {4.0, 4.0}}, d)),
                  {}, {1.75}, d);
    // 0-d: ½·(3 - 1)² = 2
    expect_tensor(nabla::squared_loss(nabla::scalar_tensor(3.0, d), nabla::scalar_tensor(1.0, d)),
                  {}, {2}, d);
  }
}

TEST(SquaredLoss, ZeroWhenOutputMatchesTarget) {
  const Tensor o = nabla::tensor({1.5, -2.0}, nabla::f64);
  expect_tensor(nabla::squared_loss(o, o), {}, {0}, nabla::f64);
}

TEST(SquaredLoss, GradientsByHand) {
  Tensor o = nabla::tensor({1.0, 2.0, 3.0}, nabla::f64).requires_grad_();
  Tensor y = nabla::tensor({0.0, 2.0, 5.0}, nabla::f64).requires_grad_();
  nabla::squared_loss(o, y).backward();
  // ∂/∂o = o - y, ∂/∂y = y - o
  expect_tensor(o.grad(), {3}, {1, 0, -2}, nabla::f64);
  expect_tensor(y.grad(), {3}, {-1, 0, 2}, nabla::f64);
}

TEST(SquaredLoss, GradientScalesWithTheOutputGradient) {
  Tensor o = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  const Tensor y = nabla::tensor({0.0, 4.0}, nabla::f64);
  nabla::squared_loss(o, y).backward(nabla::scalar_tensor(3.0, nabla::f64));
  // 3·(o - y) = [3, -6]
  expect_tensor(o.grad(), {2}, {3, -6}, nabla::f64);
}

class SquaredLossGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(SquaredLossGrad, MatchesFiniteDifferences) {
  const Shape& s = GetParam().shape;
  // a quadratic is smooth everywhere: any values will do (o ≠ y almost surely)
  const std::vector<Tensor> inputs = {normal(s, 1), normal(s, 2)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::squared_loss(in[0], in[1]);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

// the loss takes equal shapes only: same-shape cases of each rank
INSTANTIATE_TEST_SUITE_P(Shapes, SquaredLossGrad,
                         testing::Values(UnaryShape{"Batch_4x3", {4, 3}},
                                         UnaryShape{"Vector_5", {5}}, UnaryShape{"Scalar", {}},
                                         UnaryShape{"Rank3_2x3x4", {2, 3, 4}}),
                         unary_case_name);

TEST(SquaredLoss, RejectsDifferentShapesWithoutBroadcasting) {
  const Tensor o = nabla::ones({4, 3});
  const Tensor y = nabla::ones({3});
  EXPECT_THROW(nabla::squared_loss(o, y), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::squared_loss(o, y); }),
              AllOf(HasSubstr("nabla::squared_loss"), HasSubstr("[4, 3]"), HasSubstr("[3]")));
  // [4,1] against [4] would broadcast to [4,4]: a classic silent bug, so it throws
  const Tensor col = nabla::ones({4, 1});
  const Tensor vec = nabla::ones({4});
  EXPECT_THROW(nabla::squared_loss(col, vec), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::squared_loss(col, vec); }),
              AllOf(HasSubstr("nabla::squared_loss"), HasSubstr("[4, 1]"), HasSubstr("[4]")));
}

TEST(SquaredLoss, RejectsMixedDtypes) {
  const Tensor o = nabla::ones({3}, nabla::f32);
  const Tensor y = nabla::ones({3}, nabla::f64);
  EXPECT_THROW(nabla::squared_loss(o, y), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::squared_loss(o, y); }),
              AllOf(HasSubstr("nabla::squared_loss"), HasSubstr("float32"), HasSubstr("float64")));
}

TEST(SquaredLoss, RejectsUndefinedOperands) {
  EXPECT_THROW(nabla::squared_loss(Tensor(), nabla::ones({2})), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::squared_loss(nabla::ones({2}), Tensor()); }),
              HasSubstr("nabla::squared_loss"));
}

TEST(SquaredLoss, InfinityAndNanFlowThrough) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // ½·(inf - 1)² = inf, a NaN anywhere gives NaN, inf - inf = NaN
    expect_tensor(nabla::squared_loss(nabla::tensor({kInf, 1.0}, d), nabla::tensor({1.0, 1.0}, d)),
                  {}, {kInf}, d);
    expect_tensor(nabla::squared_loss(nabla::tensor({kNaN, 1.0}, d), nabla::tensor({1.0, 1.0}, d)),
                  {}, {kNaN}, d);
    expect_tensor(nabla::squared_loss(nabla::tensor({kInf}, d), nabla::tensor({kInf}, d)), {},
                  {kNaN}, d);
  }
}

TEST(SquaredLoss, Float32AgreesWithFloat64) {
  expect_f32_matches_f64(
      [](const std::vector<Tensor>& in) { return nabla::squared_loss(in[0], in[1]); },
      {normal({8, 5}, 11), normal({8, 5}, 12)});
}

}  // namespace
}  // namespace test_squared_loss
