#pragma once
/// \file functional.hpp
/// Derivatives of functions rather than of tensors: vjp, jvp, jacobian, hessian, hvp and
/// vhp, as PyTorch's `torch.autograd.functional` (which libtorch's C++ API lacks).
///
/// Each takes a function and the point to differentiate it at. The inputs are not
/// changed and need not require grad: each is used through a fresh leaf (a detached alias
/// that requires grad), so the function sees tensors it can differentiate. With
/// `create_graph` an input that already requires grad is used through a view instead, and
/// the results are differentiable with respect to the caller's inputs (for a derivative of
/// a derivative); without it the results carry no graph.
///
/// ```cpp
/// auto f = [](const nabla::Tensor& x) { return nabla::sum(x * x * x); };
/// nabla::Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64);
/// nabla::Tensor H = nabla::functional::hessian(f, x);  // diag(6x) = [[6, 0], [0, 12]]
/// auto [fx, hv] = nabla::functional::hvp(f, x, nabla::ones({2}, nabla::f64));  // [6, 12]
/// ```
///
/// nabla has no vmap, so PyTorch's `vectorize` flag has no counterpart: a Jacobian costs
/// one backward per output element (reverse mode) or one per input element (forward
/// mode), all over one recorded forward pass. Forward mode is the double-backward trick
/// (a jvp is the derivative, by the output gradient u, of the vjp uᵀJ), so it needs the
/// function's backward rules to be differentiable, as every built-in op's is.
///
/// Errors: an undefined or non-floating input or output, a `v` of the wrong count or
/// shape, a missing `v` where the output (or input) has more than one element, and, with
/// `strict`, an output that does not depend on an input all throw std::invalid_argument
/// naming the function (`nabla::functional::jvp: ...`). Without `strict` such a
/// derivative is zeros, as PyTorch's.

#include <functional>
#include <utility>
#include <vector>

#include "nabla/tensor.hpp"

namespace nabla::functional {

/// A function of one tensor with one output.
using UnaryFunction = std::function<Tensor(const Tensor&)>;
/// A function of several tensors with one output.
using Function = std::function<Tensor(const std::vector<Tensor>&)>;
/// A function of several tensors with several outputs.
using MultiFunction = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;

/// PyTorch's `create_graph` and `strict` arguments.
struct Options {
  /// Record the derivatives' own graph, so they can be differentiated again.
  bool create_graph = false;
  /// Throw when an output does not depend on an input, instead of a zero derivative.
  bool strict = false;
};

/// How jacobian builds the Jacobian: a row per output element (reverse mode: best with
/// fewer outputs than inputs) or a column per input element (forward mode, by the
/// double-backward trick: best with fewer inputs than outputs). PyTorch's
/// "reverse-mode" / "forward-mode".
enum class Strategy { reverse, forward };

struct JacobianOptions {
  bool create_graph = false;
  bool strict = false;
  Strategy strategy = Strategy::reverse;
};

struct HessianOptions {
  bool create_graph = false;
  bool strict = false;
  /// How the Jacobian of the gradient is taken: reverse over reverse (a backward of the
  /// gradient per input element), or forward over reverse (PyTorch's
  /// outer_jacobian_strategy = "forward-mode").
  Strategy outer_jacobian_strategy = Strategy::reverse;
};

/// The value of a function and a derivative at the inputs (vjp, jvp, hvp, vhp of a
/// function of several tensors).
struct Result {
  std::vector<Tensor> outputs;      ///< f(inputs)
  std::vector<Tensor> derivatives;  ///< one per input (vjp, vhp, hvp) or per output (jvp)
};

/// vᵀ·J: the gradient of Σ_k ⟨v_k, f_k(inputs)⟩ with respect to each input, with f's
/// value. `v` has one tensor per output, of its shape; it may be empty when f has a single
/// one-element output (v = 1). derivatives[j] has input j's shape.
Result vjp(const MultiFunction& f, const std::vector<Tensor>& inputs,
           const std::vector<Tensor>& v = {}, const Options& options = {});
/// vjp of a function of one tensor: {f(x), vᵀ·∂f/∂x}; `v` may be undefined when f(x) has
/// one element.
std::pair<Tensor, Tensor> vjp(const UnaryFunction& f, const Tensor& x, const Tensor& v = Tensor(),
                              const Options& options = {});

/// J·v: the directional derivative of each output along the direction v (one tensor per
/// input, of its shape; empty when there is a single one-element input), with f's value.
/// derivatives[k] has output k's shape.
Result jvp(const MultiFunction& f, const std::vector<Tensor>& inputs,
           const std::vector<Tensor>& v = {}, const Options& options = {});
/// jvp of a function of one tensor: {f(x), ∂f/∂x · v}.
std::pair<Tensor, Tensor> jvp(const UnaryFunction& f, const Tensor& x, const Tensor& v = Tensor(),
                              const Options& options = {});

/// The Jacobian of f at x, of shape f(x).shape ++ x.shape: element [i..., j...] is
/// ∂f(x)[i...] / ∂x[j...].
Tensor jacobian(const UnaryFunction& f, const Tensor& x, const JacobianOptions& options = {});
/// The Jacobian blocks of a function of several tensors with several outputs:
/// result[k][j] is ∂ output k / ∂ input j, of shape output_k.shape ++ input_j.shape.
std::vector<std::vector<Tensor>> jacobian(const MultiFunction& f, const std::vector<Tensor>& inputs,
                                          const JacobianOptions& options = {});

/// The Hessian of a function with a one-element output, of shape x.shape ++ x.shape.
/// Throws std::invalid_argument when f(x) has more than one element.
Tensor hessian(const UnaryFunction& f, const Tensor& x, const HessianOptions& options = {});
/// The Hessian blocks of a function of several tensors with a one-element output:
/// result[i][j] is ∂²f / ∂input_i ∂input_j, of shape input_i.shape ++ input_j.shape.
std::vector<std::vector<Tensor>> hessian(const Function& f, const std::vector<Tensor>& inputs,
                                         const HessianOptions& options = {});

/// H·v for a function with a one-element output (one v per input, of its shape), with
/// f's value (outputs holds the one output). Computed as the jvp of the gradient (the
/// double-backward trick applied to the gradient), like PyTorch's hvp.
Result hvp(const Function& f, const std::vector<Tensor>& inputs, const std::vector<Tensor>& v,
           const Options& options = {});
/// hvp of a function of one tensor: {f(x), H·v}.
std::pair<Tensor, Tensor> hvp(const UnaryFunction& f, const Tensor& x, const Tensor& v,
                              const Options& options = {});

/// vᵀ·H for a function with a one-element output: the vjp of the gradient (one backward
/// fewer than hvp; the same as hvp when the Hessian is symmetric, as it is for a function
/// with continuous second derivatives).
Result vhp(const Function& f, const std::vector<Tensor>& inputs, const std::vector<Tensor>& v,
           const Options& options = {});
/// vhp of a function of one tensor: {f(x), vᵀ·H}.
std::pair<Tensor, Tensor> vhp(const UnaryFunction& f, const Tensor& x, const Tensor& v,
                              const Options& options = {});

}  // namespace nabla::functional
