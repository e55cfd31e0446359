// div: elementwise quotient with NumPy broadcasting.
//   forward : result = a / b
//   backward: grad_a = grad_out / b, grad_b = -grad_out ⊙ a / b²
//   saves   : a (only when b needs a gradient) and b
//   shapes  : a and b broadcast together; result has the broadcast shape
//   domain  : b = 0 gives ±inf or NaN, as in IEEE arithmetic

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct DivNode final : Node {
  DivNode() : Node("div") {}
  std::size_t a_ = 0, b_ = 0;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor b = saved(b_);
    Tensor grad_a = div(grad_out, b);
    Tensor grad_b;
    if (needs_input_grad(1)) grad_b = neg(div(mul(grad_a, saved(a_)), b));  // -g·a/b²
    return {needs_input_grad(0) ? grad_a : Tensor(), grad_b};
  }
};
}  // namespace

Tensor div(const Tensor& a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::binary_kernel("div", a, b, detail::kDiv, /*floating_only=*/true);
  if (auto node = record<DivNode>(result, {a, b})) {
    if (node->needs_input_grad(1)) node->a_ = node->save(a);
    node->b_ = node->save(b);
  }
  return result;
}

Tensor div(const Tensor& a, double b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("div", a);
  return div(a, detail::scalar_operand("div", b, a));
}

Tensor div(double a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("div", b);
  return div(detail::scalar_operand("div", a, b), b);
}

namespace detail {
void register_div(OpRegistry& r) {
  r.add(
      {.name = "div",
       .formula = "a / b",
       .arity = 2,
       .fn = [](const std::vector<Tensor>& in) { return div(in[0], in[1]); },
       // b away from its pole at 0
       .samples = [](Generator& g,
                     Dtype d) { return binary_samples(g, d, Domain::any, Domain::away_from_zero); },
       .bad_samples = binary_bad_samples});
}
}  // namespace detail
}  // namespace nabla
