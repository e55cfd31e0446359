// frac: elementwise fractional part, with x's sign.
//   forward : result = x − trunc x (frac(−2.7) = −0.7; NaN for ±inf, as PyTorch)
//   backward: grad_x = grad_out (PyTorch's rule: trunc's zero slope is left out, also at
//             the integers where frac jumps)
//   saves   : nothing
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument, as
//             PyTorch's frac does)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct FracNode final : Node {
  FracNode() : Node("frac") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override { return {grad_out}; }
};
}  // namespace

Tensor frac(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("frac", x);
  Tensor result = detail::unary_kernel("frac", x, [](auto&& v) { return v - xt::trunc(v); });
  record<FracNode>(result, {x});
  return result;
}

namespace detail {
void register_frac(OpRegistry& r) {
  r.add({.name = "frac",
         .formula = "x - trunc(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return frac(in[0]); },
         // off the integers, where frac jumps
         .samples = off_step_samples});
}
}  // namespace detail
}  // namespace nabla
