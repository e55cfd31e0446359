// binary_cross_entropy_with_logits: logistic loss on logits, reduced.
//   forward : l = −t·log σ(x) − (1 − t)·log(1 − σ(x)) per element, computed stably as
//             (1 − t)·x + log(1 + e^(−x)) for x ≥ 0 and −t·x + log(1 + eˣ) for x < 0,
//             then mean, sum or none. At infinite logits it gives the limits: +∞ when
//             confidently wrong (x = +∞ with t < 1, x = −∞ with t > 0), 0 when confidently
//             right, never ∞·0 = NaN. (Debian's python3-torch 1.13.1 gives +∞ for (+∞, 0)
//             as well, but NaN for (+∞, 1), (−∞, 1) and (−∞, 0).)
//   backward: grad_x = grad_out · (σ(x) − t) / k,  grad_t = −grad_out · x / k
//             (k = numel for mean, else 1; grad_out is 0-d, or x's shape for none)
//   saves   : x and t
//   shapes  : logits and targets must have the same shape and dtype (no broadcasting);
//             result 0-d (mean, sum) or the logits' shape (none)

#include <cmath>

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct BceWithLogitsNode final : Node {
  explicit BceWithLogitsNode(double scale)
      : Node("binary_cross_entropy_with_logits"), scale_(scale) {}
  double scale_;  // 1/numel for mean, 1 otherwise
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor g = mul(grad_out, scale_);  // [] or [..]
    const Tensor x = saved(0);
    Tensor grad_x = mul(g, sub(sigmoid(x), saved(1)));  // [..] = [] ⊙ [..]
    return {grad_x, needs_input_grad(1) ? mul(g, neg(x)) : Tensor()};
  }
};
}  // namespace

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets,
                                        Reduction reduction, CallSite where) {
  detail::CallSiteScope site(where);
  constexpr const char* op = "binary_cross_entropy_with_logits";
  detail::check_defined(op, logits, "logits");
  detail::check_defined(op, targets, "targets");
  detail::check_same_dtype(op, logits, targets);
  if (logits.shape() != targets.shape()) {
    throw std::invalid_argument(
        fmt::format("nabla::{}: logits and targets must have the same shape, got logits {} and "
                    "targets {}",
                    op, shape_str(logits.shape()), shape_str(targets.shape())));
  }
  const std::int64_t n = logits.numel();
  Tensor result;
  detail::dispatch_floating("binary_cross_entropy_with_logits", logits.dtype(), [&](auto tag) {
    using T = decltype(tag);
    // dense copies of views only for reading: the node records the inputs themselves
    const Tensor lv = detail::dense(logits);
    const Tensor tv = detail::dense(targets);
    const T* px = detail::data_ptr<T>(lv);
    const T* pt = detail::data_ptr<T>(tv);
    auto loss = [&](std::int64_t i) {
      const double x = static_cast<double>(px[i]);
      const double t = static_cast<double>(pt[i]);
      // w·|x| with w = 0 is 0 even for |x| = ∞: the term is absent, not ∞·0.
      const auto times = [](double w, double v) { return w == 0.0 ? 0.0 : w * v; };
      const double log1p_exp = std::log1p(std::exp(-std::fabs(x)));
      return (x >= 0.0 ? times(1.0 - t, x) : times(t, -x)) + log1p_exp;
    };
    if (reduction == Reduction::none) {
      result = detail::make_tensor(logits.shape(), logits.dtype());
      T* o = detail::data_ptr<T>(result);
      for (std::int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(loss(i));
    } else {
      double acc = 0.0;
      for (std::int64_t i = 0; i < n; ++i) acc += loss(i);
      if (reduction == Reduction::mean) acc /= static_cast<double>(n);
      result = scalar_tensor(acc, logits.dtype());
    }
  });
  const double scale = reduction == Reduction::mean ? 1.0 / static_cast<double>(n) : 1.0;
  if (auto node = record<BceWithLogitsNode>(result, {logits, targets}, scale)) {
    node->save(logits);
    node->save(targets);
  }
  return result;
}

namespace detail {
namespace {
// logits standard normal, targets in (0.1, 0.9) like probabilities
std::vector<OpSample> logit_bce_samples(Generator& g, Dtype d) {
  auto pair = [&](const char* label, const Shape& s) {
    return OpSample{label, {sample_tensor(s, g, d), sample_tensor(s, g, d, Domain::unit_interval)}};
  };
  return {pair("batch [4,3]", {4, 3}), pair("vector [5]", {5}), pair("scalar []", {}),
          pair("rank 3 [2,3,4]", {2, 3, 4})};
}
}  // namespace

void register_binary_cross_entropy_with_logits(OpRegistry& r) {
  r.add({.name = "binary_cross_entropy_with_logits",
         .formula = "mean(max(x, 0) - x*t + log(1 + exp(-|x|)))",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return binary_cross_entropy_with_logits(in[0], in[1]);
             },
         .samples = logit_bce_samples,
         .bad_samples = loss_bad_samples});
  r.add({.name = "binary_cross_entropy_with_logits_sum",
         .formula = "sum(max(x, 0) - x*t + log(1 + exp(-|x|)))",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return binary_cross_entropy_with_logits(in[0], in[1], Reduction::sum);
             },
         .samples = logit_bce_samples,
         .bad_samples = loss_bad_samples});
  r.add({.name = "binary_cross_entropy_with_logits_none",
         .formula = "max(x, 0) - x*t + log(1 + exp(-|x|))",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return binary_cross_entropy_with_logits(in[0], in[1], Reduction::none);
             },
         .samples = logit_bce_samples,
         .bad_samples = loss_bad_samples});
}
}  // namespace detail
}  // namespace nabla
