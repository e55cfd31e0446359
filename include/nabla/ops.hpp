#pragma once
/// \file ops.hpp
/// Differentiable ops. Each records itself on the graph when grad mode is on and an input
/// requires grad. Binary elementwise ops broadcast like NumPy and promote dtypes as
/// PyTorch (promote_types in dtype.hpp: `mask * x` is float, int32 + int64 is int64),
/// except that float32 with float64 is refused. A number operand follows PyTorch's rule
/// for a Python scalar (`int_tensor + 1` stays integer, `int_tensor * 2.5` is float32).
/// Ops on real numbers (exp, log, sigmoid, ...) take floating tensors only, and `div` is
/// true division (int64 / int64 is float32). Every op throws std::invalid_argument
/// naming itself and the shapes or dtypes involved when its inputs do not fit.
///
/// The trailing `where` argument is filled in by the compiler with the caller's source
/// location; anomaly mode (DetectAnomalyGuard) uses it to say where an op was created.
/// Leave it out.

#include <cstdint>
#include <optional>
#include <vector>

#include "nabla/activations.hpp"
#include "nabla/autograd.hpp"
#include "nabla/conv.hpp"
#include "nabla/indexing.hpp"
#include "nabla/joining.hpp"
#include "nabla/linalg.hpp"
#include "nabla/tensor.hpp"
#include "nabla/math.hpp"
#include "nabla/normalization.hpp"
#include "nabla/pooling.hpp"
#include "nabla/reductions.hpp"

namespace nabla {

// ---- linear algebra ----------------------------------------------------------------

/// Matrix product on OpenBLAS gemm, as torch.matmul. `a` [M,K] · `b` [K,N] → [M,N]; a 1-d
/// `a` [K] is a row vector (result [N]), a 1-d `b` [K] a column vector (result [M]); both
/// 1-d gives a 0-d dot product. Operands of rank > 2 are stacks of matrices whose leading
/// (batch) dims broadcast: [B,M,K]·[K,N] → [B,M,N] (one gemm, the batch folded into M, when
/// a's strides allow), [B,M,K]·[B,K,N] → [B,M,N], [A,1,M,K]·[B,K,N] → [A,B,M,N], and a
/// vector on either side of a stack is a row or column whose axis is dropped ([K]·[B,K,N]
/// → [B,N]). Views (transposes, narrows, broadcast batch axes) are read in place through
/// gemm's flags and leading dimensions. Backward: grad_a = grad·bᵀ, grad_b = aᵀ·grad per
/// batch matrix, summed back over broadcast batch dims; differentiable again. float32 or
/// float64, one dtype for both (PyTorch also multiplies integers). Throws
/// std::invalid_argument naming matmul and both shapes for a 0-d operand, inner extents
/// that differ, batch dims that do not broadcast, and mixed or non-floating dtypes.
Tensor matmul(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());
/// 2-d product op(a)·op(b), where op transposes when the flag is set, computed by one
/// gemm call without materializing a transpose. a [M,K] (or [K,M] with trans_a).
Tensor mm(const Tensor& a, const Tensor& b, bool trans_a = false, bool trans_b = false,
          CallSite where = std::source_location::current());

// ---- elementwise, binary (broadcasting) --------------------------------------------

/// a + b. Backward: grad_a = grad, grad_b = grad (each summed to its input's shape).
Tensor add(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());
/// a − b. Backward: grad_a = grad, grad_b = −grad.
Tensor sub(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());
/// a ⊙ b. Backward: grad_a = grad ⊙ b, grad_b = grad ⊙ a.
Tensor mul(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());
/// a / b. Backward: grad_a = grad / b, grad_b = −grad ⊙ a / b².
Tensor div(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());

Tensor add(const Tensor& a, double b, CallSite where = std::source_location::current());
Tensor add(double a, const Tensor& b, CallSite where = std::source_location::current());
Tensor sub(const Tensor& a, double b, CallSite where = std::source_location::current());
Tensor sub(double a, const Tensor& b, CallSite where = std::source_location::current());
Tensor mul(const Tensor& a, double b, CallSite where = std::source_location::current());
Tensor mul(double a, const Tensor& b, CallSite where = std::source_location::current());
Tensor div(const Tensor& a, double b, CallSite where = std::source_location::current());
Tensor div(double a, const Tensor& b, CallSite where = std::source_location::current());

// ---- elementwise, unary ------------------------------------------------------------

/// −x. Any dtype but bool (integers negate, wrapping for unsigned as PyTorch's uint8).
Tensor neg(const Tensor& x, CallSite where = std::source_location::current());
/// eˣ. Backward: grad ⊙ result (saves the result).
Tensor exp(const Tensor& x, CallSite where = std::source_location::current());
/// Natural log. Backward: grad / x. log(0) = −inf and log of a negative number is NaN,
/// as in IEEE arithmetic.
Tensor log(const Tensor& x, CallSite where = std::source_location::current());
/// x^p for a scalar exponent. Backward: grad ⊙ p·x^(p−1).
Tensor pow(const Tensor& x, double p, CallSite where = std::source_location::current());
/// √x. Backward: grad / (2·result).
Tensor sqrt(const Tensor& x, CallSite where = std::source_location::current());
/// 1 / (1 + e^(−x)). Backward: sigmoid_backward(grad, result) (saves the result).
Tensor sigmoid(const Tensor& x, CallSite where = std::source_location::current());
/// tanh x. Backward: tanh_backward(grad, result) (saves the result).
Tensor tanh(const Tensor& x, CallSite where = std::source_location::current());
/// max(x, 0). Backward: relu_backward(grad, result): grad where result > 0, else 0.
Tensor relu(const Tensor& x, CallSite where = std::source_location::current());

/// Fused kernel of sigmoid's rule: grad ⊙ s ⊙ (1 − s), one pass. Differentiable itself:
/// ∂/∂grad = s(1 − s), ∂/∂s = grad ⊙ (1 − 2s).
Tensor sigmoid_backward(const Tensor& grad, const Tensor& s,
                        CallSite where = std::source_location::current());
/// Fused kernel of tanh's rule: grad ⊙ (1 − y²), one pass. ∂/∂grad = 1 − y²,
/// ∂/∂y = −2·grad ⊙ y.
Tensor tanh_backward(const Tensor& grad, const Tensor& y,
                     CallSite where = std::source_location::current());
/// relu's rule: grad where mask > 0, else 0. ∂/∂grad = the same mask; ∂/∂mask = 0.
Tensor relu_backward(const Tensor& grad, const Tensor& mask,
                     CallSite where = std::source_location::current());

// ---- reductions --------------------------------------------------------------------

/// Sum of all elements, a 0-d tensor. Backward: grad broadcast to x's shape.
Tensor sum(const Tensor& x, CallSite where = std::source_location::current());
/// Sum over `axes` (negative axes count from the end). With `keepdim` the reduced axes
/// stay as extent 1. Throws std::out_of_range for an axis outside the rank, and
/// std::invalid_argument for a repeated axis.
Tensor sum(const Tensor& x, const std::vector<std::int64_t>& axes, bool keepdim = false,
           CallSite where = std::source_location::current());
/// Mean of all elements, a 0-d tensor. Backward: grad / numel broadcast to x's shape.
Tensor mean(const Tensor& x, CallSite where = std::source_location::current());
/// Mean over `axes`, as sum(x, axes, keepdim) / (elements per mean).
Tensor mean(const Tensor& x, const std::vector<std::int64_t>& axes, bool keepdim = false,
            CallSite where = std::source_location::current());

// ---- shape -------------------------------------------------------------------------
//
// Views: every op here but sum_to returns a tensor over x's storage (is_same_storage is
// true, and so is the version counter), no values copied, unless its entry says it may
// copy. Writing into a view in place writes into x. Dims may be negative (from the end);
// a dim outside the rank throws std::out_of_range.

/// The same values with another shape of the same numel; one extent may be −1 (inferred).
/// A view when x's strides can express the shape (see view), else a contiguous copy.
/// Backward: reshape(grad, x.shape). Throws std::invalid_argument for two −1s, a negative
/// extent, or a numel that differs.
Tensor reshape(const Tensor& x, const Shape& shape,
               CallSite where = std::source_location::current());
/// x seen as `shape` (same numel, one −1 inferred), always a view. Axes may merge or split
/// only within runs of axes laid out contiguously relative to each other (PyTorch's
/// rule): a transposed matrix cannot be flattened. Backward: reshape(grad, x.shape).
/// Throws std::invalid_argument naming the shape and strides when the strides cannot
/// express the new shape, and as reshape for a bad shape.
Tensor view(const Tensor& x, const Shape& shape, CallSite where = std::source_location::current());
/// Transpose of a 2-d tensor [M,N] → [N,M], a view (x.t() also takes 0-d and 1-d tensors,
/// returned as they are). Throws std::invalid_argument for other ranks.
Tensor transpose(const Tensor& x, CallSite where = std::source_location::current());
/// x with axes dim0 and dim1 swapped, a view: [.., M, .., N, ..] → [.., N, .., M, ..].
/// Backward: transpose(grad, dim0, dim1).
Tensor transpose(const Tensor& x, std::int64_t dim0, std::int64_t dim1,
                 CallSite where = std::source_location::current());
/// Reorders the axes, a view: result.shape[i] = x.shape[dims[i]]. `dims` must be a
/// permutation of 0..rank−1, else std::invalid_argument. Backward: permute(grad, inverse(dims)).
Tensor permute(const Tensor& x, const std::vector<std::int64_t>& dims,
               CallSite where = std::source_location::current());
/// x repeated to `shape` (NumPy broadcasting rules), a view with stride 0 along the
/// repeated axes. Backward: sum_to(grad, x.shape). Throws std::invalid_argument when x's
/// shape does not broadcast to `shape`.
Tensor broadcast_to(const Tensor& x, const Shape& shape,
                    CallSite where = std::source_location::current());
/// x repeated to `shape` as PyTorch's expand, a view with stride 0 along the repeated axes:
/// `shape` has x's rank or more (new leading axes), −1 keeps x's extent, and only axes of
/// extent 1 may change. [3,1] → expand({-1, 4}) → [3,4]. Backward: sum_to(grad, x.shape).
/// Throws std::invalid_argument naming both shapes for an axis of extent ≠ 1 that would
/// change, fewer axes than x, or −1 on a new axis.
Tensor expand(const Tensor& x, const Shape& shape,
              CallSite where = std::source_location::current());
/// Sums x down to `shape`, the reverse of broadcast_to: `shape` must broadcast to
/// x.shape. This is how the engine reduces broadcast gradients. A new tensor, not a view.
/// Backward: broadcast_to(grad, x.shape).
Tensor sum_to(const Tensor& x, const Shape& shape,
              CallSite where = std::source_location::current());
/// Position `index` along `dim` with that axis removed, a view: [.., n, ..] → [.., ..].
/// A negative index counts from the end. Backward: zeros of x's shape with grad at the
/// position. Throws std::out_of_range naming dim, index and extent when index ∉ [−n, n).
Tensor select(const Tensor& x, std::int64_t dim, std::int64_t index,
              CallSite where = std::source_location::current());
/// Positions start .. start + length − 1 along `dim`, a view: [.., n, ..] → [.., length, ..].
/// A negative start counts from the end. Backward: zeros of x's shape with grad in the
/// band. Throws std::out_of_range when the band runs past the end (or start ∉ [−n, n]),
/// std::invalid_argument for a negative length.
Tensor narrow(const Tensor& x, std::int64_t dim, std::int64_t start, std::int64_t length,
              CallSite where = std::source_location::current());
/// Python's x[start:end:step] along `dim`, a view: start defaults to 0, end to the extent,
/// negative values count from the end, and both are clamped to [0, n] (so a slice past
/// the end is short or empty, never an error). [.., n, ..] → [.., ⌈(end − start)/step⌉, ..].
/// Backward: zeros of x's shape with grad at the positions. Throws std::invalid_argument
/// for step ≤ 0.
Tensor slice(const Tensor& x, std::int64_t dim, std::optional<std::int64_t> start,
             std::optional<std::int64_t> end, std::int64_t step = 1,
             CallSite where = std::source_location::current());
/// x without its axes of extent 1, a view. Backward: reshape(grad, x.shape).
Tensor squeeze(const Tensor& x, CallSite where = std::source_location::current());
/// x without axis `dim` when its extent is 1; x's shape unchanged otherwise (as PyTorch).
Tensor squeeze(const Tensor& x, std::int64_t dim, CallSite where = std::source_location::current());
/// x with an axis of extent 1 inserted at `dim` ∈ [−(rank+1), rank], a view.
Tensor unsqueeze(const Tensor& x, std::int64_t dim,
                 CallSite where = std::source_location::current());
/// Axes start_dim..end_dim merged into one: [2,3,4].flatten(1) → [2,12]; a 0-d tensor
/// gives [1]. A view when the strides allow, else a copy (as reshape). Throws
/// std::invalid_argument when start_dim comes after end_dim.
Tensor flatten(const Tensor& x, std::int64_t start_dim = 0, std::int64_t end_dim = -1,
               CallSite where = std::source_location::current());
/// Axis `dim` split into `sizes` (one entry may be −1), always a view: [6,4].unflatten(0,
/// {2,3}) → [2,3,4]. Throws std::invalid_argument when Π sizes ≠ x.shape[dim] or sizes is empty.
Tensor unflatten(const Tensor& x, std::int64_t dim, const Shape& sizes,
                 CallSite where = std::source_location::current());
/// x itself when it is contiguous, else a contiguous copy of its values. Backward: grad.
Tensor contiguous(const Tensor& x, CallSite where = std::source_location::current());

// ---- type and copies ---------------------------------------------------------------

/// x converted to `dtype`. Backward: grad converted back to x's dtype.
Tensor cast(const Tensor& x, Dtype dtype, CallSite where = std::source_location::current());
/// A copy of x with its own storage. Backward: grad.
Tensor clone(const Tensor& x, CallSite where = std::source_location::current());

// ---- losses ------------------------------------------------------------------------

/// ½·Σ(o − y)², a 0-d tensor: the tutorial's squared loss. `o` and `y` must have the
/// same shape. Backward: grad_o = grad·(o − y), grad_y = −grad·(o − y).
Tensor squared_loss(const Tensor& o, const Tensor& y,
                    CallSite where = std::source_location::current());
/// mean((o − y)²), a 0-d tensor (PyTorch's mse_loss with reduction 'mean'). Same shape
/// contract as squared_loss. Backward: grad_o = grad·2(o − y)/n.
Tensor mse_loss(const Tensor& o, const Tensor& y, CallSite where = std::source_location::current());

// ---- classification: elementwise, axis ops and losses -----------------------------

/// |x|. Backward: grad ⊙ sign(x) (0 at x = 0).
Tensor abs(const Tensor& x, CallSite where = std::source_location::current());
/// min(max(x, lo), hi) elementwise. Backward: grad where lo < x < hi, else 0. Throws
/// std::invalid_argument when lo > hi.
Tensor clamp(const Tensor& x, double lo, double hi,
             CallSite where = std::source_location::current());
/// log Σ exp(x) along `axis` (negative counts from the end), computed stably as
/// m + log Σ exp(x − m) with m the maximum. x [.., n, ..] → the shape without that axis
/// (kept as 1 with `keepdim`). Backward: grad ⊙ softmax(x, axis). Throws
/// std::out_of_range for an axis outside the rank (a 0-d tensor has none).
Tensor logsumexp(const Tensor& x, std::int64_t axis, bool keepdim = false,
                 CallSite where = std::source_location::current());
/// exp(x − max) / Σ exp(x − max) along `axis`; result has x's shape. Backward:
/// s ⊙ (grad − Σ(grad ⊙ s)) along the axis. Throws std::out_of_range for a bad axis.
Tensor softmax(const Tensor& x, std::int64_t axis,
               CallSite where = std::source_location::current());
/// x − logsumexp(x, axis, keepdim) along `axis`, stable; result has x's shape. Backward:
/// grad − softmax ⊙ Σ grad along the axis. Throws std::out_of_range for a bad axis.
Tensor log_softmax(const Tensor& x, std::int64_t axis,
                   CallSite where = std::source_location::current());
// max(x, axis, keepdim), returning values and indices, is in reductions.hpp.
/// Index of the maximum along `axis` (the first on ties; a NaN is the maximum), as an
/// int64 tensor with max's shape. x may be of any dtype but bool, and any strides. Not
/// differentiable: the result never requires grad. Same throws as max.
Tensor argmax(const Tensor& x, std::int64_t axis, bool keepdim = false,
              CallSite where = std::source_location::current());

/// How a loss reduces its per-element values: their mean, their sum, or none (the
/// per-element values in the input's shape, or [N] for cross_entropy).
enum class Reduction { mean, sum, none };

/// Per element max(x, 0) − x·t + log(1 + e^(−|x|)) (= −t·log σ(x) − (1 − t)·log(1 − σ(x)),
/// stable for any x), reduced. `logits` and `targets` must have the same shape and dtype,
/// else std::invalid_argument. Backward: grad_x = grad·(σ(x) − t), grad_t = −grad·x
/// (divided by numel for mean).
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets,
                                        Reduction reduction = Reduction::mean,
                                        CallSite where = std::source_location::current());
/// −log_softmax(logits)[n, targets[n]] per row, reduced (mean over N by default).
/// `logits` [N,C] (floating); `targets` [N] holds class indices: int64 or int32 (as
/// PyTorch), or whole numbers in a floating tensor (kept from before integer dtypes).
/// Either may be a view. Stable for
/// large logits. Throws std::invalid_argument for other shapes, and for a target that is
/// not an integer in [0, C) (naming the value, its position and C). Backward (logits
/// only; targets get no gradient): (softmax(logits) − onehot(targets)) ⊙ grad / N for mean.
Tensor cross_entropy(const Tensor& logits, const Tensor& targets,
                     Reduction reduction = Reduction::mean,
                     CallSite where = std::source_location::current());
/// (o − y)² reduced: Reduction::mean is mse_loss(o, y); sum gives Σ(o − y)², none the
/// elementwise squares in o's shape. Same shape contract as mse_loss. Backward:
/// grad_o = grad·2(o − y) (/n for mean), grad_y its negative.
Tensor mse_loss(const Tensor& o, const Tensor& y, Reduction reduction,
                CallSite where = std::source_location::current());

// ---- comparisons, logical ops and selection ------------------------------------------
// Comparisons and logical ops return bool tensors and are not differentiable (their
// results never require grad). They broadcast like the arithmetic ops.

/// a == b elementwise, as bool. The operands are compared in promote_types(a, b)
/// (int64 with float32 as float32); float32 with float64 throws as in every binary op.
Tensor eq(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());
/// a != b elementwise, as bool (NaN != NaN is true). Promotion as eq.
Tensor ne(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());
/// a < b elementwise, as bool. Promotion as eq.
Tensor lt(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());
/// a <= b elementwise, as bool. Promotion as eq.
Tensor le(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());
/// a > b elementwise, as bool. Promotion as eq.
Tensor gt(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());
/// a >= b elementwise, as bool. Promotion as eq.
Tensor ge(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());
/// Comparisons with a number, which takes the tensor's dtype by PyTorch's rule for a
/// Python scalar (`labels == 3` compares integers; `int_tensor < 2.5` compares as float32).
Tensor eq(const Tensor& a, double b, CallSite where = std::source_location::current());
Tensor eq(double a, const Tensor& b, CallSite where = std::source_location::current());
Tensor ne(const Tensor& a, double b, CallSite where = std::source_location::current());
Tensor ne(double a, const Tensor& b, CallSite where = std::source_location::current());
Tensor lt(const Tensor& a, double b, CallSite where = std::source_location::current());
Tensor lt(double a, const Tensor& b, CallSite where = std::source_location::current());
Tensor le(const Tensor& a, double b, CallSite where = std::source_location::current());
Tensor le(double a, const Tensor& b, CallSite where = std::source_location::current());
Tensor gt(const Tensor& a, double b, CallSite where = std::source_location::current());
Tensor gt(double a, const Tensor& b, CallSite where = std::source_location::current());
Tensor ge(const Tensor& a, double b, CallSite where = std::source_location::current());
Tensor ge(double a, const Tensor& b, CallSite where = std::source_location::current());

/// bool(a) ∧ bool(b) elementwise, as bool; any dtypes (nonzero is true), broadcasting.
Tensor logical_and(const Tensor& a, const Tensor& b,
                   CallSite where = std::source_location::current());
/// bool(a) ∨ bool(b) elementwise, as bool; any dtypes, broadcasting.
Tensor logical_or(const Tensor& a, const Tensor& b,
                  CallSite where = std::source_location::current());
/// bool(a) ≠ bool(b) elementwise, as bool; any dtypes, broadcasting.
Tensor logical_xor(const Tensor& a, const Tensor& b,
                   CallSite where = std::source_location::current());
/// ¬bool(x) elementwise, as bool; any dtype (NaN counts as nonzero).
Tensor logical_not(const Tensor& x, CallSite where = std::source_location::current());

/// cond ? a : b elementwise. `cond` must be a bool tensor (else std::invalid_argument
/// naming its dtype); cond, a and b broadcast together; the result has the promoted
/// dtype of a and b. Backward: grad_a = where(cond, grad, 0), grad_b = where(cond, 0,
/// grad), each summed to its input's shape; cond gets no gradient.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b,
             CallSite where = std::source_location::current());
/// where with a number for one branch (its dtype by the Python-scalar rule, as add's).
Tensor where(const Tensor& cond, const Tensor& a, double b,
             CallSite where = std::source_location::current());
Tensor where(const Tensor& cond, double a, const Tensor& b,
             CallSite where = std::source_location::current());
/// x with `value` where `mask` is true: `mask` is bool and broadcasts to x's shape; the
/// result has x's shape and dtype (`value` converted to it; for an integer x it must fit,
/// else std::invalid_argument). Backward: grad_x = masked_fill(grad, mask, 0).
Tensor masked_fill(const Tensor& x, const Tensor& mask, double value,
                   CallSite where = std::source_location::current());

// ---- operators ---------------------------------------------------------------------

inline Tensor operator+(const Tensor& a, const Tensor& b) {
  return add(a, b);
}
inline Tensor operator-(const Tensor& a, const Tensor& b) {
  return sub(a, b);
}
inline Tensor operator*(const Tensor& a, const Tensor& b) {
  return mul(a, b);
}
inline Tensor operator/(const Tensor& a, const Tensor& b) {
  return div(a, b);
}
inline Tensor operator+(const Tensor& a, double b) {
  return add(a, b);
}
inline Tensor operator-(const Tensor& a, double b) {
  return sub(a, b);
}
inline Tensor operator*(const Tensor& a, double b) {
  return mul(a, b);
}
inline Tensor operator/(const Tensor& a, double b) {
  return div(a, b);
}
inline Tensor operator+(double a, const Tensor& b) {
  return add(a, b);
}
inline Tensor operator-(double a, const Tensor& b) {
  return sub(a, b);
}
inline Tensor operator*(double a, const Tensor& b) {
  return mul(a, b);
}
inline Tensor operator/(double a, const Tensor& b) {
  return div(a, b);
}
inline Tensor operator-(const Tensor& x) {
  return neg(x);
}

/// Comparisons as operators, returning bool tensors (not bool): `argmax(y, 1) == labels`.
inline Tensor operator==(const Tensor& a, const Tensor& b) {
  return eq(a, b);
}
inline Tensor operator==(const Tensor& a, double b) {
  return eq(a, b);
}
inline Tensor operator==(double a, const Tensor& b) {
  return eq(a, b);
}
inline Tensor operator!=(const Tensor& a, const Tensor& b) {
  return ne(a, b);
}
inline Tensor operator!=(const Tensor& a, double b) {
  return ne(a, b);
}
inline Tensor operator!=(double a, const Tensor& b) {
  return ne(a, b);
}
inline Tensor operator<(const Tensor& a, const Tensor& b) {
  return lt(a, b);
}
inline Tensor operator<(const Tensor& a, double b) {
  return lt(a, b);
}
inline Tensor operator<(double a, const Tensor& b) {
  return lt(a, b);
}
inline Tensor operator<=(const Tensor& a, const Tensor& b) {
  return le(a, b);
}
inline Tensor operator<=(const Tensor& a, double b) {
  return le(a, b);
}
inline Tensor operator<=(double a, const Tensor& b) {
  return le(a, b);
}
inline Tensor operator>(const Tensor& a, const Tensor& b) {
  return gt(a, b);
}
inline Tensor operator>(const Tensor& a, double b) {
  return gt(a, b);
}
inline Tensor operator>(double a, const Tensor& b) {
  return gt(a, b);
}
inline Tensor operator>=(const Tensor& a, const Tensor& b) {
  return ge(a, b);
}
inline Tensor operator>=(const Tensor& a, double b) {
  return ge(a, b);
}
inline Tensor operator>=(double a, const Tensor& b) {
  return ge(a, b);
}

}  // namespace nabla

#include "nabla/losses.hpp"  // IWYU pragma: export
