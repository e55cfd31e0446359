// gelu_backward: gelu's rule as one fused pass, an op with a rule of its own (gelu's
// derivative needs erf, which no other op provides).
//   forward : result = g ⊙ gelu'(x)
//             none: gelu'(x) = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π)
//             tanh: gelu'(x) = ½(1 + t) + ½x(1 − t²)·u', t = tanh u, u = √(2/π)(x + cx³),
//                   u' = √(2/π)(1 + 3cx²), c = 0.044715
//   backward: grad_g = gelu_backward(grad_out, x)
//             grad_x = grad_out ⊙ g ⊙ gelu''(x)
//             none: gelu''(x) = φ(x)(2 − x²)
//             tanh: gelu''(x) = (1 − t²)(u' − x·t·u'² + ½x·u''), u'' = 6√(2/π)c·x
//   saves   : g (only when x needs a gradient) and x
//   shapes  : g and x broadcast together (normally equal). float32/float64 only

#include <xtensor/xvectorize.hpp>

#include <cmath>

#include "ops/activation_common.hpp"

namespace nabla {
namespace {

// gelu''(x) in nabla ops (so that third derivatives work too)
Tensor gelu_second(const Tensor& x, bool use_tanh) {
  const Tensor x2 = mul(x, x);
  if (!use_tanh) return mul(mul(exp(mul(x2, -0.5)), detail::kGeluP), sub(2.0, x2));
  const Tensor t = tanh(mul(add(x, mul(mul(x2, x), detail::kGeluC)), detail::kGeluK));
  const Tensor du = mul(add(mul(x2, 3.0 * detail::kGeluC), 1.0), detail::kGeluK);
  const Tensor inner =
      add(sub(du, mul(mul(x, t), mul(du, du))), mul(x2, 3.0 * detail::kGeluK * detail::kGeluC));
  return mul(sub(1.0, mul(t, t)), inner);
}

struct GeluBackwardNode final : Node {
  explicit GeluBackwardNode(bool use_tanh) : Node("gelu_backward"), tanh_(use_tanh) {}
  bool tanh_;
  std::size_t g_ = 0, x_ = 0;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor x = saved(x_);
    Tensor grad_g, grad_x;
    if (needs_input_grad(0)) grad_g = gelu_backward(grad_out, x, tanh_ ? "tanh" : "none");
    if (needs_input_grad(1)) grad_x = mul(mul(grad_out, saved(g_)), gelu_second(x, tanh_));
    return {grad_g, grad_x};
  }
};
}  // namespace

Tensor gelu_backward(const Tensor& g, const Tensor& x, std::string_view approximate,
                     CallSite where) {
  detail::CallSiteScope site(where);
  const bool use_tanh = detail::gelu_uses_tanh("gelu_backward", approximate);
  detail::check_defined("gelu_backward", g, "grad");
  detail::check_defined("gelu_backward", x, "x");
  detail::check_floating("gelu_backward", g, "grad");
  detail::check_floating("gelu_backward", x, "x");
  // One scalar function per element (xt::vectorize): the fused expression written with
  // xtensor operators took over a minute to compile.
  Tensor result = detail::dispatch_floating("gelu_backward", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (use_tanh) {
      return detail::binary_kernel_floating("gelu_backward", g, x, [](auto&& gv, auto&& xv) {
        return xt::vectorize(+[](T gs, T xs) {
          const T t = std::tanh(T(detail::kGeluK) * (xs + T(detail::kGeluC) * xs * xs * xs));
          return gs * (T(0.5) * (T(1) + t) +
                       T(0.5) * xs * (T(1) - t * t) *
                           (T(detail::kGeluK) * (T(1) + T(3 * detail::kGeluC) * xs * xs)));
        })(gv, xv);
      });
    }
    return detail::binary_kernel_floating("gelu_backward", g, x, [](auto&& gv, auto&& xv) {
      return xt::vectorize(+[](T gs, T xs) {
        return gs * (T(0.5) * (T(1) + std::erf(xs * T(detail::kGeluR))) +
                     xs * T(detail::kGeluP) * std::exp(T(-0.5) * xs * xs));
      })(gv, xv);
    });
  });
  if (auto node = record<GeluBackwardNode>(result, {g, x}, use_tanh)) {
    if (node->needs_input_grad(1)) node->g_ = node->save(g);
    node->x_ = node->save(x);
  }
  return result;
}

namespace detail {
void register_gelu_backward(OpRegistry& r) {
  r.add({.name = "gelu_backward",
         .formula = "g * gelu'(x)",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return gelu_backward(in[0], in[1]); },
         .samples = [](Generator& g, Dtype d) { return binary_samples(g, d); },
         .bad_samples = binary_bad_samples});
  r.add({.name = "gelu_tanh_backward",
         .formula = "g * gelu_tanh'(x)",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return gelu_backward(in[0], in[1], "tanh"); },
         .samples =
             [](Generator& g, Dtype d) {
               auto all = binary_samples(g, d);
               all.resize(3);  // same shape and one broadcast each way cover the rule
               return all;
             }});
}
}  // namespace detail
}  // namespace nabla
