// sinh: elementwise hyperbolic sine.
//   forward : result = sinh x
//   backward: grad_x = grad_out ⊙ cosh x
//   saves   : x
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct SinhNode final : Node {
  SinhNode() : Node("sinh") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {mul(grad_out, cosh(s))};
  }
};
}  // namespace

Tensor sinh(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("sinh", x);
  Tensor result = detail::unary_kernel("sinh", x, [](auto&& v) { return xt::sinh(v); });
  if (auto node = record<SinhNode>(result, {x})) node->save(x);
  return result;
}

namespace detail {
void register_sinh(OpRegistry& r) {
  r.add({.name = "sinh",
         .formula = "sinh(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return sinh(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
