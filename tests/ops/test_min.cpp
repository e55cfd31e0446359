// Tests of ops/min.cpp: min(x) of every element and min(x, dim) with its indices.

#include "ops/op_test_util.hpp"

namespace test_min {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.tensor([[1.,5.,5.],[7.,-2.,3.]]); torch.min(x, 1) → values [1, -2], indices [0, 1]
//   torch.min(torch.tensor([[2.,1.,1.],[nan,0.,nan]]), 1) → values [1, nan], indices [1, 0]
TEST(Min, ValuesAndIndicesMatchPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const auto [v, i] = nabla::min(nabla::tensor({{1.0, 5.0, 5.0}, {7.0, -2.0, 3.0}}, d), 1);
    expect_tensor(v, {2}, {1, -2}, d);
    expect_tensor(i, {2}, {0, 1}, nabla::i64);
    const auto n = nabla::min(nabla::tensor({{2.0, 1.0, 1.0}, {kNaN, 0.0, kNaN}}, d), 1, true);
    expect_tensor(n.values, {2, 1}, {1, kNaN}, d);
    expect_tensor(n.indices, {2, 1}, {1, 0}, nabla::i64);  // ties: the first; NaN wins
    expect_tensor(nabla::min(nabla::tensor({3.0, kNaN, -1.0}, d)), {}, {kNaN}, d);
  }
  expect_tensor(nabla::min(nabla::tensor({4, -2, 7}, nabla::i64)), {}, {-2}, nabla::i64);
  expect_tensor(nabla::min(nabla::tensor({1, 0, 1}, nabla::bool_)), {}, {0}, nabla::bool_);
}

// Recorded from PyTorch: t = torch.tensor([[4.,1.,1.],[1.,4.,4.]], dtype=torch.float64,
// requires_grad=True); torch.min(t).backward(); t.grad → [[0,1/3,1/3],[1/3,0,0]]
TEST(Min, GradientsMatchPyTorch) {
  Tensor t = nabla::tensor({{4.0, 1.0, 1.0}, {1.0, 4.0, 4.0}}, nabla::f64).requires_grad_();
  nabla::min(t).backward();
  const double third = 1.0 / 3.0;
  expect_tensor(t.grad(), {2, 3}, {0, third, third, third, 0, 0}, nabla::f64);
  Tensor x = nabla::tensor({{4.0, 1.0, 1.0}, {1.0, 4.0, 4.0}}, nabla::f64).requires_grad_();
  auto [v, i] = nabla::min(x, 1);
  v.backward(nabla::tensor({2.0, 3.0}, nabla::f64));
  expect_tensor(x.grad(), {2, 3}, {0, 2, 0, 3, 0, 0}, nabla::f64);  // to the first index
  EXPECT_FALSE(i.requires_grad());
  EXPECT_EQ(v.grad_fn()->num_outputs(), 2u);
}

TEST(Min, ViewsAndGradcheck) {
  const Tensor base = normal({5, 4}, 11);
  const Tensor t = base.t();
  const auto [v, i] = nabla::min(t, 1);
  const auto c = nabla::min(t.contiguous(), 1);
  expect_tensor(v, {4}, c.values.to_vector(), nabla::f64);
  expect_tensor(i, {4}, c.indices.to_vector(), nabla::i64);
  // normal values: no ties, so min is smooth at the sample
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::min(in[0].slice(0, 0, 5, 2), 0).values;
  };
  expect_gradients_match(fn, {normal({5, 4}, 12)});
  expect_nonzero_gradient(fn, {normal({5, 4}, 12)});
}

TEST(Min, RejectsBadInputs) {
  EXPECT_THAT(message_of([] { nabla::min(nabla::zeros({2, 3}), 2); }),
              AllOf(HasSubstr("nabla::min"), HasSubstr("axis 2")));
  EXPECT_THAT(message_of([] { nabla::min(nabla::zeros({2, 0}), 1); }),
              AllOf(HasSubstr("nabla::min"), HasSubstr("[2, 0]"), HasSubstr("no minimum")));
  EXPECT_THAT(message_of([] { nabla::min(nabla::zeros({0})); }),
              AllOf(HasSubstr("nabla::min"), HasSubstr("empty")));
  EXPECT_THAT(message_of([] { nabla::min(Tensor()); }), HasSubstr("nabla::min"));
}

}  // namespace
}  // namespace test_min
