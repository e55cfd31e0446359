// Tests of ops/argsort.cpp: the indices that sort x along a dim.

#include "ops/op_test_util.hpp"

namespace test_argsort {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.tensor([[3.,nan,2.],[0.,5.,0.]]); torch.argsort(x, 1) → [[2,0,1],[0,2,1]]
//   torch.argsort(x, 1, descending=True) → [[1,0,2],[1,0,2]]
TEST(Argsort, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{3.0, kNaN, 2.0}, {0.0, 5.0, 0.0}}, d);
    expect_tensor(nabla::argsort(x, 1), {2, 3}, {2, 0, 1, 0, 2, 1}, nabla::i64);
    expect_tensor(nabla::argsort(x, 1, true), {2, 3}, {1, 0, 2, 1, 0, 2}, nabla::i64);
    expect_tensor(nabla::argsort(x, 0), {2, 3}, {1, 1, 1, 0, 0, 0}, nabla::i64);
  }
  expect_tensor(nabla::argsort(nabla::tensor({3, 1, 2}, nabla::u8)), {3}, {1, 2, 0}, nabla::i64);
}

TEST(Argsort, ViewsAndNoGradient) {
  Tensor base = normal({4, 6}, 151).requires_grad_();
  const Tensor t = base.t();
  expect_tensor(nabla::argsort(t, 0), {6, 4}, nabla::argsort(t.contiguous(), 0).to_vector(),
                nabla::i64);
  EXPECT_FALSE(nabla::argsort(base).requires_grad());
  EXPECT_EQ(nabla::argsort(base).grad_fn(), nullptr);
}

TEST(Argsort, RejectsBadDims) {
  EXPECT_THROW(nabla::argsort(nabla::zeros({2}), 1), std::out_of_range);
  EXPECT_THAT(message_of([] { nabla::argsort(nabla::zeros({2}), 1); }),
              AllOf(HasSubstr("nabla::argsort"), HasSubstr("axis 1")));
}

}  // namespace
}  // namespace test_argsort
