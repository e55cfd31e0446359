// kl_div: PyTorch's Kullback–Leibler divergence loss; input holds log-probabilities.
//   forward : l = t·(log t − input) per element, 0 where t = 0 (xlogy); with log_target,
//             l = eᵗ·(t − input). Then mean (over all elements), batchmean (the sum over
//             the size of axis 0; the sum for a 0-d input), sum or none
//   backward: by composition: grad_input = −t (−eᵗ), grad_t = log t + 1 − input
//             (eᵗ·(t + 1 − input)); at t = 0, −input (log t is read at 1 there, so that
//             no 0·∞ appears)
//   saves   : what the composed ops save
//   shapes  : input and target of one shape and floating dtype

#include "ops/loss_common.hpp"

namespace nabla {

Tensor kl_div(const Tensor& input, const Tensor& target, KlDivReduction reduction, bool log_target,
              CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_pair("kl_div", input, target);
  Tensor l;
  if (log_target) {
    l = mul(exp(target), sub(target, input));
  } else {
    const Tensor positive = gt(target, 0.0);
    const Tensor xlogx = nabla::where(positive, mul(target, log(nabla::where(positive, target, 1.0))), 0.0);
    l = sub(xlogx, mul(target, input));
  }
  switch (reduction) {
    case KlDivReduction::mean:
      return mean(l);
    case KlDivReduction::batchmean:
      return input.dim() == 0 ? sum(l) : div(sum(l), static_cast<double>(input.size(0)));
    case KlDivReduction::sum:
      return sum(l);
    case KlDivReduction::none:
      return l;
  }
  return l;  // unreachable: the switch covers the enum
}

Tensor kl_div(const Tensor& input, const Tensor& target, Reduction reduction, bool log_target,
              CallSite where) {
  const KlDivReduction r = reduction == Reduction::mean  ? KlDivReduction::mean
                           : reduction == Reduction::sum ? KlDivReduction::sum
                                                         : KlDivReduction::none;
  return kl_div(input, target, r, log_target, where);
}

namespace detail {
namespace {
// input any (log-probabilities need not be normalized), target in (0.1, 0.9): positive,
// away from the switch of xlogy at t = 0
std::vector<OpSample> kl_samples(Generator& g, Dtype d) {
  return {{"batch [4,3]", {sample_tensor({4, 3}, g, d), sample_tensor({4, 3}, g, d, Domain::unit_interval)}},
          {"vector [5]", {sample_tensor({5}, g, d), sample_tensor({5}, g, d, Domain::unit_interval)}}};
}
}  // namespace

void register_kl_div(OpRegistry& r) {
  r.add({.name = "kl_div_batchmean",
         .formula = "sum(t*(log(t) - x)) / x.size(0)",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return kl_div(in[0], in[1], KlDivReduction::batchmean);
             },
         .samples = kl_samples,
         .bad_samples = loss_bad_samples});
  r.add({.name = "kl_div_log_target",
         .formula = "mean(exp(t)*(t - x))",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return kl_div(in[0], in[1], Reduction::mean, /*log_target=*/true);
             },
         .samples = loss_samples,
         .bad_samples = loss_bad_samples});
}
}  // namespace detail
}  // namespace nabla
