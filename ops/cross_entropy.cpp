// cross_entropy: softmax cross-entropy of logits against class indices, reduced.
//   forward : l[n] = logsumexp(logits[n, :]) − logits[n, target[n]]
//             = −log_softmax(logits)[n, target[n]], with the row maximum subtracted
//             (stable for logits of any size; accumulated in double); then mean over N,
//             sum, or none ([N])
//   backward: grad_logits = (softmax(logits, 1) − onehot(targets)) ⊙ grad_out / k
//             (k = N for mean, else 1; grad_out 0-d, or [N] taken as [N,1] for none);
//             targets get no gradient (class indices)
//   saves   : logits and the onehot matrix (a constant without history)
//   shapes  : logits [N,C] (floating), targets [N] holding class indices in [0, C): int64 or
//             int32 (as PyTorch), or whole numbers in a floating tensor (as before integer
//             dtypes) → std::invalid_argument otherwise, naming the label value, its
//             position and C, or the targets' dtype (uint8, bool). Either may be a view
//             (read through dense; the node links to and saves the originals). Other
//             shapes, and targets holding −100 (PyTorch's default ignore_index), go to
//             the composed cross_entropy with options (ops/cross_entropy_options.cpp)

#include <cmath>

#include "ops/loss_common.hpp"

namespace nabla {
namespace {
struct CrossEntropyNode final : Node {
  CrossEntropyNode(Reduction reduction, std::int64_t n)
      : Node("cross_entropy"), reduction_(reduction), n_(n) {}
  Reduction reduction_;
  std::int64_t n_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    Tensor g;  // [] or [N,1]
    if (reduction_ == Reduction::none) {
      g = reshape(grad_out, {n_, 1});
    } else if (reduction_ == Reduction::mean) {
      g = div(grad_out, static_cast<double>(n_));
    } else {
      g = grad_out;
    }
    // [N,C] = ([N,C] − [N,C]) ⊙ ([] or [N,1])
    return {mul(sub(softmax(saved(0), 1), saved(1)), g), Tensor()};
  }
};
}  // namespace

Tensor cross_entropy(const Tensor& logits, const Tensor& targets, Reduction reduction,
                     CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("cross_entropy", logits, "logits");
  detail::check_defined("cross_entropy", targets, "targets");
  // The fused kernel takes [N,C] logits with class indices none of which is ignored
  // (−100, PyTorch's default ignore_index); everything else is the composed
  // cross_entropy of ops/cross_entropy_options.cpp.
  if (logits.dim() != 2 || targets.dim() != 1 || targets.size(0) != logits.size(0)) {
    return cross_entropy(logits, targets, CrossEntropyOptions{.reduction = reduction}, where);
  }
  detail::check_floating("cross_entropy", logits, "logits");
  const std::vector<std::int64_t> labels = detail::class_targets(
      "cross_entropy", targets, logits.size(1), -100, logits.shape(), /*allow_float=*/true);
  if (std::find(labels.begin(), labels.end(), -100) != labels.end()) {
    return cross_entropy(logits, targets, CrossEntropyOptions{.reduction = reduction}, where);
  }
  const std::int64_t n = logits.size(0);
  const std::int64_t c = logits.size(1);
  Tensor result;
  detail::dispatch_floating("cross_entropy", logits.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const Tensor dense_logits = detail::dense(logits);
    const T* p = detail::data_ptr<T>(dense_logits);
    std::vector<double> rows(static_cast<std::size_t>(n));
    for (std::int64_t r = 0; r < n; ++r) {
      const T* row = p + r * c;
      double m = -INFINITY;
      for (std::int64_t k = 0; k < c; ++k) m = std::fmax(m, static_cast<double>(row[k]));
      if (std::isinf(m)) m = 0.0;  // an infinite logit: no shift, IEEE decides
      double z = 0.0;
      for (std::int64_t k = 0; k < c; ++k) z += std::exp(static_cast<double>(row[k]) - m);
      const std::int64_t t = labels[static_cast<std::size_t>(r)];
      rows[static_cast<std::size_t>(r)] = m + std::log(z) - static_cast<double>(row[t]);
    }
    if (reduction == Reduction::none) {
      result = detail::make_tensor({n}, logits.dtype());
      T* o = detail::data_ptr<T>(result);
      for (std::int64_t r = 0; r < n; ++r) o[r] = static_cast<T>(rows[static_cast<std::size_t>(r)]);
    } else {
      double acc = 0.0;
      for (double v : rows) acc += v;
      if (reduction == Reduction::mean) acc /= static_cast<double>(n);
      result = scalar_tensor(acc, logits.dtype());
    }
  });
  if (auto node = record<CrossEntropyNode>(result, {logits, targets}, reduction, n)) {
    Tensor onehot = detail::make_tensor(logits.shape(), logits.dtype());
    detail::dispatch_floating("cross_entropy", logits.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T* o = detail::data_ptr<T>(onehot);
      std::fill(o, o + n * c, T(0));
      for (std::int64_t r = 0; r < n; ++r) {
        o[r * c + labels[static_cast<std::size_t>(r)]] = T(1);
      }
    });
    node->save(logits);
    node->save(onehot);
  }
  return result;
}

namespace detail {
namespace {
// Fixed int64 targets (2r + 1) mod C for the N rows of `logits`: they do not require
// grad, so the registry entry takes the logits alone (arity 1).
Tensor fixed_targets(const Tensor& logits) {
  const std::int64_t n = logits.dim() >= 1 ? logits.size(0) : 1;
  const std::int64_t c = logits.dim() == 2 ? logits.size(1) : 1;
  std::vector<double> t(static_cast<std::size_t>(n));
  // No classes (logits [N,0]): any target is out of range, and cross_entropy says so.
  for (std::int64_t r = 0; r < n; ++r)
    t[static_cast<std::size_t>(r)] = c > 0 ? static_cast<double>((r * 2 + 1) % c) : 0.0;
  return tensor(t, {n}, Dtype::i64);
}

std::vector<OpSample> ce_samples(Generator& g, Dtype d) {
  return {{"batch [4,3]", {sample_tensor({4, 3}, g, d)}},
          {"one row [1,5]", {sample_tensor({1, 5}, g, d)}},
          {"two classes [6,2]", {sample_tensor({6, 2}, g, d)}}};
}

std::vector<OpSample> ce_bad_samples(Generator& g, Dtype d) {
  return {{"vector logits [5]", {sample_tensor({5}, g, d)}},
          {"rank 3 logits [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
}
}  // namespace

void register_cross_entropy(OpRegistry& r) {
  r.add(
      {.name = "cross_entropy",
       .formula = "mean(-log_softmax(x)[n, t[n]]), fixed targets t",
       .arity = 1,
       .fn =
           [](const std::vector<Tensor>& in) { return cross_entropy(in[0], fixed_targets(in[0])); },
       .samples = ce_samples,
       .bad_samples = ce_bad_samples});
  r.add({.name = "cross_entropy_sum",
         .formula = "sum(-log_softmax(x)[n, t[n]]), fixed targets t",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return cross_entropy(in[0], fixed_targets(in[0]), Reduction::sum);
             },
         .samples = ce_samples,
         .bad_samples = ce_bad_samples});
  r.add({.name = "cross_entropy_none",
         .formula = "-log_softmax(x)[n, t[n]], fixed targets t",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return cross_entropy(in[0], fixed_targets(in[0]), Reduction::none);
             },
         .samples = ce_samples,
         .bad_samples = ce_bad_samples});
}
}  // namespace detail
}  // namespace nabla
