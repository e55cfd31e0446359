// amin: minimum over given dims (every dim by default), values only.
//   forward : result = min x over the dims; a NaN is the minimum
//   backward: grad_x = reshape(grad_out, kept shape) ⊙ w, w = mask / Σ mask over the dims,
//             mask = (x = result): the gradient split evenly among ties, as PyTorch (a NaN
//             minimum matches nothing, and its gradient is NaN, as PyTorch's)
//   saves   : w, a constant without history (so ∂²/∂x² = 0)
//   shapes  : as amax
//   dtypes  : any (bool: every element true); the result has x's dtype

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
std::vector<OpSample> extreme_samples(Generator& g, Dtype d);  // ops/amax.cpp
}  // namespace detail

Tensor amin(const Tensor& x, const std::vector<std::int64_t>& dims, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("amin", x);
  return detail::extreme("amin", x, detail::reduction_axes("amin", x, dims), keepdim, false, false);
}

namespace detail {
void register_amin(OpRegistry& r) {
  // standard normal samples: ties have probability 0 (see amax)
  r.add({.name = "amin",
         .formula = "amin over dim 1, keepdim",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return amin(in[0], {1}, true); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"vector [4] has no dim 1", {sample_tensor({4}, g, d)}},
                                            {"empty dim [2,0]", {sample_tensor({2, 0}, g, d)}}};
             }});
  r.add({.name = "amin_all",
         .formula = "amin over every dim",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return amin(in[0]); },
         .samples = extreme_samples});
}
}  // namespace detail
}  // namespace nabla
