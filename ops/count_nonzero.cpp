// count_nonzero: the number of nonzero elements over given dims (every dim by default).
//   forward : result = Σ (x ≠ 0) over the dims (NaN counts as nonzero)
//   backward: none: the result is int64 and never requires grad (no registry entry)
//   saves   : nothing
//   shapes  : x → the shape without the dims (no keepdim, as PyTorch). dims outside the rank
//             → std::out_of_range; repeated → std::invalid_argument
//   dtypes  : any x; the result is int64

#include "ops/reduce_common.hpp"

namespace nabla {

Tensor count_nonzero(const Tensor& x, const std::vector<std::int64_t>& dims, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("count_nonzero", x);
  const auto axes = detail::reduction_axes("count_nonzero", x, dims);
  const auto lines = detail::reduction_lines(x, axes);
  Tensor result = detail::make_tensor(detail::reduced_shape(x.shape(), axes, false), Dtype::i64,
                                      "count_nonzero");
  std::int64_t* o = detail::data_ptr<std::int64_t>(result);
  detail::dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = detail::data_ptr<T>(lines.values);
    for (std::int64_t r = 0; r < lines.lines; ++r) {
      const T* line = p + r * lines.n;
      o[r] = std::count_if(line, line + lines.n, [](T v) { return v != T(0); });
    }
  });
  return result;
}
}  // namespace nabla
