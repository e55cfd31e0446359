// leaky_relu: a rectifier with a small slope below 0.
//   forward : result = x where x > 0, else negative_slope·x   (NaN stays NaN)
//   backward: grad_x = grad_out where x > 0, else negative_slope·grad_out
//             (negative_slope at the kink x = 0, and at NaN, as PyTorch)
//   saves   : the mask x > 0 (bool, no history: ∂²/∂x² = 0 off the kink)
//   shapes  : any; result has x's shape. float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {

Tensor leaky_relu(const Tensor& x, double negative_slope, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::activation_kernel("leaky_relu", x, [&](auto&& v, auto t) {
    using T = decltype(t);
    return xt::where(v > T(0), v, v * static_cast<T>(negative_slope));
  });
  const auto rule = [negative_slope](const Tensor& grad_out, const Tensor& positive) {
    return nabla::where(positive, grad_out, mul(grad_out, negative_slope));
  };
  if (auto node = record<detail::ActivationNode>(result, {x}, "leaky_relu", rule)) {
    node->save(gt(x, 0.0));
  }
  return result;
}

namespace detail {
void register_leaky_relu(OpRegistry& r) {
  // away from the kink at 0, where finite differences straddle two slopes
  r.add({.name = "leaky_relu",
         .formula = "x > 0 ? x : 0.2x",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return leaky_relu(in[0], 0.2); },
         .samples = [](Generator& g,
                       Dtype d) { return activation_samples(g, d, Domain::away_from_zero); }});
}
}  // namespace detail
}  // namespace nabla
