// floor: elementwise floor.
//   forward : result = ⌊x⌋
//   backward: grad_x = 0 (piecewise constant; PyTorch's rule is zero at the steps too)
//   saves   : nothing
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64; an integer x is returned as a copy in its dtype (as
//             PyTorch); a bool x throws std::invalid_argument

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct FloorNode final : Node {
  FloorNode() : Node("floor") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override { return {zeros_like(grad_out)}; }
};
}  // namespace

Tensor floor(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("floor", x);
  if (!is_floating_point(x.dtype())) return detail::rounding_integer_copy("floor", x);
  Tensor result = detail::unary_kernel("floor", x, [](auto&& v) { return xt::floor(v); });
  record<FloorNode>(result, {x});
  return result;
}

namespace detail {
void register_floor(OpRegistry& r) {
  // x + floor(x): floor's own Jacobian is zero, which gradcheck refuses as vacuous; the sum
  // checks that floor contributes exactly nothing. Samples stay off the steps.
  r.add({.name = "floor",
         .formula = "x + floor(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return add(in[0], floor(in[0])); },
         .samples = off_step_samples});
}
}  // namespace detail
}  // namespace nabla
