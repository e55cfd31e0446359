// mse_loss: mean squared error (PyTorch's mse_loss with reduction 'mean').
//   forward : result = Σ (o − y)² / n   (a 0-d tensor; n = numel)
//   backward: grad_o =  grad_out · 2(o − y)/n
//             grad_y = −grad_out · 2(o − y)/n
//   saves   : o and y
//   shapes  : o and y must have the same shape

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct MseLossNode final : Node {
  MseLossNode() : Node("mse_loss") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const double scale = 2.0 / static_cast<double>(shape_numel(input_shape(0)));
    Tensor grad_o = mul(mul(grad_out, scale), sub(saved(0), saved(1)));  // [..] = [] · [..]
    return {grad_o, needs_input_grad(1) ? neg(grad_o) : Tensor()};
  }
};
}  // namespace

Tensor mse_loss(const Tensor& o, const Tensor& y, CallSite where) {
  detail::CallSiteScope site(where);
  const double s = detail::sum_squared_diff("mse_loss", o, y);
  Tensor result = scalar_tensor(s / static_cast<double>(o.numel()), o.dtype());
  if (auto node = record<MseLossNode>(result, {o, y})) {
    node->save(o);
    node->save(y);
  }
  return result;
}

namespace detail {
void register_mse_loss(OpRegistry& r) {
  r.add({.name = "mse_loss",
         .formula = "mean((o - y)^2)",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return mse_loss(in[0], in[1]); },
         .samples = loss_samples,
         .bad_samples = loss_bad_samples});
}
}  // namespace detail
}  // namespace nabla
