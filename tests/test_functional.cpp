// Tests of nabla/functional.hpp: vjp, jvp, jacobian (reverse and forward), hessian (both
// outer strategies), hvp and vhp, against values recorded from PyTorch 1.13
// (python3-torch, torch.autograd.functional, float64), against each other, and against
// gradcheck's numerical Jacobians (GradcheckOptions::return_jacobians); and their errors.

#include "ops/op_test_util.hpp"

#include <nabla/functional.hpp>

namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;
namespace F = nabla::functional;

const nabla::Dtype f64 = nabla::f64;

Tensor vec(std::vector<double> v) {
  const auto n = static_cast<std::int64_t>(v.size());
  return nabla::tensor(v, {n}, f64);
}

// The functions of the PyTorch script:
//   f1 = lambda x: x.exp() * x.sum()
//   def f2(x, w): return (x @ w, torch.sin(x).sum() * w)
//   f3 = lambda x: torch.tanh(x).sum() * (x * x).sum()
//   x = torch.tensor([0.1, -0.2, 0.3], dtype=torch.float64)
//   W = torch.tensor([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]], dtype=torch.float64)
Tensor f1(const Tensor& x) {
  return nabla::exp(x) * nabla::sum(x);
}
std::vector<Tensor> f2(const std::vector<Tensor>& in) {
  return {nabla::matmul(in[0], in[1]), nabla::sum(nabla::sin(in[0])) * in[1]};
}
Tensor f3(const Tensor& x) {
  return nabla::sum(nabla::tanh(x)) * nabla::sum(x * x);
}
Tensor x0() {
  return vec({0.1, -0.2, 0.3});
}
Tensor w0() {
  return nabla::tensor({{0.5, -1.0}, {2.0, 0.25}, {-0.75, 1.5}}, f64);
}

// Recorded from PyTorch: jacobian(f1, x).flatten().tolist()
const std::vector<double> kJ1 = {1.3262051016907772, 1.1051709180756477, 1.1051709180756477,
                                 0.8187307530779818, 0.9824769036935782, 0.8187307530779818,
                                 1.3498588075760032, 1.3498588075760032, 1.6198305690912038};

TEST(Functional, JacobianMatchesPyTorchInBothModes) {
  expect_tensor(F::jacobian(f1, x0()), {3, 3}, kJ1, f64);
  expect_tensor(F::jacobian(f1, x0(), {.strategy = F::Strategy::forward}), {3, 3}, kJ1, f64);
}

TEST(Functional, JacobianBlocksHaveOutputShapeThenInputShape) {
  const auto rev = F::jacobian(f2, {x0(), w0()});
  const auto fwd = F::jacobian(f2, {x0(), w0()}, {.strategy = F::Strategy::forward});
  ASSERT_EQ(rev.size(), 2u);
  ASSERT_EQ(rev[0].size(), 2u);
  EXPECT_EQ(rev[0][0].shape(), (nabla::Shape{2, 3}));     // x@w by x
  EXPECT_EQ(rev[0][1].shape(), (nabla::Shape{2, 3, 2}));  // x@w by w
  EXPECT_EQ(rev[1][0].shape(), (nabla::Shape{3, 2, 3}));  // sin(x).sum()*w by x
  EXPECT_EQ(rev[1][1].shape(), (nabla::Shape{3, 2, 3, 2}));
  // ∂(x@w)_n / ∂x_k = w[k, n]
  expect_tensor(rev[0][0], {2, 3}, {0.5, 2.0, -0.75, -1.0, 0.25, 1.5}, f64);
  for (std::size_t k = 0; k < 2; ++k) {
    for (std::size_t j = 0; j < 2; ++j) {
      expect_tensor(fwd[k][j], rev[k][j].shape(), rev[k][j].to_vector(), f64);
    }
  }
}

TEST(Functional, VjpAndJvpMatchPyTorch) {
  // Recorded from PyTorch: vjp(f2, (x, W), v) and jvp(f2, (x, W), u) with
  //   v = ([1.0, -2.0], [[0.5, 1.0], [1.5, -1.0], [2.0, 0.0]])
  //   u = ([0.3, 0.2, -0.1], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
  const F::Result r =
      F::vjp(f2, {x0(), w0()},
             {vec({1.0, -2.0}), nabla::tensor({{0.5, 1.0}, {1.5, -1.0}, {2.0, 0.0}}, f64)});
  ASSERT_EQ(r.outputs.size(), 2u);
  expect_tensor(r.outputs[0], {2}, {0.5 * 0.1 - 0.2 * 2.0 - 0.3 * 0.75, -0.1 - 0.05 + 0.45}, f64);
  expect_tensor(r.derivatives[0], {3}, {2.997502082639013, 1.9900332889206207, -3.272331755437197},
                f64);
  expect_tensor(r.derivatives[1], {3, 2},
                {0.19834214625655325, -0.0033157074868935266, 0.09502643876965972,
                 0.20331570748689354, 0.693368585026213, -0.6},
                f64);
  const F::Result j =
      F::jvp(f2, {x0(), w0()},
             {vec({0.3, 0.2, -0.1}), nabla::tensor({{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}}, f64)});
  expect_tensor(j.derivatives[0], {2}, {1.025, -0.30000000000000004}, f64);
  expect_tensor(j.derivatives[1], {3, 2},
                {0.39617475063265417, -0.39898091623909543, 0.7979618324781909, 0.29642952157288033,
                 -0.1025513946662151, 0.7951556668717497},
                f64);
  EXPECT_FALSE(r.derivatives[0].requires_grad());
  EXPECT_FALSE(j.derivatives[0].requires_grad());
}

TEST(Functional, HessianHvpAndVhpMatchPyTorch) {
  // Recorded from PyTorch: hessian(f3, x).flatten().tolist(); hvp(f3, x, v) with
  // v = [1.0, 0.5, -1.0]; f3(x).item()
  const std::vector<double> h = {0.7556072719509922,   -0.20381791974575264, 0.7770671668737897,
                                 -0.20381791974575264, -0.3285116860460143,  0.21057100504901827,
                                 0.7770671668737897,   0.21057100504901827,  1.4107294649470368};
  expect_tensor(F::hessian(f3, x0()), {3, 3}, h, f64);
  expect_tensor(F::hessian(f3, x0(), {.outer_jacobian_strategy = F::Strategy::forward}), {3, 3}, h,
                f64);
  const std::vector<double> hv = {-0.12336885479567389, -0.578644767817778, -0.528376795548738};
  const auto [value, hvp] = F::hvp(f3, x0(), vec({1.0, 0.5, -1.0}));
  expect_tensor(value, {}, {0.027104740159229982}, f64);
  expect_tensor(hvp, {3}, hv, f64);
  expect_tensor(F::vhp(f3, x0(), vec({1.0, 0.5, -1.0})).second, {3}, hv, f64);
}

TEST(Functional, HessianBlocksOfSeveralInputs) {
  // f(a, b) = Σ a² b: ∂²/∂a² = diag(2b), ∂²/∂a∂b = diag(2a), ∂²/∂b² = 0
  const auto f = [](const std::vector<Tensor>& in) { return nabla::sum(in[0] * in[0] * in[1]); };
  const auto h = F::hessian(f, {vec({1.0, 2.0}), vec({3.0, -1.0})});
  expect_tensor(h[0][0], {2, 2}, {6.0, 0.0, 0.0, -2.0}, f64);
  expect_tensor(h[0][1], {2, 2}, {2.0, 0.0, 0.0, 4.0}, f64);
  expect_tensor(h[1][0], {2, 2}, {2.0, 0.0, 0.0, 4.0}, f64);
  expect_tensor(h[1][1], {2, 2}, {0.0, 0.0, 0.0, 0.0}, f64);
}

TEST(Functional, CreateGraphMakesTheJacobianDifferentiable) {
  // Recorded from PyTorch: xr = x.clone().requires_grad_();
  //   jacobian(f1, xr, create_graph=True).sum().backward(); xr.grad.tolist()
  Tensor x = x0().requires_grad_();
  const Tensor j = F::jacobian(f1, x, {.create_graph = true});
  EXPECT_TRUE(j.requires_grad());
  nabla::sum(j).backward();
  expect_tensor(x.grad(), {3}, {6.810307416571705, 5.893698888579175, 7.593308662972843}, f64);
  // without it, the Jacobian carries no graph and the input is left alone
  Tensor y = x0().requires_grad_();
  EXPECT_FALSE(F::jacobian(f1, y).requires_grad());
  EXPECT_FALSE(y.grad().defined());
}

TEST(Functional, InputsAreNotChangedAndNeedNotRequireGrad) {
  const Tensor x = x0();
  const auto [out, g] = F::vjp(f1, x, nabla::ones({3}, f64));
  EXPECT_FALSE(x.requires_grad());
  expect_tensor(x, {3}, {0.1, -0.2, 0.3}, f64);
  // vᵀJ with v = 1: the column sums of J
  expect_tensor(
      g, {3}, {kJ1[0] + kJ1[3] + kJ1[6], kJ1[1] + kJ1[4] + kJ1[7], kJ1[2] + kJ1[5] + kJ1[8]}, f64);
  // under no-grad the function is still recorded
  nabla::NoGradGuard no_grad;
  expect_tensor(F::jacobian(f1, x), {3, 3}, kJ1, f64);
}

TEST(Functional, IndependentOutputsGiveZerosOrThrowWhenStrict) {
  const auto f = [](const std::vector<Tensor>& in) { return std::vector<Tensor>{in[0] * 2.0}; };
  const Tensor a = vec({1.0, 2.0}), b = vec({3.0});
  const auto j = F::jacobian(f, {a, b});
  expect_tensor(j[0][1], {2, 1}, {0.0, 0.0}, f64);
  EXPECT_THAT(message_of([&] {
                F::jacobian(f, {a, b}, {.strict = true});
              }),
              HasSubstr("nabla::functional::jacobian: no output depends on input 1"));
  EXPECT_THAT(message_of([&] {
                F::vjp(f, {a, b}, {vec({1.0, 1.0})}, {.strict = true});
              }),
              HasSubstr("nabla::functional::vjp: no output depends on input 1"));
  EXPECT_THAT(message_of([&] {
                F::jvp(f, {a, b}, {a, b}, {.strict = true});
              }),
              HasSubstr("nabla::functional::jvp: no output depends on input 1"));
  const F::Result r = F::jvp(f, {a, b}, {vec({1.0, 0.0}), vec({5.0})});
  expect_tensor(r.derivatives[0], {2}, {2.0, 0.0}, f64);
}

TEST(Functional, BadArgumentsThrowNamingTheFunction) {
  const Tensor x = x0();
  EXPECT_THAT(message_of([&] { F::vjp(f1, x); }),
              HasSubstr("nabla::functional::vjp: v may be left out only when there is a single "
                        "one-element output; there is 1 output of shape [3]"));
  EXPECT_THAT(message_of([&] {
                F::vjp(f1, x, vec({1.0, 2.0}));
              }),
              HasSubstr("nabla::functional::vjp: v[0] has shape [2] but output 0 has shape [3]"));
  EXPECT_THAT(message_of([&] { F::jvp(f1, x, nabla::ones({3}, nabla::i64)); }),
              HasSubstr("nabla::functional::jvp: v[0] is int64"));
  EXPECT_THAT(message_of([&] {
                F::jvp(f2, {x, w0()}, {x});
              }),
              HasSubstr("nabla::functional::jvp: v has 1 tensors for 2 inputs"));
  EXPECT_THAT(message_of([&] { F::jacobian(f1, nabla::ones({2}, nabla::i64)); }),
              HasSubstr("nabla::functional::jacobian: input 0 is int64; only float32 and float64"));
  EXPECT_THAT(message_of([&] { F::jacobian(f1, Tensor()); }),
              HasSubstr("nabla::functional::jacobian: input 0 is undefined"));
  EXPECT_THAT(message_of([&] { F::hessian(f1, x); }),
              HasSubstr("nabla::functional::hessian: the function must return one element, but "
                        "returned shape [3]"));
  EXPECT_THAT(message_of([&] { F::hvp(f3, x, vec({1.0})); }),
              HasSubstr("nabla::functional::hvp: v[0] has shape [1] but input 0 has shape [3]"));
  EXPECT_THAT(message_of([&] { F::jacobian(F::UnaryFunction(), x); }),
              HasSubstr("nabla::functional::jacobian: the function is empty"));
  EXPECT_THAT(
      message_of([&] { F::jacobian([](const Tensor& t) { return nabla::argmax(t, 0); }, x); }),
      HasSubstr("nabla::functional::jacobian: output 0 of the function is int64"));
}

TEST(Functional, JacobianEqualsGradchecksAnalyticalAndNumericalJacobians) {
  nabla::GradcheckOptions o;
  o.return_jacobians = true;
  const nabla::GradcheckResult r = nabla::gradcheck(
      [](const std::vector<Tensor>& in) { return f1(in[0]); }, {x0().requires_grad_()}, o);
  ASSERT_TRUE(r) << r.message;
  ASSERT_EQ(r.jacobians.size(), 1u);
  EXPECT_EQ(r.jacobians[0].analytical.shape(), (nabla::Shape{3, 3}));
  expect_tensor(r.jacobians[0].analytical, {3, 3}, kJ1, f64);
  const auto num = r.jacobians[0].numerical.to_vector();
  for (std::size_t i = 0; i < kJ1.size(); ++i) EXPECT_NEAR(num[i], kJ1[i], 1e-8) << i;
}

TEST(Functional, GradcheckPrintsBothJacobiansOfAMismatchOnRequest) {
  // a deliberately wrong rule: the gradient of x² given as x
  struct Wrong final : nabla::Node {
    Wrong() : Node("wrong_square") {}
    std::vector<Tensor> backward(const Tensor& g) override { return {g * saved(0)}; }
  };
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    Tensor y;
    {
      nabla::NoGradGuard no_grad;
      y = in[0] * in[0];
    }
    if (auto node = nabla::record<Wrong>(y, {in[0]})) node->save(in[0]);
    return y;
  };
  nabla::GradcheckOptions o;
  const nabla::GradcheckResult plain = nabla::gradcheck(fn, {vec({1.0, 2.0}).requires_grad_()}, o);
  EXPECT_FALSE(plain);
  EXPECT_TRUE(plain.jacobians.empty());
  EXPECT_THAT(plain.message, testing::Not(HasSubstr("analytical Jacobian")));
  o.return_jacobians = true;
  o.fast_mode = true;  // return_jacobians runs the full check anyway
  const nabla::GradcheckResult full = nabla::gradcheck(fn, {vec({1.0, 2.0}).requires_grad_()}, o);
  EXPECT_EQ(full.failure, "jacobian");
  EXPECT_THAT(full.message, HasSubstr("analytical Jacobian of output 0 by input 0 (a row per "
                                      "output element):\n  [1, 0]\n  [0, 2]\nnumerical Jacobian:\n"
                                      "  [2, 0]\n  [0, 4]"));
}

}  // namespace
