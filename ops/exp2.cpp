// exp2: elementwise power of two.
//   forward : result = 2ˣ
//   backward: grad_x = grad_out ⊙ result·ln 2
//   saves   : result (not x)
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct Exp2Node final : Node {
  Exp2Node() : Node("exp2") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {mul(grad_out, mul(s, std::numbers::ln2))};
  }
};
}  // namespace

Tensor exp2(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("exp2", x);
  Tensor result = detail::unary_kernel("exp2", x, [](auto&& v) { return xt::exp2(v); });
  if (auto node = record<Exp2Node>(result, {x})) node->save_result(result);
  return result;
}

namespace detail {
void register_exp2(OpRegistry& r) {
  r.add({.name = "exp2",
         .formula = "2^x",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return exp2(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
