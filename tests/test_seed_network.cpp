// The seed network: autograd's gradient equals the hand-derived chain rule.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <nabla/nabla.hpp>

namespace {

// ∂l/∂W_h = Xᵀ·((o − y) ⊙ σ(h)(1 − σ(h))), by plain loops: independent of nabla's ops.
std::vector<double> chain_rule_dW(const std::vector<double>& X, const std::vector<double>& W,
                                  const std::vector<double>& b, const std::vector<double>& y, int n,
                                  int in, int out) {
  std::vector<double> delta(static_cast<std::size_t>(n * out));
  for (int r = 0; r < n; ++r) {
    for (int c = 0; c < out; ++c) {
      double h = b[c];
      for (int k = 0; k < in; ++k) h += X[r * in + k] * W[k * out + c];
      const double o = 1.0 / (1.0 + std::exp(-h));
      delta[r * out + c] = (o - y[r * out + c]) * o * (1.0 - o);
    }
  }
  std::vector<double> dW(static_cast<std::size_t>(in * out), 0.0);
  for (int k = 0; k < in; ++k) {
    for (int c = 0; c < out; ++c) {
      for (int r = 0; r < n; ++r) dW[k * out + c] += X[r * in + k] * delta[r * out + c];
    }
  }
  return dW;
}

}  // namespace

TEST(SeedNetwork, AutogradMatchesChainRuleTo1e10InFloat64) {
  const int n = 5, in = 3, out = 2;
  nabla::Generator gen(11);
  const nabla::Tensor X = nabla::randn({n, in}, gen, nabla::f64);
  const nabla::Tensor y = nabla::rand({n, out}, gen, nabla::f64);
  nabla::Tensor W = nabla::randn({in, out}, gen, nabla::f64).requires_grad_();
  nabla::Tensor b = nabla::randn({out}, gen, nabla::f64).requires_grad_();

  nabla::Tensor l = nabla::squared_loss(nabla::sigmoid(nabla::matmul(X, W) + b), y);
  l.backward();

  const auto expected =
      chain_rule_dW(X.to_vector(), W.to_vector(), b.to_vector(), y.to_vector(), n, in, out);
  const auto got = W.grad().to_vector();
  ASSERT_EQ(got.size(), expected.size());
  double max_abs = 0.0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], expected[i], 1e-10) << "element " << i;
    max_abs = std::max(max_abs, std::abs(expected[i]));
  }
  EXPECT_GT(max_abs, 1e-3) << "the gradient is (nearly) zero: the comparison would be vacuous";
}

TEST(SeedNetwork, GradientDescentLowersTheLoss) {
  nabla::Generator gen(3);
  const nabla::Tensor X = nabla::randn({8, 3}, gen);
  const nabla::Tensor y = nabla::rand({8, 2}, gen);
  nabla::Tensor W = nabla::randn({3, 2}, gen).requires_grad_();
  nabla::Tensor b = nabla::zeros({2}).requires_grad_();
  float first = 0.0f, last = 0.0f;
  for (int step = 0; step < 200; ++step) {
    nabla::Tensor l = nabla::squared_loss(nabla::sigmoid(nabla::matmul(X, W) + b), y);
    if (step == 0) first = l.item<float>();
    last = l.item<float>();
    l.backward();
    nabla::NoGradGuard no_grad;
    W.add_(W.grad(), -0.5);
    b.add_(b.grad(), -0.5);
    W.zero_grad();
    b.zero_grad();
  }
  EXPECT_LT(last, 0.7f * first);
}
