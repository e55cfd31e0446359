#pragma once
// Internal: what the loss op files of include/nabla/losses.hpp share: the reduction of
// per-element losses, and the checks of floating operands and matching shapes with the
// messages every loss gives.

#include "ops/op_common.hpp"

namespace nabla::detail {

/// mean, sum or none of per-element losses, in nabla's differentiable ops.
inline Tensor reduce_loss(const Tensor& per_element, Reduction reduction) {
  switch (reduction) {
    case Reduction::mean:
      return mean(per_element);
    case Reduction::sum:
      return sum(per_element);
    case Reduction::none:
      return per_element;
  }
  return per_element;  // unreachable: the switch covers the enum
}

/// Throws std::invalid_argument naming `op` unless `t` is defined and floating.
inline void check_loss_operand(const char* op, const Tensor& t, const char* name) {
  check_defined(op, t, name);
  check_floating(op, t, name);
}

/// Throws std::invalid_argument naming `op` and both shapes unless a and b agree.
inline void check_same_shape(const char* op, const Tensor& a, const char* a_name, const Tensor& b,
                             const char* b_name) {
  if (a.shape() != b.shape()) {
    throw std::invalid_argument(fmt::format("nabla::{}: {} and {} must have the same shape, got "
                                            "{} {} and {} {}",
                                            op, a_name, b_name, a_name, shape_str(a.shape()),
                                            b_name, shape_str(b.shape())));
  }
}

/// The checks of an elementwise loss of input and target: defined, floating, one dtype,
/// one shape.
inline void check_pair(const char* op, const Tensor& input, const Tensor& target) {
  check_loss_operand(op, input, "input");
  check_loss_operand(op, target, "target");
  check_same_dtype(op, input, target);
  check_same_shape(op, input, "input", target, "target");
}

/// Class indices for nll_loss and cross_entropy: int64 or int32 (or, with allow_float,
/// whole numbers in a floating tensor), each in [0, c) or equal to ignore_index. Throws
/// std::invalid_argument naming `op`, the bad value, its position and c, or the dtype.
std::vector<std::int64_t> class_targets(const char* op, const Tensor& target, std::int64_t c,
                                        std::int64_t ignore_index, const Shape& input_shape,
                                        bool allow_float);

/// max(x, lo) in value with x's gradient passed through unchanged, as PyTorch 1.13's
/// in-place clamp under no_grad (gaussian_nll_loss's var, cosine_similarity's norms):
/// x + (max(x, lo) − x) with the bracket a constant. Where x ≥ lo it adds exactly 0.
inline Tensor clamp_min_straight_through(const Tensor& x, double lo) {
  const Tensor constant = x.detach();
  return add(x, sub(clamp(constant, lo, INFINITY), constant));
}

/// Registry samples for a loss with a kink at |input − target| = kink (and at 0): input
/// standard normal, target = input − d with |d| in [0.2, 0.75]·kink or [1.3, 2]·kink,
/// both sides of the kink, signs alternating.
inline OpSample kink_free_pair(const char* label, const Shape& shape, Generator& g, Dtype dtype,
                               double kink) {
  const Tensor x = sample_tensor(shape, g, dtype);
  std::vector<double> d(static_cast<std::size_t>(shape_numel(shape)));
  for (std::size_t i = 0; i < d.size(); ++i) {
    const double u = g.uniform();
    const double m = (i % 4 < 2 ? 0.2 + 0.55 * u : 1.3 + 0.7 * u) * kink;
    d[i] = i % 2 == 0 ? m : -m;
  }
  return {label, {x, sub(x, tensor(d, shape, dtype))}};
}

/// +1, −1, −1, +1, … in `shape` (labels y for the embedding losses).
inline Tensor alternating_labels(const Shape& shape, Dtype dtype) {
  std::vector<double> y(static_cast<std::size_t>(shape_numel(shape)));
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = (i % 4 == 0 || i % 4 == 3) ? 1.0 : -1.0;
  return tensor(y, shape, dtype);
}

}  // namespace nabla::detail
