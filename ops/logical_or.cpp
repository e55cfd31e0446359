// logical_or: elementwise logical "or" with NumPy broadcasting, as a bool tensor.
//   forward : result = bool(a) ∨ bool(b), where bool(v) is v ≠ 0 (any dtypes, no promotion:
//             float32 with float64 is fine here, as the values are only tested for zero)
//   backward: none: the result is bool and never requires grad (no node, no registry entry)
//   saves   : nothing
//   shapes  : a and b broadcast together; result has the broadcast shape, dtype bool

#include "kernels/compare.hpp"
#include "ops/op_common.hpp"

namespace nabla {

Tensor logical_or(const Tensor& a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  return detail::logical_kernel("logical_or", detail::LogicalOp::or_, a, b);
}

}  // namespace nabla
