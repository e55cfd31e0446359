// gt: elementwise "greater than" with NumPy broadcasting, as a bool tensor.
//   forward : result = (a > b), computed in promote_types(a, b) (int64 with float32
//             compares as float32; float32 with float64 is refused, as in every binary op)
//   backward: none: the result is bool and never requires grad (no node, and no registry
//             entry: there is nothing to gradcheck)
//   saves   : nothing
//   shapes  : a and b broadcast together; result has the broadcast shape, dtype bool

#include "kernels/compare.hpp"
#include "ops/op_common.hpp"

namespace nabla {

Tensor gt(const Tensor& a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  return detail::compare_kernel("gt", detail::CompareOp::gt, a, b);
}

Tensor gt(const Tensor& a, double b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("gt", a);
  return gt(a, detail::scalar_operand("gt", b, a));
}

Tensor gt(double a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("gt", b);
  return gt(detail::scalar_operand("gt", a, b), b);
}

}  // namespace nabla
