// sigmoid_backward: sigmoid's rule as one fused pass (an op of its own, so that it has a
// rule too and gradients of gradients work through sigmoid).
//   forward : result = g ⊙ s ⊙ (1 − s)
//   backward: grad_g = sigmoid_backward(grad_out, s) = grad_out ⊙ s(1 − s)
//             grad_s = grad_out ⊙ g ⊙ (1 − 2s)
//   saves   : g (only when s needs a gradient) and s
//   shapes  : g and s broadcast together (normally equal)

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct SigmoidBackwardNode final : Node {
  SigmoidBackwardNode() : Node("sigmoid_backward") {}
  std::size_t g_ = 0, s_ = 0;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(s_);
    Tensor grad_g, grad_s;
    if (needs_input_grad(0)) grad_g = sigmoid_backward(grad_out, s);
    if (needs_input_grad(1)) grad_s = mul(mul(grad_out, saved(g_)), sub(1.0, mul(s, 2.0)));
    return {grad_g, grad_s};
  }
};
}  // namespace

Tensor sigmoid_backward(const Tensor& g, const Tensor& s, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::dispatch_floating(
      "sigmoid_backward", g.defined() ? g.dtype() : Dtype::f32, [&](auto tag) {
        using T = decltype(tag);
        return detail::binary_kernel_floating("sigmoid_backward", g, s,
                                     [](auto&& gv, auto&& sv) { return gv * sv * (T(1) - sv); });
      });
  if (auto node = record<SigmoidBackwardNode>(result, {g, s})) {
    if (node->needs_input_grad(1)) node->g_ = node->save(g);
    node->s_ = node->save(s);
  }
  return result;
}

namespace detail {
void register_sigmoid_backward(OpRegistry& r) {
  r.add(
      {.name = "sigmoid_backward",
       .formula = "g * s * (1 - s)",
       .arity = 2,
       .fn = [](const std::vector<Tensor>& in) { return sigmoid_backward(in[0], in[1]); },
       // s is a sigmoid's value, in (0, 1)
       .samples = [](Generator& g,
                     Dtype d) { return binary_samples(g, d, Domain::any, Domain::unit_interval); },
       .bad_samples = binary_bad_samples});
}
}  // namespace detail
}  // namespace nabla
