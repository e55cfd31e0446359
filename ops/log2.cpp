// log2: elementwise base-2 logarithm.
//   forward : result = log₂ x (−inf at 0, NaN below)
//   backward: grad_x = grad_out / (x·ln 2)
//   saves   : x
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64 (an integer or bool x throws std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct Log2Node final : Node {
  Log2Node() : Node("log2") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    return {div(grad_out, mul(s, std::numbers::ln2))};
  }
};
}  // namespace

Tensor log2(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("log2", x);
  Tensor result = detail::unary_kernel("log2", x, [](auto&& v) { return xt::log2(v); });
  if (auto node = record<Log2Node>(result, {x})) node->save(x);
  return result;
}

namespace detail {
void register_log2(OpRegistry& r) {
  r.add({.name = "log2",
         .formula = "log2(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return log2(in[0]); },
         // positive: the domain
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d, Domain::positive); }});
}
}  // namespace detail
}  // namespace nabla
