// mul: elementwise product with NumPy broadcasting.
//   forward : result = a ⊙ b
//   backward: grad_a = grad_out ⊙ b, grad_b = grad_out ⊙ a
//   saves   : a (for grad_b) and b (for grad_a), each only when the other needs a gradient
//   shapes  : a and b broadcast together; result has the broadcast shape

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct MulNode final : Node {
  MulNode() : Node("mul") {}
  std::size_t a_ = 0, b_ = 0;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {needs_input_grad(0) ? mul(grad_out, saved(b_)) : Tensor(),
            needs_input_grad(1) ? mul(grad_out, saved(a_)) : Tensor()};
  }
};
}  // namespace

Tensor mul(const Tensor& a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::binary_kernel("mul", a, b, detail::kMul);
  if (auto node = record<MulNode>(result, {a, b})) {
    if (node->needs_input_grad(1)) node->a_ = node->save(a);
    if (node->needs_input_grad(0)) node->b_ = node->save(b);
  }
  return result;
}

Tensor mul(const Tensor& a, double b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("mul", a);
  return mul(a, detail::scalar_operand("mul", b, a));
}

Tensor mul(double a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("mul", b);
  return mul(detail::scalar_operand("mul", a, b), b);
}

namespace detail {
void register_mul(OpRegistry& r) {
  r.add({.name = "mul",
         .formula = "a * b",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return mul(in[0], in[1]); },
         .samples = [](Generator& g, Dtype d) { return binary_samples(g, d); },
         .bad_samples = binary_bad_samples});
}
}  // namespace detail
}  // namespace nabla
