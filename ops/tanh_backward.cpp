// tanh_backward: tanh's rule as one fused pass, an op with a rule of its own.
//   forward : result = g ⊙ (1 − y²)
//   backward: grad_g = tanh_backward(grad_out, y) = grad_out ⊙ (1 − y²)
//             grad_y = −2 · grad_out ⊙ g ⊙ y
//   saves   : g (only when y needs a gradient) and y
//   shapes  : g and y broadcast together (normally equal)

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct TanhBackwardNode final : Node {
  TanhBackwardNode() : Node("tanh_backward") {}
  std::size_t g_ = 0, y_ = 0;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor y = saved(y_);
    Tensor grad_g, grad_y;
    if (needs_input_grad(0)) grad_g = tanh_backward(grad_out, y);
    if (needs_input_grad(1)) grad_y = mul(mul(grad_out, saved(g_)), mul(y, -2.0));
    return {grad_g, grad_y};
  }
};
}  // namespace

Tensor tanh_backward(const Tensor& g, const Tensor& y, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::dispatch_floating(
      "tanh_backward", g.defined() ? g.dtype() : Dtype::f32, [&](auto tag) {
        using T = decltype(tag);
        return detail::binary_kernel_floating("tanh_backward", g, y,
                                     [](auto&& gv, auto&& yv) { return gv * (T(1) - yv * yv); });
      });
  if (auto node = record<TanhBackwardNode>(result, {g, y})) {
    if (node->needs_input_grad(1)) node->g_ = node->save(g);
    node->y_ = node->save(y);
  }
  return result;
}

namespace detail {
void register_tanh_backward(OpRegistry& r) {
  r.add({.name = "tanh_backward",
         .formula = "g * (1 - y^2)",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return tanh_backward(in[0], in[1]); },
         .samples = [](Generator& g, Dtype d) { return binary_samples(g, d); },
         .bad_samples = binary_bad_samples});
}
}  // namespace detail
}  // namespace nabla
