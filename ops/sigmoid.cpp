// sigmoid: elementwise logistic function.
//   forward : result = 1 / (1 + e⁻ˣ)
//   backward: grad_x = sigmoid_backward(grad_out, result) = grad_out ⊙ result ⊙ (1 − result)
//   saves   : result (not x)
//   shapes  : any; result has x's shape

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct SigmoidNode final : Node {
  SigmoidNode() : Node("sigmoid") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {sigmoid_backward(grad_out, saved(0))};
  }
};
}  // namespace

Tensor sigmoid(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("sigmoid", x);
  Tensor result = detail::unary_kernel("sigmoid", x, detail::kSigmoid);
  if (auto node = record<SigmoidNode>(result, {x})) node->save_result(result);
  return result;
}

namespace detail {
void register_sigmoid(OpRegistry& r) {
  r.add({.name = "sigmoid",
         .formula = "1 / (1 + exp(-x))",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return sigmoid(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
