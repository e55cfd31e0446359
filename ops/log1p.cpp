// log1p: elementwise log(1 + x), accurate near 0.
//   forward : result = log(1 + x) (−inf at −1, NaN below)
//   backward: grad_x = grad_out / (1 + x)
//   saves   : x
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct Log1pNode final : Node {
  Log1pNode() : Node("log1p") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {div(grad_out, add(s, 1.0))};
  }
};
}  // namespace

Tensor log1p(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("log1p", x);
  Tensor result = detail::unary_kernel("log1p", x, [](auto&& v) { return xt::log1p(v); });
  if (auto node = record<Log1pNode>(result, {x})) node->save(x);
  return result;
}

namespace detail {
void register_log1p(OpRegistry& r) {
  r.add({.name = "log1p",
         .formula = "log(1 + x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return log1p(in[0]); },
         // in (−0.5, 2): inside the domain x > −1, away from its pole
         .samples = [](Generator& g, Dtype d) { return ranged_unary_samples(g, d, -0.5, 2.0); }});
}
}  // namespace detail
}  // namespace nabla
