// Tests of ops/sort.cpp: x sorted along a dim, with indices; stable, NaN as the largest.

#include "ops/op_test_util.hpp"

namespace test_sort {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.tensor([3.,nan,1.,3.,nan,-1.]); torch.sort(x) → [-1,1,3,3,nan,nan], [5,2,0,3,1,4]
//   torch.sort(x, descending=True) → [nan,nan,3,3,1,-1], [1,4,0,3,2,5]
//   y = torch.tensor([[3.,1.,2.],[0.,5.,4.]], dtype=torch.float64, requires_grad=True)
//   v, i = torch.sort(y, 1, descending=True) → [[3,2,1],[5,4,0]], [[0,2,1],[1,2,0]]
//   (v * torch.tensor([[1.,2.,3.],[4.,5.,6.]])).sum().backward(); y.grad → [[1,3,2],[6,4,5]]
//   torch.sort(torch.tensor([[3,1,2],[0,5,4]], dtype=torch.int32), 0) → [[0,1,2],[3,5,4]]
//   (int32), [[1,0,0],[0,1,1]]; torch.sort(torch.tensor([True,False,True])) → [F,T,T], [1,0,2]
//   torch.sort(torch.tensor([-0., 0., -0.])) → indices [0, 1, 2]
TEST(Sort, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({3.0, kNaN, 1.0, 3.0, kNaN, -1.0}, d);
    const auto [v, i] = nabla::sort(x);
    expect_tensor(v, {6}, {-1, 1, 3, 3, kNaN, kNaN}, d);
    expect_tensor(i, {6}, {5, 2, 0, 3, 1, 4}, nabla::i64);
    const auto desc = nabla::sort(x, 0, true, true);
    expect_tensor(desc.values, {6}, {kNaN, kNaN, 3, 3, 1, -1}, d);
    expect_tensor(desc.indices, {6}, {1, 4, 0, 3, 2, 5}, nabla::i64);
    expect_tensor(nabla::sort(nabla::tensor({-0.0, 0.0, -0.0}, d)).indices, {3}, {0, 1, 2},
                  nabla::i64);
  }
  Tensor y = nabla::tensor({{3.0, 1.0, 2.0}, {0.0, 5.0, 4.0}}, nabla::f64).requires_grad_();
  auto [v, i] = nabla::sort(y, 1, true);
  expect_tensor(v, {2, 3}, {3, 2, 1, 5, 4, 0}, nabla::f64);
  expect_tensor(i, {2, 3}, {0, 2, 1, 1, 2, 0}, nabla::i64);
  EXPECT_FALSE(i.requires_grad());
  EXPECT_EQ(v.grad_fn()->name(), "sort");
  v.backward(nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, nabla::f64));
  expect_tensor(y.grad(), {2, 3}, {1, 3, 2, 6, 4, 5}, nabla::f64);
  const auto ints = nabla::sort(nabla::tensor({{3, 1, 2}, {0, 5, 4}}, nabla::i32), 0);
  expect_tensor(ints.values, {2, 3}, {0, 1, 2, 3, 5, 4}, nabla::i32);
  expect_tensor(ints.indices, {2, 3}, {1, 0, 0, 0, 1, 1}, nabla::i64);
  const auto bools = nabla::sort(nabla::tensor({1, 0, 1}, nabla::bool_));
  expect_tensor(bools.values, {3}, {0, 1, 1}, nabla::bool_);
  expect_tensor(bools.indices, {3}, {1, 0, 2}, nabla::i64);
}

TEST(Sort, ViewsAndGradcheck) {
  const Tensor base = normal({4, 6}, 141);
  const Tensor s = base.slice(1, 0, 6, 2).t();  // [3,4]
  const auto [v, i] = nabla::sort(s, 0);
  const auto c = nabla::sort(s.contiguous(), 0);
  expect_tensor(v, {3, 4}, c.values.to_vector(), nabla::f64);
  expect_tensor(i, {3, 4}, c.indices.to_vector(), nabla::i64);
  // normal values: no ties
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::sort(in[0].t(), -1, true).values;
  };
  expect_gradients_match(fn, {normal({4, 3}, 142)});
  expect_nonzero_gradient(fn, {normal({4, 3}, 142)});
}

TEST(Sort, RejectsBadDims) {
  EXPECT_THROW(nabla::sort(nabla::zeros({2, 3}), 2), std::out_of_range);
  EXPECT_THAT(message_of([] { nabla::sort(nabla::zeros({2, 3}), 2); }),
              AllOf(HasSubstr("nabla::sort"), HasSubstr("axis 2")));
  EXPECT_THAT(message_of([] { nabla::sort(nabla::scalar_tensor(1.0)); }),
              HasSubstr("nabla::sort"));
  EXPECT_THAT(message_of([] { nabla::sort(Tensor()); }), HasSubstr("nabla::sort"));
}

}  // namespace
}  // namespace test_sort
