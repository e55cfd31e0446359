#pragma once
/// \file gradcheck.hpp
/// Checks analytical gradients against central finite differences, in float64.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nabla/tensor.hpp"

namespace nabla {

/// Tolerances and modes of gradcheck. An element passes when
/// |analytical − numerical| ≤ atol + rtol·|numerical|.
struct GradcheckOptions {
  double eps = 1e-6;   ///< finite-difference step
  double atol = 1e-5;  ///< absolute tolerance
  double rtol = 1e-3;  ///< relative tolerance
  /// Compare one random projection vᵀJu instead of the whole Jacobian: one backward and
  /// two forwards, whatever the sizes. On failure the full check runs to name the element.
  bool fast_mode = false;
  /// Seed of the random projections and output gradients.
  std::uint64_t seed = 0;
  /// Accept a Jacobian that is zero everywhere (by default that is a failure: a check
  /// whose gradients are all zero proves nothing).
  bool allow_all_zero = false;
  /// Keep the whole analytical and numerical Jacobians in the result (`jacobians`), and
  /// print both in the message of a Jacobian mismatch (PyTorch's gradcheck prints them;
  /// by default nabla names only the worst element). Implies the full check, also in
  /// fast mode.
  bool return_jacobians = false;
};

/// One block of the Jacobians gradcheck compared: ∂ output `output` / ∂ input `input`,
/// both float64 of shape [output numel, input numel] (row q: the derivatives of element q
/// of the output, in row-major order; column e: by element e of the input).
struct JacobianBlock {
  std::size_t input = 0;
  std::size_t output = 0;
  Tensor analytical;  ///< from backward, one row per output element
  Tensor numerical;   ///< central differences, one column per input element
};

/// What a gradient check found. Converts to bool (true when it passed); `message` says
/// what failed and names the worst element.
struct GradcheckResult {
  bool passed = true;
  /// "" when passed, else one of "jacobian", "fast_mode", "all_zero", "reentrant",
  /// "zero_grad_output", "linearity", "dtype", "exception" (the backward threw, e.g. a
  /// rule returned the wrong number or shape of gradients).
  std::string failure;
  std::string message;
  // The worst element of the Jacobian comparison (largest error relative to its bound).
  std::size_t input = 0;                   ///< which input
  std::vector<std::int64_t> input_index;   ///< its multi-index
  std::size_t output = 0;                  ///< which output
  std::vector<std::int64_t> output_index;  ///< its multi-index
  double analytical = 0.0;                 ///< ∂output/∂input from backward
  double numerical = 0.0;                  ///< the central difference
  double max_abs_error = 0.0;              ///< largest |a − n| over the Jacobian
  double max_rel_error = 0.0;              ///< largest |a − n| / |n| (where n ≠ 0)
  std::size_t elements_checked = 0;        ///< Jacobian entries compared
  /// With GradcheckOptions::return_jacobians: one block per (differentiable input,
  /// output), input-major. Empty otherwise.
  std::vector<JacobianBlock> jacobians;

  explicit operator bool() const noexcept { return passed; }
};

/// A function of several tensors with one or more outputs.
using MultiFunction = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;
/// A function of several tensors with one output.
using Function = std::function<Tensor(const std::vector<Tensor>&)>;

/// Checks the gradients of `fn` with respect to every input that requires grad.
///
/// The inputs are copied to float64 (keeping requires_grad), so `fn` must produce float64
/// when given float64 (convert models with `to(nabla::f64)` first). Besides the Jacobian it
/// checks that backward is reentrant (twice the same answer), that a zero output gradient
/// gives zero input gradients, that backward is linear in the output gradient, and that
/// the Jacobian is not all zero. Throws std::invalid_argument when no input requires grad.
GradcheckResult gradcheck(const Function& fn, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});
/// The same for a function with several outputs.
GradcheckResult gradcheck(const MultiFunction& fn, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});

/// Checks second derivatives: gradcheck of (inputs, v) ↦ vᵀ·∂fn/∂inputs, computed with
/// create_graph, where v is a random output gradient that is itself checked as an input.
GradcheckResult gradgradcheck(const Function& fn, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options = {});
GradcheckResult gradgradcheck(const MultiFunction& fn, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options = {});

}  // namespace nabla
