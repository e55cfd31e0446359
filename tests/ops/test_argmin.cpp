// Tests of ops/argmin.cpp (and argmax(x) of every element, ops/argmax.cpp).

#include "ops/op_test_util.hpp"

namespace test_argmin {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   torch.argmin(torch.tensor([[3.,1.,1.],[0.,2.,-1.]]), 1) → [1, 2]; torch.argmin(same) → 5
//   torch.argmin(torch.tensor([[3,1],[1,0]], dtype=torch.int32), 0) → [1, 1]
//   torch.argmin(torch.tensor([3.,1.,1.,nan])) → 3
//   torch.argmax(torch.tensor([[3.,1.,7.],[7.,2.,-1.]])) → 2
TEST(Argmin, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{3.0, 1.0, 1.0}, {0.0, 2.0, -1.0}}, d);
    expect_tensor(nabla::argmin(x, 1), {2}, {1, 2}, nabla::i64);
    expect_tensor(nabla::argmin(x, -1, true), {2, 1}, {1, 2}, nabla::i64);
    expect_tensor(nabla::argmin(x), {}, {5}, nabla::i64);
    expect_tensor(nabla::argmin(nabla::tensor({3.0, 1.0, 1.0, kNaN}, d)), {}, {3}, nabla::i64);
    expect_tensor(nabla::argmax(nabla::tensor({{3.0, 1.0, 7.0}, {7.0, 2.0, -1.0}}, d)), {}, {2},
                  nabla::i64);
  }
  expect_tensor(nabla::argmin(nabla::tensor({{3, 1}, {1, 0}}, nabla::i32), 0), {2}, {1, 1},
                nabla::i64);
}

TEST(Argmin, ViewsAndNoGradient) {
  Tensor base = normal({4, 6}, 5).requires_grad_();
  const Tensor t = base.t();
  expect_tensor(nabla::argmin(t, 0), {4}, nabla::argmin(t.contiguous(), 0).to_vector(),
                nabla::i64);
  expect_tensor(nabla::argmin(t), {}, nabla::argmin(t.contiguous()).to_vector(), nabla::i64);
  EXPECT_FALSE(nabla::argmin(base, 1).requires_grad());
  EXPECT_FALSE(nabla::argmin(base).requires_grad());
  EXPECT_FALSE(nabla::argmax(base).requires_grad());
  // argmin picks the minimum
  const auto idx = nabla::argmin(base, 1).to_vector();
  const auto mn = nabla::min(base, 1).values.to_vector();
  const auto v = base.to_vector();
  for (std::size_t r = 0; r < 4; ++r)
    EXPECT_EQ(v[r * 6 + static_cast<std::size_t>(idx[r])], mn[r]) << "row " << r;
}

TEST(Argmin, RejectsBadInputs) {
  EXPECT_THAT(message_of([] { nabla::argmin(nabla::tensor({1, 0}, nabla::bool_), 0); }),
              AllOf(HasSubstr("nabla::argmin"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::argmin(nabla::zeros({2}), 1); }),
              AllOf(HasSubstr("nabla::argmin"), HasSubstr("axis 1")));
  EXPECT_THROW(nabla::argmin(nabla::zeros({2}), 1), std::out_of_range);
  EXPECT_THAT(message_of([] { nabla::argmin(nabla::zeros({3, 0}), 1); }),
              AllOf(HasSubstr("nabla::argmin"), HasSubstr("empty")));
  EXPECT_THAT(message_of([] { nabla::argmin(nabla::zeros({0})); }), HasSubstr("empty"));
  EXPECT_THAT(message_of([] { nabla::argmax(nabla::zeros({0})); }), HasSubstr("empty"));
  EXPECT_THAT(message_of([] { nabla::argmin(Tensor()); }), HasSubstr("nabla::argmin"));
}

}  // namespace
}  // namespace test_argmin
