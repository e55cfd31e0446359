// argmax: index of the maximum along one axis (the first on ties; a NaN is the maximum).
//   forward : result = the index, as int64 (as PyTorch)
//   backward: none: the result never requires grad and records no node (an index is
//             piecewise constant; no registry entry, as there is nothing to gradcheck)
//   saves   : nothing
//   shapes  : as max: x [.., n, ..] → the shape without the axis (kept as 1 with keepdim)
//   dtypes  : any but bool (floating and integer); any strides (read through dense)

#include <cmath>

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
  const Shape& shape = x.shape();
  if (shape[a] == 0) {
    throw std::invalid_argument(
        fmt::format("nabla::argmax: axis {} of x {} is empty: no maximum", a, shape_str(shape)));
  }
  const Tensor xd = detail::dense(x);
  const auto [outer, n_along, inner] = detail::split_at_axis(shape, a);
  Tensor result =
      detail::make_tensor(detail::reduced_shape(shape, {a}, keepdim), Dtype::i64, "argmax");
  std::int64_t* o = detail::data_ptr<std::int64_t>(result);
  detail::dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = detail::data_ptr<T>(xd);
    const auto is_nan = [](T v) {
      if constexpr (std::is_floating_point_v<T>) {
        return std::isnan(v);
      } else {
        return false;
      }
    };
    for (std::int64_t i = 0; i < outer; ++i) {
      for (std::int64_t j = 0; j < inner; ++j) {
        const std::int64_t base = i * n_along * inner + j;
        std::int64_t best = 0;
        for (std::int64_t k = 1; k < n_along; ++k) {
          const T b = p[base + best * inner];
          if (is_nan(b)) break;
          const T v = p[base + k * inner];
          if (is_nan(v) || v > b) best = k;
        }
        o[i * inner + j] = best;
      }
    }
  });
  return result;
}
}  // namespace nabla
