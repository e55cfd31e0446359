// var_mean: the variance and the mean over given dims, one node with two outputs.
//   forward : var as var(x, dims, correction, keepdim), mean as mean(x, dims, keepdim), in
//             one pass over x
//   backward: grad_x = var's gradient of grad_var + broadcast(grad_mean) / N; an output
//             that got no gradient adds nothing
//   saves   : x
//   shapes  : both outputs have var's shape
//   dtypes  : float32, float64 only

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
std::vector<OpSample> moment_samples(Generator& g, Dtype d);      // ops/var.cpp
std::vector<OpSample> moment_bad_samples(Generator& g, Dtype d);  // ops/var.cpp

/// The gradient a mean over `axes` sends back: broadcast(g) / n, g with the axes kept.
Tensor mean_gradient(const Tensor& g, const Shape& x_shape, double n) {
  return broadcast_to(mul(g, 1.0 / n), x_shape);
}

namespace {
struct VarMeanNode final : MultiOutputNode {
  VarMeanNode(std::vector<std::int64_t> axes, Shape kept, double n, std::int64_t correction)
      : MultiOutputNode("var_mean"), axes_(std::move(axes)), kept_(std::move(kept)), n_(n),
        correction_(correction) {}
  std::vector<std::int64_t> axes_;
  Shape kept_;
  double n_;
  std::int64_t correction_;
  std::vector<Tensor> backward(const std::vector<Tensor>& grads) override {
    Tensor total;
    if (grads[0].defined())
      total = var_gradient(reshape(grads[0], kept_), saved(0), axes_, n_, correction_);
    if (grads[1].defined()) {
      const Tensor m = mean_gradient(reshape(grads[1], kept_), input_shape(0), n_);
      total = total.defined() ? add(total, m) : m;
    }
    return {total};
  }
};
}  // namespace
}  // namespace detail

VarMean var_mean(const Tensor& x, const std::vector<std::int64_t>& dims, std::int64_t correction,
                 bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("var_mean", x);
  const auto axes = detail::reduction_axes("var_mean", x, dims);
  auto m = detail::moments("var_mean", x, axes, correction, keepdim);
  std::vector<Tensor> outs{m.var, m.mean};
  if (auto node = record_outputs<detail::VarMeanNode>(
          outs, {x}, detail::signed_axes(axes), detail::reduced_shape(x.shape(), axes, true), m.n,
          correction)) {
    node->save(x);
  }
  return {outs[0], outs[1]};
}

VarMean var_mean(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  return var_mean(x, {}, 1, false);
}

namespace detail {
// var and mean scaled by 1 and 2 and joined, so that a rule that swapped or dropped one
// output's gradient is caught
Tensor joined_moments(const Tensor& a, const Tensor& b) {
  return cat({a.flatten(), mul(b, 2.0).flatten()}, 0);
}

void register_var_mean(OpRegistry& r) {
  r.add({.name = "var_mean",
         .formula = "var_mean over dim 1, var and 2·mean joined",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               auto [v, m] = var_mean(in[0], {1});
               return joined_moments(v, m);
             },
         .samples = moment_samples,
         .bad_samples = moment_bad_samples});
}
}  // namespace detail
}  // namespace nabla
