// Tests of ops/masked_fill.cpp: x with a value where a bool mask is true, its gradient in x.

#include "ops/op_test_util.hpp"

namespace test_masked_fill {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

Tensor mask(const std::vector<double>& v, const Shape& shape) {
  return nabla::tensor(v, shape, nabla::bool_);
}

TEST(MaskedFill, ForwardByHandInEveryDtype) {
  for (Dtype d : {nabla::f32, nabla::f64, nabla::i64, nabla::i32, nabla::u8}) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({1.0, 2.0, 3.0, 4.0}, d);
    // mask [0, 1, 1, 0] with 9: [1, 9, 9, 4]
    expect_tensor(nabla::masked_fill(x, mask({0, 1, 1, 0}, {4}), 9.0), {4}, {1, 9, 9, 4}, d);
  }
}

TEST(MaskedFill, MaskBroadcastsToX) {
  // mask [3] over x [2,3]: column 1 filled in both rows
  const Tensor x = nabla::arange(0.0, 6.0, 1.0, nabla::f64).reshape({2, 3});
  expect_tensor(nabla::masked_fill(x, mask({0, 1, 0}, {3}), -1.0), {2, 3}, {0, -1, 2, 3, -1, 5},
                nabla::f64);
  // mask [2,1]: row 1 filled
  expect_tensor(nabla::masked_fill(x, mask({0, 1}, {2, 1}), kInf), {2, 3},
                {0, 1, 2, kInf, kInf, kInf}, nabla::f64);
}

TEST(MaskedFill, ValueTakesXsDtype) {
  // into int64 a fraction truncates toward zero, as a fill does
  expect_tensor(nabla::masked_fill(nabla::tensor({1.0, 2.0}, nabla::i64), mask({1, 0}, {2}), -2.7),
                {2}, {-2, 2}, nabla::i64);
  // into a bool tensor nonzero is true
  expect_tensor(nabla::masked_fill(nabla::tensor({0.0, 0.0}, nabla::bool_), mask({1, 0}, {2}), 3.0),
                {2}, {1, 0}, nabla::bool_);
  // a value past uint8's range is refused
  EXPECT_THAT(message_of([] {
                (void)nabla::masked_fill(nabla::zeros({2}, nabla::u8), mask({1, 0}, {2}), 300.0);
              }),
              HasSubstr("nabla::masked_fill"));
}

TEST(MaskedFill, GradientByHand) {
  Tensor x = nabla::tensor({1.0, 2.0, 3.0}, nabla::f64).requires_grad_();
  const Tensor w = nabla::tensor({10.0, 20.0, 30.0}, nabla::f64);
  // filled entries get no gradient
  nabla::sum(w * nabla::masked_fill(x, mask({0, 1, 0}, {3}), 5.0)).backward();
  expect_tensor(x.grad(), {3}, {10, 0, 30}, nabla::f64);
}

class MaskedFillGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(MaskedFillGrad, MatchesFiniteDifferences) {
  const Shape s = GetParam().shape;
  std::vector<double> m(static_cast<std::size_t>(nabla::shape_numel(s)));
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = i % 3 == 1 ? 1.0 : 0.0;
  const Tensor mk = mask(m, s);
  const nabla::Function fn = [mk](const std::vector<Tensor>& in) {
    return nabla::masked_fill(in[0], mk, 0.25);
  };
  expect_gradients_match(fn, {normal(s, 3)});
  expect_nonzero_gradient(fn, {normal(s, 3)});
}

INSTANTIATE_TEST_SUITE_P(Shapes, MaskedFillGrad, testing::ValuesIn(unary_shape_cases()),
                         unary_case_name);

TEST(MaskedFill, RejectsANonBoolMask) {
  EXPECT_THAT(
      message_of([] {
        (void)nabla::masked_fill(nabla::zeros({2}), nabla::tensor({1.0, 0.0}, nabla::u8), 1.0);
      }),
      HasSubstr("nabla::masked_fill: the mask must be a bool tensor, got uint8 [2]"));
}

TEST(MaskedFill, RejectsAMaskThatDoesNotBroadcastToX) {
  // [2,3] would broadcast with [3] the other way round, but the result must keep x's shape
  EXPECT_THAT(
      message_of([] {
        (void)nabla::masked_fill(nabla::zeros({3}), mask({1, 0, 1, 0, 1, 0}, {2, 3}), 1.0);
      }),
      HasSubstr("nabla::masked_fill: mask [2, 3] does not broadcast to the input's shape [3]"));
  EXPECT_THAT(message_of([] {
                (void)nabla::masked_fill(nabla::zeros({3}), mask({1, 0}, {2}), 1.0);
              }),
              HasSubstr("nabla::masked_fill"));
}

}  // namespace
}  // namespace test_masked_fill
