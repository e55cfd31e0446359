// gaussian_nll_loss: PyTorch's negative log-likelihood of a Gaussian distribution.
//   forward : v = max(var, eps); l = ½·(log v + (input − target)²/v), plus ½·log 2π with
//             `full`; then mean, sum or none
//   backward: by composition (clamp, log, div, mul): grad_input = (input − target)/v,
//             grad_target its negative, grad_var = ½·(1/v − (input − target)²/v²), at the
//             clamped v but passed to var unchanged where it is clamped (PyTorch 1.13 clamps
//             in place under no_grad)
//   saves   : what the composed ops save
//   shapes  : input and target of one shape and floating dtype; var of input's shape, of
//             input's without the last axis (then unsqueezed), or of input's with a last
//             axis of 1 (broadcast); var ≥ 0 everywhere. Else std::invalid_argument

#include <numbers>

#include "ops/loss_common.hpp"

namespace nabla {

Tensor gaussian_nll_loss(const Tensor& input, const Tensor& target, const Tensor& var, bool full,
                         double eps, Reduction reduction, CallSite where) {
  detail::CallSiteScope site(where);
  constexpr const char* op = "gaussian_nll_loss";
  detail::check_pair(op, input, target);
  detail::check_loss_operand(op, var, "var");
  detail::check_same_dtype(op, input, var);
  Tensor v = var;
  if (var.shape() != input.shape()) {
    Shape head = input.shape();
    if (!head.empty()) head.pop_back();
    Shape var_head = var.shape();
    if (!var_head.empty()) var_head.pop_back();
    if (var.shape() == head && !input.shape().empty()) {
      v = unsqueeze(var, -1);
    } else if (!(var.dim() == input.dim() && var_head == head && var.shape().back() == 1)) {
      throw std::invalid_argument(fmt::format(
          "nabla::gaussian_nll_loss: var {} fits neither input {}, nor it without the last axis, "
          "nor it with a last axis of 1",
          shape_str(var.shape()), shape_str(input.shape())));
    }
  }
  for (double x : var.to_vector()) {
    if (x < 0.0) {
      throw std::invalid_argument(fmt::format(
          "nabla::gaussian_nll_loss: var must be non-negative, got an entry {}", x));
    }
  }
  v = detail::clamp_min_straight_through(v, eps);
  const Tensor d = sub(input, target);
  Tensor l = mul(add(log(v), div(mul(d, d), v)), 0.5);
  if (full) l = add(l, 0.5 * std::log(2.0 * std::numbers::pi));
  return detail::reduce_loss(l, reduction);
}

namespace detail {
namespace {
// var in [0.5, 2.5): far above eps, where the clamp would cut its gradient
std::vector<OpSample> gaussian_samples(Generator& g, Dtype d) {
  return {{"batch [4,3], var [4,3]",
           {sample_tensor({4, 3}, g, d), sample_tensor({4, 3}, g, d),
            sample_tensor({4, 3}, g, d, Domain::positive)}},
          {"batch [4,3], var [4] (one per row)",
           {sample_tensor({4, 3}, g, d), sample_tensor({4, 3}, g, d),
            sample_tensor({4}, g, d, Domain::positive)}}};
}

std::vector<OpSample> gaussian_bad_samples(Generator& g, Dtype d) {
  return {{"var [3] for input [4,3]",
           {sample_tensor({4, 3}, g, d), sample_tensor({4, 3}, g, d),
            sample_tensor({3}, g, d, Domain::positive)}}};
}
}  // namespace

void register_gaussian_nll_loss(OpRegistry& r) {
  r.add({.name = "gaussian_nll_loss",
         .formula = "mean((log(v) + (x - t)^2/v)/2)",
         .arity = 3,
         .fn = [](const std::vector<Tensor>& in) { return gaussian_nll_loss(in[0], in[1], in[2]); },
         .samples = gaussian_samples,
         .bad_samples = gaussian_bad_samples});
}
}  // namespace detail
}  // namespace nabla
