// Tests of ops/logical_not.cpp: elementwise negation of truth, any dtype in, bool out.

#include "ops/op_test_util.hpp"

namespace test_logical_not {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

TEST(LogicalNot, ByHandInEveryDtype) {
  // not [0, 1, 3, 0] = [1, 0, 0, 1]
  for (Dtype d : {nabla::f32, nabla::f64, nabla::i64, nabla::i32, nabla::u8, nabla::bool_}) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::logical_not(nabla::tensor({{0.0, 1.0}, {3.0, 0.0}}, d)), {2, 2},
                  {1, 0, 0, 1}, nabla::bool_);
  }
}

TEST(LogicalNot, NaNAndNegativeZero) {
  // NaN is nonzero (true), -0.0 is zero (false)
  expect_tensor(nabla::logical_not(nabla::tensor({kNaN, -0.0, -2.0}, nabla::f64)), {3}, {0, 1, 0},
                nabla::bool_);
}

TEST(LogicalNot, ScalarAndEmpty) {
  expect_tensor(nabla::logical_not(nabla::scalar_tensor(0.0, nabla::i64)), {}, {1}, nabla::bool_);
  expect_tensor(nabla::logical_not(nabla::zeros({0, 3})), {0, 3}, {}, nabla::bool_);
}

TEST(LogicalNot, RejectsUndefined) {
  EXPECT_THAT(message_of([] { (void)nabla::logical_not(Tensor()); }),
              HasSubstr("nabla::logical_not"));
}

}  // namespace
}  // namespace test_logical_not
