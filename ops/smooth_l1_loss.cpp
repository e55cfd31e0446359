// smooth_l1_loss: PyTorch's smooth L1 loss with threshold beta.
//   forward : d = input − target; l = ½d²/β where |d| < β, else |d| − ½β (β = 0: |d|,
//             l1_loss, as PyTorch); then mean, sum or none
//   backward: by composition (where, mul, abs): d/β inside, sign(d) outside; −that for
//             the target
//   saves   : what the composed ops save
//   shapes  : input and target of one shape and floating dtype; β ≥ 0, else
//             std::invalid_argument naming it

#include "ops/loss_common.hpp"

namespace nabla {

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction, double beta,
                      CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_pair("smooth_l1_loss", input, target);
  if (!(beta >= 0.0)) {
    throw std::invalid_argument(
        fmt::format("nabla::smooth_l1_loss: beta must be non-negative, got {}", beta));
  }
  const Tensor d = sub(input, target);
  const Tensor ad = abs(d);
  if (beta == 0.0) return detail::reduce_loss(ad, reduction);
  const Tensor l = nabla::where(lt(ad, beta), mul(mul(d, d), 0.5 / beta), sub(ad, 0.5 * beta));
  return detail::reduce_loss(l, reduction);
}

namespace detail {
namespace {
// |d| in [0.2, 0.75] or [1.3, 2] (β = 1): away from the kink of |·| at 0 and from
// |d| = β, where the second derivative jumps from 1/β to 0
std::vector<OpSample> smooth_l1_samples(Generator& g, Dtype d) {
  return {kink_free_pair("batch [4,3]", {4, 3}, g, d, 1.0),
          kink_free_pair("rank 3 [2,1,3]", {2, 1, 3}, g, d, 1.0)};
}
}  // namespace

void register_smooth_l1_loss(OpRegistry& r) {
  r.add({.name = "smooth_l1_loss",
         .formula = "mean(|d| < 1 ? d^2/2 : |d| - 1/2), d = x - t",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return smooth_l1_loss(in[0], in[1]); },
         .samples = smooth_l1_samples,
         .bad_samples = loss_bad_samples});
}
}  // namespace detail
}  // namespace nabla
