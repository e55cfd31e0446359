// relu6: a rectifier capped at 6, hardtanh(x, 0, 6) as in PyTorch.
//   forward : result = min(max(x, 0), 6)   (NaN stays NaN)
//   backward: grad_x = grad_out where 0 < x < 6, else 0 (0 at both kinks, as PyTorch)
//   saves   : the mask 0 < x < 6 (bool, no history)
//   shapes  : any; result has x's shape. float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {

Tensor relu6(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  return detail::hardtanh_core("relu6", x, 0.0, 6.0);
}

namespace detail {
void register_relu6(OpRegistry& r) {
  // values 0.3 away from the kinks 0 and 6, where the slope jumps between 0 and 1
  r.add({.name = "relu6",
         .formula = "min(max(x, 0), 6)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return relu6(in[0]); },
         .samples =
             [](Generator& g, Dtype d) {
               return kinked_samples(g, d, {0.0, 6.0});
             }});
}
}  // namespace detail
}  // namespace nabla
