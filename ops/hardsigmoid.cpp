// hardsigmoid: a piecewise linear sigmoid.
//   forward : result = min(max(x + 3, 0), 6)/6   (NaN stays NaN)
//   backward: grad_x = grad_out/6 where −3 < x < 3, else 0 (0 at ±3 and NaN, as PyTorch)
//   saves   : the mask −3 < x < 3 (bool, no history)
//   shapes  : any; result has x's shape. float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {

Tensor hardsigmoid(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::activation_kernel("hardsigmoid", x, [](auto&& v, auto t) {
    using T = decltype(t);
    return xt::where(v < T(-3), T(0), xt::where(v > T(3), T(1), (v + T(3)) / T(6)));
  });
  const auto rule = [](const Tensor& grad_out, const Tensor& inside) {
    return nabla::where(inside, div(grad_out, 6.0), 0.0);
  };
  if (auto node = record<detail::ActivationNode>(result, {x}, "hardsigmoid", rule)) {
    node->save(logical_and(gt(x, -3.0), lt(x, 3.0)));
  }
  return result;
}

namespace detail {
void register_hardsigmoid(OpRegistry& r) {
  // values 0.3 away from the kinks ±3, where the slope jumps between 0 and 1/6
  r.add({.name = "hardsigmoid",
         .formula = "relu6(x + 3) / 6",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return hardsigmoid(in[0]); },
         .samples =
             [](Generator& g, Dtype d) {
               return kinked_samples(g, d, {-3.0, 3.0});
             }});
}
}  // namespace detail
}  // namespace nabla
