// reciprocal: elementwise reciprocal.
//   forward : result = 1/x (±inf at ±0)
//   backward: grad_x = −grad_out ⊙ result²
//   saves   : result (not x)
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct ReciprocalNode final : Node {
  ReciprocalNode() : Node("reciprocal") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {neg(mul(grad_out, square(s)))};
  }
};
}  // namespace

Tensor reciprocal(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("reciprocal", x);
  Tensor result = detail::dispatch_floating("reciprocal", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    return detail::unary_kernel("reciprocal", x, [](auto&& v) { return T(1) / v; });
  });
  if (auto node = record<ReciprocalNode>(result, {x})) node->save_result(result);
  return result;
}

namespace detail {
void register_reciprocal(OpRegistry& r) {
  r.add({.name = "reciprocal",
         .formula = "1 / x",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return reciprocal(in[0]); },
         // away from zero: the pole
         .samples = [](Generator& g,
                       Dtype d) { return unary_samples(g, d, Domain::away_from_zero); }});
}
}  // namespace detail
}  // namespace nabla
