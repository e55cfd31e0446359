// Tests of ops/mse_loss.cpp: mean((o − y)²), PyTorch's mse_loss with reduction 'mean'.

#include "ops/op_test_util.hpp"

namespace test_mse_loss {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(MseLoss, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor o = nabla::tensor({1.0, 2.0, 3.0}, d);
    const Tensor y = nabla::tensor({0.0, 2.0, 5.0}, d);
    // (1² + 0² + (-2)²)/3 = 5/3
    expect_tensor(nabla::mse_loss(o, y), {}, {1.6666666666666667}, d);
    // (0.5² + 1.5² + 1² + 0²)/4 = 3.5/4 = 0.875
    expect_tensor(nabla::mse_loss(nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, d),
                                  nabla::tensor({{0.5, 0.5}, {4.0, 4.0}}, d)),
                  {}, {0.875}, d);
    // 0-d: (3 - 1)² / 1 = 4
    expect_tensor(nabla::mse_loss(nabla::scalar_tensor(3.0, d), nabla::scalar_tensor(1.0, d)), {},
                  {4}, d);
  }
}

TEST(MseLoss, IsTwiceSquaredLossOverCount) {
  const Tensor o = normal({4, 3}, 1);
  const Tensor y = normal({4, 3}, 2);
  const double mse = nabla::mse_loss(o, y).item<double>();
  const double half_sse = nabla::squared_loss(o, y).item<double>();
  EXPECT_NEAR(mse, 2.0 * half_sse / 12.0, 1e-12);
}

TEST(MseLoss, GradientsByHand) {
  Tensor o = nabla::tensor({1.0, 2.0, 3.0}, nabla::f64).requires_grad_();
  Tensor y = nabla::tensor({0.0, 2.0, 5.0}, nabla::f64).requires_grad_();
  nabla::mse_loss(o, y).backward();
  // ∂/∂o = 2(o - y)/3 = [2/3, 0, -4/3]; ∂/∂y is its negative
  expect_tensor(o.grad(), {3}, {0.6666666666666666, 0, -1.3333333333333333}, nabla::f64);
  expect_tensor(y.grad(), {3}, {-0.6666666666666666, 0, 1.3333333333333333}, nabla::f64);
}

TEST(MseLoss, GradientScalesWithTheOutputGradient) {
  Tensor o = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  const Tensor y = nabla::tensor({0.0, 4.0}, nabla::f64);
  nabla::mse_loss(o, y).backward(nabla::scalar_tensor(3.0, nabla::f64));
  // 3·2(o - y)/2 = 3·[1, -2] = [3, -6]
  expect_tensor(o.grad(), {2}, {3, -6}, nabla::f64);
}

class MseLossGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(MseLossGrad, MatchesFiniteDifferences) {
  const Shape& s = GetParam().shape;
  // a quadratic is smooth everywhere: any values will do (o ≠ y almost surely)
  const std::vector<Tensor> inputs = {normal(s, 1), normal(s, 2)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::mse_loss(in[0], in[1]);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

// the loss takes equal shapes only: same-shape cases of each rank
INSTANTIATE_TEST_SUITE_P(Shapes, MseLossGrad,
                         testing::Values(UnaryShape{"Batch_4x3", {4, 3}},
                                         UnaryShape{"Vector_5", {5}}, UnaryShape{"Scalar", {}},
                                         UnaryShape{"Rank3_2x3x4", {2, 3, 4}}),
                         unary_case_name);

TEST(MseLoss, RejectsDifferentShapesWithoutBroadcasting) {
  const Tensor o = nabla::ones({4, 3});
  const Tensor y = nabla::ones({3});
  EXPECT_THROW(nabla::mse_loss(o, y), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::mse_loss(o, y); }),
              AllOf(HasSubstr("nabla::mse_loss"), HasSubstr("[4, 3]"), HasSubstr("[3]")));
  const Tensor col = nabla::ones({4, 1});
  const Tensor vec = nabla::ones({4});
  EXPECT_THROW(nabla::mse_loss(col, vec), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::mse_loss(col, vec); }),
              AllOf(HasSubstr("nabla::mse_loss"), HasSubstr("[4, 1]"), HasSubstr("[4]")));
}

TEST(MseLoss, RejectsMixedDtypes) {
  const Tensor o = nabla::ones({3}, nabla::f64);
  const Tensor y = nabla::ones({3}, nabla::f32);
  EXPECT_THROW(nabla::mse_loss(o, y), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::mse_loss(o, y); }),
              AllOf(HasSubstr("nabla::mse_loss"), HasSubstr("float32"), HasSubstr("float64")));
}

TEST(MseLoss, RejectsUndefinedOperands) {
  EXPECT_THROW(nabla::mse_loss(Tensor(), nabla::ones({2})), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::mse_loss(nabla::ones({2}), Tensor()); }),
              HasSubstr("nabla::mse_loss"));
}

TEST(MseLoss, InfinityAndNanFlowThrough) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::mse_loss(nabla::tensor({kInf, 1.0}, d), nabla::tensor({1.0, 1.0}, d)), {},
                  {kInf}, d);
    expect_tensor(nabla::mse_loss(nabla::tensor({kNaN, 1.0}, d), nabla::tensor({1.0, 1.0}, d)), {},
                  {kNaN}, d);
  }
}

TEST(MseLoss, Float32AgreesWithFloat64) {
  expect_f32_matches_f64(
      [](const std::vector<Tensor>& in) { return nabla::mse_loss(in[0], in[1]); },
      {normal({8, 5}, 11), normal({8, 5}, 12)});
}

}  // namespace
}  // namespace test_mse_loss
