// celu: continuously differentiable elu.
//   forward : result = max(0, x) + min(0, α(e^(x/α) − 1))
//   backward: grad_x = grad_out where x > 0, else grad_out·e^(x/α) (1 at 0)
//   saves   : x
//   shapes  : any; result has x's shape. α ≠ 0, else std::invalid_argument (as PyTorch).
//             float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {

Tensor celu(const Tensor& x, double alpha, CallSite where) {
  detail::CallSiteScope site(where);
  if (alpha == 0.0) {
    throw std::invalid_argument(
        fmt::format("nabla::celu: alpha cannot be 0 (it divides x), got alpha {}", alpha));
  }
  // PyTorch's celu is its elu core with input scale 1/α
  return detail::elu_core("celu", x, alpha, 1.0, 1.0 / alpha);
}

namespace detail {
void register_celu(OpRegistry& r) {
  // away from 0, where the curvature jumps (from 1/α to 0)
  r.add({.name = "celu",
         .formula = "max(0, x) + min(0, 2(exp(x/2) - 1))",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return celu(in[0], 2.0); },
         .samples = [](Generator& g,
                       Dtype d) { return activation_samples(g, d, Domain::away_from_zero); }});
}
}  // namespace detail
}  // namespace nabla
