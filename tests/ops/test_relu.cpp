// Tests of ops/relu.cpp: max(x, 0).

#include "ops/op_test_util.hpp"

namespace test_relu {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

TEST(Relu, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{-2.0, -0.5}, {0.5, 3.0}}, d);
    // negatives become 0, positives stay
    expect_tensor(nabla::relu(x), {2, 2}, {0, 0, 0.5, 3}, d);
    expect_tensor(nabla::relu(nabla::scalar_tensor(-1.0, d)), {}, {0}, d);
    expect_tensor(nabla::relu(nabla::scalar_tensor(0.0, d)), {}, {0}, d);
  }
}

TEST(Relu, GradientIsOneWherePositiveElseZero) {
  Tensor x = nabla::tensor({-2.0, 0.5, 3.0, -0.1}, nabla::f64).requires_grad_();
  nabla::sum(nabla::relu(x)).backward();
  expect_tensor(x.grad(), {4}, {0, 1, 1, 0}, nabla::f64);
}

TEST(Relu, GradientAtTheKinkIsZero) {
  // the subgradient at 0 is taken as 0, as PyTorch does
  Tensor x = nabla::tensor({0.0}, nabla::f64).requires_grad_();
  nabla::sum(nabla::relu(x)).backward();
  expect_tensor(x.grad(), {1}, {0}, nabla::f64);
}

TEST(Relu, GradientPassesTheOutputGradientThrough) {
  Tensor x = nabla::tensor({1.0, -1.0, 2.0}, nabla::f64).requires_grad_();
  nabla::relu(x).backward(nabla::tensor({5.0, 6.0, -7.0}, nabla::f64));
  // grad_out where x > 0
  expect_tensor(x.grad(), {3}, {5, 0, -7}, nabla::f64);
}

class ReluGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(ReluGrad, MatchesFiniteDifferences) {
  // away from the kink at 0 (|x| ≥ 0.25), where finite differences straddle two slopes;
  // signs alternate starting positive, so the gradient is never zero everywhere
  const std::vector<Tensor> inputs = {away_from_zero(GetParam().shape, 1)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::relu(in[0]); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, ReluGrad, testing::ValuesIn(unary_shape_cases()), unary_case_name);

TEST(Relu, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::relu(Tensor()), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::relu(Tensor()); }), HasSubstr("nabla::relu"));
}

TEST(Relu, InfinityAndNanFlowThrough) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // relu(inf) = inf, relu(-inf) = 0, relu(NaN) = NaN (NaN is not clamped to 0)
    expect_tensor(nabla::relu(nabla::tensor({kInf, -kInf, kNaN}, d)), {3}, {kInf, 0, kNaN}, d);
  }
}

TEST(Relu, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return nabla::relu(in[0]); },
                         {normal({3, 4}, 11)});
}

}  // namespace
}  // namespace test_relu
