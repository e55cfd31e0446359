// l1_loss: mean absolute error (PyTorch's l1_loss).
//   forward : l = |input − target| per element, then mean, sum or none
//   backward: by composition (sub, abs): grad_input = grad·sign(d) (0 at d = 0),
//             grad_target = −grad·sign(d)
//   saves   : what abs saves
//   shapes  : input and target of one shape and floating dtype; result 0-d or that shape

#include "ops/loss_common.hpp"

namespace nabla {

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_pair("l1_loss", input, target);
  return detail::reduce_loss(abs(sub(input, target)), reduction);
}

namespace detail {
namespace {
// |d| ≥ 0.2: away from the kink of |·| at d = 0
std::vector<OpSample> l1_samples(Generator& g, Dtype d) {
  return {kink_free_pair("batch [4,3]", {4, 3}, g, d, 1.0),
          kink_free_pair("scalar []", {}, g, d, 1.0)};
}
}  // namespace

void register_l1_loss(OpRegistry& r) {
  r.add({.name = "l1_loss",
         .formula = "mean(|x - t|)",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return l1_loss(in[0], in[1]); },
         .samples = l1_samples,
         .bad_samples = loss_bad_samples});
  r.add({.name = "l1_loss_none",
         .formula = "|x - t|",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return l1_loss(in[0], in[1], Reduction::none); },
         .samples = l1_samples,
         .bad_samples = loss_bad_samples});
}
}  // namespace detail
}  // namespace nabla
