// sqrt: elementwise square root.
//   forward : result = √x
//   backward: grad_x = grad_out / (2·result)
//   saves   : result (not x)
//   shapes  : any; result has x's shape
//   domain  : x ≥ 0 (NaN below); the gradient is infinite at 0

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct SqrtNode final : Node {
  SqrtNode() : Node("sqrt") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {div(grad_out, mul(saved(0), 2.0))};
  }
};
}  // namespace

Tensor sqrt(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("sqrt", x);
  Tensor result = detail::unary_kernel("sqrt", x, detail::kSqrt);
  if (auto node = record<SqrtNode>(result, {x})) node->save_result(result);
  return result;
}

namespace detail {
void register_sqrt(OpRegistry& r) {
  r.add({.name = "sqrt",
         .formula = "sqrt(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return sqrt(in[0]); },
         // away from 0, where the derivative is infinite
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d, Domain::positive); }});
}
}  // namespace detail
}  // namespace nabla
