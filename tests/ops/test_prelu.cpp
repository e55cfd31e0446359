// Tests of ops/prelu.cpp: x where x > 0, else w·x, w learnable.

#include "ops/activation_test_util.hpp"

namespace test_prelu {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([[-1., 0., 2.], [nan, inf, -inf]], dtype=torch.float64, requires_grad=True)
//   w = torch.tensor([0.25, 0.5, -0.5], dtype=torch.float64, requires_grad=True)
//   y = F.prelu(x, w); y.sum().backward(); y, x.grad, w.grad
// The gradient at the kink x = 0 is w for x and 0 for w.
TEST(Prelu, PerChannelMatchesPyTorch) {
  Tensor x = nabla::tensor({{-1.0, 0.0, 2.0}, {kNaN, kInf, -kInf}}, nabla::f64).requires_grad_();
  Tensor w = nabla::tensor({0.25, 0.5, -0.5}, nabla::f64).requires_grad_();
  const Tensor y = nabla::prelu(x, w);
  expect_tensor(y, {2, 3}, {-0.25, 0.0, 2.0, kNaN, kInf, kInf}, nabla::f64);
  EXPECT_EQ(y.grad_fn()->name(), "prelu");
  nabla::sum(y).backward();
  expect_tensor(x.grad(), {2, 3}, {0.25, 0.5, 1.0, 0.25, 1.0, -0.5}, nabla::f64);
  expect_tensor(w.grad(), {3}, {kNaN, 0.0, -kInf}, nabla::f64);
}

// Recorded as above with x = [[-1, 0, 2], [3, -4, 5]] (and its first row alone, 1-d),
// w = [0.25]: y [[-0.25, 0, 2], [3, -1, 5]], x.grad [[0.25, 0.25, 1], [1, 0.25, 1]],
// w.grad [-5] (and [-1] for the 1-d input)
TEST(Prelu, SharedWeightMatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    Tensor x = nabla::tensor({{-1.0, 0.0, 2.0}, {3.0, -4.0, 5.0}}, d).requires_grad_();
    Tensor w = nabla::tensor({0.25}, d).requires_grad_();
    const Tensor y = nabla::prelu(x, w);
    expect_tensor(y, {2, 3}, {-0.25, 0, 2, 3, -1, 5}, d);
    nabla::sum(y).backward();
    expect_tensor(x.grad(), {2, 3}, {0.25, 0.25, 1, 1, 0.25, 1}, d);
    expect_tensor(w.grad(), {1}, {-5}, d);
  }
  Tensor x1 = nabla::tensor({-1.0, 0.0, 2.0}, nabla::f64);
  Tensor w0 = nabla::scalar_tensor(0.25, nabla::f64).requires_grad_();
  nabla::sum(nabla::prelu(x1, w0)).backward();
  expect_tensor(w0.grad(), {}, {-1}, nabla::f64);
  expect_tensor(nabla::prelu(nabla::scalar_tensor(-2.0, nabla::f64), w0), {}, {-0.5}, nabla::f64);
}

TEST(Prelu, GradientsMatchFiniteDifferencesRank4) {
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::prelu(in[0], in[1]);
  };
  // x away from the kink at 0
  const std::vector<Tensor> inputs = {away_from_zero({2, 2, 2, 2}, 3), uniform({2}, 0.1, 0.9, 4)};
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

TEST(Prelu, RejectsBadWeights) {
  const Tensor x = nabla::zeros({2, 3});
  // F.prelu(torch.zeros(2, 3), torch.zeros(2)): "Mismatch of parameter numbers and input
  // channel size. Found parameter numbers = 2 and channel size = 3."
  EXPECT_THROW(nabla::prelu(x, nabla::zeros({2})), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::prelu(x, nabla::zeros({2})); }),
              AllOf(HasSubstr("nabla::prelu"), HasSubstr("2 elements"), HasSubstr("[2, 3]"),
                    HasSubstr("3 channels")));
  // a 1-d input has one channel (as PyTorch)
  EXPECT_THAT(message_of([&] { nabla::prelu(nabla::zeros({3}), nabla::zeros({3})); }),
              HasSubstr("1 channels"));
  EXPECT_THAT(message_of([&] {
                nabla::prelu(x, nabla::zeros({3, 1}));
              }),
              AllOf(HasSubstr("0-d or 1-d"), HasSubstr("[3, 1]")));
  EXPECT_THAT(message_of([&] { nabla::prelu(nabla::scalar_tensor(1.0), nabla::zeros({3})); }),
              HasSubstr("0-d input"));
}

TEST(Prelu, RejectsNonFloatingAndMixedDtypes) {
  const Tensor w = nabla::tensor({0.25});
  expect_rejects_non_floating([&](const Tensor& x) { return nabla::prelu(x, w); }, "prelu");
  EXPECT_THAT(message_of([] { nabla::prelu(nabla::zeros({2}), nabla::tensor({1}, nabla::i64)); }),
              AllOf(HasSubstr("nabla::prelu"), HasSubstr("weight"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] { nabla::prelu(nabla::zeros({2}), nabla::zeros({1}, nabla::f64)); }),
              AllOf(HasSubstr("float32"), HasSubstr("float64")));
}

}  // namespace
}  // namespace test_prelu
