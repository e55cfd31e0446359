// Tests of ops/prod.cpp: the product, with exact gradients at zeros.

#include "ops/op_test_util.hpp"

namespace test_prod {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.tensor([[2.,0.,3.],[0.,0.,1.],[1.,2.,4.]], dtype=torch.float64, requires_grad=True)
//   torch.prod(x) → 0; torch.prod(x, 1) → [0, 0, 8]; torch.prod(x, 0, keepdim=True) → [[0,0,12]]
//   torch.prod(x).backward() → zeros (several zeros)
//   torch.prod(x, 1).sum().backward() → [[0,6,0],[0,0,0],[8,4,2]]
//   torch.prod(x, 0).sum().backward() → [[0,0,4],[2,0,12],[0,0,3]]
//   y = torch.tensor([[1.5,-2.,3.],[0.5,4.,-1.]], ...): torch.prod(y) → 18, grad →
//   [12, -9, 6, 36, 4.5, -18]
TEST(Prod, ValuesAndGradientsMatchPyTorch) {
  const auto zeros_input = [](Dtype d) {
    return nabla::tensor({{2.0, 0.0, 3.0}, {0.0, 0.0, 1.0}, {1.0, 2.0, 4.0}}, d);
  };
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::prod(zeros_input(d)), {}, {0}, d);
    expect_tensor(nabla::prod(zeros_input(d), 1), {3}, {0, 0, 8}, d);
    expect_tensor(nabla::prod(zeros_input(d), 0, true), {1, 3}, {0, 0, 12}, d);
  }
  Tensor a = zeros_input(nabla::f64).requires_grad_();
  nabla::prod(a).backward();
  expect_tensor(a.grad(), {3, 3}, std::vector<double>(9, 0.0), nabla::f64);
  Tensor b = zeros_input(nabla::f64).requires_grad_();
  nabla::sum(nabla::prod(b, 1)).backward();
  expect_tensor(b.grad(), {3, 3}, {0, 6, 0, 0, 0, 0, 8, 4, 2}, nabla::f64);
  Tensor c = zeros_input(nabla::f64).requires_grad_();
  nabla::sum(nabla::prod(c, 0)).backward();
  expect_tensor(c.grad(), {3, 3}, {0, 0, 4, 2, 0, 12, 0, 0, 3}, nabla::f64);
  Tensor y = nabla::tensor({{1.5, -2.0, 3.0}, {0.5, 4.0, -1.0}}, nabla::f64).requires_grad_();
  const Tensor p = nabla::prod(y);
  expect_tensor(p, {}, {18}, nabla::f64);
  p.backward();
  expect_tensor(y.grad(), {2, 3}, {12, -9, 6, 36, 4.5, -18}, nabla::f64);
}

// Recorded from PyTorch: z = torch.tensor([2.,0.,3.,5.], dtype=torch.float64, requires_grad=True)
//   g, = torch.autograd.grad(torch.prod(z), z, create_graph=True) → [0, 30, 0, 0]
//   torch.autograd.grad((g * torch.tensor([1.,2.,3.,4.])).sum(), z) → [30, 69, 20, 12]
TEST(Prod, SecondDerivativesWithAZeroMatchPyTorch) {
  Tensor z = nabla::tensor({2.0, 0.0, 3.0, 5.0}, nabla::f64).requires_grad_();
  const Tensor g = nabla::grad({nabla::prod(z)}, {z}, {}, std::nullopt, true)[0];
  expect_tensor(g, {4}, {0, 30, 0, 0}, nabla::f64);
  const Tensor h =
      nabla::grad({nabla::sum(g * nabla::tensor({1.0, 2.0, 3.0, 4.0}, nabla::f64))}, {z})[0];
  expect_tensor(h, {4}, {30, 69, 20, 12}, nabla::f64);
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::prod(in[0], 0); };
  expect_gradients_match(fn, {nabla::tensor({{2.0, 0.0}, {0.0, 0.0}, {1.5, 3.0}}, nabla::f64)});
}

// Recorded from PyTorch: torch.prod(torch.tensor([1,2,3], dtype=torch.int32)).dtype → int64;
// torch.prod(torch.tensor([[1,2],[3,4]]), 1, keepdim=True) → [[2],[12]];
// torch.prod(torch.tensor([2**40, 2**30])) → 0 (wraps); torch.prod(torch.zeros(0)) → 1
TEST(Prod, IntegersEmptyAndZeroD) {
  expect_tensor(nabla::prod(nabla::tensor({1, 2, 3}, nabla::i32)), {}, {6}, nabla::i64);
  expect_tensor(nabla::prod(nabla::tensor({{1, 2}, {3, 4}}, nabla::i64), 1, true), {2, 1}, {2, 12},
                nabla::i64);
  expect_tensor(nabla::prod(nabla::tensor({1, 1, 0}, nabla::bool_)), {}, {0}, nabla::i64);
  expect_tensor(
      nabla::prod(nabla::tensor(std::vector<double>{1099511627776.0, 1073741824.0}, {2}, nabla::i64)), {}, {0},
      nabla::i64);
  expect_tensor(nabla::prod(nabla::zeros({0})), {}, {1}, nabla::f32);
  expect_tensor(nabla::prod(nabla::zeros({2, 0}), 1), {2}, {1, 1}, nabla::f32);
  Tensor s = nabla::scalar_tensor(3.0, nabla::f64).requires_grad_();
  nabla::prod(s).backward();
  expect_tensor(s.grad(), {}, {1}, nabla::f64);
}

TEST(Prod, ViewsAndGradcheck) {
  const Tensor base = away_from_zero({4, 6}, 121);
  const Tensor s = base.slice(1, 0, 6, 2).t();
  expect_tensor(nabla::prod(s, 1), {3}, nabla::prod(s.contiguous(), 1).to_vector(), nabla::f64);
  expect_tensor(nabla::prod(s), {}, nabla::prod(s.contiguous()).to_vector(), nabla::f64);
  // away from zero: the smooth formula (zeros are checked above)
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::prod(in[0].t()); };
  expect_gradients_match(fn, {away_from_zero({3, 2}, 122)});
  expect_nonzero_gradient(fn, {away_from_zero({3, 2}, 122)});
}

TEST(Prod, RejectsBadDims) {
  EXPECT_THROW(nabla::prod(nabla::zeros({2, 3}), 2), std::out_of_range);
  EXPECT_THAT(message_of([] { nabla::prod(nabla::zeros({2, 3}), 2); }),
              AllOf(HasSubstr("nabla::prod"), HasSubstr("axis 2")));
  EXPECT_THAT(message_of([] { nabla::prod(Tensor()); }), HasSubstr("nabla::prod"));
}

}  // namespace
}  // namespace test_prod
