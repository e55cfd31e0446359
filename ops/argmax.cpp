// argmax: index of the maximum along one axis, or of x flattened (the first on ties; a NaN
// is the maximum).
//   forward : result = the index, as int64 (as PyTorch); argmax(x) indexes x flattened
//             row-major
//   backward: none: the result never requires grad and records no node (an index is
//             piecewise constant; no registry entry, as there is nothing to gradcheck)
//   saves   : nothing
//   shapes  : as max: x [.., n, ..] → the shape without the axis (kept as 1 with keepdim);
//             argmax(x) → [] (an empty x → std::invalid_argument)
//   dtypes  : any but bool (floating and integer); any strides (read in place)

#include "kernels/argmax.hpp"
#include "ops/op_common.hpp"

namespace nabla {

Tensor argmax(const Tensor& x, std::int64_t axis, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("argmax", x);
  if (x.dtype() == Dtype::bool_) {
    throw std::invalid_argument(
        fmt::format("nabla::argmax: input is bool {}; argmax works on numeric tensors "
                    "(convert with .to(nabla::u8))",
                    shape_str(x.shape())));
  }
  const auto a = static_cast<std::size_t>(normalize_axis(axis, x.dim(), "argmax"));
  Tensor result =
      detail::make_tensor(detail::reduced_shape(x.shape(), {a}, keepdim), Dtype::i64, "argmax");
  detail::argmax_indices("argmax", x, a, detail::data_ptr<std::int64_t>(result));
  return result;
}

Tensor argmax(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("argmax", x);
  NoGradGuard no_grad;  // an index has no gradient: the flattening records nothing
  return argmax(reshape(x.detach(), {x.numel()}), 0);
}
}  // namespace nabla
