// elu: exponential linear unit; this file also holds the core that selu and celu share.
//   forward : result = x where x > 0, else α(eˣ − 1)
//             core: x > 0 ? scale·x : scale·α·(e^(x·s) − 1), s the input scale
//   backward: grad_x = grad_out·scale where x > 0, else grad_out·scale·α·s·e^(x·s)
//             (the second at the kink x = 0 and at NaN, as PyTorch in float64)
//   saves   : x
//   shapes  : any; result has x's shape. float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {

namespace detail {
Tensor elu_core(const char* op, const Tensor& x, double alpha, double scale, double input_scale) {
  Tensor result = activation_kernel(op, x, [&](auto&& v, auto t) {
    using T = decltype(t);
    // scalars as prvalues: xtensor keeps a named scalar by reference, and the expression
    // outlives this lambda
    return xt::where(
        v > T(0), v * static_cast<T>(scale),
        (xt::exp(v * static_cast<T>(input_scale)) - T(1)) * static_cast<T>(alpha * scale));
  });
  const auto rule = [=](const Tensor& grad_out, const Tensor& xs) {
    const Tensor negative =
        mul(grad_out, mul(exp(mul(xs, input_scale)), alpha * scale * input_scale));
    return nabla::where(gt(xs, 0.0), mul(grad_out, scale), negative);
  };
  if (auto node = record<ActivationNode>(result, {x}, op, rule)) node->save(x);
  return result;
}
}  // namespace detail

Tensor elu(const Tensor& x, double alpha, CallSite where) {
  detail::CallSiteScope site(where);
  return detail::elu_core("elu", x, alpha, 1.0, 1.0);
}

namespace detail {
void register_elu(OpRegistry& r) {
  // away from the kink at 0 (the slope jumps from 1 to α; with α = 1 the curvature does)
  r.add({.name = "elu",
         .formula = "x > 0 ? x : 1.5(exp(x) - 1)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return elu(in[0], 1.5); },
         .samples = [](Generator& g,
                       Dtype d) { return activation_samples(g, d, Domain::away_from_zero); }});
}
}  // namespace detail
}  // namespace nabla
