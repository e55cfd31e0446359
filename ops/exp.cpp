// exp: elementwise exponential.
//   forward : result = eˣ
//   backward: grad_x = grad_out ⊙ result
//   saves   : result (not x)
//   shapes  : any; result has x's shape

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct ExpNode final : Node {
  ExpNode() : Node("exp") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {mul(grad_out, saved(0))};
  }
};
}  // namespace

Tensor exp(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("exp", x);
  Tensor result = detail::unary_kernel("exp", x, detail::kExp);
  if (auto node = record<ExpNode>(result, {x})) node->save_result(result);
  return result;
}

namespace detail {
void register_exp(OpRegistry& r) {
  r.add({.name = "exp",
         .formula = "exp(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return exp(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
