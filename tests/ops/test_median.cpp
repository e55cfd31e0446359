// Tests of ops/median.cpp: the lower median of all elements, or along a dim with its index.

#include "ops/op_test_util.hpp"

namespace test_median {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   y = torch.tensor([1.,2.,2.,3.], dtype=torch.float64, requires_grad=True)
//   m = torch.median(y) → 2; m.backward(); y.grad → [0, 0.5, 0.5, 0] (split among ties)
//   x = torch.tensor([[3.,1.,2.,7.],[0.,5.,4.,4.]], dtype=torch.float64, requires_grad=True)
//   v, i = torch.median(x, 1) → [2, 4], [2, 2]; (v * torch.tensor([1., 2.])).sum().backward()
//   → [[0,0,1,0],[0,0,2,0]]
//   torch.median(torch.tensor(r), 0) for r = [1,1,1] → index 1; [5,1,1,1,0] → 2;
//   [3,3,1,3,3] → 1; [nan,1,nan] → (nan, 0)
//   torch.median(torch.tensor([[3,1],[2,4],[0,9]]), 0) → [2, 4], [1, 1]
//   torch.median(torch.tensor([1.,nan,3.])) → nan; torch.median(torch.tensor([])) → nan
TEST(Median, MatchesPyTorch) {
  Tensor y = nabla::tensor({1.0, 2.0, 2.0, 3.0}, nabla::f64).requires_grad_();
  const Tensor m = nabla::median(y);
  expect_tensor(m, {}, {2}, nabla::f64);
  m.backward();
  expect_tensor(y.grad(), {4}, {0, 0.5, 0.5, 0}, nabla::f64);
  Tensor x = nabla::tensor({{3.0, 1.0, 2.0, 7.0}, {0.0, 5.0, 4.0, 4.0}}, nabla::f64).requires_grad_();
  auto [v, i] = nabla::median(x, 1);
  expect_tensor(v, {2}, {2, 4}, nabla::f64);
  expect_tensor(i, {2}, {2, 2}, nabla::i64);
  EXPECT_FALSE(i.requires_grad());
  EXPECT_EQ(v.grad_fn()->name(), "median");
  EXPECT_EQ(v.grad_fn()->num_outputs(), 2u);
  v.backward(nabla::tensor({1.0, 2.0}, nabla::f64));
  expect_tensor(x.grad(), {2, 4}, {0, 0, 1, 0, 0, 0, 2, 0}, nabla::f64);
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::median(nabla::tensor({1.0, 1.0, 1.0}, d), 0).indices, {}, {1}, nabla::i64);
    expect_tensor(nabla::median(nabla::tensor({5.0, 1.0, 1.0, 1.0, 0.0}, d), 0).indices, {}, {2},
                  nabla::i64);
    expect_tensor(nabla::median(nabla::tensor({3.0, 3.0, 1.0, 3.0, 3.0}, d), 0, true).indices, {1},
                  {1}, nabla::i64);
    const auto n = nabla::median(nabla::tensor({kNaN, 1.0, kNaN}, d), 0);
    expect_tensor(n.values, {}, {kNaN}, d);
    expect_tensor(n.indices, {}, {0}, nabla::i64);
    expect_tensor(nabla::median(nabla::tensor({1.0, kNaN, 3.0}, d)), {}, {kNaN}, d);
    expect_tensor(nabla::median(nabla::zeros({0}, d)), {}, {kNaN}, d);
  }
  const auto ints = nabla::median(nabla::tensor({{3, 1}, {2, 4}, {0, 9}}, nabla::i64), 0);
  expect_tensor(ints.values, {2}, {2, 4}, nabla::i64);
  expect_tensor(ints.indices, {2}, {1, 1}, nabla::i64);
  expect_tensor(nabla::median(nabla::tensor({3, 1, 2, 4}, nabla::i32)), {}, {2}, nabla::i32);
}

TEST(Median, ViewsAndGradcheck) {
  const Tensor base = normal({4, 6}, 161);
  const Tensor s = base.slice(1, 0, 6, 2).t();  // [3,4]
  const auto [v, i] = nabla::median(s, 1);
  const auto c = nabla::median(s.contiguous(), 1);
  expect_tensor(v, {3}, c.values.to_vector(), nabla::f64);
  expect_tensor(i, {3}, c.indices.to_vector(), nabla::i64);
  expect_tensor(nabla::median(s), {}, nabla::median(s.contiguous()).to_vector(), nabla::f64);
  // normal values: no ties, where the median would jump to another element
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::median(in[0].t(), 0, true).values;
  };
  expect_gradients_match(fn, {normal({3, 5}, 162)});
  expect_nonzero_gradient(fn, {normal({3, 5}, 162)});
}

TEST(Median, RejectsBadInputs) {
  EXPECT_THAT(message_of([] { nabla::median(nabla::tensor({1, 0}, nabla::bool_)); }),
              AllOf(HasSubstr("nabla::median"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::median(nabla::zeros({2, 0}), 1); }),
              AllOf(HasSubstr("nabla::median"), HasSubstr("[2, 0]"), HasSubstr("empty")));
  EXPECT_THAT(message_of([] { nabla::median(nabla::zeros({0}, nabla::i64)); }),
              AllOf(HasSubstr("nabla::median"), HasSubstr("empty")));
  EXPECT_THROW(nabla::median(nabla::zeros({2}), 1), std::out_of_range);
}

}  // namespace
}  // namespace test_median
