// Tests of ops/clamp.cpp: min(max(x, lo), hi).

#include "ops/op_test_util.hpp"

namespace test_clamp {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(Clamp, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // into [−1, 2]: −3 → −1, 0.5 stays, 5 → 2, the bounds stay
    expect_tensor(nabla::clamp(nabla::tensor({{-3.0, 0.5}, {5.0, 2.0}}, d), -1.0, 2.0), {2, 2},
                  {-1, 0.5, 2, 2}, d);
    expect_tensor(nabla::clamp(nabla::scalar_tensor(-0.25, d), 0.0, 1.0), {}, {0}, d);
    expect_tensor(nabla::clamp(nabla::tensor({-kInf, kInf, kNaN}, d), -1.0, 1.0), {3},
                  {-1, 1, kNaN}, d);
  }
}

TEST(Clamp, GradientPassesOnlyInsideTheBounds) {
  Tensor x = nabla::tensor({-3.0, 0.5, 5.0, 1.5}, nabla::f64).requires_grad_();
  nabla::clamp(x, -1.0, 2.0).backward(nabla::tensor({1.0, 2.0, 3.0, 4.0}, nabla::f64));
  // clamped below, inside, clamped above, inside
  expect_tensor(x.grad(), {4}, {0, 2, 0, 4}, nabla::f64);
  EXPECT_EQ(nabla::clamp(x, -1.0, 2.0).grad_fn()->name(), "clamp");
}

// Values in three bands, none within 0.2 of the bounds ±0.5 (finite differences must
// not cross a bound): below, inside, above, in turn.
Tensor banded(const Shape& shape, std::uint64_t seed) {
  const Tensor u = uniform(shape, 0.0, 1.0, seed);
  std::vector<double> v = u.to_vector();
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::size_t band = (i + 1) % 3;  // the first (a scalar) inside
    v[i] = band == 0 ? -0.7 - 0.8 * v[i] : (band == 1 ? -0.3 + 0.6 * v[i] : 0.7 + 0.8 * v[i]);
  }
  return nabla::tensor(v, shape, nabla::f64);
}

class ClampGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(ClampGrad, MatchesFiniteDifferences) {
  const std::vector<Tensor> inputs = {banded(GetParam().shape, 1)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::clamp(in[0], -0.5, 0.5);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, ClampGrad, testing::ValuesIn(unary_shape_cases()),
                         unary_case_name);

TEST(Clamp, RejectsLowerBoundAboveUpper) {
  const Tensor x = nabla::ones({2, 3});
  EXPECT_THROW(nabla::clamp(x, 1.0, -1.0), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::clamp(x, 1.0, -1.0); }),
              AllOf(HasSubstr("nabla::clamp"), HasSubstr("[2, 3]")));
}

TEST(Clamp, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::clamp(Tensor(), 0.0, 1.0), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::clamp(Tensor(), 0.0, 1.0); }), HasSubstr("nabla::clamp"));
}

TEST(Clamp, Float32AgreesWithFloat64) {
  expect_f32_matches_f64(
      [](const std::vector<Tensor>& in) { return nabla::clamp(in[0], -0.5, 0.5); },
      {normal({3, 4}, 11)});
}

}  // namespace
}  // namespace test_clamp
