// Tests of ops/where.cpp: cond ? a : b with broadcasting of all three, dtype promotion of
// a and b, and its gradient in a and b.

#include "ops/op_test_util.hpp"

namespace test_where {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

Tensor mask(const std::vector<double>& v, const Shape& shape) {
  return nabla::tensor(v, shape, nabla::bool_);
}

TEST(Where, ForwardByHand) {
  for (Dtype d : {nabla::f32, nabla::f64, nabla::i64, nabla::i32, nabla::u8, nabla::bool_}) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({1.0, 1.0, 0.0, 1.0}, d);
    const Tensor b = nabla::tensor({0.0, 0.0, 1.0, 0.0}, d);
    // cond [1, 0, 1, 0] picks a[0], b[1], a[2], b[3]
    expect_tensor(nabla::where(mask({1, 0, 1, 0}, {4}), a, b), {4}, {1, 0, 0, 0}, d);
  }
}

TEST(Where, BroadcastsAllThree) {
  // cond [2,1], a [3], b [] → [2,3]: row 0 takes a, row 1 takes b
  const Tensor c = mask({1, 0}, {2, 1});
  const Tensor a = nabla::tensor({1.0, 2.0, 3.0}, nabla::f64);
  const Tensor b = nabla::scalar_tensor(-1.0, nabla::f64);
  expect_tensor(nabla::where(c, a, b), {2, 3}, {1, 2, 3, -1, -1, -1}, nabla::f64);
  // the condition alone may set the shape: cond [2,2], a and b []
  expect_tensor(nabla::where(mask({1, 0, 0, 1}, {2, 2}), b, nabla::scalar_tensor(5.0, nabla::f64)),
                {2, 2}, {-1, 5, 5, -1}, nabla::f64);
}

TEST(Where, PromotesTheBranches) {
  const Tensor c = mask({1, 0}, {2});
  // int64 and float32 → float32
  expect_tensor(nabla::where(c, nabla::tensor({7.0, 7.0}, nabla::i64), nabla::tensor({0.5, 0.5})),
                {2}, {7, 0.5}, nabla::f32);
  // uint8 and int32 → int32
  expect_tensor(
      nabla::where(c, nabla::full({2}, 200.0, nabla::u8), nabla::full({2}, -3.0, nabla::i32)), {2},
      {200, -3}, nabla::i32);
  // a number branch: the Python-scalar rule (int64 stays int64; a fraction gives float32)
  expect_tensor(nabla::where(c, nabla::tensor({4.0, 4.0}, nabla::i64), 0.0), {2}, {4, 0},
                nabla::i64);
  expect_tensor(nabla::where(c, 2.5, nabla::tensor({4.0, 4.0}, nabla::i64)), {2}, {2.5, 4},
                nabla::f32);
}

TEST(Where, GradientByHand) {
  Tensor a = nabla::tensor({1.0, 2.0, 3.0}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor({4.0, 5.0, 6.0}, nabla::f64).requires_grad_();
  const Tensor w = nabla::tensor({10.0, 20.0, 30.0}, nabla::f64);
  // d/da Σ w ⊙ where(c, a, b) = w where c, else 0; d/db the rest
  nabla::sum(w * nabla::where(mask({1, 0, 1}, {3}), a, b)).backward();
  expect_tensor(a.grad(), {3}, {10, 0, 30}, nabla::f64);
  expect_tensor(b.grad(), {3}, {0, 20, 0}, nabla::f64);
}

TEST(Where, GradientSumsOverBroadcastBranch) {
  Tensor a = nabla::tensor({1.0}, nabla::f64).requires_grad_();  // [1], broadcast to [4]
  // a receives the count of true entries
  nabla::sum(nabla::where(mask({1, 1, 0, 1}, {4}), a, 0.0)).backward();
  expect_tensor(a.grad(), {1}, {3}, nabla::f64);
}

class WhereGrad : public testing::TestWithParam<BinaryShapes> {};

TEST_P(WhereGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  const Shape s = nabla::broadcast_shapes(p.a, p.b, "test");
  // every other element true, so both branches get some gradient
  std::vector<double> c(static_cast<std::size_t>(nabla::shape_numel(s)));
  for (std::size_t i = 0; i < c.size(); ++i) c[i] = i % 2 == 0 ? 1.0 : 0.0;
  const Tensor cond = mask(c, s);
  const nabla::Function fn = [cond](const std::vector<Tensor>& in) {
    return nabla::where(cond, in[0], in[1]);
  };
  expect_gradients_match(fn, {normal(p.a, 1), normal(p.b, 2)});
  expect_nonzero_gradient(fn, {normal(p.a, 1), normal(p.b, 2)});
}

INSTANTIATE_TEST_SUITE_P(Shapes, WhereGrad, testing::ValuesIn(binary_shape_cases()),
                         binary_case_name);

TEST(Where, RejectsANonBoolCondition) {
  const std::string m = message_of([] {
    (void)nabla::where(nabla::tensor({1.0, 0.0}), nabla::zeros({2}), nabla::ones({2}));
  });
  EXPECT_THAT(m, HasSubstr("nabla::where: the condition must be a bool tensor, got float32 [2]"));
  EXPECT_THAT(message_of([] {
                (void)nabla::where(nabla::tensor({1.0, 0.0}, nabla::i64), nabla::zeros({2}), 0.0);
              }),
              HasSubstr("got int64 [2]"));
}

TEST(Where, RejectsShapesAndDtypesThatDoNotMix) {
  EXPECT_THAT(message_of([] {
                (void)nabla::where(mask({1, 0, 1}, {3}), nabla::zeros({2}), nabla::zeros({2}));
              }),
              HasSubstr("nabla::where"));
  EXPECT_THAT(
      message_of([] {
        (void)nabla::where(mask({1, 0}, {2}), nabla::zeros({2}), nabla::zeros({2}, nabla::f64));
      }),
      HasSubstr("nabla::where: dtype mismatch: float32 [2] and float64 [2]"));
}

}  // namespace
}  // namespace test_where
