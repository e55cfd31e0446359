// rsqrt: elementwise reciprocal square root.
//   forward : result = 1/√x (inf at 0, NaN below)
//   backward: grad_x = −½·grad_out ⊙ result³
//   saves   : result (not x)
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct RsqrtNode final : Node {
  RsqrtNode() : Node("rsqrt") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {mul(grad_out, mul(pow(s, 3.0), -0.5))};
  }
};
}  // namespace

Tensor rsqrt(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("rsqrt", x);
  Tensor result = detail::dispatch_floating("rsqrt", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    return detail::unary_kernel("rsqrt", x, [](auto&& v) { return T(1) / xt::sqrt(v); });
  });
  if (auto node = record<RsqrtNode>(result, {x})) node->save_result(result);
  return result;
}

namespace detail {
void register_rsqrt(OpRegistry& r) {
  r.add({.name = "rsqrt",
         .formula = "1 / sqrt(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return rsqrt(in[0]); },
         // positive: the domain, away from the pole at 0
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d, Domain::positive); }});
}
}  // namespace detail
}  // namespace nabla
