// square: elementwise square.
//   forward : result = x²
//   backward: grad_x = grad_out ⊙ 2x
//   saves   : x
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct SquareNode final : Node {
  SquareNode() : Node("square") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {mul(grad_out, mul(s, 2.0))};
  }
};
}  // namespace

Tensor square(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("square", x);
  Tensor result = detail::unary_kernel("square", x, [](auto&& v) { return v * v; });
  if (auto node = record<SquareNode>(result, {x})) node->save(x);
  return result;
}

namespace detail {
void register_square(OpRegistry& r) {
  r.add({.name = "square",
         .formula = "x^2",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return square(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
