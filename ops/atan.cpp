// atan: elementwise arctangent.
//   forward : result = arctan x
//   backward: grad_x = grad_out / (1 + x²)
//   saves   : x
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct AtanNode final : Node {
  AtanNode() : Node("atan") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {div(grad_out, add(square(s), 1.0))};
  }
};
}  // namespace

Tensor atan(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("atan", x);
  Tensor result = detail::unary_kernel("atan", x, [](auto&& v) { return xt::atan(v); });
  if (auto node = record<AtanNode>(result, {x})) node->save(x);
  return result;
}

namespace detail {
void register_atan(OpRegistry& r) {
  r.add({.name = "atan",
         .formula = "atan(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return atan(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
