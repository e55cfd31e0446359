// mse_loss_reduction: mse_loss with a reduction: (o − y)², then mean, sum or none.
//   forward : mean → mse_loss(o, y) (ops/mse_loss.cpp); sum → Σ (o − y)² (a 0-d tensor,
//             accumulated in double); none → (o − y)² elementwise
//   backward: grad_o =  grad_out · 2(o − y)   (sum, none; mean is mse_loss's rule)
//             grad_y = −grad_out · 2(o − y)
//   saves   : o and y
//   shapes  : o and y must have the same shape and dtype (no broadcasting); result 0-d
//             (mean, sum) or o's shape (none)

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct MseLossReductionNode final : Node {
  MseLossReductionNode() : Node("mse_loss") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    Tensor grad_o = mul(mul(grad_out, 2.0), sub(saved(0), saved(1)));  // [..] = [] or [..] ⊙ [..]
    return {grad_o, needs_input_grad(1) ? neg(grad_o) : Tensor()};
  }
};
}  // namespace

Tensor mse_loss(const Tensor& o, const Tensor& y, Reduction reduction, CallSite where) {
  detail::CallSiteScope site(where);
  if (reduction == Reduction::mean) return mse_loss(o, y);
  Tensor result;
  if (reduction == Reduction::sum) {
    result = scalar_tensor(detail::sum_squared_diff("mse_loss", o, y), o.dtype());
  } else {
    detail::sum_squared_diff("mse_loss", o, y);  // the same checks, and messages
    result = detail::make_tensor(o.shape(), o.dtype());
    detail::dispatch_floating("mse_loss_reduction", o.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const Tensor ov = detail::dense(o);  // the node records o and y themselves
      const Tensor yv = detail::dense(y);
      const T* po = detail::data_ptr<T>(ov);
      const T* py = detail::data_ptr<T>(yv);
      T* r = detail::data_ptr<T>(result);
      for (std::int64_t i = 0; i < o.numel(); ++i) r[i] = (po[i] - py[i]) * (po[i] - py[i]);
    });
  }
  if (auto node = record<MseLossReductionNode>(result, {o, y})) {
    node->save(o);
    node->save(y);
  }
  return result;
}

namespace detail {
void register_mse_loss_reduction(OpRegistry& r) {
  r.add({.name = "mse_loss_sum",
         .formula = "sum((o - y)^2)",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return mse_loss(in[0], in[1], Reduction::sum); },
         .samples = loss_samples,
         .bad_samples = loss_bad_samples});
  r.add(
      {.name = "mse_loss_none",
       .formula = "(o - y)^2",
       .arity = 2,
       .fn = [](const std::vector<Tensor>& in) { return mse_loss(in[0], in[1], Reduction::none); },
       .samples = loss_samples,
       .bad_samples = loss_bad_samples});
}
}  // namespace detail
}  // namespace nabla
