// silu: the sigmoid linear unit (swish).
//   forward : result = x·σ(x) = x / (1 + e⁻ˣ)
//   backward: grad_x = grad_out ⊙ σ(x)(1 + x(1 − σ(x)))
//   saves   : x
//   shapes  : any; result has x's shape. float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {

Tensor silu(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::activation_kernel("silu", x, [](auto&& v, auto t) {
    using T = decltype(t);
    return v / (T(1) + xt::exp(-v));
  });
  const auto rule = [](const Tensor& grad_out, const Tensor& xs) {
    const Tensor s = sigmoid(xs);
    return mul(grad_out, mul(s, add(mul(xs, sub(1.0, s)), 1.0)));
  };
  if (auto node = record<detail::ActivationNode>(result, {x}, "silu", rule)) node->save(x);
  return result;
}

namespace detail {
void register_silu(OpRegistry& r) {
  r.add({.name = "silu",
         .formula = "x * sigmoid(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return silu(in[0]); },
         .samples = [](Generator& g, Dtype d) { return activation_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
