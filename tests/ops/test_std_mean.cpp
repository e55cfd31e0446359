// Tests of ops/std_mean.cpp: the standard deviation and the mean as one two-output node.

#include "ops/op_test_util.hpp"

namespace test_std_mean {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.tensor([[1.,2.,4.],[0.,1.,0.]], dtype=torch.float64, requires_grad=True)
//   s, m = torch.std_mean(x, 1) → s [1.5275252316519465, 0.5773502691896258]
//   (s * torch.tensor([1., 2.]) + m * torch.tensor([3., -1.])).sum().backward(); x.grad
//   → [0.5635642195280152, 0.8908910548820037, 1.545544725589981, -0.910683602522959,
//      0.8213672050459182, -0.910683602522959]
TEST(StdMean, MatchesPyTorch) {
  Tensor x = nabla::tensor({{1.0, 2.0, 4.0}, {0.0, 1.0, 0.0}}, nabla::f64).requires_grad_();
  auto [s, m] = nabla::std_mean(x, {1});
  expect_tensor(s, {2}, {1.5275252316519465, 0.5773502691896258}, nabla::f64);
  expect_tensor(m, {2}, {2.3333333333333335, 0.33333333333333337}, nabla::f64);
  EXPECT_EQ(s.grad_fn(), m.grad_fn());
  EXPECT_EQ(s.grad_fn()->name(), "std_mean");
  nabla::sum(s * nabla::tensor({1.0, 2.0}, nabla::f64) + m * nabla::tensor({3.0, -1.0}, nabla::f64))
      .backward();
  expect_tensor(x.grad(), {2, 3},
                {0.5635642195280152, 0.8908910548820037, 1.545544725589981, -0.910683602522959,
                 0.8213672050459182, -0.910683602522959},
                nabla::f64);
  const auto all = nabla::std_mean(nabla::tensor({{1.0, 2.0, 4.0}, {0.0, 1.0, 0.0}}, nabla::f64));
  expect_tensor(all.std, {}, {1.5055453054181622}, nabla::f64);
}

TEST(StdMean, ViewsAndGradcheck) {
  // normal values in groups of 4: std > 0
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    auto [s, m] = nabla::std_mean(in[0].slice(0, 0, 8, 2), {0}, 1, true);
    return s * 2.0 - m;
  };
  expect_gradients_match(fn, {normal({8, 3}, 71)});
  expect_nonzero_gradient(fn, {normal({8, 3}, 71)});
}

TEST(StdMean, RejectsBadInputs) {
  EXPECT_THAT(message_of([] { nabla::std_mean(nabla::tensor({1, 2}, nabla::u8)); }),
              AllOf(HasSubstr("nabla::std_mean"), HasSubstr("uint8")));
  EXPECT_THAT(message_of([] { nabla::std_mean(nabla::zeros({2}), {-2}); }),
              AllOf(HasSubstr("nabla::std_mean"), HasSubstr("axis -2")));
}

}  // namespace
}  // namespace test_std_mean
