// pow_tensor: elementwise power with a tensor exponent, broadcasting.
//   forward : result = xʸ
//   backward: grad_x = where(y = 0, 0, grad_out ⊙ y·x^(y−1))
//             grad_y = grad_out ⊙ where(x = 0 ∧ y ≥ 0, 0, result ⊙ log x)
//             (PyTorch's rules: the exponent's gradient is 0 at x = 0 for y ≥ 0, where
//             result·log x would be 0·(−inf); for x < 0 it is NaN)
//   saves   : x, y, and the result when y needs a gradient
//   shapes  : x and y broadcast; result has the broadcast shape
//   dtypes  : float32, float64, one of them for both (else std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct PowTensorNode final : Node {
  PowTensorNode() : Node("pow") {}
  std::size_t x_ = 0, y_ = 0, result_ = 0;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor x = saved(x_), y = saved(y_);
    Tensor grad_x, grad_y;
    if (needs_input_grad(0)) {
      grad_x = where(eq(y, 0.0), 0.0, mul(grad_out, mul(y, pow(x, sub(y, 1.0)))));
    }
    if (needs_input_grad(1)) {
      const Tensor flat = logical_and(eq(x, 0.0), ge(y, 0.0));
      grad_y = mul(grad_out, where(flat, 0.0, mul(saved(result_), log(x))));
    }
    return {grad_x, grad_y};
  }
};

template <class T>
T pow_tensor_value(T base, T exponent) {
  return std::pow(base, exponent);
}
}  // namespace

Tensor pow(const Tensor& x, const Tensor& y, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::dispatch_floating(
      "pow", x.defined() ? x.dtype() : Dtype::f32,
      [&](auto tag) {
        using T = decltype(tag);
        return detail::float_binary_kernel("pow", x, y,
                                           detail::scalar_binary<T, &pow_tensor_value<T>>());
      },
      "first operand");
  if (auto node = record<PowTensorNode>(result, {x, y})) {
    node->x_ = node->save(x);
    node->y_ = node->save(y);
    if (node->needs_input_grad(1)) node->result_ = node->save_result(result);
  }
  return result;
}

namespace detail {
void register_pow_tensor(OpRegistry& r) {
  r.add({.name = "pow_tensor",
         .formula = "x^y",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return pow(in[0], in[1]); },
         // x > 0: a real power with any exponent, and log x finite for the exponent's rule
         .samples = [](Generator& g,
                       Dtype d) { return binary_samples(g, d, Domain::positive, Domain::any); },
         .bad_samples = binary_bad_samples});
}
}  // namespace detail
}  // namespace nabla
