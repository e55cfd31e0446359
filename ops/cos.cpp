// cos: elementwise cosine.
//   forward : result = cos x
//   backward: grad_x = −grad_out ⊙ sin x
//   saves   : x
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct CosNode final : Node {
  CosNode() : Node("cos") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {mul(grad_out, neg(sin(s)))};
  }
};
}  // namespace

Tensor cos(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("cos", x);
  Tensor result = detail::unary_kernel("cos", x, [](auto&& v) { return xt::cos(v); });
  if (auto node = record<CosNode>(result, {x})) node->save(x);
  return result;
}

namespace detail {
void register_cos(OpRegistry& r) {
  r.add({.name = "cos",
         .formula = "cos(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return cos(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
