// mish: x·tanh(softplus(x)).
//   forward : result = x·tanh(log(1 + eˣ))
//   backward: grad_x = grad_out ⊙ (t + x·σ(x)(1 − t²)), t = tanh(softplus(x))
//             (softplus with its threshold 20: above it tanh is 1 to double precision)
//   saves   : x
//   shapes  : any; result has x's shape. float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {

Tensor mish(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::activation_kernel(
      "mish", x, [](auto&& v, auto) { return v * xt::tanh(xt::log1p(xt::exp(v))); });
  const auto rule = [](const Tensor& grad_out, const Tensor& xs) {
    const Tensor t = tanh(softplus(xs));
    return mul(grad_out, add(t, mul(mul(xs, sigmoid(xs)), sub(1.0, mul(t, t)))));
  };
  if (auto node = record<detail::ActivationNode>(result, {x}, "mish", rule)) node->save(x);
  return result;
}

namespace detail {
void register_mish(OpRegistry& r) {
  r.add({.name = "mish",
         .formula = "x * tanh(softplus(x))",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return mish(in[0]); },
         .samples = [](Generator& g, Dtype d) { return activation_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
