// add: elementwise sum with NumPy broadcasting.
//   forward : result = a + b
//   backward: grad_a = grad_out, grad_b = grad_out  (the engine sums each to its input's shape)
//   saves   : nothing
//   shapes  : a and b broadcast together; result has the broadcast shape

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct AddNode final : Node {
  AddNode() : Node("add") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override { return {grad_out, grad_out}; }
};
}  // namespace

Tensor add(const Tensor& a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::binary_kernel("add", a, b, detail::kAdd);
  record<AddNode>(result, {a, b});
  return result;
}

Tensor add(const Tensor& a, double b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("add", a);
  return add(a, detail::scalar_operand("add", b, a));
}

Tensor add(double a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("add", b);
  return add(detail::scalar_operand("add", a, b), b);
}

namespace detail {
void register_add(OpRegistry& r) {
  r.add({.name = "add",
         .formula = "a + b",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return add(in[0], in[1]); },
         .samples = [](Generator& g, Dtype d) { return binary_samples(g, d); },
         .bad_samples = binary_bad_samples});
}
}  // namespace detail
}  // namespace nabla
