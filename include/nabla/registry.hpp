#pragma once
/// \file registry.hpp
/// The op registry: every op with what a checker needs to exercise it. The gradcheck
/// tool and the test suite sweep it; a user's own op joins with one call to register_op.

#include <functional>
#include <string>
#include <vector>

#include "nabla/tensor.hpp"

namespace nabla {

/// One set of valid inputs for an op, with a label naming the case ("broadcast rhs").
struct OpSample {
  std::string label;
  std::vector<Tensor> inputs;
};

/// Where an op's sample values may lie.
enum class Domain {
  any,             ///< any real value (standard normal samples)
  positive,        ///< in [0.5, 2.5): for log, sqrt, pow with fractional exponents
  away_from_zero,  ///< |x| ≥ 0.2, random signs, the first positive: kinks and poles at 0
  unit_interval,   ///< in (0.1, 0.9): for values of a sigmoid
};

/// Everything a checker needs to know about an op.
struct OpInfo {
  /// Unique name, as in grad_fn names and tool output.
  std::string name;
  /// The forward formula, shown by `nabla-gradcheck --list`.
  std::string formula;
  /// The backward rule in words and formulas (lines separated by '\n'). Left empty, a
  /// built-in op gets the "backward:" lines of its file's opening comment (the text
  /// docs/ops.md shows) when it is registered; BackwardTrace shows it beside each node.
  std::string rule;
  /// Number of tensor inputs.
  std::size_t arity = 1;
  /// The op applied to sample inputs (fixed attributes such as axes are bound here).
  std::function<Tensor(const std::vector<Tensor>&)> fn;
  /// Valid inputs of the given dtype: several shapes, including broadcasting, scalar
  /// and rank-3 cases where the op allows them.
  std::function<std::vector<OpSample>(Generator&, Dtype)> samples;
  /// Inputs the op must reject with an exception (mismatched shapes, bad axes).
  std::function<std::vector<OpSample>(Generator&, Dtype)> bad_samples;
  /// Whether to check second derivatives too (gradgradcheck).
  bool check_gradgrad = true;
  /// Why the op cannot take an input with stride-0 axes of extent > 1, if it cannot; the
  /// sweep then skips the expanded layout for it (SweepLayout::expanded) and reports the
  /// reason. Empty (the default) for an op that takes any strides.
  std::string expanded_opt_out;
};

/// The list of ops. Built-in ops are registered, from an explicit list, on first use.
class OpRegistry {
 public:
  /// Adds an op. Throws std::invalid_argument when the name is taken or the entry lacks
  /// fn or samples.
  void add(OpInfo info);
  /// The op named `name`, or null.
  const OpInfo* find(const std::string& name) const;
  /// Every op, in registration order.
  const std::vector<OpInfo>& all() const noexcept { return ops_; }
  /// Every op's name, in registration order.
  std::vector<std::string> names() const;

 private:
  std::vector<OpInfo> ops_;
};

/// The process-wide registry, holding every built-in op.
OpRegistry& op_registry();

/// Adds a user's op to the process-wide registry (see OpRegistry::add).
void register_op(OpInfo info);

/// A tensor of `shape` with random values in `domain`.
Tensor sample_tensor(const Shape& shape, Generator& gen, Dtype dtype, Domain domain = Domain::any);

/// Sample inputs for a unary elementwise op: a matrix, a vector, a scalar and a rank-3
/// tensor, each with values in `domain`.
std::vector<OpSample> unary_samples(Generator& gen, Dtype dtype, Domain domain = Domain::any);

/// Sample inputs for a binary broadcasting op: same shape, one side broadcast, the other
/// side broadcast (also as a repeated row), both sides broadcast, a scalar operand, and
/// rank 3.
std::vector<OpSample> binary_samples(Generator& gen, Dtype dtype, Domain lhs = Domain::any,
                                     Domain rhs = Domain::any);

/// Inputs a binary broadcasting op must reject: shapes that do not broadcast, and mixed dtypes.
std::vector<OpSample> binary_bad_samples(Generator& gen, Dtype dtype);

}  // namespace nabla
