// sub: elementwise difference with NumPy broadcasting.
//   forward : result = a - b
//   backward: grad_a = grad_out, grad_b = -grad_out
//   saves   : nothing
//   shapes  : a and b broadcast together; result has the broadcast shape

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct SubNode final : Node {
  SubNode() : Node("sub") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {grad_out, needs_input_grad(1) ? neg(grad_out) : Tensor()};
  }
};
}  // namespace

Tensor sub(const Tensor& a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  if (a.defined() && b.defined() && a.dtype() == Dtype::bool_ && b.dtype() == Dtype::bool_) {
    throw std::invalid_argument(
        "nabla::sub: subtracting two bool tensors is not supported (as PyTorch); use "
        "logical_xor, or convert with .to()");
  }
  Tensor result = detail::binary_kernel("sub", a, b, detail::kSub);
  record<SubNode>(result, {a, b});
  return result;
}

Tensor sub(const Tensor& a, double b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("sub", a);
  return sub(a, detail::scalar_operand("sub", b, a));
}

Tensor sub(double a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("sub", b);
  return sub(detail::scalar_operand("sub", a, b), b);
}

namespace detail {
void register_sub(OpRegistry& r) {
  r.add({.name = "sub",
         .formula = "a - b",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return sub(in[0], in[1]); },
         .samples = [](Generator& g, Dtype d) { return binary_samples(g, d); },
         .bad_samples = binary_bad_samples});
}
}  // namespace detail
}  // namespace nabla
