// argmin: index of the minimum along one axis, or of x flattened (the first on ties; a NaN
// is the minimum, as PyTorch).
//   forward : result = the index, as int64; argmin(x) indexes x flattened row-major
//   backward: none: the result never requires grad and records no node (an index is
//             piecewise constant; no registry entry, as there is nothing to gradcheck)
//   saves   : nothing
//   shapes  : x [.., n, ..] → the shape without the axis (kept as 1 with keepdim);
//             argmin(x) → []. A bad axis → std::out_of_range; an empty axis (or x) →
//             std::invalid_argument
//   dtypes  : any but bool (floating and integer), as PyTorch

#include "ops/reduce_common.hpp"

namespace nabla {

Tensor argmin(const Tensor& x, std::int64_t axis, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("argmin", x);
  detail::check_not_bool("argmin", x);
  const auto a = static_cast<std::size_t>(normalize_axis(axis, x.dim(), "argmin"));
  Tensor result =
      detail::make_tensor(detail::reduced_shape(x.shape(), {a}, keepdim), Dtype::i64, "argmin");
  detail::arg_extreme_indices("argmin", x, a, false, detail::data_ptr<std::int64_t>(result));
  return result;
}

Tensor argmin(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("argmin", x);
  NoGradGuard no_grad;  // an index has no gradient: the flattening records nothing
  return argmin(reshape(x.detach(), {x.numel()}), 0);
}
}  // namespace nabla
