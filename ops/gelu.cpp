// gelu: Gaussian error linear unit, PyTorch's two forms.
//   forward : none: result = ½x(1 + erf(x/√2)) = x·Φ(x)
//             tanh: result = ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³)
//   backward: grad_x = gelu_backward(grad_out, x, approximate)
//   saves   : x
//   shapes  : any; result has x's shape. float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {
namespace {

struct GeluNode final : Node {
  explicit GeluNode(bool use_tanh) : Node("gelu"), tanh_(use_tanh) {}
  bool tanh_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {gelu_backward(grad_out, saved(0), tanh_ ? "tanh" : "none")};
  }
};
}  // namespace

Tensor gelu(const Tensor& x, std::string_view approximate, CallSite where) {
  detail::CallSiteScope site(where);
  const bool use_tanh = detail::gelu_uses_tanh("gelu", approximate);
  Tensor result =
      use_tanh
          ? detail::activation_kernel(
                "gelu", x,
                [](auto&& v, auto t) {
                  using T = decltype(t);
                  return T(0.5) * v *
                         (T(1) + xt::tanh(T(detail::kGeluK) * (v + T(detail::kGeluC) * v * v * v)));
                })
          : detail::activation_kernel("gelu", x, [](auto&& v, auto t) {
              using T = decltype(t);
              return T(0.5) * v * (T(1) + xt::erf(v * T(detail::kGeluR)));
            });
  if (auto node = record<GeluNode>(result, {x}, use_tanh)) node->save(x);
  return result;
}

namespace detail {
void register_gelu(OpRegistry& r) {
  r.add({.name = "gelu",
         .formula = "x * Phi(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return gelu(in[0]); },
         .samples = [](Generator& g, Dtype d) { return activation_samples(g, d); }});
  r.add({.name = "gelu_tanh",
         .formula = "0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3)))",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return gelu(in[0], "tanh"); },
         .samples = [](Generator& g, Dtype d) { return activation_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
