// expm1: elementwise eˣ − 1, accurate near 0.
//   forward : result = eˣ − 1
//   backward: grad_x = grad_out ⊙ (result + 1)
//   saves   : result (not x)
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct Expm1Node final : Node {
  Expm1Node() : Node("expm1") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {mul(grad_out, add(s, 1.0))};
  }
};
}  // namespace

Tensor expm1(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("expm1", x);
  Tensor result = detail::unary_kernel("expm1", x, [](auto&& v) { return xt::expm1(v); });
  if (auto node = record<Expm1Node>(result, {x})) node->save_result(result);
  return result;
}

namespace detail {
void register_expm1(OpRegistry& r) {
  r.add({.name = "expm1",
         .formula = "exp(x) - 1",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return expm1(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
