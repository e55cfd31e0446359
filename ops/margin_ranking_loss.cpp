// margin_ranking_loss: PyTorch's margin ranking loss.
//   forward : l = max(0, −y·(x1 − x2) + margin) per element; then mean, sum or none
//   backward: by composition (sub, mul, relu): where the hinge is active, grad_x1 = −y,
//             grad_x2 = y, grad_y = −(x1 − x2) (y is differentiable, as PyTorch's target)
//   saves   : what the composed ops save
//   shapes  : x1, x2 and y of one shape and floating dtype

#include "ops/loss_common.hpp"

namespace nabla {

Tensor margin_ranking_loss(const Tensor& x1, const Tensor& x2, const Tensor& y, double margin,
                           Reduction reduction, CallSite where) {
  detail::CallSiteScope site(where);
  constexpr const char* op = "margin_ranking_loss";
  detail::check_loss_operand(op, x1, "x1");
  detail::check_loss_operand(op, x2, "x2");
  detail::check_loss_operand(op, y, "y");
  detail::check_same_dtype(op, x1, x2);
  detail::check_same_dtype(op, x1, y);
  detail::check_same_shape(op, x1, "x1", x2, "x2");
  detail::check_same_shape(op, x1, "x1", y, "y");
  return detail::reduce_loss(relu(add(mul(neg(y), sub(x1, x2)), margin)), reduction);
}

namespace detail {
namespace {
// x1 − x2 = d with |d| in [0.2, 0.75] or [1.3, 2] and y = ±1 (+1, −1, −1, +1, ...): with
// margin 0.1, −y·d + 0.1 stays ≥ 0.1 away from the hinge's kink at 0, on both sides.
std::vector<OpSample> ranking_samples(Generator& g, Dtype d) {
  auto triple = [&](const char* label, const Shape& s) {
    OpSample pair = kink_free_pair(label, s, g, d, 1.0);
    pair.inputs.push_back(alternating_labels(s, d));
    return pair;
  };
  return {triple("batch [6]", {6}), triple("matrix [2,4]", {2, 4})};
}

std::vector<OpSample> ranking_bad_samples(Generator& g, Dtype d) {
  return {{"y [3] for [4]", {sample_tensor({4}, g, d), sample_tensor({4}, g, d), sample_tensor({3}, g, d)}}};
}
}  // namespace

void register_margin_ranking_loss(OpRegistry& r) {
  r.add({.name = "margin_ranking_loss",
         .formula = "mean(max(0, -y*(a - b) + 0.1))",
         .arity = 3,
         .fn =
             [](const std::vector<Tensor>& in) {
               return margin_ranking_loss(in[0], in[1], in[2], 0.1);
             },
         .samples = ranking_samples,
         .bad_samples = ranking_bad_samples});
}
}  // namespace detail
}  // namespace nabla
