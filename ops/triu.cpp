// triu: the upper triangle of each matrix, zeros below (torch.triu).
//   forward : result[.., i, j] = x[.., i, j] where j − i ≥ diagonal, else 0
//   backward: grad_x = triu(grad_out, diagonal)
//   saves   : nothing (diagonal is an attribute)
//   shapes  : as tril: x [.., R, C], rank ≥ 2, batched; result has x's shape, contiguous
//   dtypes  : any; result has x's dtype

// The kernel is tril's (ops/tril.cpp, detail::triangle).

#include "ops/linalg_common.hpp"

namespace nabla {

Tensor triu(const Tensor& x, std::int64_t diagonal, CallSite where) {
  detail::CallSiteScope site(where);
  return detail::triangle("triu", x, diagonal, false);
}

namespace detail {
void register_triu(OpRegistry& r) {
  r.add({.name = "triu",
         .formula = "x where j − i ≥ 0, else 0",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return triu(in[0]); },
         .samples = triangle_samples,
         .bad_samples = triangle_bad_samples});
  r.add({.name = "triu_offset",
         .formula = "x where j − i ≥ -1, else 0 (triu(x, -1))",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return triu(in[0], -1); },
         .samples = triangle_samples,
         .bad_samples = triangle_bad_samples});
}
}  // namespace detail
}  // namespace nabla
