// sin: elementwise sine.
//   forward : result = sin x
//   backward: grad_x = grad_out ⊙ cos x
//   saves   : x
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct SinNode final : Node {
  SinNode() : Node("sin") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {mul(grad_out, cos(s))};
  }
};
}  // namespace

Tensor sin(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("sin", x);
  Tensor result = detail::unary_kernel("sin", x, [](auto&& v) { return xt::sin(v); });
  if (auto node = record<SinNode>(result, {x})) node->save(x);
  return result;
}

namespace detail {
void register_sin(OpRegistry& r) {
  r.add({.name = "sin",
         .formula = "sin(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return sin(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
