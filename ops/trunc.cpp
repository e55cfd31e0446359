// trunc: elementwise rounding toward zero.
//   forward : result = x without its fraction (−2.7 → −2)
//   backward: grad_x = 0 (piecewise constant; PyTorch's rule is zero at the steps too)
//   saves   : nothing
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64; an integer x is returned as a copy in its dtype (as
//             PyTorch); a bool x throws std::invalid_argument

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct TruncNode final : Node {
  TruncNode() : Node("trunc") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override { return {zeros_like(grad_out)}; }
};
}  // namespace

Tensor trunc(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("trunc", x);
  if (!is_floating_point(x.dtype())) return detail::rounding_integer_copy("trunc", x);
  Tensor result = detail::unary_kernel("trunc", x, [](auto&& v) { return xt::trunc(v); });
  record<TruncNode>(result, {x});
  return result;
}

namespace detail {
void register_trunc(OpRegistry& r) {
  // x + trunc(x): trunc's own Jacobian is zero, which gradcheck refuses as vacuous; the sum
  // checks that trunc contributes exactly nothing. Samples stay off the steps.
  r.add({.name = "trunc",
         .formula = "x + trunc(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return add(in[0], trunc(in[0])); },
         .samples = off_step_samples});
}
}  // namespace detail
}  // namespace nabla
