// logsigmoid: log σ(x), stable for any x.
//   forward : result = min(x, 0) − log(1 + e^(−|x|))   (no overflow: −1000 at −1000)
//   backward: grad_x = grad_out ⊙ σ(−x)
//   saves   : x
//   shapes  : any; result has x's shape. float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {

Tensor logsigmoid(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::activation_kernel("logsigmoid", x, [](auto&& v, auto t) {
    using T = decltype(t);
    return xt::minimum(v, T(0)) - xt::log1p(xt::exp(-xt::abs(v)));
  });
  const auto rule = [](const Tensor& grad_out, const Tensor& xs) {
    return mul(grad_out, sigmoid(neg(xs)));
  };
  if (auto node = record<detail::ActivationNode>(result, {x}, "logsigmoid", rule)) node->save(x);
  return result;
}

namespace detail {
void register_logsigmoid(OpRegistry& r) {
  r.add({.name = "logsigmoid",
         .formula = "log(sigmoid(x))",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return logsigmoid(in[0]); },
         .samples = [](Generator& g, Dtype d) { return activation_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
