// The seed network, end to end: the tutorial's "The Problem" and "The Code".
//
// A one-layer network o = σ(X·W_h + b_h) is judged by the squared loss
// l = Σ ½(o − y)². Backpropagation by hand gives, with h = X·W_h + b_h,
//
//     ∂l/∂W_h = Xᵀ · ((o − y) ⊙ σ'(h)),   σ'(h) = σ(h)(1 − σ(h))
//     ∂l/∂b_h = Σ_rows (o − y) ⊙ σ'(h)
//
// This program computes the same gradients with nabla's backward(), prints both side by
// side with their largest difference, then trains the network by gradient descent.
//
//   seed_network           the gradients side by side, then training
//   seed_network --trace   first the backward pass node by node (nabla::BackwardTrace):
//                          each op's rule and the gradient it produced, beside the factor
//                          of the hand chain rule ∂l/∂o · ∂o/∂h · ∂h/∂w it stands for

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xmath.hpp>

#include <nabla/nabla.hpp>

namespace {

// Prints two matrices of the same shape side by side.
void print_side_by_side(const char* left_title, const xt::xarray<double>& left,
                        const char* right_title, const xt::xarray<double>& right) {
  fmt::print("  {:<34}{}\n", left_title, right_title);
  for (std::size_t i = 0; i < left.shape()[0]; ++i) {
    std::string l, r;
    for (std::size_t j = 0; j < left.shape()[1]; ++j) {
      l += fmt::format("{:>+14.9f} ", left(i, j));
      r += fmt::format("{:>+14.9f} ", right(i, j));
    }
    fmt::print("  {:<34}{}\n", l, r);
  }
}

// The largest |a − b| of two arrays of one shape.
double max_abs_diff(const xt::xarray<double>& a, const xt::xarray<double>& b) {
  return a.size() == 0 ? 0.0 : xt::amax(xt::abs(a - b))();
}

}  // namespace

int main(int argc, char** argv) {
  bool trace = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--trace") == 0) {
      trace = true;
    } else {
      fmt::print(stderr, "usage: {} [--trace]\n", argv[0]);
      return 2;
    }
  }
  // The problem: 4 examples of 3 inputs, each with 2 targets in (0, 1).
  // Computed in float64 so that the comparison below is limited only by rounding.
  const nabla::Tensor X = nabla::tensor({{0.5, -1.0, 2.0},  //
                                         {1.5, 0.3, -0.7},
                                         {-0.2, 0.8, 0.1},
                                         {0.9, -0.4, -1.2}},
                                        nabla::f64);
  const nabla::Tensor y = nabla::tensor({{1.0, 0.0},  //
                                         {0.0, 1.0},
                                         {1.0, 1.0},
                                         {0.0, 0.0}},
                                        nabla::f64);
  nabla::Generator gen(7);
  nabla::Tensor W = nabla::mul(nabla::randn({3, 2}, gen, nabla::f64), 0.5).requires_grad_();
  nabla::Tensor b = nabla::zeros({2}, nabla::f64).requires_grad_();
  W.set_name("W_h");
  b.set_name("b_h");

  fmt::print("The seed network: o = sigmoid(X·W_h + b_h), l = sum ½(o - y)²\n");
  fmt::print("X = {}\ny = {}\nW_h = {}\n\n", X, y, W);

  // Forward pass: every op records itself on the graph.
  nabla::Tensor h = nabla::matmul(X, W) + b;  // b broadcasts over the rows
  nabla::Tensor o = nabla::sigmoid(h);
  nabla::Tensor l = nabla::squared_loss(o, y);
  fmt::print("forward: l = {:.10f}\n\n", l.item<double>());

  // The same gradients by the chain rule, derived by hand, in plain xtensor (forward
  // values are all they need).
  const auto Xv = nabla::values<double>(X);
  const auto yv = nabla::values<double>(y);
  const auto ov = nabla::values<double>(o);
  const xt::xarray<double> dl_do = ov - yv;                // ∂l/∂o = o − y
  const xt::xarray<double> sigma_prime = ov * (1.0 - ov);  // σ'(h) = σ(h)(1 − σ(h))
  const xt::xarray<double> delta = dl_do * sigma_prime;    // ∂l/∂h = (o − y) ⊙ σ'(h)
  const xt::xarray<double> dW = xt::linalg::dot(xt::transpose(Xv), delta);  // Xᵀ·δ  [3,2]
  const xt::xarray<double> db = xt::sum(delta, {0});                        // Σ rows δ [2]

  // Backward pass: nabla walks the graph in reverse. Recording each node's gradient norm
  // lets the picture of the graph show them. With --trace, each node is printed as it
  // runs, beside the factor of the hand chain rule that its gradient is.
  nabla::set_grad_norms_recorded(true);
  if (trace) {
    // (op, input) -> the hand formula and value of the gradient that node sends there
    const std::map<std::pair<std::string, std::size_t>,
                   std::pair<const char*, const xt::xarray<double>*>>
        by_hand = {{{"squared_loss", 0}, {"dl/do = o - y", &dl_do}},
                   {{"sigmoid", 0}, {"dl/dh = dl/do * sigma'(h) = (o - y) * o(1 - o)", &delta}},
                   {{"add", 0}, {"dl/d(X W_h) = dl/dh", &delta}},
                   {{"add", 1}, {"dl/db_h = sum over rows of dl/dh", &db}},
                   {{"matmul", 1}, {"dl/dW_h = X^T . dl/dh", &dW}}};
    fmt::print("the backward pass, node by node (nabla::BackwardTrace):\n\n");
    nabla::BackwardTrace tracer(
        [&](const nabla::BackwardStep& step) {
          fmt::print("{}", nabla::format_backward_step(step));
          for (std::size_t i = 0; i < step.outgoing.size(); ++i) {
            const auto hand = by_hand.find({step.op, i});
            if (hand == by_hand.end() || !step.outgoing[i].defined) continue;
            const auto got = nabla::values<double>(step.outgoing[i].value);
            fmt::print("    by hand, input {}: {}  ‖·‖ = {:.6g}, max |autograd - hand| = {:.3g}\n",
                       i, hand->second.first,
                       std::sqrt(xt::sum(*hand->second.second * *hand->second.second)()),
                       max_abs_diff(got, *hand->second.second));
          }
          fmt::print("\n");
        },
        nabla::BackwardTrace::Options{.keep_values = true});
    l.backward();
  } else {
    l.backward();
  }
  nabla::set_grad_norms_recorded(false);
  l.set_name("l");
  nabla::write_dot(l, "seed_network.dot");
  fmt::print(
      "the graph of l, with gradient norms, is in seed_network.dot "
      "(tools/render-graph seed_network.dot draws it)\n\n");

  const xt::xarray<double> gW = nabla::values<double>(W.grad());
  const xt::xarray<double> gb = nabla::values<double>(b.grad());
  print_side_by_side("dl/dW_h by autograd", gW, "dl/dW_h by the chain rule Xᵀ·((o-y)⊙σ'(h))", dW);
  fmt::print("\n  dl/db_h by autograd   [{:+.9f}, {:+.9f}]\n", gb(0), gb(1));
  fmt::print("  dl/db_h by chain rule [{:+.9f}, {:+.9f}]\n\n", db(0), db(1));
  const double max_diff = std::max(xt::amax(xt::abs(gW - dW))(), xt::amax(xt::abs(gb - db))());

  // Training: plain gradient descent, W ← W − η·∂l/∂W.
  const double lr = 0.5;
  fmt::print("training by gradient descent, learning rate {}\n", lr);
  W.zero_grad();
  b.zero_grad();
  for (int step = 0; step <= 1000; ++step) {
    nabla::Tensor loss = nabla::squared_loss(nabla::sigmoid(nabla::matmul(X, W) + b), y);
    if (step % 100 == 0) fmt::print("  step {:>4}  loss {:.6f}\n", step, loss.item<double>());
    if (step == 1000) break;
    loss.backward();
    {
      nabla::NoGradGuard no_grad;  // the update itself is not part of the model
      W.add_(W.grad(), -lr);
      b.add_(b.grad(), -lr);
    }
    W.zero_grad();
    b.zero_grad();
  }
  const nabla::Tensor final_o = nabla::sigmoid(nabla::matmul(X, W) + b);
  fmt::print("\npredictions after training:\n{}\ntargets:\n{}\n\n", final_o.detach(), y);
  fmt::print("max |autograd - chain rule| = {:.3g}\n", max_diff);
  return 0;
}
