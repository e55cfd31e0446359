// log10: elementwise base-10 logarithm.
//   forward : result = log₁₀ x (−inf at 0, NaN below)
//   backward: grad_x = grad_out / (x·ln 10)
//   saves   : x
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct Log10Node final : Node {
  Log10Node() : Node("log10") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {div(grad_out, mul(s, std::numbers::ln10))};
  }
};
}  // namespace

Tensor log10(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("log10", x);
  Tensor result = detail::unary_kernel("log10", x, [](auto&& v) { return xt::log10(v); });
  if (auto node = record<Log10Node>(result, {x})) node->save(x);
  return result;
}

namespace detail {
void register_log10(OpRegistry& r) {
  r.add({.name = "log10",
         .formula = "log10(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return log10(in[0]); },
         // positive: the domain
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d, Domain::positive); }});
}
}  // namespace detail
}  // namespace nabla
