// selu: scaled elu with PyTorch's fixed constants.
//   forward : result = scale·(x where x > 0, else α(eˣ − 1)),
//             α = 1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946
//   backward: grad_x = grad_out·scale where x > 0, else grad_out·scale·α·eˣ (scale·α at 0)
//   saves   : x
//   shapes  : any; result has x's shape. float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {

Tensor selu(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  constexpr double kAlpha = 1.6732632423543772848170429916717;
  constexpr double kScale = 1.0507009873554804934193349852946;
  return detail::elu_core("selu", x, kAlpha, kScale, 1.0);
}

namespace detail {
void register_selu(OpRegistry& r) {
  // away from the kink at 0, where the slope jumps from scale·α to scale
  r.add({.name = "selu",
         .formula = "scale * elu(x, alpha)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return selu(in[0]); },
         .samples = [](Generator& g,
                       Dtype d) { return activation_samples(g, d, Domain::away_from_zero); }});
}
}  // namespace detail
}  // namespace nabla
