// all: whether every element is nonzero, of all elements or along one dim.
//   forward : result = ∧ (x ≠ 0) over the dim (NaN counts as nonzero); true when empty
//   backward: none: the result is bool and never requires grad (no registry entry)
//   saves   : nothing
//   shapes  : all(x) → []; all(x, dim) → x without dim (kept as 1 with keepdim). dim outside
//             the rank → std::out_of_range
//   dtypes  : any x; the result is bool, or uint8 for a uint8 x (PyTorch 1.13)

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
Tensor logical_reduce(const char* op, const Tensor& x, const std::vector<std::size_t>& axes,
                      bool keepdim, bool every) {
  const auto lines = reduction_lines(x, axes);
  const Dtype out = x.dtype() == Dtype::u8 ? Dtype::u8 : Dtype::bool_;
  Tensor result = make_tensor(reduced_shape(x.shape(), axes, keepdim), out, op);
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = data_ptr<T>(lines.values);
    for (std::int64_t r = 0; r < lines.lines; ++r) {
      const T* line = p + r * lines.n;
      bool acc = every;
      for (std::int64_t k = 0; k < lines.n && acc == every; ++k) acc = line[k] != T(0);
      if (out == Dtype::u8) {
        data_ptr<std::uint8_t>(result)[r] = acc ? 1 : 0;
      } else {
        data_ptr<bool>(result)[r] = acc;
      }
    }
  });
  return result;
}
}  // namespace detail

Tensor all(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("all", x);
  return detail::logical_reduce("all", x, detail::reduction_axes("all", x, {}), false, true);
}

Tensor all(const Tensor& x, std::int64_t dim, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("all", x);
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "all"));
  return detail::logical_reduce("all", x, {d}, keepdim, true);
}
}  // namespace nabla
