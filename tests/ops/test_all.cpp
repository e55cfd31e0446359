// Tests of ops/all.cpp: whether every element is nonzero.

#include "ops/op_test_util.hpp"

namespace test_all {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   torch.all(torch.tensor([[1.,0.],[nan,2.]]), 1) → [False, True]; torch.all(torch.tensor([nan,
//   1.])) → True; torch.all(torch.zeros(0)) → True; torch.all(torch.tensor([[1,2],[3,0]],
//   dtype=torch.uint8), 1) → tensor([1, 0], dtype=torch.uint8)
TEST(All, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::all(nabla::tensor({{1.0, 0.0}, {kNaN, 2.0}}, d), 1), {2}, {0, 1},
                  nabla::bool_);
    expect_tensor(nabla::all(nabla::tensor({kNaN, 1.0}, d)), {}, {1}, nabla::bool_);
  }
  expect_tensor(nabla::all(nabla::zeros({0})), {}, {1}, nabla::bool_);
  expect_tensor(nabla::all(nabla::tensor({{1, 2}, {3, 0}}, nabla::u8), 1), {2}, {1, 0}, nabla::u8);
  expect_tensor(nabla::all(nabla::tensor({{1, 0}, {1, 1}}, nabla::i64), -1, true), {2, 1}, {0, 1},
                nabla::bool_);
  expect_tensor(nabla::all(nabla::tensor({1, 1}, nabla::bool_)), {}, {1}, nabla::bool_);
}

TEST(All, ViewsAndNoGradient) {
  Tensor base = nabla::tensor({{1.0, 0.0, 2.0}, {3.0, 4.0, 5.0}}, nabla::f64).requires_grad_();
  const Tensor t = base.t();  // [3,2]: columns of base
  expect_tensor(nabla::all(t, 1), {3}, {1, 0, 1}, nabla::bool_);
  expect_tensor(nabla::all(base.slice(1, 0, 3, 2), 1), {2}, {1, 1}, nabla::bool_);
  EXPECT_FALSE(nabla::all(base).requires_grad());
}

TEST(All, RejectsBadDims) {
  EXPECT_THROW(nabla::all(nabla::zeros({2}), 1), std::out_of_range);
  EXPECT_THAT(message_of([] { nabla::all(nabla::zeros({2}), 1); }),
              AllOf(HasSubstr("nabla::all"), HasSubstr("axis 1")));
  EXPECT_THAT(message_of([] { nabla::all(Tensor()); }), HasSubstr("nabla::all"));
}

}  // namespace
}  // namespace test_all
