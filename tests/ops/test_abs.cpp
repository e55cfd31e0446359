// Tests of ops/abs.cpp: |x|.

#include "ops/op_test_util.hpp"

namespace test_abs {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

TEST(Abs, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::abs(nabla::tensor({{-1.5, 2.0}, {0.0, -0.25}}, d)), {2, 2},
                  {1.5, 2.0, 0.0, 0.25}, d);
    expect_tensor(nabla::abs(nabla::scalar_tensor(-3.0, d)), {}, {3}, d);
    expect_tensor(nabla::abs(nabla::tensor({-kInf, kNaN}, d)), {2}, {kInf, kNaN}, d);
  }
}

TEST(Abs, GradientIsSignOfX) {
  Tensor x = nabla::tensor({-2.0, 0.5, 0.0}, nabla::f64).requires_grad_();
  nabla::abs(x).backward(nabla::tensor({3.0, 3.0, 3.0}, nabla::f64));
  // 3·sign(x): −3, 3, and 0 at the kink
  expect_tensor(x.grad(), {3}, {-3, 3, 0}, nabla::f64);
  EXPECT_EQ(nabla::abs(x).grad_fn()->name(), "abs");
}

class AbsGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(AbsGrad, MatchesFiniteDifferences) {
  // |x| ≥ 0.25: finite differences must not straddle the kink at 0
  const std::vector<Tensor> inputs = {away_from_zero(GetParam().shape, 1)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::abs(in[0]); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, AbsGrad, testing::ValuesIn(unary_shape_cases()), unary_case_name);

TEST(Abs, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::abs(Tensor()), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::abs(Tensor()); }), HasSubstr("nabla::abs"));
}

TEST(Abs, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return nabla::abs(in[0]); },
                         {normal({3, 4}, 11)});
}

}  // namespace
}  // namespace test_abs
