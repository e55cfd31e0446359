// binary_cross_entropy_with_logits_weighted: binary_cross_entropy_with_logits with
// element weights and a positive-class weight (PyTorch's weight and pos_weight), composed
// from nabla's ops.
//   forward : l = w·((1 − t)·x + (1 + (pw − 1)·t)·softplus(−x)) per element, with
//             softplus(−x) = max(−x, 0) + log(1 + e^(−|x|)) (stable for any x); then mean,
//             sum or none. Undefined weight and pos_weight are 1.
//   backward: by composition (relu, abs, exp, log, mul): grad_x = w·((1 − t) − (1 +
//             (pw − 1)·t)·(1 − σ(x))), grad_t = w·((pw − 1)·softplus(−x) − x), grad_w the
//             unweighted loss, grad_pw = w·t·softplus(−x). At x = 0 exactly the composed
//             rule of |x| and max(−x, 0) gives 0 for softplus's slope instead of −½
//   saves   : what the composed ops save
//   shapes  : logits and targets of one shape and floating dtype; weight and pos_weight
//             broadcast to it (pos_weight [C] along the last axis)

#include "ops/loss_common.hpp"

namespace nabla {

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets,
                                        const Tensor& weight, Reduction reduction,
                                        const Tensor& pos_weight, CallSite where) {
  detail::CallSiteScope site(where);
  constexpr const char* op = "binary_cross_entropy_with_logits";
  if (!weight.defined() && !pos_weight.defined()) {
    return binary_cross_entropy_with_logits(logits, targets, reduction, where);
  }
  detail::check_loss_operand(op, logits, "logits");
  detail::check_loss_operand(op, targets, "targets");
  detail::check_same_dtype(op, logits, targets);
  detail::check_same_shape(op, logits, "logits", targets, "targets");
  const auto check_weight = [&](const Tensor& w, const char* name) {
    detail::check_loss_operand(op, w, name);
    detail::check_same_dtype(op, logits, w);
    if (!broadcastable_to(w.shape(), logits.shape())) {
      throw std::invalid_argument(fmt::format("nabla::{}: {} {} does not broadcast to logits {}",
                                              op, name, shape_str(w.shape()),
                                              shape_str(logits.shape())));
    }
  };
  const Tensor softplus_neg = add(relu(neg(logits)), log(add(exp(neg(abs(logits))), 1.0)));
  Tensor log_weight_term = softplus_neg;
  if (pos_weight.defined()) {
    check_weight(pos_weight, "pos_weight");
    log_weight_term = mul(add(mul(sub(pos_weight, 1.0), targets), 1.0), softplus_neg);
  }
  Tensor l = add(mul(sub(1.0, targets), logits), log_weight_term);
  if (weight.defined()) {
    check_weight(weight, "weight");
    l = mul(l, weight);
  }
  return detail::reduce_loss(l, reduction);
}

namespace detail {
namespace {
// logits standard normal (never exactly 0), targets in (0.1, 0.9), weights in [0.5, 2.5)
std::vector<OpSample> weighted_samples(Generator& g, Dtype d) {
  auto sample = [&](const char* label, const Shape& s, const Shape& pw) {
    return OpSample{label,
                    {sample_tensor(s, g, d), sample_tensor(s, g, d, Domain::unit_interval),
                     sample_tensor(s, g, d, Domain::positive),
                     sample_tensor(pw, g, d, Domain::positive)}};
  };
  return {sample("batch [4,3], pos_weight [3]", {4, 3}, {3}),
          sample("rank 3 [2,2,3], pos_weight [3]", {2, 2, 3}, {3})};
}

std::vector<OpSample> weighted_bad_samples(Generator& g, Dtype d) {
  return {{"pos_weight [2] for logits [4,3]",
           {sample_tensor({4, 3}, g, d), sample_tensor({4, 3}, g, d), sample_tensor({4, 3}, g, d),
            sample_tensor({2}, g, d)}}};
}
}  // namespace

void register_binary_cross_entropy_with_logits_weighted(OpRegistry& r) {
  r.add({.name = "binary_cross_entropy_with_logits_weighted",
         .formula = "mean(w*((1 - t)*x + (1 + (pw - 1)*t)*softplus(-x)))",
         .arity = 4,
         .fn =
             [](const std::vector<Tensor>& in) {
               return binary_cross_entropy_with_logits(in[0], in[1], in[2], Reduction::mean, in[3]);
             },
         .samples = weighted_samples,
         .bad_samples = weighted_bad_samples});
}
}  // namespace detail
}  // namespace nabla
