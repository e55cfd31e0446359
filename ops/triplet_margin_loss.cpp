// triplet_margin_loss: PyTorch's triplet margin loss.
//   forward : d_ap = pairwise_distance(a, p, p_norm, eps), d_an = pairwise_distance(a, n,
//             p_norm, eps) (with `swap`, min(d_an, pairwise_distance(p, n, p_norm, eps)));
//             l = max(0, margin + d_ap − d_an) per row; then mean, sum or none
//   backward: by composition (pairwise_distance, where, relu)
//   saves   : what the composed ops save
//   shapes  : anchor, positive and negative of one shape and floating dtype, [N,D] or [D]
//             (result [N] or 0-d for none)

#include "ops/loss_common.hpp"

namespace nabla {

Tensor triplet_margin_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative,
                           double margin, double p, double eps, bool swap, Reduction reduction,
                           CallSite where) {
  detail::CallSiteScope site(where);
  constexpr const char* op = "triplet_margin_loss";
  detail::check_loss_operand(op, anchor, "anchor");
  detail::check_loss_operand(op, positive, "positive");
  detail::check_loss_operand(op, negative, "negative");
  detail::check_same_dtype(op, anchor, positive);
  detail::check_same_dtype(op, anchor, negative);
  detail::check_same_shape(op, anchor, "anchor", positive, "positive");
  detail::check_same_shape(op, anchor, "anchor", negative, "negative");
  if (anchor.dim() != 1 && anchor.dim() != 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::triplet_margin_loss: expected inputs [N,D] or [D], got anchor {}",
        shape_str(anchor.shape())));
  }
  const Tensor d_ap = pairwise_distance(anchor, positive, p, eps);
  Tensor d_an = pairwise_distance(anchor, negative, p, eps);
  if (swap) {
    const Tensor d_pn = pairwise_distance(positive, negative, p, eps);
    d_an = nabla::where(lt(d_pn, d_an), d_pn, d_an);
  }
  return detail::reduce_loss(relu(add(sub(d_ap, d_an), margin)), reduction);
}

namespace detail {
namespace {
// positive = anchor + 0.3·noise (d_ap ≈ 0.5); negative = anchor + 3·noise (d_an ≈ 5, the
// hinge flat) on even rows and anchor + 0.1·noise (d_an ≈ 0.2, the hinge active) on odd
// rows and on a single triple: margin 1 + d_ap − d_an stays ≥ 0.5 away from the kink at 0
std::vector<OpSample> triplet_samples(Generator& g, Dtype d) {
  auto triple = [&](const char* label, const Shape& s) {
    const Tensor a = sample_tensor(s, g, d);
    const std::int64_t cols = s.back();
    std::vector<double> scale(static_cast<std::size_t>(shape_numel(s)));
    for (std::size_t i = 0; i < scale.size(); ++i) {
      const bool flat = s.size() == 2 && (i / static_cast<std::size_t>(cols)) % 2 == 0;
      scale[i] = flat ? 3.0 : 0.1;
    }
    const Tensor pos = add(a, mul(sample_tensor(s, g, d), 0.3));
    const Tensor neg_ = add(a, mul(sample_tensor(s, g, d), tensor(scale, s, d)));
    return OpSample{label, {a, pos, neg_}};
  };
  return {triple("batch [4,3]", {4, 3}), triple("one triple [3]", {3})};
}

std::vector<OpSample> triplet_bad_samples(Generator& g, Dtype d) {
  return {{"negative [4,2]", {sample_tensor({4, 3}, g, d), sample_tensor({4, 3}, g, d),
                              sample_tensor({4, 2}, g, d)}}};
}
}  // namespace

void register_triplet_margin_loss(OpRegistry& r) {
  r.add({.name = "triplet_margin_loss",
         .formula = "mean(max(0, 1 + |a - p + eps| - |a - n + eps|))",
         .arity = 3,
         .fn =
             [](const std::vector<Tensor>& in) {
               return triplet_margin_loss(in[0], in[1], in[2]);
             },
         .samples = triplet_samples,
         .bad_samples = triplet_bad_samples});
}
}  // namespace detail
}  // namespace nabla
