// relu: elementwise rectifier.
//   forward : result = max(x, 0)   (NaN stays NaN)
//   backward: grad_x = relu_backward(grad_out, result) = grad_out where result > 0, else 0
//             (the derivative at the kink x = 0 is taken as 0, as PyTorch does)
//   saves   : result (not x)
//   shapes  : any; result has x's shape

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct ReluNode final : Node {
  ReluNode() : Node("relu") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {relu_backward(grad_out, saved(0))};
  }
};
}  // namespace

Tensor relu(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("relu", x);
  Tensor result = detail::unary_kernel("relu", x, detail::kRelu);
  if (auto node = record<ReluNode>(result, {x})) node->save_result(result);
  return result;
}

namespace detail {
void register_relu(OpRegistry& r) {
  r.add({.name = "relu",
         .formula = "max(x, 0)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return relu(in[0]); },
         // away from the kink at 0, where finite differences straddle two slopes
         .samples = [](Generator& g,
                       Dtype d) { return unary_samples(g, d, Domain::away_from_zero); }});
}
}  // namespace detail
}  // namespace nabla
