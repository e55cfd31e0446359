// Tests of ops/std.cpp: the standard deviation.

#include "ops/op_test_util.hpp"

namespace test_std {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.tensor([[1.,2.,4.],[0.,1.,0.]], dtype=torch.float64, requires_grad=True)
//   torch.std(x) → 1.5055453054181622; torch.std(x, 1) → [1.5275252316519465,
//   0.5773502691896258]; torch.std(x, -1, correction=0) → [1.247219128924647, 0.4714045207910317]
//   (torch.std(x, 1) * torch.tensor([1., 2.])).sum().backward(); x.grad → [-0.43643578047198484,
//   -0.10910894511799625, 0.5455447255899809, -0.5773502691896256, 1.1547005383792515,
//   -0.5773502691896256]
//   c = torch.tensor([[2.,2.,2.],[1.,2.,3.]], ...); torch.std(c, 1).sum().backward()
//   → [0, 0, 0, -0.5, 0, 0.5] (0 where std is 0)
TEST(Std, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{1.0, 2.0, 4.0}, {0.0, 1.0, 0.0}}, d);
    expect_tensor(nabla::std(x), {}, {1.5055453054181622}, d);
    expect_tensor(nabla::std(x, {1}), {2}, {1.5275252316519465, 0.5773502691896258}, d);
    expect_tensor(nabla::std(x, {-1}, 0), {2}, {1.247219128924647, 0.4714045207910317}, d);
  }
  Tensor x = nabla::tensor({{1.0, 2.0, 4.0}, {0.0, 1.0, 0.0}}, nabla::f64).requires_grad_();
  nabla::std(x, {1}).backward(nabla::tensor({1.0, 2.0}, nabla::f64));
  expect_tensor(x.grad(), {2, 3},
                {-0.43643578047198484, -0.10910894511799625, 0.5455447255899809,
                 -0.5773502691896256, 1.1547005383792515, -0.5773502691896256},
                nabla::f64);
  Tensor c = nabla::tensor({{2.0, 2.0, 2.0}, {1.0, 2.0, 3.0}}, nabla::f64).requires_grad_();
  nabla::sum(nabla::std(c, {1})).backward();
  expect_tensor(c.grad(), {2, 3}, {0, 0, 0, -0.5, 0, 0.5}, nabla::f64);
}

TEST(Std, SecondDerivativeAtZeroStdIsFinite) {
  Tensor c = nabla::tensor({2.0, 2.0, 2.0}, nabla::f64).requires_grad_();
  const Tensor g = nabla::grad({nabla::std(c)}, {c}, {}, std::nullopt, true)[0];
  const Tensor h = nabla::grad({nabla::sum(g)}, {c}, {}, std::nullopt, false, true)[0];
  if (h.defined()) {
    for (double v : h.to_vector()) EXPECT_FALSE(std::isnan(v));
  }
}

TEST(Std, ViewsAndGradcheck) {
  const Tensor base = normal({5, 4}, 51);
  const Tensor t = base.t();
  expect_tensor(nabla::std(t, {1}, 1, true), {4, 1},
                nabla::std(t.contiguous(), {1}, 1, true).to_vector(), nabla::f64);
  // normal values in groups of 4: std > 0, away from its kink
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::std(in[0].slice(1, 0, 8, 2), {1});
  };
  expect_gradients_match(fn, {normal({3, 8}, 52)});
  expect_nonzero_gradient(fn, {normal({3, 8}, 52)});
}

TEST(Std, RejectsBadInputs) {
  EXPECT_THAT(message_of([] { nabla::std(nabla::tensor({1, 0}, nabla::bool_)); }),
              AllOf(HasSubstr("nabla::std"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::std(nabla::zeros({3}), {1}); }),
              AllOf(HasSubstr("nabla::std"), HasSubstr("axis 1")));
}

}  // namespace
}  // namespace test_std
