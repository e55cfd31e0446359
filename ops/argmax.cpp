// argmax: index of the maximum along one axis (the first on ties; a NaN is the maximum).
//   forward : result = the index, as a value of x's dtype
//   backward: none: the result never requires grad and records no node (an index is
//             piecewise constant; no registry entry, as there is nothing to gradcheck)
//   saves   : nothing
//   shapes  : as max: x [.., n, ..] → the shape without the axis (kept as 1 with keepdim)

#include "ops/op_common.hpp"

namespace nabla {
namespace detail {
std::vector<std::int64_t> argmax_indices(const char* op, const Tensor& x,
                                         std::size_t axis);  // ops/max.cpp
}  // namespace detail

Tensor argmax(const Tensor& x, std::int64_t axis, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("argmax", x);
  const auto a = static_cast<std::size_t>(normalize_axis(axis, x.dim(), "argmax"));
  const auto idx = detail::argmax_indices("argmax", x, a);
  Tensor result = detail::make_tensor(detail::reduced_shape(x.shape(), {a}, keepdim), x.dtype());
  detail::dispatch_floating("argmax", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* o = detail::data_ptr<T>(result);
    for (std::size_t r = 0; r < idx.size(); ++r) o[r] = static_cast<T>(idx[r]);
  });
  return result;
}
}  // namespace nabla
