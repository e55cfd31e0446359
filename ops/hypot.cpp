// hypot: the length of (a, b), elementwise, broadcasting.
//   forward : result = √(a² + b²), without overflow or underflow in the squares
//   backward: grad_a = grad_out ⊙ a / result
//             grad_b = grad_out ⊙ b / result   (NaN at a = b = 0, as PyTorch)
//   saves   : a, b and the result
//   shapes  : a and b broadcast; result has the broadcast shape
//   dtypes  : float32, float64, one of them for both (else std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct HypotNode final : Node {
  HypotNode() : Node("hypot") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor scaled = div(grad_out, saved(2));  // grad_out / result
    return {needs_input_grad(0) ? mul(scaled, saved(0)) : Tensor(),
            needs_input_grad(1) ? mul(scaled, saved(1)) : Tensor()};
  }
};

template <class T>
T hypot_value(T av, T bv) {
  return std::hypot(av, bv);
}
}  // namespace

Tensor hypot(const Tensor& a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::dispatch_floating(
      "hypot", a.defined() ? a.dtype() : Dtype::f32,
      [&](auto tag) {
        using T = decltype(tag);
        return detail::float_binary_kernel("hypot", a, b,
                                           detail::scalar_binary<T, &hypot_value<T>>());
      },
      "first operand");
  if (auto node = record<HypotNode>(result, {a, b})) {
    node->save(a);
    node->save(b);
    node->save_result(result);
  }
  return result;
}

namespace detail {
void register_hypot(OpRegistry& r) {
  r.add({.name = "hypot",
         .formula = "sqrt(a^2 + b^2)",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return hypot(in[0], in[1]); },
         // away from the origin, where the length has a cone-shaped kink
         .samples =
             [](Generator& g, Dtype d) {
               return binary_samples(g, d, Domain::away_from_zero, Domain::away_from_zero);
             },
         .bad_samples = binary_bad_samples});
}
}  // namespace detail
}  // namespace nabla
