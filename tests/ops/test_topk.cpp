// Tests of ops/topk.cpp: the k largest or smallest values along a dim, with indices.

#include "ops/op_test_util.hpp"

namespace test_topk {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.tensor([[3.,1.,2.],[0.,5.,4.]], dtype=torch.float64, requires_grad=True)
//   v, i = torch.topk(x, 2) → v [[3,2],[5,4]], i [[0,2],[1,2]]
//   (v * torch.tensor([[1.,2.],[3.,4.]])).sum().backward(); x.grad → [[1,0,2],[0,3,4]]
//   torch.topk(x, 2, dim=0, largest=False) → v [[0,1,2],[3,5,4]], i [[1,0,0],[0,1,1]]
//   x = torch.tensor([3.,nan,1.,3.,nan,-1.]); torch.topk(x, 3) → [nan, nan, 3], [1, 4, 3*];
//   torch.topk(x, 3, largest=False) → [-1, 1, 3], [5, 2, 3*]
//   (*: PyTorch's CPU order among ties is unspecified; nabla takes the lower index, 0)
TEST(Topk, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{3.0, 1.0, 2.0}, {0.0, 5.0, 4.0}}, d);
    const auto [v, i] = nabla::topk(x, 2);
    expect_tensor(v, {2, 2}, {3, 2, 5, 4}, d);
    expect_tensor(i, {2, 2}, {0, 2, 1, 2}, nabla::i64);
    const auto s = nabla::topk(x, 2, 0, false);
    expect_tensor(s.values, {2, 3}, {0, 1, 2, 3, 5, 4}, d);
    expect_tensor(s.indices, {2, 3}, {1, 0, 0, 0, 1, 1}, nabla::i64);
    const Tensor n = nabla::tensor({3.0, kNaN, 1.0, 3.0, kNaN, -1.0}, d);
    expect_tensor(nabla::topk(n, 3).values, {3}, {kNaN, kNaN, 3}, d);
    expect_tensor(nabla::topk(n, 3).indices, {3}, {1, 4, 0}, nabla::i64);
    expect_tensor(nabla::topk(n, 3, 0, false).values, {3}, {-1, 1, 3}, d);
    expect_tensor(nabla::topk(n, 3, 0, false, false).indices, {3}, {5, 2, 0}, nabla::i64);
  }
  Tensor x = nabla::tensor({{3.0, 1.0, 2.0}, {0.0, 5.0, 4.0}}, nabla::f64).requires_grad_();
  auto [v, i] = nabla::topk(x, 2);
  EXPECT_FALSE(i.requires_grad());
  EXPECT_EQ(v.grad_fn()->name(), "topk");
  EXPECT_EQ(v.grad_fn()->num_outputs(), 2u);
  v.backward(nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, nabla::f64));
  expect_tensor(x.grad(), {2, 3}, {1, 0, 2, 0, 3, 4}, nabla::f64);
  // integers, as PyTorch: torch.topk(torch.tensor([3, 1, 2]), 2) → [3, 2], [0, 2]
  const auto ints = nabla::topk(nabla::tensor({3, 1, 2}, nabla::i64), 2);
  expect_tensor(ints.values, {2}, {3, 2}, nabla::i64);
  expect_tensor(ints.indices, {2}, {0, 2}, nabla::i64);
  EXPECT_EQ(nabla::topk(x, 0).values.shape(), (Shape{2, 0}));
}

TEST(Topk, ViewsAndGradcheck) {
  const Tensor base = normal({4, 6}, 131);
  const Tensor s = base.slice(1, 0, 6, 2).t();  // [3,4]
  const auto [v, i] = nabla::topk(s, 2, 1);
  const auto c = nabla::topk(s.contiguous(), 2, 1);
  expect_tensor(v, {3, 2}, c.values.to_vector(), nabla::f64);
  expect_tensor(i, {3, 2}, c.indices.to_vector(), nabla::i64);
  // normal values: no ties, where the selection would jump
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::topk(in[0].t(), 3, 0, false).values;
  };
  expect_gradients_match(fn, {normal({2, 4}, 132)});
  expect_nonzero_gradient(fn, {normal({2, 4}, 132)});
}

TEST(Topk, RejectsBadInputs) {
  const Tensor x = nabla::zeros({2, 3});
  EXPECT_THROW(nabla::topk(x, 4), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::topk(x, 4); }),
              AllOf(HasSubstr("nabla::topk"), HasSubstr("k = 4"), HasSubstr("[2, 3]")));
  EXPECT_THAT(message_of([&] { nabla::topk(x, -1); }),
              AllOf(HasSubstr("nabla::topk"), HasSubstr("k = -1")));
  EXPECT_THROW(nabla::topk(x, 1, 2), std::out_of_range);
  EXPECT_THAT(message_of([] { nabla::topk(nabla::tensor({1, 0}, nabla::bool_), 1); }),
              AllOf(HasSubstr("nabla::topk"), HasSubstr("bool")));
}

}  // namespace
}  // namespace test_topk
