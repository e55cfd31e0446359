// nll_loss: negative log-likelihood of log-probabilities at class-index targets.
//   forward : l[n, s] = −w[t]·x[n, t, s] with t = target[n, s] (l = 0 and w = 0 where
//             t = ignore_index; w[t] = 1 without weight); then mean = Σ l / Σ w[t] (NaN
//             when every target is ignored, as PyTorch), sum, or none (target's shape).
//             Accumulated in double.
//   backward: grad_x = coef ⊙ g with coef[n, t, s] = −w[t]/k (0 elsewhere; k = Σ w[t] for
//             mean, else 1) and g = grad_out (0-d), or grad_out as [N,1,d1,…] for none;
//             linear in grad_out, so second derivatives are zero. The target and weight
//             get no gradient (as PyTorch).
//   saves   : coef (a constant without history)
//   shapes  : x [C] with target [], x [N,C] with target [N], or x [N,C,d1,…] with target
//             [N,d1,…]. x floating; target int64 or int32; weight [C] of x's dtype

#include <cmath>

#include "ops/loss_common.hpp"

namespace nabla {
namespace detail {
std::vector<std::int64_t> class_targets(const char* op, const Tensor& target, std::int64_t c,
                                        std::int64_t ignore_index, const Shape& input_shape,
                                        bool allow_float) {
  const char* input_name = std::string_view(op) == "nll_loss" ? "log_probs" : "logits";
  std::vector<std::int64_t> out(static_cast<std::size_t>(target.numel()));
  const Tensor t = dense(target);
  const auto bad = [&](auto value, std::size_t i) {
    return std::invalid_argument(
        fmt::format("nabla::{}: target {} at position {} is not a class index in [0, {}) ({} "
                    "classes; {} {})",
                    op, value, i, c, c, input_name, shape_str(input_shape)));
  };
  const auto dtype_error = [&] {
    return std::invalid_argument(
        fmt::format("nabla::{}: targets are {} {}; class indices must be int64 or int32 (convert "
                    "with .to(nabla::i64))",
                    op, dtype_name(target.dtype()), shape_str(target.shape())));
  };
  switch (target.dtype()) {
    case Dtype::i64:
    case Dtype::i32:
      dispatch(target.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* p = data_ptr<T>(t);
        for (std::size_t i = 0; i < out.size(); ++i) {
          const auto v = static_cast<std::int64_t>(p[i]);
          if (v != ignore_index && (v < 0 || v >= c)) throw bad(v, i);
          out[i] = v;
        }
      });
      break;
    case Dtype::f32:
    case Dtype::f64: {
      if (!allow_float) throw dtype_error();
      const std::vector<double> v = t.to_vector();
      for (std::size_t i = 0; i < out.size(); ++i) {
        if (v[i] == static_cast<double>(ignore_index)) {
          out[i] = ignore_index;
          continue;
        }
        if (!(v[i] >= 0.0 && v[i] < static_cast<double>(c) && v[i] == std::floor(v[i]))) {
          throw bad(v[i], i);
        }
        out[i] = static_cast<std::int64_t>(v[i]);
      }
      break;
    }
    case Dtype::u8:
    case Dtype::bool_:
      throw dtype_error();
  }
  return out;
}
}  // namespace detail

namespace {
struct NllLossNode final : Node {
  NllLossNode(Reduction reduction, Shape grad_shape)
      : Node("nll_loss"), reduction_(reduction), grad_shape_(std::move(grad_shape)) {}
  Reduction reduction_;
  Shape grad_shape_;  // grad_out as [N,1,d1,…] (none)
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor g = reduction_ == Reduction::none ? reshape(grad_out, grad_shape_) : grad_out;
    return {mul(saved(0), g), Tensor()};  // [N,C,…] = [N,C,…] ⊙ ([] or [N,1,…])
  }
};
}  // namespace

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, const Tensor& weight,
                std::int64_t ignore_index, Reduction reduction, CallSite where) {
  detail::CallSiteScope site(where);
  constexpr const char* op = "nll_loss";
  detail::check_loss_operand(op, log_probs, "log_probs");
  detail::check_defined(op, target, "target");
  const Shape& xs = log_probs.shape();
  // the target's shape: x's without the class axis (axis 1, or axis 0 unbatched)
  Shape expected;
  if (xs.size() == 1) {
    expected = {};
  } else if (xs.size() >= 2) {
    expected = xs;
    expected.erase(expected.begin() + 1);
  }
  if (xs.empty() || target.shape() != expected) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: expected log_probs [C], [N,C] or [N,C,d1,...] with target [], [N] or "
        "[N,d1,...], got log_probs {} and target {}",
        op, shape_str(xs), shape_str(target.shape())));
  }
  const bool batched = xs.size() >= 2;
  const std::int64_t n = batched ? xs[0] : 1;
  const std::int64_t c = batched ? xs[1] : xs[0];
  std::int64_t inner = 1;
  for (std::size_t k = 2; k < xs.size(); ++k) inner *= xs[k];
  std::vector<double> w(static_cast<std::size_t>(c), 1.0);
  if (weight.defined()) {
    detail::check_loss_operand(op, weight, "weight");
    detail::check_same_dtype(op, log_probs, weight);
    if (weight.dim() != 1 || weight.size(0) != c) {
      throw std::invalid_argument(fmt::format(
          "nabla::{}: weight must hold one weight per class, [{}] for log_probs {}, got weight {}",
          op, c, shape_str(xs), shape_str(weight.shape())));
    }
    w = weight.to_vector();
  }
  const std::vector<std::int64_t> labels =
      detail::class_targets(op, target, c, ignore_index, xs, /*allow_float=*/false);
  // per position: the loss and its weight (0 where ignored)
  const std::size_t positions = labels.size();
  std::vector<double> loss(positions, 0.0);
  std::vector<double> wt(positions, 0.0);
  detail::dispatch_floating(op, log_probs.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const Tensor xv = detail::dense(log_probs);  // the node records log_probs itself
    const T* p = detail::data_ptr<T>(xv);
    for (std::int64_t r = 0; r < n; ++r) {
      for (std::int64_t s = 0; s < inner; ++s) {
        const auto i = static_cast<std::size_t>(r * inner + s);
        const std::int64_t t = labels[i];
        if (t == ignore_index) continue;
        wt[i] = w[static_cast<std::size_t>(t)];
        loss[i] = -wt[i] * static_cast<double>(p[(r * c + t) * inner + s]);
      }
    }
  });
  double total_weight = 0.0;
  for (double v : wt) total_weight += v;
  Tensor result;
  if (reduction == Reduction::none) {
    result = tensor(loss, target.shape(), log_probs.dtype());
  } else {
    double acc = 0.0;
    for (double v : loss) acc += v;
    result = scalar_tensor(reduction == Reduction::mean ? acc / total_weight : acc,
                           log_probs.dtype());
  }
  Shape grad_shape = batched ? xs : Shape{1};
  if (batched) grad_shape[1] = 1;
  if (auto node = record<NllLossNode>(result, {log_probs, target}, reduction, grad_shape)) {
    const double k = reduction == Reduction::mean ? total_weight : 1.0;
    std::vector<double> coef(static_cast<std::size_t>(log_probs.numel()), 0.0);
    for (std::int64_t r = 0; r < n; ++r) {
      for (std::int64_t s = 0; s < inner; ++s) {
        const auto i = static_cast<std::size_t>(r * inner + s);
        if (labels[i] == ignore_index) continue;
        coef[static_cast<std::size_t>((r * c + labels[i]) * inner + s)] = -wt[i] / k;
      }
    }
    node->save(tensor(coef, xs, log_probs.dtype()));
  }
  return result;
}

namespace detail {
namespace {
// Fixed int64 targets (2i + 1) mod C for the positions of `x` ([N,C] or [N,C,d]), with
// position 1 ignored (−100), so that the registry entries take log_probs alone.
Tensor fixed_nll_targets(const Tensor& x) {
  Shape ts = x.shape();
  const std::int64_t c = x.dim() >= 2 ? x.size(1) : 1;
  if (x.dim() >= 2) ts.erase(ts.begin() + 1);
  std::vector<double> t(static_cast<std::size_t>(shape_numel(ts)));
  for (std::size_t i = 0; i < t.size(); ++i) {
    // no classes (log_probs [N,0]): any target is out of range, and nll_loss says so
    t[i] = i == 1 ? -100.0
           : c > 0 ? static_cast<double>((2 * i + 1) % static_cast<std::size_t>(c))
                   : 0.0;
  }
  return tensor(t, ts, Dtype::i64);
}

std::vector<OpSample> nll_samples(Generator& g, Dtype d) {
  return {{"batch [4,3]", {sample_tensor({4, 3}, g, d)}},
          {"spatial [2,3,2]", {sample_tensor({2, 3, 2}, g, d)}}};
}

std::vector<OpSample> nll_bad_samples(Generator& g, Dtype d) {
  return {{"0-d log_probs", {sample_tensor({}, g, d)}}};
}
}  // namespace

void register_nll_loss(OpRegistry& r) {
  r.add({.name = "nll_loss",
         .formula = "sum(-w[t]*x[n,t]) / sum(w[t]), fixed targets t (one ignored), weights w",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               const std::int64_t c = in[0].dim() >= 2 ? in[0].size(1) : 1;
               std::vector<double> w(static_cast<std::size_t>(c));
               for (std::size_t k = 0; k < w.size(); ++k) w[k] = 0.5 + 0.25 * static_cast<double>(k);
               return nll_loss(in[0], fixed_nll_targets(in[0]),
                               tensor(w, {c}, in[0].dtype()));
             },
         .samples = nll_samples,
         .bad_samples = nll_bad_samples});
  r.add({.name = "nll_loss_none",
         .formula = "-x[n,t], fixed targets t (one ignored)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return nll_loss(in[0], fixed_nll_targets(in[0]), {}, -100, Reduction::none);
             },
         .samples = nll_samples,
         .bad_samples = nll_bad_samples});
}
}  // namespace detail
}  // namespace nabla
