// pow: elementwise power with a scalar exponent.
//   forward : result = xᵖ
//   backward: grad_x = grad_out ⊙ p·xᵖ⁻¹   (zero when p = 0)
//   saves   : x
//   shapes  : any; result has x's shape
//   domain  : fractional p needs x > 0 (NaN otherwise, as std::pow)

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct PowNode final : Node {
  explicit PowNode(double p) : Node("pow"), p_(p) {}
  double p_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor x = saved(0);
    if (p_ == 0.0) return {zeros_like(x)};
    return {mul(grad_out, mul(pow(x, p_ - 1.0), p_))};
  }
};
}  // namespace

Tensor pow(const Tensor& x, double p, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("pow", x);
  Tensor result;
  if (p == 2.0) {
    result = detail::unary_kernel("pow", x, [](auto&& v) { return v * v; });
  } else {
    result = detail::dispatch_floating("pow", x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      return detail::unary_kernel("pow", x,
                                  [&](auto&& v) { return xt::pow(v, static_cast<T>(p)); });
    });
  }
  if (auto node = record<PowNode>(result, {x}, p)) node->save(x);
  return result;
}

Tensor Tensor::pow(double exponent) const {
  return nabla::pow(*this, exponent);
}

namespace detail {
void register_pow(OpRegistry& r) {
  r.add({.name = "pow",
         .formula = "x^2.5",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return pow(in[0], 2.5); },
         // a fractional power needs x > 0
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d, Domain::positive); }});
  r.add({.name = "pow_int",
         .formula = "x^3",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return pow(in[0], 3.0); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
