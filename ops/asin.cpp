// asin: elementwise arcsine.
//   forward : result = arcsin x (NaN outside [−1, 1])
//   backward: grad_x = grad_out / √(1 − x²)
//   saves   : x
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct AsinNode final : Node {
  AsinNode() : Node("asin") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {div(grad_out, sqrt(sub(1.0, square(s))))};
  }
};
}  // namespace

Tensor asin(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("asin", x);
  Tensor result = detail::unary_kernel("asin", x, [](auto&& v) { return xt::asin(v); });
  if (auto node = record<AsinNode>(result, {x})) node->save(x);
  return result;
}

namespace detail {
void register_asin(OpRegistry& r) {
  r.add({.name = "asin",
         .formula = "asin(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return asin(in[0]); },
         // in (−0.9, 0.9): inside the domain, away from the poles of the derivative at ±1
         .samples = [](Generator& g, Dtype d) { return ranged_unary_samples(g, d, -0.9, 0.9); }});
}
}  // namespace detail
}  // namespace nabla
