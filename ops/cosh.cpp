// cosh: elementwise hyperbolic cosine.
//   forward : result = cosh x
//   backward: grad_x = grad_out ⊙ sinh x
//   saves   : x
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct CoshNode final : Node {
  CoshNode() : Node("cosh") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {mul(grad_out, sinh(s))};
  }
};
}  // namespace

Tensor cosh(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("cosh", x);
  Tensor result = detail::unary_kernel("cosh", x, [](auto&& v) { return xt::cosh(v); });
  if (auto node = record<CoshNode>(result, {x})) node->save(x);
  return result;
}

namespace detail {
void register_cosh(OpRegistry& r) {
  r.add({.name = "cosh",
         .formula = "cosh(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return cosh(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
