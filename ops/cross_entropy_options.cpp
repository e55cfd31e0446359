// cross_entropy_options: cross_entropy with options (class weights, ignore_index, label
// smoothing) and with probability targets, composed from log_softmax, nll_loss and
// elementwise ops.
//   forward : lp = log_softmax(logits, c) (c = 1, or 0 for unbatched [C] logits).
//             class indices: (1 − ε)·nll_loss(lp, t, w, ignore_index) + (ε/C)·s, with
//             s[n] = −Σ_k w[k]·lp[n, k] (0 where t = ignore_index); mean divides Σ s by
//             Σ w[t] over the positions not ignored (their count without weight), as
//             PyTorch. probabilities: −Σ_k w[k]·t'[n, k]·lp[n, k], t' = (1 − ε)·t + ε/C,
//             mean over the N·d1·… positions
//   backward: by composition (log_softmax, nll_loss, mul, sum); probability targets get
//             a gradient, class indices and weights none
//   saves   : what the composed ops save
//   shapes  : logits [C], [N,C] or [N,C,d1,…]; class-index target [], [N] or [N,d1,…]
//             (int64, int32, or whole numbers in a floating tensor); probability target
//             of the logits' shape and dtype; weight [C]; ε ∈ [0, 1]

#include "ops/loss_common.hpp"

namespace nabla {

Tensor cross_entropy(const Tensor& logits, const Tensor& target, const CrossEntropyOptions& options,
                     CallSite where) {
  detail::CallSiteScope site(where);
  constexpr const char* op = "cross_entropy";
  detail::check_defined(op, logits, "logits");
  detail::check_defined(op, target, "targets");
  detail::check_floating(op, logits, "logits");
  const Shape& xs = logits.shape();
  const bool probabilities = is_floating_point(target.dtype()) && target.shape() == xs;
  Shape expected;
  if (xs.size() >= 2) {
    expected = xs;
    expected.erase(expected.begin() + 1);
  }
  if (xs.empty() || (!probabilities && target.shape() != expected)) {
    if (xs.size() == 2) {
      throw std::invalid_argument(fmt::format(
          "nabla::cross_entropy: expected logits [N,C] and targets [N], got logits {} and "
          "targets {}",
          shape_str(xs), shape_str(target.shape())));
    }
    throw std::invalid_argument(fmt::format(
        "nabla::cross_entropy: expected logits [C], [N,C] or [N,C,d1,...] with class-index "
        "targets [], [N] or [N,d1,...] or probabilities of the logits' shape, got logits {} and "
        "targets {}",
        shape_str(xs), shape_str(target.shape())));
  }
  const double eps = options.label_smoothing;
  if (!(eps >= 0.0 && eps <= 1.0)) {
    throw std::invalid_argument(fmt::format(
        "nabla::cross_entropy: label_smoothing must be in [0, 1], got {}", eps));
  }
  const std::int64_t cax = xs.size() == 1 ? 0 : 1;
  const std::int64_t c = xs[static_cast<std::size_t>(cax)];
  const Tensor& weight = options.weight;
  Tensor wb;  // the weights along the class axis, 1 elsewhere
  if (weight.defined()) {
    detail::check_loss_operand(op, weight, "weight");
    detail::check_same_dtype(op, logits, weight);
    if (weight.dim() != 1 || weight.size(0) != c) {
      throw std::invalid_argument(fmt::format(
          "nabla::cross_entropy: weight must hold one weight per class, [{}] for logits {}, got "
          "weight {}",
          c, shape_str(xs), shape_str(weight.shape())));
    }
    Shape ws(xs.size(), 1);
    ws[static_cast<std::size_t>(cax)] = c;
    wb = reshape(weight, ws);
  }
  const double dc = static_cast<double>(c);
  const Tensor lp = log_softmax(logits, cax);
  if (probabilities) {
    if (options.ignore_index >= 0) {
      throw std::invalid_argument(fmt::format(
          "nabla::cross_entropy: ignore_index {} is not supported with probability targets",
          options.ignore_index));
    }
    detail::check_same_dtype(op, logits, target);
    const Tensor t = eps > 0.0 ? add(mul(target, 1.0 - eps), eps / dc) : target;
    Tensor prod = mul(lp, t);
    if (wb.defined()) prod = mul(prod, wb);
    const Tensor per = neg(sum(prod, {cax}));  // [N,d1,…]
    switch (options.reduction) {
      case Reduction::mean:
        return div(sum(per), static_cast<double>(per.numel()));
      case Reduction::sum:
        return sum(per);
      case Reduction::none:
        return per;
    }
  }
  const std::vector<std::int64_t> labels =
      detail::class_targets(op, target, c, options.ignore_index, xs, /*allow_float=*/true);
  std::vector<double> as_double(labels.begin(), labels.end());
  const Tensor index = tensor(as_double, target.shape(), Dtype::i64);
  const Tensor nll = nll_loss(lp, index, weight, options.ignore_index, options.reduction);
  if (eps == 0.0) return nll;
  // the smoothing term: −Σ_k w[k]·lp[n, k] at the positions not ignored
  std::vector<double> keep(labels.size());
  double denominator = 0.0;
  const std::vector<double> w = weight.defined() ? weight.to_vector() : std::vector<double>();
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const bool kept = labels[i] != options.ignore_index;
    keep[i] = kept ? 1.0 : 0.0;
    if (kept) denominator += w.empty() ? 1.0 : w[static_cast<std::size_t>(labels[i])];
  }
  const Tensor smooth = mul(neg(sum(wb.defined() ? mul(lp, wb) : lp, {cax})),
                            tensor(keep, target.shape(), logits.dtype()));
  Tensor reduced;
  switch (options.reduction) {
    case Reduction::mean:
      reduced = div(sum(smooth), denominator);
      break;
    case Reduction::sum:
      reduced = sum(smooth);
      break;
    case Reduction::none:
      reduced = smooth;
      break;
  }
  return add(mul(nll, 1.0 - eps), mul(reduced, eps / dc));
}

namespace detail {
namespace {
// Fixed int64 targets (2i + 1) mod C with position 1 ignored (−100), for [N,C] logits.
Tensor fixed_ce_targets(const Tensor& x) {
  const std::int64_t n = x.dim() >= 1 ? x.size(0) : 1;
  const std::int64_t c = x.dim() == 2 ? x.size(1) : 1;
  std::vector<double> t(static_cast<std::size_t>(n));
  for (std::int64_t r = 0; r < n; ++r) {
    // no classes (logits [N,0]): any target is out of range, and cross_entropy says so
    t[static_cast<std::size_t>(r)] = r == 1 ? -100.0 : c > 0 ? static_cast<double>((2 * r + 1) % c) : 0.0;
  }
  return tensor(t, {n}, Dtype::i64);
}

Tensor class_weights(const Tensor& x) {
  const std::int64_t c = x.dim() >= 2 ? x.size(1) : 1;
  std::vector<double> w(static_cast<std::size_t>(c));
  for (std::size_t k = 0; k < w.size(); ++k) w[k] = 0.5 + 0.25 * static_cast<double>(k);
  return tensor(w, {c}, x.dtype());
}

std::vector<OpSample> ce_options_samples(Generator& g, Dtype d) {
  return {{"batch [4,3]", {sample_tensor({4, 3}, g, d)}},
          {"two classes [3,2]", {sample_tensor({3, 2}, g, d)}}};
}

// probabilities (positive, not normalized: the loss does not need them to be)
std::vector<OpSample> ce_probability_samples(Generator& g, Dtype d) {
  return {{"batch [4,3]", {sample_tensor({4, 3}, g, d), sample_tensor({4, 3}, g, d, Domain::unit_interval)}},
          {"spatial [2,3,2]",
           {sample_tensor({2, 3, 2}, g, d), sample_tensor({2, 3, 2}, g, d, Domain::unit_interval)}}};
}

std::vector<OpSample> ce_options_bad_samples(Generator& g, Dtype d) {
  return {{"0-d logits", {sample_tensor({}, g, d)}}};
}

std::vector<OpSample> ce_probability_bad_samples(Generator& g, Dtype d) {
  return {{"targets [4,2] for logits [4,3]", {sample_tensor({4, 3}, g, d), sample_tensor({4, 2}, g, d)}}};
}
}  // namespace

void register_cross_entropy_options(OpRegistry& r) {
  r.add({.name = "cross_entropy_weighted_smoothed",
         .formula = "cross_entropy(x, t, weight w, ignore_index -100 at t[1], label_smoothing 0.2)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return cross_entropy(in[0], fixed_ce_targets(in[0]),
                                    {.weight = class_weights(in[0]), .label_smoothing = 0.2});
             },
         .samples = ce_options_samples,
         .bad_samples = ce_options_bad_samples});
  r.add({.name = "cross_entropy_probabilities",
         .formula = "sum(-w*((1-0.1)*t + 0.1/C)*log_softmax(x, 1)) / N",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return cross_entropy(in[0], in[1],
                                    {.weight = class_weights(in[0]), .label_smoothing = 0.1});
             },
         .samples = ce_probability_samples,
         .bad_samples = ce_probability_bad_samples});
}
}  // namespace detail
}  // namespace nabla
