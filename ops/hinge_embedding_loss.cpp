// hinge_embedding_loss: PyTorch's hinge embedding loss.
//   forward : l = (y ≠ 1 ? max(0, margin − x) : 0) + (y ≠ −1 ? x : 0) per element (so x
//             where y = 1 and the hinge where y = −1, as PyTorch); then mean, sum or none
//   backward: by composition (relu, where): grad_x = 1 where y = 1, −1 where y = −1 and
//             x < margin; y gets no gradient
//   saves   : what the composed ops save
//   shapes  : x floating and y (any numeric dtype) of one shape

#include "ops/loss_common.hpp"

namespace nabla {

Tensor hinge_embedding_loss(const Tensor& x, const Tensor& y, double margin, Reduction reduction,
                            CallSite where) {
  detail::CallSiteScope site(where);
  constexpr const char* op = "hinge_embedding_loss";
  detail::check_loss_operand(op, x, "x");
  detail::check_defined(op, y, "y");
  detail::check_same_shape(op, x, "x", y, "y");
  const Tensor l = add(nabla::where(ne(y, 1.0), relu(sub(margin, x)), 0.0), nabla::where(ne(y, -1.0), x, 0.0));
  return detail::reduce_loss(l, reduction);
}

namespace detail {
namespace {
// x = 1 ± [0.2, 2]: away from the hinge's kink at x = margin = 1, on both sides
std::vector<OpSample> hinge_samples(Generator& g, Dtype d) {
  return {{"matrix [2,4]", {add(sample_tensor({2, 4}, g, d, Domain::away_from_zero), 1.0)}},
          {"vector [5]", {add(sample_tensor({5}, g, d, Domain::away_from_zero), 1.0)}}};
}
}  // namespace

void register_hinge_embedding_loss(OpRegistry& r) {
  r.add({.name = "hinge_embedding_loss",
         .formula = "mean(y == 1 ? x : max(0, 1 - x)), fixed y = +1, -1, -1, +1",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return hinge_embedding_loss(in[0], alternating_labels(in[0].shape(), Dtype::i64));
             },
         .samples = hinge_samples});
}
}  // namespace detail
}  // namespace nabla
