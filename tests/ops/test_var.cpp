// Tests of ops/var.cpp: the variance with a correction.

#include "ops/op_test_util.hpp"

namespace test_var {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

Tensor var_input(Dtype d) {
  return nabla::tensor({{1.0, 2.0, 4.0}, {0.0, 1.0, 0.0}}, d);
}

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.tensor([[1.,2.,4.],[0.,1.,0.]], dtype=torch.float64, requires_grad=True)
//   torch.var(x) → 2.266666666666667; torch.var(x, 1) → [2.333333333333333, 0.33333333333333337]
//   torch.var(x, 0, correction=0, keepdim=True) → [[0.25, 0.25, 4.0]]
//   torch.var(x, (0, 1), correction=2) → 2.833333333333334
//   (torch.var(x, 1) * torch.tensor([1., 2.])).sum().backward(); x.grad → [-4/3, -1/3, 5/3,
//   -2/3, 4/3, -2/3]
TEST(Var, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::var(var_input(d)), {}, {2.266666666666667}, d);
    expect_tensor(nabla::var(var_input(d), {1}), {2}, {2.333333333333333, 0.33333333333333337}, d);
    expect_tensor(nabla::var(var_input(d), {0}, 0, true), {1, 3}, {0.25, 0.25, 4.0}, d);
    expect_tensor(nabla::var(var_input(d), {0, 1}, 2), {}, {2.833333333333334}, d);
    expect_tensor(nabla::var(var_input(d), {1}, true), {2}, {2.333333333333333, 0.33333333333333337},
                  d);  // a bool reads as PyTorch's `unbiased`
  }
  Tensor x = var_input(nabla::f64).requires_grad_();
  nabla::var(x, {1}).backward(nabla::tensor({1.0, 2.0}, nabla::f64));
  expect_tensor(x.grad(), {2, 3}, {-4.0 / 3, -1.0 / 3, 5.0 / 3, -2.0 / 3, 4.0 / 3, -2.0 / 3},
                nabla::f64);
}

// PyTorch: torch.var(torch.tensor([1.])) → nan; torch.var(torch.zeros(0)) → nan;
// torch.var(torch.tensor([1., 2.]), 0, correction=3) → inf (divisor max(0, N − c) = 0)
// with gradient 2(x − mean)/(N − c) = [1, −1]
TEST(Var, SmallAndEmptyGroups) {
  expect_tensor(nabla::var(nabla::tensor({1.0}, nabla::f64)), {}, {kNaN}, nabla::f64);
  expect_tensor(nabla::var(nabla::zeros({0}, nabla::f64)), {}, {kNaN}, nabla::f64);
  expect_tensor(nabla::var(nabla::zeros({2, 0}, nabla::f64), {1}), {2}, {kNaN, kNaN}, nabla::f64);
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  const Tensor v = nabla::var(x, {0}, 3);
  expect_tensor(v, {}, {kInf}, nabla::f64);
  v.backward();
  expect_tensor(x.grad(), {2}, {1, -1}, nabla::f64);
  expect_tensor(nabla::var(nabla::tensor({1.0, kNaN}, nabla::f64)), {}, {kNaN}, nabla::f64);
}

TEST(Var, ViewsAndGradcheck) {
  const Tensor base = normal({4, 6}, 41);
  const Tensor s = base.slice(1, 0, 6, 2).t();  // [3,4]
  expect_tensor(nabla::var(s, {1}), {3}, nabla::var(s.contiguous(), {1}).to_vector(), nabla::f64);
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::var(in[0].transpose(0, 2), {0, -1}, 0, true);
  };
  expect_gradients_match(fn, {normal({4, 3, 2}, 42)});
  expect_nonzero_gradient(fn, {normal({4, 3, 2}, 42)});
}

TEST(Var, RejectsBadInputs) {
  EXPECT_THAT(message_of([] { nabla::var(nabla::tensor({1, 2, 3}, nabla::i64)); }),
              AllOf(HasSubstr("nabla::var"), HasSubstr("int64")));
  EXPECT_THROW(nabla::var(nabla::zeros({2, 3}), {2}), std::out_of_range);
  EXPECT_THAT(message_of([] { nabla::var(nabla::zeros({2, 3}), {2}); }),
              AllOf(HasSubstr("nabla::var"), HasSubstr("axis 2")));
  EXPECT_THAT(message_of([] { nabla::var(nabla::zeros({2, 3}), {0, 0}); }),
              AllOf(HasSubstr("nabla::var"), HasSubstr("twice")));
  EXPECT_THAT(message_of([] { nabla::var(Tensor()); }), HasSubstr("nabla::var"));
}

}  // namespace
}  // namespace test_var
