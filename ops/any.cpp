// any: whether some element is nonzero, of all elements or along one dim.
//   forward : result = ∨ (x ≠ 0) over the dim (NaN counts as nonzero); false when empty
//   backward: none: the result is bool and never requires grad (no registry entry)
//   saves   : nothing
//   shapes  : any(x) → []; any(x, dim) → x without dim (kept as 1 with keepdim). dim outside
//             the rank → std::out_of_range
//   dtypes  : any x; the result is bool, or uint8 for a uint8 x (PyTorch 1.13)

#include "ops/reduce_common.hpp"

namespace nabla {

Tensor any(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("any", x);
  return detail::logical_reduce("any", x, detail::reduction_axes("any", x, {}), false, false);
}

Tensor any(const Tensor& x, std::int64_t dim, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("any", x);
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "any"));
  return detail::logical_reduce("any", x, {d}, keepdim, false);
}
}  // namespace nabla
