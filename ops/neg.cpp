// neg: elementwise negation.
//   forward : result = -x
//   backward: grad_x = -grad_out
//   saves   : nothing
//   shapes  : any; result has x's shape

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct NegNode final : Node {
  NegNode() : Node("neg") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override { return {neg(grad_out)}; }
};
}  // namespace

Tensor neg(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("neg", x);
  Tensor result = detail::unary_kernel("neg", x, [](auto&& v) { return -v; });
  record<NegNode>(result, {x});
  return result;
}

namespace detail {
void register_neg(OpRegistry& r) {
  r.add({.name = "neg",
         .formula = "-x",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return neg(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
