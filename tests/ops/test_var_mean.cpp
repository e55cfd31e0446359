// Tests of ops/var_mean.cpp: the variance and the mean as one two-output node.

#include "ops/op_test_util.hpp"

namespace test_var_mean {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.tensor([[1.,2.,4.],[0.,1.,0.]], dtype=torch.float64, requires_grad=True)
//   v, m = torch.var_mean(x, 1) → v [2.333333333333333, 0.33333333333333337],
//   m [2.3333333333333335, 0.33333333333333337]
//   (v * torch.tensor([1., 2.]) + m * torch.tensor([3., -1.])).sum().backward(); x.grad
//   → [-1/3, 2/3, 8/3, -1, 1, -1]; torch.var_mean(x) → (2.2667, 1.3333)
TEST(VarMean, MatchesPyTorch) {
  Tensor x = nabla::tensor({{1.0, 2.0, 4.0}, {0.0, 1.0, 0.0}}, nabla::f64).requires_grad_();
  auto [v, m] = nabla::var_mean(x, {1});
  expect_tensor(v, {2}, {2.333333333333333, 0.33333333333333337}, nabla::f64);
  expect_tensor(m, {2}, {2.3333333333333335, 0.33333333333333337}, nabla::f64);
  EXPECT_EQ(v.grad_fn(), m.grad_fn());
  EXPECT_EQ(v.grad_fn()->name(), "var_mean");
  EXPECT_EQ(v.grad_fn()->num_outputs(), 2u);
  nabla::sum(v * nabla::tensor({1.0, 2.0}, nabla::f64) + m * nabla::tensor({3.0, -1.0}, nabla::f64))
      .backward();
  expect_tensor(x.grad(), {2, 3}, {-1.0 / 3, 2.0 / 3, 8.0 / 3, -1, 1, -1}, nabla::f64);
  const auto all = nabla::var_mean(nabla::tensor({{1.0, 2.0, 4.0}, {0.0, 1.0, 0.0}}));
  expect_tensor(all.var, {}, {2.2666666666666666}, nabla::f32);
  expect_tensor(all.mean, {}, {4.0 / 3}, nabla::f32);
}

TEST(VarMean, OnlyOneOutputUsed) {
  Tensor x = normal({3, 4}, 61).requires_grad_();
  nabla::sum(nabla::var_mean(x, {0}).mean).backward();
  expect_tensor(x.grad(), {3, 4}, std::vector<double>(12, 1.0 / 3), nabla::f64);
  Tensor y = normal({3, 4}, 61).requires_grad_();
  nabla::sum(nabla::var_mean(y, {0}, 0, true).var).backward();
  Tensor z = normal({3, 4}, 61).requires_grad_();
  nabla::sum(nabla::var(z, {0}, 0, true)).backward();
  expect_tensor(y.grad(), {3, 4}, z.grad().to_vector(), nabla::f64);
}

TEST(VarMean, ViewsAndGradcheck) {
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    auto [v, m] = nabla::var_mean(in[0].t(), {1});
    return v * 2.0 + m * 3.0;
  };
  expect_gradients_match(fn, {normal({4, 3}, 62)});
  expect_nonzero_gradient(fn, {normal({4, 3}, 62)});
}

TEST(VarMean, RejectsBadInputs) {
  EXPECT_THAT(message_of([] { nabla::var_mean(nabla::tensor({1, 2}, nabla::i32)); }),
              AllOf(HasSubstr("nabla::var_mean"), HasSubstr("int32")));
  EXPECT_THAT(message_of([] { nabla::var_mean(nabla::zeros({2}), {1}); }),
              AllOf(HasSubstr("nabla::var_mean"), HasSubstr("axis 1")));
}

}  // namespace
}  // namespace test_var_mean
