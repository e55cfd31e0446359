// softsign: x/(1 + |x|).
//   forward : result = x/(1 + |x|)   (NaN at ±inf: inf/inf, as PyTorch computes it)
//   backward: grad_x = grad_out ⊙ (1/d − |x|/d²), d = 1 + |x|: PyTorch's derivative of its
//             expression, so 1 at 0 and NaN at ±inf as there
//   saves   : x
//   shapes  : any; result has x's shape. float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {

Tensor softsign(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::activation_kernel("softsign", x, [](auto&& v, auto t) {
    using T = decltype(t);
    return v / (T(1) + xt::abs(v));
  });
  const auto rule = [](const Tensor& grad_out, const Tensor& xs) {
    const Tensor ax = abs(xs);
    const Tensor d = add(ax, 1.0);
    return mul(grad_out, sub(div(1.0, d), div(ax, mul(d, d))));
  };
  if (auto node = record<detail::ActivationNode>(result, {x}, "softsign", rule)) node->save(x);
  return result;
}

namespace detail {
void register_softsign(OpRegistry& r) {
  // away from 0: the second derivative −2·sign(x)/(1 + |x|)³ jumps there
  r.add({.name = "softsign",
         .formula = "x / (1 + |x|)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return softsign(in[0]); },
         .samples = [](Generator& g,
                       Dtype d) { return activation_samples(g, d, Domain::away_from_zero); }});
}
}  // namespace detail
}  // namespace nabla
