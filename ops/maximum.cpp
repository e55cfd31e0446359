// maximum: the larger of two tensors, elementwise, broadcasting.
//   forward : result = a > b ? a : b; NaN when either is NaN
//   backward: PyTorch's split: the larger operand gets grad_out, a tie gives grad_out / 2 to
//             each, and the smaller gets 0; where either is NaN, both get grad_out
//             grad_a = where(a < b, 0, where(a = b, grad_out / 2, grad_out))
//             grad_b = where(a > b, 0, where(a = b, grad_out / 2, grad_out))
//   saves   : a and b
//   shapes  : a and b broadcast; result has the broadcast shape
//   dtypes  : float32, float64, one of them for both (else std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct MaximumNode final : Node {
  MaximumNode() : Node("maximum") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor a = saved(0), b = saved(1);
    const Tensor shared = where(eq(a, b), mul(grad_out, 0.5), grad_out);  // [..] broadcast
    return {needs_input_grad(0) ? where(lt(a, b), 0.0, shared) : Tensor(),
            needs_input_grad(1) ? where(gt(a, b), 0.0, shared) : Tensor()};
  }
};
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  // a when it wins or is NaN; else b (which is then the winner, a tie, or NaN)
  Tensor result = detail::float_binary_kernel(
      "maximum", a, b, [](auto&& x, auto&& y) { return xt::where(x > y || xt::isnan(x), x, y); });
  if (auto node = record<MaximumNode>(result, {a, b})) {
    node->save(a);
    node->save(b);
  }
  return result;
}

namespace detail {
void register_maximum(OpRegistry& r) {
  r.add({.name = "maximum",
         .formula = "maximum(a, b)",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return maximum(in[0], in[1]); },
         // independent normal samples: ties (the kink) have probability zero, and the
         // closest pair in the samples is far wider than gradcheck's step
         .samples = [](Generator& g, Dtype d) { return binary_samples(g, d); },
         .bad_samples = binary_bad_samples});
}
}  // namespace detail
}  // namespace nabla
