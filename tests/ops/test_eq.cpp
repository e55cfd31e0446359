// Tests of ops/eq.cpp: elementwise "equal" as a bool tensor, with broadcasting,
// dtype promotion, the scalar forms and operator==.

#include "ops/op_test_util.hpp"

namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

TEST(Eq, ForwardByHandInEveryDtype) {
  // [1, 2, 3] == [2, 2, 2]
  for (Dtype d : {nabla::f32, nabla::f64, nabla::i64, nabla::i32, nabla::u8}) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({1.0, 2.0, 3.0}, d);
    const Tensor b = nabla::tensor({2.0, 2.0, 2.0}, d);
    expect_tensor(nabla::eq(a, b), {3}, {0, 1, 0}, nabla::bool_);
    expect_tensor(a == b, {3}, {0, 1, 0}, nabla::bool_);
  }
}

TEST(Eq, BroadcastsBothSides) {
  // [[1], [2]] == [1, 2, 3]: result[i][j] = a[i] == b[j]
  const Tensor a = nabla::tensor({{1.0}, {2.0}}, nabla::i64);
  const Tensor b = nabla::tensor({1.0, 2.0, 3.0}, nabla::i64);
  expect_tensor(a == b, {2, 3}, {1, 0, 0, 0, 1, 0}, nabla::bool_);
}

TEST(Eq, PromotesMixedDtypes) {
  // int64 [1, 2, 3] against float32 [2.0, 2.0, 2.0] compares as float32
  const Tensor a = nabla::tensor({1.0, 2.0, 3.0}, nabla::i64);
  expect_tensor(nabla::eq(a, nabla::tensor({2.0, 2.0, 2.0})), {3}, {0, 1, 0}, nabla::bool_);
  // uint8 against int32 compares as int32
  expect_tensor(nabla::eq(a.to(nabla::u8), nabla::full({3}, 2.0, nabla::i32)), {3}, {0, 1, 0},
                nabla::bool_);
  // bool against int64: true is 1
  expect_tensor(nabla::eq(nabla::tensor({1.0, 1.0, 1.0}, nabla::bool_) +
                              nabla::tensor({0.0, 1.0, 2.0}, nabla::i64),
                          nabla::full({3}, 2.0, nabla::i64)),
                {3}, {0, 1, 0}, nabla::bool_);
}

TEST(Eq, ScalarForms) {
  const Tensor a = nabla::tensor({1.0, 2.0, 3.0}, nabla::i64);
  // a == 2 and 2 == a
  expect_tensor(a == 2.0, {3}, {0, 1, 0}, nabla::bool_);
  expect_tensor(2.0 == a, {3}, {0, 1, 0}, nabla::bool_);
  expect_tensor(nabla::eq(a, 2.0), {3}, {0, 1, 0}, nabla::bool_);
  // a fraction compares an integer tensor as float32: [1, 2, 3] == 2.5
  expect_tensor(a == 2.5, {3}, {0, 0, 0}, nabla::bool_);
}

TEST(Eq, NaNComparesAsIEEE) {
  const Tensor x = nabla::tensor({kNaN}, nabla::f64);
  expect_tensor(x == x, {1}, {0}, nabla::bool_);
}

TEST(Eq, ResultNeverRequiresGrad) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  const Tensor r = x == 1.5;
  EXPECT_FALSE(r.requires_grad());
  EXPECT_EQ(r.grad_fn(), nullptr);
}

TEST(Eq, RejectsShapesThatDoNotBroadcast) {
  EXPECT_THROW(nabla::eq(nabla::zeros({3, 4}), nabla::zeros({3})), std::invalid_argument);
  EXPECT_THAT(message_of([] {
                (void)nabla::eq(nabla::zeros({3, 4}), nabla::zeros({3}));
              }),
              HasSubstr("nabla::eq"));
}

TEST(Eq, RejectsFloat32WithFloat64) {
  const std::string m =
      message_of([] { (void)nabla::eq(nabla::zeros({2}), nabla::zeros({2}, nabla::f64)); });
  EXPECT_THAT(m, HasSubstr("nabla::eq: dtype mismatch: float32 [2] and float64 [2]"));
}

}  // namespace
