// Tests of ops/logical_and.cpp: elementwise logical "and" of any dtypes, as a bool tensor.

#include "ops/op_test_util.hpp"

namespace test_logical_and {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

TEST(LogicalAnd, TruthTableInEveryDtype) {
  // [0, 0, 1, 1] and [0, 1, 0, 1]
  for (Dtype d : {nabla::f32, nabla::f64, nabla::i64, nabla::i32, nabla::u8, nabla::bool_}) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::logical_and(nabla::tensor({0.0, 0.0, 1.0, 1.0}, d),
                                     nabla::tensor({0.0, 1.0, 0.0, 1.0}, d)),
                  {4}, {0, 0, 0, 1}, nabla::bool_);
  }
}

TEST(LogicalAnd, NonzeroIsTrueAcrossDtypesWithBroadcasting) {
  // [[0], [2]] (int64) and [0, -1.5, 0.25] (float64): no promotion needed, 2, -1.5 and
  // 0.25 are all true
  const Tensor a = nabla::tensor({{0.0}, {2.0}}, nabla::i64);
  const Tensor b = nabla::tensor({0.0, -1.5, 0.25}, nabla::f64);
  expect_tensor(nabla::logical_and(a, b), {2, 3}, {0, 0, 0, 0, 1, 1}, nabla::bool_);
  // float32 with float64 is fine here (only tested against zero)
  expect_tensor(nabla::logical_and(a.to(nabla::f32), b), {2, 3}, {0, 0, 0, 0, 1, 1}, nabla::bool_);
}

TEST(LogicalAnd, RejectsShapesThatDoNotBroadcast) {
  EXPECT_THAT(message_of([] {
                (void)nabla::logical_and(nabla::zeros({2, 3}), nabla::zeros({2}));
              }),
              HasSubstr("nabla::logical_and"));
}

TEST(LogicalAnd, RejectsUndefined) {
  EXPECT_THAT(message_of([] { (void)nabla::logical_and(Tensor(), nabla::zeros({2})); }),
              HasSubstr("nabla::logical_and"));
}

}  // namespace
}  // namespace test_logical_and
