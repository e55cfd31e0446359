// huber_loss: PyTorch's Huber loss with threshold delta.
//   forward : d = input − target; l = ½d² where |d| < δ, else δ·(|d| − ½δ); then mean,
//             sum or none (δ·smooth_l1 with β = δ)
//   backward: by composition (where, mul, abs): d inside, δ·sign(d) outside; −that for
//             the target
//   saves   : what the composed ops save
//   shapes  : input and target of one shape and floating dtype; δ > 0, else
//             std::invalid_argument naming it (as PyTorch)

#include "ops/loss_common.hpp"

namespace nabla {

Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction, double delta,
                  CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_pair("huber_loss", input, target);
  if (!(delta > 0.0)) {
    throw std::invalid_argument(
        fmt::format("nabla::huber_loss: delta must be positive, got {}", delta));
  }
  const Tensor d = sub(input, target);
  const Tensor ad = abs(d);
  const Tensor l = nabla::where(lt(ad, delta), mul(mul(d, d), 0.5), mul(sub(ad, 0.5 * delta), delta));
  return detail::reduce_loss(l, reduction);
}

namespace detail {
namespace {
// δ = 0.5 and |d| in [0.1, 0.375] or [0.65, 1]: away from |d| = δ, where the second
// derivative jumps, and from the kink of |·| at 0
std::vector<OpSample> huber_samples(Generator& g, Dtype d) {
  return {kink_free_pair("batch [4,3]", {4, 3}, g, d, 0.5),
          kink_free_pair("vector [5]", {5}, g, d, 0.5)};
}
}  // namespace

void register_huber_loss(OpRegistry& r) {
  r.add({.name = "huber_loss_sum",
         .formula = "sum(|d| < 0.5 ? d^2/2 : 0.5*(|d| - 0.25)), d = x - t",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return huber_loss(in[0], in[1], Reduction::sum, 0.5);
             },
         .samples = huber_samples,
         .bad_samples = loss_bad_samples});
}
}  // namespace detail
}  // namespace nabla
