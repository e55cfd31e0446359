// tanh: elementwise hyperbolic tangent.
//   forward : result = tanh x
//   backward: grad_x = tanh_backward(grad_out, result) = grad_out ⊙ (1 − result²)
//   saves   : result (not x)
//   shapes  : any; result has x's shape

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct TanhNode final : Node {
  TanhNode() : Node("tanh") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {tanh_backward(grad_out, saved(0))};
  }
};
}  // namespace

Tensor tanh(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("tanh", x);
  Tensor result = detail::unary_kernel("tanh", x, detail::kTanh);
  if (auto node = record<TanhNode>(result, {x})) node->save_result(result);
  return result;
}

namespace detail {
void register_tanh(OpRegistry& r) {
  r.add({.name = "tanh",
         .formula = "tanh(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return tanh(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
