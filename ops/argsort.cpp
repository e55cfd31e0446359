// argsort: the indices that sort x along one dim (sort(x, dim, descending).indices).
//   forward : result[.., i, ..] = the index in x of the i-th value in sorted order
//             (stable; NaN as the largest)
//   backward: none: the result is int64 and never requires grad (no registry entry)
//   saves   : nothing
//   shapes  : any rank ≥ 1; result has x's shape. dim outside the rank → std::out_of_range
//   dtypes  : any x; the result is int64

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
std::pair<Tensor, Tensor> sort_values(const char* op, const Tensor& x, std::int64_t dim,
                                      bool descending, std::size_t* dim_out);  // ops/sort.cpp
}  // namespace detail

Tensor argsort(const Tensor& x, std::int64_t dim, bool descending, bool /*stable*/,
               CallSite where) {
  detail::CallSiteScope site(where);
  std::size_t d = 0;
  return detail::sort_values("argsort", x, dim, descending, &d).second;
}
}  // namespace nabla
