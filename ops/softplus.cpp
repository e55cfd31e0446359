// softplus: a smooth relu, linear above a threshold as PyTorch.
//   forward : result = log(1 + e^(βx))/β where βx ≤ threshold, else x
//   backward: grad_x = grad_out ⊙ σ(βx) where βx ≤ threshold, else grad_out
//   saves   : x
//   shapes  : any; result has x's shape. float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {

Tensor softplus(const Tensor& x, double beta, double threshold, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::activation_kernel("softplus", x, [&](auto&& v, auto t) {
    using T = decltype(t);
    // β as a prvalue: xtensor keeps a named scalar by reference, and the expression
    // outlives this lambda
    return xt::where(v * static_cast<T>(beta) > static_cast<T>(threshold), v,
                     xt::log1p(xt::exp(v * static_cast<T>(beta))) / static_cast<T>(beta));
  });
  const auto rule = [beta, threshold](const Tensor& grad_out, const Tensor& xs) {
    const Tensor bx = mul(xs, beta);
    return nabla::where(gt(bx, threshold), grad_out, mul(grad_out, sigmoid(bx)));
  };
  if (auto node = record<detail::ActivationNode>(result, {x}, "softplus", rule)) node->save(x);
  return result;
}

namespace detail {
void register_softplus(OpRegistry& r) {
  // standard normal samples: β·x stays far below the threshold, where the rule switches
  r.add({.name = "softplus",
         .formula = "log(1 + exp(2x)) / 2",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return softplus(in[0], 2.0); },
         .samples = [](Generator& g, Dtype d) { return activation_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
