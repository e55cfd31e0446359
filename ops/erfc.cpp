// erfc: elementwise complementary error function.
//   forward : result = erfc x = 1 − erf x
//   backward: grad_x = −grad_out ⊙ (2/√π)·e^(−x²)
//   saves   : x
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct ErfcNode final : Node {
  ErfcNode() : Node("erfc") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {mul(grad_out, mul(exp(neg(square(s))), std::numbers::inv_sqrtpi * -2.0))};
  }
};
}  // namespace

Tensor erfc(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("erfc", x);
  Tensor result = detail::unary_kernel("erfc", x, [](auto&& v) { return xt::erfc(v); });
  if (auto node = record<ErfcNode>(result, {x})) node->save(x);
  return result;
}

namespace detail {
void register_erfc(OpRegistry& r) {
  r.add({.name = "erfc",
         .formula = "erfc(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return erfc(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
