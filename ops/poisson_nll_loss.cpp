// poisson_nll_loss: PyTorch's negative log-likelihood of a Poisson distribution.
//   forward : log_input: l = eˣ − t·x; else l = x − t·log(x + eps). With `full`, plus
//             Stirling's t·log t − t + ½·log(2πt) where t > 1 (0 elsewhere). Then mean,
//             sum or none
//   backward: by composition (exp, log, mul, where): grad_x = eˣ − t (1 − t/(x + eps)),
//             grad_t = −x (−log(x + eps)), plus log t + 1/(2t) from Stirling's term where
//             t > 1 (read at t = 1 elsewhere, so that no 0·∞ appears)
//   saves   : what the composed ops save
//   shapes  : input and target of one shape and floating dtype

#include <numbers>

#include "ops/loss_common.hpp"

namespace nabla {

Tensor poisson_nll_loss(const Tensor& input, const Tensor& target, bool log_input, bool full,
                        double eps, Reduction reduction, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_pair("poisson_nll_loss", input, target);
  Tensor l = log_input ? sub(exp(input), mul(target, input))
                       : sub(input, mul(target, log(add(input, eps))));
  if (full) {
    const Tensor above = gt(target, 1.0);
    const Tensor t = nabla::where(above, target, 1.0);
    const Tensor stirling =
        add(sub(mul(t, log(t)), t), mul(log(mul(t, 2.0 * std::numbers::pi)), 0.5));
    l = add(l, nabla::where(above, stirling, 0.0));
  }
  return detail::reduce_loss(l, reduction);
}

namespace detail {
namespace {
// targets in [1.5, 2.5) ∪ [0.5, 0.9): on both sides of Stirling's switch at t = 1, away
// from it; inputs standard normal (log_input) or in [0.5, 2.5) (without)
Tensor poisson_targets(const Shape& s, Generator& g, Dtype d) {
  std::vector<double> t(static_cast<std::size_t>(shape_numel(s)));
  for (std::size_t i = 0; i < t.size(); ++i) {
    t[i] = i % 2 == 0 ? 1.5 + g.uniform() : 0.5 + 0.4 * g.uniform();
  }
  return tensor(t, s, d);
}

std::vector<OpSample> poisson_samples(Generator& g, Dtype d) {
  return {{"batch [4,3]", {sample_tensor({4, 3}, g, d), poisson_targets({4, 3}, g, d)}},
          {"vector [5]", {sample_tensor({5}, g, d), poisson_targets({5}, g, d)}}};
}

std::vector<OpSample> poisson_rate_samples(Generator& g, Dtype d) {
  return {{"batch [4,3]", {sample_tensor({4, 3}, g, d, Domain::positive), poisson_targets({4, 3}, g, d)}},
          {"vector [5]", {sample_tensor({5}, g, d, Domain::positive), poisson_targets({5}, g, d)}}};
}
}  // namespace

void register_poisson_nll_loss(OpRegistry& r) {
  r.add({.name = "poisson_nll_loss_full",
         .formula = "mean(exp(x) - t*x + (t > 1 ? t*log(t) - t + log(2*pi*t)/2 : 0))",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return poisson_nll_loss(in[0], in[1], true, /*full=*/true);
             },
         .samples = poisson_samples,
         .bad_samples = loss_bad_samples});
  r.add({.name = "poisson_nll_loss_rate",
         .formula = "sum(x - t*log(x + 1e-8))",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return poisson_nll_loss(in[0], in[1], /*log_input=*/false, false, 1e-8,
                                       Reduction::sum);
             },
         .samples = poisson_rate_samples,
         .bad_samples = loss_bad_samples});
}
}  // namespace detail
}  // namespace nabla
