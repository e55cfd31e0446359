// hardswish: x·hardsigmoid(x).
//   forward : result = x·min(max(x + 3, 0), 6)/6   (NaN at −inf: −inf·0, as PyTorch)
//   backward: grad_x = 0 where x < −3, grad_out where x > 3, else grad_out·(x/3 + ½)
//             (PyTorch's choice at the kinks: −½ at x = −3 and 3/2 at x = 3; NaN at NaN)
//   saves   : x
//   shapes  : any; result has x's shape. float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {

Tensor hardswish(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::activation_kernel("hardswish", x, [](auto&& v, auto t) {
    using T = decltype(t);
    return v * xt::where(v < T(-3), T(0), xt::where(v > T(3), T(6), v + T(3))) / T(6);
  });
  const auto rule = [](const Tensor& grad_out, const Tensor& xs) {
    return nabla::where(lt(xs, -3.0), 0.0,
                        nabla::where(gt(xs, 3.0), grad_out, mul(grad_out, add(div(xs, 3.0), 0.5))));
  };
  if (auto node = record<detail::ActivationNode>(result, {x}, "hardswish", rule)) node->save(x);
  return result;
}

namespace detail {
void register_hardswish(OpRegistry& r) {
  // values 0.3 away from the kinks ±3, where the slope jumps (0 to −½, 3/2 to 1)
  r.add({.name = "hardswish",
         .formula = "x * relu6(x + 3) / 6",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return hardswish(in[0]); },
         .samples =
             [](Generator& g, Dtype d) {
               return kinked_samples(g, d, {-3.0, 3.0});
             }});
}
}  // namespace detail
}  // namespace nabla
