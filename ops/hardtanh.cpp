// hardtanh: clamp into [min_val, max_val]; this file also holds the core relu6 shares.
//   forward : result = min(max(x, min_val), max_val)   (NaN stays NaN)
//   backward: grad_x = grad_out where min_val < x < max_val, else 0
//             (0 at both bounds and at NaN, as PyTorch in float64)
//   saves   : the mask min_val < x < max_val (bool, no history: ∂²/∂x² = 0)
//   shapes  : any; result has x's shape. min_val ≤ max_val, else std::invalid_argument.
//             float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {

namespace detail {
Tensor hardtanh_core(const char* op, const Tensor& x, double min_val, double max_val) {
  Tensor result = activation_kernel(op, x, [&](auto&& v, auto t) {
    using T = decltype(t);
    // the bounds as prvalues: xtensor keeps a named scalar by reference, and the
    // expression outlives this lambda
    return xt::where(v < static_cast<T>(min_val), static_cast<T>(min_val),
                     xt::where(v > static_cast<T>(max_val), static_cast<T>(max_val), v));
  });
  const auto rule = [](const Tensor& grad_out, const Tensor& inside) {
    return nabla::where(inside, grad_out, 0.0);
  };
  if (auto node = record<ActivationNode>(result, {x}, op, rule)) {
    node->save(logical_and(gt(x, min_val), lt(x, max_val)));
  }
  return result;
}
}  // namespace detail

Tensor hardtanh(const Tensor& x, double min_val, double max_val, CallSite where) {
  detail::CallSiteScope site(where);
  if (!(min_val <= max_val)) {
    throw std::invalid_argument(
        fmt::format("nabla::hardtanh: min_val {} must not exceed max_val {}", min_val, max_val));
  }
  return detail::hardtanh_core("hardtanh", x, min_val, max_val);
}

namespace detail {
void register_hardtanh(OpRegistry& r) {
  // values 0.3 away from the bounds ±1, where the slope jumps between 0 and 1
  r.add({.name = "hardtanh",
         .formula = "min(max(x, -1), 1)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return hardtanh(in[0]); },
         .samples =
             [](Generator& g, Dtype d) {
               return kinked_samples(g, d, {-1.0, 1.0});
             }});
}
}  // namespace detail
}  // namespace nabla
