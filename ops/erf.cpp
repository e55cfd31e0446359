// erf: elementwise error function.
//   forward : result = erf x = (2/√π) ∫₀ˣ e^(−t²) dt
//   backward: grad_x = grad_out ⊙ (2/√π)·e^(−x²)
//   saves   : x
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct ErfNode final : Node {
  ErfNode() : Node("erf") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {mul(grad_out, mul(exp(neg(square(s))), std::numbers::inv_sqrtpi * 2.0))};
  }
};
}  // namespace

Tensor erf(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("erf", x);
  Tensor result = detail::unary_kernel("erf", x, [](auto&& v) { return xt::erf(v); });
  if (auto node = record<ErfNode>(result, {x})) node->save(x);
  return result;
}

namespace detail {
void register_erf(OpRegistry& r) {
  r.add({.name = "erf",
         .formula = "erf(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return erf(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
