// tan: elementwise tangent.
//   forward : result = tan x
//   backward: grad_x = grad_out ⊙ (1 + result²)
//   saves   : result (not x)
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct TanNode final : Node {
  TanNode() : Node("tan") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {mul(grad_out, add(square(s), 1.0))};
  }
};
}  // namespace

Tensor tan(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("tan", x);
  Tensor result = detail::unary_kernel("tan", x, [](auto&& v) { return xt::tan(v); });
  if (auto node = record<TanNode>(result, {x})) node->save_result(result);
  return result;
}

namespace detail {
void register_tan(OpRegistry& r) {
  r.add({.name = "tan",
         .formula = "tan(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return tan(in[0]); },
         // in (−1.2, 1.2): away from the poles at ±π/2
         .samples = [](Generator& g, Dtype d) { return ranged_unary_samples(g, d, -1.2, 1.2); }});
}
}  // namespace detail
}  // namespace nabla
