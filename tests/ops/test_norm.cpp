// Tests of ops/norm.cpp: vector p-norms over dims, with PyTorch's gradients at kinks.

#include "ops/op_test_util.hpp"

namespace test_norm {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

struct NormCase {
  double p;
  std::vector<double> value, grad;
};

// Recorded from PyTorch 1.13 (python3-torch):
//   y = torch.tensor([[3.,-4.,0.],[1.,2.,-2.]], dtype=torch.float64, requires_grad=True)
//   n = torch.norm(y, p, dim=1); (n * torch.tensor([1., 2.])).sum().backward(); n, y.grad
TEST(Norm, ValuesAndGradientsMatchPyTorch) {
  const std::vector<NormCase> cases = {
      {1.0, {7, 5}, {1, -1, 0, 2, 2, -2}},
      {2.0, {5, 3}, {0.6, -0.8, 0, 2.0 / 3, 4.0 / 3, -4.0 / 3}},
      {kInf, {4, 2}, {0, -1, 0, 0, 1, -1}},  // row 1: the tie |2| = |−2| splits the gradient
      {-kInf, {0, 1}, {0, 0, 0, 2, 0, 0}},
      {3.0,
       {4.497941445275415, 2.571281590658235},
       {0.4448513517305356, -0.7908468475209521, 0, 0.3025037165480277, 1.2100148661921108,
        -1.2100148661921108}},
      {0.5,
       {13.928203230275509, 14.656854249492378},
       {2.154700538379252, -1.8660254037844386, 0, 7.65685424949238, 5.414213562373094,
        -5.414213562373094}},
      {1.5,
       {5.584250376480029, 3.5387186276812526},
       {0.7329564758289748, -0.8463452372482761, 0, 1.0631804438113088, 1.5035642028877994,
        -1.5035642028877994}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("p = " + std::to_string(c.p));
    Tensor y = nabla::tensor({{3.0, -4.0, 0.0}, {1.0, 2.0, -2.0}}, nabla::f64).requires_grad_();
    const Tensor n = nabla::norm(y, c.p, {1});
    expect_tensor(n, {2}, c.value, nabla::f64);
    n.backward(nabla::tensor({1.0, 2.0}, nabla::f64));
    expect_tensor(y.grad(), {2, 3}, c.grad, nabla::f64);
    expect_tensor(nabla::norm(y.detach().to(nabla::f32), c.p, {1}), {2}, c.value, nabla::f32);
  }
}

// Recorded from PyTorch: torch.norm(y) → 5.830951894845301 (also 'fro' over (0, 1));
// torch.norm(y, 1, dim=(0, 1), keepdim=True) → [[12]]; torch.norm(y, 0, dim=1) → [2, 3];
// z = torch.tensor([[0.,0.],[3.,4.]], requires_grad=True); torch.norm(z, 2, dim=1).sum()
// .backward() → [[0, 0], [0.6, 0.8]]; torch.norm(torch.zeros(3), p).backward() → zeros for
// p in 1, 2, inf, 3, 0.5, 'fro'; the norm of an empty reduction is 0
TEST(Norm, WholeTensorZeroVectorsAndEmpty) {
  const Tensor y = nabla::tensor({{3.0, -4.0, 0.0}, {1.0, 2.0, -2.0}}, nabla::f64);
  expect_tensor(nabla::norm(y), {}, {5.830951894845301}, nabla::f64);
  expect_tensor(nabla::norm(y, "fro", {0, 1}), {}, {5.830951894845301}, nabla::f64);
  expect_tensor(nabla::norm(y, 1, {0, 1}, true), {1, 1}, {12}, nabla::f64);
  expect_tensor(nabla::norm(y, 0, {1}), {2}, {2, 3}, nabla::f64);
  Tensor z = nabla::tensor({{0.0, 0.0}, {3.0, 4.0}}, nabla::f64).requires_grad_();
  nabla::sum(nabla::norm(z, 2, {1})).backward();
  expect_tensor(z.grad(), {2, 2}, {0, 0, 0.6, 0.8}, nabla::f64);
  for (double p : {1.0, 2.0, kInf, 3.0, 0.5, 1.5}) {
    SCOPED_TRACE("p = " + std::to_string(p));
    Tensor zero = nabla::zeros({3}, nabla::f64).requires_grad_();
    nabla::norm(zero, p).backward();
    expect_tensor(zero.grad(), {3}, {0, 0, 0}, nabla::f64);
  }
  expect_tensor(nabla::norm(nabla::zeros({2, 0}), kInf, {1}), {2}, {0, 0}, nabla::f32);
  expect_tensor(nabla::norm(nabla::zeros({0}), 3.0), {}, {0}, nabla::f32);
  expect_tensor(nabla::norm(nabla::tensor({1.0, kNaN}), kInf), {}, {kNaN}, nabla::f32);
}

TEST(Norm, SecondDerivativesAtTheZeroVectorAreNotNaN) {
  Tensor z = nabla::zeros({3}, nabla::f64).requires_grad_();
  const Tensor g = nabla::grad({nabla::norm(z, 2.0)}, {z}, {}, std::nullopt, true)[0];
  const Tensor h = nabla::grad({nabla::sum(g)}, {z}, {}, std::nullopt, false, true)[0];
  if (h.defined()) {
    for (double v : h.to_vector()) EXPECT_FALSE(std::isnan(v));
  }
}

TEST(Norm, ViewsAndGradcheck) {
  const Tensor base = normal({4, 6}, 81);
  const Tensor s = base.slice(1, 0, 6, 2).t();
  expect_tensor(nabla::norm(s, 3.0, {0}), {4}, nabla::norm(s.contiguous(), 3.0, {0}).to_vector(),
                nabla::f64);
  // normal values: the 2-norm and 3-norm are smooth away from the zero vector
  for (double p : {2.0, 3.0}) {
    const nabla::Function fn = [p](const std::vector<Tensor>& in) {
      return nabla::norm(in[0].t(), p, {0}, true);
    };
    expect_gradients_match(fn, {normal({3, 4}, 82)});
    expect_nonzero_gradient(fn, {normal({3, 4}, 82)});
  }
}

TEST(Norm, RejectsBadInputs) {
  const Tensor x = nabla::zeros({2, 2, 2});
  EXPECT_THAT(message_of([] { nabla::norm(nabla::tensor({1, 2}, nabla::i64), 2.0); }),
              AllOf(HasSubstr("nabla::norm"), HasSubstr("int64")));
  EXPECT_THAT(message_of([&] { nabla::norm(x, -1.0); }),
              AllOf(HasSubstr("nabla::norm"), HasSubstr("p = -1")));
  EXPECT_THAT(message_of([&] { nabla::norm(x, "nuc"); }),
              AllOf(HasSubstr("nabla::norm"), HasSubstr("nuc")));
  EXPECT_THAT(message_of([&] { nabla::norm(x, "fro", {0, 1, 2}); }),
              AllOf(HasSubstr("nabla::norm"), HasSubstr("at most 2 dims")));
  EXPECT_THROW(nabla::norm(x, 2.0, {3}), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::norm(x, 2.0, {1, 1}); }), HasSubstr("twice"));
  EXPECT_THAT(message_of([] { nabla::norm(Tensor(), 2.0); }), HasSubstr("nabla::norm"));
}

}  // namespace
}  // namespace test_norm
