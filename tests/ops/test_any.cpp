// Tests of ops/any.cpp: whether some element is nonzero.

#include "ops/op_test_util.hpp"

namespace test_any {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   torch.any(torch.tensor([[0,0],[0,3]]), 0, keepdim=True) → [[False, True]];
//   torch.any(torch.tensor([0., -0.])) → False; torch.any(torch.zeros(0)) → False;
//   torch.any(torch.tensor([True, False])) → True; torch.any(torch.tensor([0, 2],
//   dtype=torch.uint8)) → tensor(1, dtype=torch.uint8)
TEST(Any, MatchesPyTorch) {
  expect_tensor(nabla::any(nabla::tensor({{0, 0}, {0, 3}}, nabla::i64), 0, true), {1, 2}, {0, 1},
                nabla::bool_);
  expect_tensor(nabla::any(nabla::tensor({0.0, -0.0})), {}, {0}, nabla::bool_);
  expect_tensor(nabla::any(nabla::tensor({0.0, kNaN}, nabla::f64)), {}, {1}, nabla::bool_);
  expect_tensor(nabla::any(nabla::zeros({0})), {}, {0}, nabla::bool_);
  expect_tensor(nabla::any(nabla::tensor({1, 0}, nabla::bool_)), {}, {1}, nabla::bool_);
  expect_tensor(nabla::any(nabla::tensor({0, 2}, nabla::u8)), {}, {1}, nabla::u8);
}

TEST(Any, Views) {
  const Tensor base = nabla::tensor({{0.0, 0.0, 2.0}, {0.0, 4.0, 0.0}}, nabla::f64);
  expect_tensor(nabla::any(base.t(), 1), {3}, {0, 1, 1}, nabla::bool_);
  expect_tensor(nabla::any(base.slice(1, 0, 3, 2), 1), {2}, {1, 0}, nabla::bool_);
}

TEST(Any, RejectsBadDims) {
  EXPECT_THROW(nabla::any(nabla::zeros({2, 2}), -3), std::out_of_range);
  EXPECT_THAT(message_of([] { nabla::any(nabla::zeros({2, 2}), -3); }),
              AllOf(HasSubstr("nabla::any"), HasSubstr("axis -3")));
}

}  // namespace
}  // namespace test_any
