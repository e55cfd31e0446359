// log: elementwise natural logarithm.
//   forward : result = ln x
//   backward: grad_x = grad_out / x
//   saves   : x
//   shapes  : any; result has x's shape
//   domain  : x > 0; log(0) = -inf and log(x < 0) = NaN, as in IEEE arithmetic

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct LogNode final : Node {
  LogNode() : Node("log") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {div(grad_out, saved(0))};
  }
};
}  // namespace

Tensor log(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("log", x);
  Tensor result = detail::unary_kernel("log", x, detail::kLog);
  if (auto node = record<LogNode>(result, {x})) node->save(x);
  return result;
}

namespace detail {
void register_log(OpRegistry& r) {
  r.add({.name = "log",
         .formula = "ln(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return log(in[0]); },
         // log is defined for x > 0 only
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d, Domain::positive); }});
}
}  // namespace detail
}  // namespace nabla
