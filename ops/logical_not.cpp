// logical_not: elementwise logical negation, as a bool tensor.
//   forward : result = ¬bool(x), where bool(v) is v ≠ 0 (any dtype; NaN is nonzero, so true)
//   backward: none: the result is bool and never requires grad (no node, no registry entry)
//   saves   : nothing
//   shapes  : any; result has x's shape, dtype bool

#include "kernels/compare.hpp"
#include "ops/op_common.hpp"

namespace nabla {

Tensor logical_not(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  return detail::logical_not_kernel(x);
}

}  // namespace nabla
