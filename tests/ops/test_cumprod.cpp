// Tests of ops/cumprod.cpp: the running product, with exact gradients at zeros.

#include "ops/op_test_util.hpp"

namespace test_cumprod {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   w = torch.tensor([[1.,0.,2.,0.,3.],[0.5,2.,0.,4.,1.]], dtype=torch.float64, requires_grad=True)
//   torch.cumprod(w, 1) → [[1,0,0,0,0],[0.5,1,0,0,0]]
//   torch.cumprod(w, 1).backward(torch.tensor([[1.,2.,3.,4.,5.],[5.,4.,3.,2.,1.]]))
//   w.grad → [[1, 8, 0, 0, 0], [13, 2, 15, 0, 0]]
//   torch.cumprod(torch.tensor([2, 3, -4]), 0) → [2, 6, -24] (int64)
TEST(Cumprod, ValuesAndGradientsWithZerosMatchPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor w = nabla::tensor({{1.0, 0.0, 2.0, 0.0, 3.0}, {0.5, 2.0, 0.0, 4.0, 1.0}}, d);
    expect_tensor(nabla::cumprod(w, 1), {2, 5}, {1, 0, 0, 0, 0, 0.5, 1, 0, 0, 0}, d);
  }
  Tensor w = nabla::tensor({{1.0, 0.0, 2.0, 0.0, 3.0}, {0.5, 2.0, 0.0, 4.0, 1.0}}, nabla::f64)
                 .requires_grad_();
  nabla::cumprod(w, 1).backward(
      nabla::tensor({{1.0, 2.0, 3.0, 4.0, 5.0}, {5.0, 4.0, 3.0, 2.0, 1.0}}, nabla::f64));
  expect_tensor(w.grad(), {2, 5}, {1, 8, 0, 0, 0, 13, 2, 15, 0, 0}, nabla::f64);
  expect_tensor(nabla::cumprod(nabla::tensor({2, 3, -4}, nabla::i64), 0), {3}, {2, 6, -24},
                nabla::i64);
  expect_tensor(nabla::cumprod(nabla::tensor({1.0, kNaN, 0.0}), 0), {3}, {1, kNaN, kNaN},
                nabla::f32);
}

// Recorded from PyTorch: z = torch.tensor([2.,0.,3.,5.], dtype=torch.float64, requires_grad=True)
//   g, = torch.autograd.grad(torch.cumprod(z, 0), z, torch.tensor([1.,2.,3.,4.]),
//   create_graph=True) → [1, 142, 0, 0]
//   h, = torch.autograd.grad((g * torch.tensor([0.5,-1.,2.,1.])).sum(), z) → [-71, 151.5, -46, -24]
TEST(Cumprod, SecondDerivativesWithZerosMatchPyTorch) {
  Tensor z = nabla::tensor({2.0, 0.0, 3.0, 5.0}, nabla::f64).requires_grad_();
  const Tensor g = nabla::grad({nabla::cumprod(z, 0)}, {z},
                               {nabla::tensor({1.0, 2.0, 3.0, 4.0}, nabla::f64)}, std::nullopt,
                               true)[0];
  expect_tensor(g, {4}, {1, 142, 0, 0}, nabla::f64);
  const Tensor h =
      nabla::grad({nabla::sum(g * nabla::tensor({0.5, -1.0, 2.0, 1.0}, nabla::f64))}, {z})[0];
  expect_tensor(h, {4}, {-71, 151.5, -46, -24}, nabla::f64);
  // and finite differences agree, to second order, at an input holding zeros
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::cumprod(in[0], 1); };
  expect_gradients_match(fn, {nabla::tensor({{2.0, 0.0, 3.0}, {0.5, 1.5, 0.0}}, nabla::f64)});
}

TEST(Cumprod, ViewsAndGradcheck) {
  const Tensor base = normal({4, 6}, 111);
  const Tensor s = base.slice(1, 0, 6, 2).t();
  expect_tensor(nabla::cumprod(s, 0), {3, 4}, nabla::cumprod(s.contiguous(), 0).to_vector(),
                nabla::f64);
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::cumprod(in[0].t(), 1);
  };
  expect_gradients_match(fn, {normal({4, 3}, 112)});
  expect_nonzero_gradient(fn, {normal({4, 3}, 112)});
}

TEST(Cumprod, RejectsBadDims) {
  EXPECT_THROW(nabla::cumprod(nabla::zeros({2}), 1), std::out_of_range);
  EXPECT_THAT(message_of([] { nabla::cumprod(nabla::zeros({2}), 1); }),
              AllOf(HasSubstr("nabla::cumprod"), HasSubstr("axis 1")));
}

}  // namespace
}  // namespace test_cumprod
