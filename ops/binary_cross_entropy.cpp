// binary_cross_entropy: PyTorch's binary cross-entropy of probabilities.
//   forward : l = −w·(t·max(log p, −100) + (1 − t)·max(log(1 − p), −100)) per element
//             (PyTorch clamps each log at −100, so p = 0 or 1 gives 100, not ∞); then
//             mean, sum or none
//   backward: by composition: grad_p = w·(p − t)/(p(1 − p)), grad_t = w·(log(1 − p) −
//             log p), grad_w = the unweighted loss. Where a log is clamped its term gets
//             gradient 0 (the log is read at 1 where p is 0, so no 0·∞ appears); PyTorch
//             there divides by max(p(1 − p), 1e-12)
//   saves   : what the composed ops save
//   shapes  : probs and target of one shape and floating dtype, probs in [0, 1];
//             weight (optional) broadcasts to probs' shape

#include "ops/loss_common.hpp"

namespace nabla {
namespace {
// max(log q, −100), with log q read at 1 where q = 0 (its value there is −100 anyway)
Tensor clamped_log(const Tensor& q) {
  const Tensor positive = gt(q, 0.0);
  return nabla::where(positive, clamp(log(nabla::where(positive, q, 1.0)), -100.0, INFINITY),
                      -100.0);
}
}  // namespace

Tensor binary_cross_entropy(const Tensor& probs, const Tensor& target, const Tensor& weight,
                            Reduction reduction, CallSite where) {
  detail::CallSiteScope site(where);
  constexpr const char* op = "binary_cross_entropy";
  detail::check_loss_operand(op, probs, "probs");
  detail::check_loss_operand(op, target, "target");
  detail::check_same_dtype(op, probs, target);
  detail::check_same_shape(op, probs, "probs", target, "target");
  for (double v : probs.to_vector()) {
    if (!(v >= 0.0 && v <= 1.0)) {
      throw std::invalid_argument(fmt::format(
          "nabla::binary_cross_entropy: every element of probs must be in [0, 1], got {}", v));
    }
  }
  Tensor l = neg(
      add(mul(target, clamped_log(probs)), mul(sub(1.0, target), clamped_log(sub(1.0, probs)))));
  if (weight.defined()) {
    detail::check_loss_operand(op, weight, "weight");
    detail::check_same_dtype(op, probs, weight);
    if (!broadcastable_to(weight.shape(), probs.shape())) {
      throw std::invalid_argument(
          fmt::format("nabla::binary_cross_entropy: weight {} does not broadcast to probs {}",
                      shape_str(weight.shape()), shape_str(probs.shape())));
    }
    l = mul(l, weight);
  }
  return detail::reduce_loss(l, reduction);
}

namespace detail {
namespace {
// probabilities and targets in (0.1, 0.9): away from the clamps at p = 0 and 1
std::vector<OpSample> probability_bce_samples(Generator& g, Dtype d) {
  auto u = [&](const Shape& s) { return sample_tensor(s, g, d, Domain::unit_interval); };
  return {{"batch [4,3], weight [3]",
           {u({4, 3}), u({4, 3}), sample_tensor({3}, g, d, Domain::positive)}},
          {"vector [5], weight [5]", {u({5}), u({5}), sample_tensor({5}, g, d, Domain::positive)}}};
}

std::vector<OpSample> bce_bad_samples(Generator& g, Dtype d) {
  auto u = [&](const Shape& s) { return sample_tensor(s, g, d, Domain::unit_interval); };
  return {{"target [3] for probs [4,3]", {u({4, 3}), u({3}), u({3})}},
          {"weight [4] for probs [4,3]", {u({4, 3}), u({4, 3}), u({4})}}};
}
}  // namespace

void register_binary_cross_entropy(OpRegistry& r) {
  r.add(
      {.name = "binary_cross_entropy",
       .formula = "mean(-w*(t*log(p) + (1 - t)*log(1 - p)))",
       .arity = 3,
       .fn =
           [](const std::vector<Tensor>& in) { return binary_cross_entropy(in[0], in[1], in[2]); },
       .samples = probability_bce_samples,
       .bad_samples = bce_bad_samples});
}
}  // namespace detail
}  // namespace nabla
