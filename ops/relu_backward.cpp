// relu_backward: relu's rule, an op with a rule of its own.
//   forward : result = g where mask > 0, else 0
//   backward: grad_g = relu_backward(grad_out, mask)
//             grad_mask = 0 (the result is piecewise constant in mask): no gradient
//   saves   : mask
//   shapes  : g and mask broadcast together (normally equal)

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct ReluBackwardNode final : Node {
  ReluBackwardNode() : Node("relu_backward") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {relu_backward(grad_out, saved(0)), Tensor()};
  }
};
}  // namespace

Tensor relu_backward(const Tensor& g, const Tensor& mask, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::dispatch_floating(
      "relu_backward", g.defined() ? g.dtype() : Dtype::f32, [&](auto tag) {
        using T = decltype(tag);
        return detail::binary_kernel_floating("relu_backward", g, mask, [](auto&& gv, auto&& mv) {
          return xt::where(mv > T(0), gv, T(0));
        });
      });
  if (auto node = record<ReluBackwardNode>(result, {g, mask})) node->save(mask);
  return result;
}

namespace detail {
void register_relu_backward(OpRegistry& r) {
  r.add(
      {.name = "relu_backward",
       .formula = "g * (mask > 0)",
       .arity = 2,
       .fn = [](const std::vector<Tensor>& in) { return relu_backward(in[0], in[1]); },
       // mask away from 0, where the step is (its first entry positive, so the
       // gradient is never zero everywhere)
       .samples = [](Generator& g,
                     Dtype d) { return binary_samples(g, d, Domain::any, Domain::away_from_zero); },
       .bad_samples = binary_bad_samples});
}
}  // namespace detail
}  // namespace nabla
