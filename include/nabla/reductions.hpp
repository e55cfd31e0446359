#pragma once
/// \file reductions.hpp
/// Reductions and ops along one axis, as PyTorch 1.13: products, extremes (amax, amin,
/// max and min with their indices, argmin), variance and standard deviation, vector norms,
/// logsumexp over several axes, cumulative sums and products, all / any / count_nonzero,
/// topk, sort, argsort and median. Included by ops.hpp.
///
/// Dims may be negative (counted from the end); a dim outside the rank throws
/// std::out_of_range naming the op, and a repeated dim std::invalid_argument. An empty
/// list of dims means every dim, as PyTorch's `dim=()`. With `keepdim` the reduced dims
/// stay as extent 1.
///
/// Where nabla differs from PyTorch: a 0-d tensor has no dim to reduce or sort along
/// (PyTorch also accepts dim 0 or −1 there); every op taking one dim throws
/// std::out_of_range for a 0-d tensor, as nabla's sum, softmax and logsumexp do. Reduce a
/// 0-d tensor with the overloads without a dim. Among equal values, topk returns the lower
/// index first (PyTorch's CPU order among ties is unspecified) and sort is always stable.
///
/// Ops that select elements (max, min, topk, sort, median along a dim) return their
/// values and int64 indices as one multi-output node: `auto [v, i] = nabla::max(x, 1);`.
/// The values carry the gradient; the indices never require grad.

#include <cstdint>
#include <string_view>
#include <vector>

#include "nabla/autograd.hpp"
#include "nabla/tensor.hpp"

namespace nabla {

/// Values and their int64 indices along a dim (PyTorch's torch.return_types.max, sort,
/// topk, median): `auto [values, indices] = nabla::sort(x);`.
struct ValuesIndices {
  Tensor values;
  Tensor indices;
};

/// var_mean's pair, in PyTorch's order: `auto [v, m] = nabla::var_mean(x, {1});`.
struct VarMean {
  Tensor var;
  Tensor mean;
};

/// std_mean's pair, in PyTorch's order.
struct StdMean {
  Tensor std;
  Tensor mean;
};

// ---- products ----------------------------------------------------------------------

/// Product of all elements, a 0-d tensor (1 for an empty x). Floating x keeps its dtype;
/// integer and bool x give int64 (wrapping on overflow, as PyTorch). Backward: grad ⊙ the
/// product of the other elements, exact where x holds zeros (one zero: only it gets a
/// gradient; two or more: none does).
Tensor prod(const Tensor& x, CallSite where = std::source_location::current());
/// Product along `dim` (one dim, as PyTorch's prod). Dtypes and gradient as prod(x).
Tensor prod(const Tensor& x, std::int64_t dim, bool keepdim = false,
            CallSite where = std::source_location::current());

// ---- extremes ----------------------------------------------------------------------

/// Maximum over `dims` (every dim when empty), values only. Any dtype (bool: any). A NaN
/// is the maximum. Backward: the gradient split evenly among the elements equal to the
/// maximum (NaN gradients for a NaN maximum, as PyTorch). Throws std::invalid_argument
/// when a reduced dim is empty.
Tensor amax(const Tensor& x, const std::vector<std::int64_t>& dims = {}, bool keepdim = false,
            CallSite where = std::source_location::current());
/// Minimum over `dims`, as amax (a NaN is the minimum).
Tensor amin(const Tensor& x, const std::vector<std::int64_t>& dims = {}, bool keepdim = false,
            CallSite where = std::source_location::current());
/// Maximum of all elements, a 0-d tensor; any dtype; a NaN is the maximum. Backward: the
/// gradient split evenly among the elements equal to it (among the NaNs when it is NaN).
/// Throws std::invalid_argument for an empty x (name a dim: PyTorch's rule).
Tensor max(const Tensor& x, CallSite where = std::source_location::current());
/// Maximum along `dim` and the index of the first maximum (a NaN is the maximum), as
/// torch.max(x, dim): values of x's dtype and int64 indices, both of shape x without
/// `dim` (kept as 1 with keepdim). Backward: the whole gradient goes to the index.
/// Throws std::out_of_range for a bad dim and std::invalid_argument for an empty dim.
ValuesIndices max(const Tensor& x, std::int64_t dim, bool keepdim = false,
                  CallSite where = std::source_location::current());
/// Minimum of all elements, as max(x).
Tensor min(const Tensor& x, CallSite where = std::source_location::current());
/// Minimum along `dim` with the index of the first minimum, as max(x, dim).
ValuesIndices min(const Tensor& x, std::int64_t dim, bool keepdim = false,
                  CallSite where = std::source_location::current());
/// Index of the maximum of x flattened (row-major), a 0-d int64 tensor, as torch.argmax(x).
/// Any dtype but bool. Throws std::invalid_argument for an empty x.
Tensor argmax(const Tensor& x, CallSite where = std::source_location::current());
/// Index of the first minimum along `dim` (a NaN is the minimum), int64, as argmax along a
/// dim. Any dtype but bool; not differentiable.
Tensor argmin(const Tensor& x, std::int64_t dim, bool keepdim = false,
              CallSite where = std::source_location::current());
/// Index of the minimum of x flattened, a 0-d int64 tensor.
Tensor argmin(const Tensor& x, CallSite where = std::source_location::current());

// ---- moments -----------------------------------------------------------------------

/// Variance of all elements with Bessel's correction: Σ(x − mean)² / max(0, N − 1).
/// Floating x only (std::invalid_argument naming the dtype otherwise). NaN for N ≤ 1.
Tensor var(const Tensor& x, CallSite where = std::source_location::current());
/// Variance over `dims` (every dim when empty): Σ(x − mean)² / max(0, N − correction).
/// `correction` is PyTorch's (1: unbiased, 0: the population variance); passing a bool
/// reads as PyTorch's positional `unbiased`. Backward: grad ⊙ 2(x − mean) / (N − correction).
Tensor var(const Tensor& x, const std::vector<std::int64_t>& dims, std::int64_t correction = 1,
           bool keepdim = false, CallSite where = std::source_location::current());
/// √var(x). Backward: grad / (2·std) ⊙ var's gradient, 0 where std is 0 (as PyTorch).
Tensor std(const Tensor& x, CallSite where = std::source_location::current());
/// √var(x, dims, correction, keepdim).
Tensor std(const Tensor& x, const std::vector<std::int64_t>& dims, std::int64_t correction = 1,
           bool keepdim = false, CallSite where = std::source_location::current());
/// var(x) and mean(x) in one pass, recorded as one node with two outputs.
VarMean var_mean(const Tensor& x, CallSite where = std::source_location::current());
/// var and mean over `dims`, one node with two outputs.
VarMean var_mean(const Tensor& x, const std::vector<std::int64_t>& dims,
                 std::int64_t correction = 1, bool keepdim = false,
                 CallSite where = std::source_location::current());
/// std(x) and mean(x), one node with two outputs.
StdMean std_mean(const Tensor& x, CallSite where = std::source_location::current());
/// std and mean over `dims`, one node with two outputs.
StdMean std_mean(const Tensor& x, const std::vector<std::int64_t>& dims,
                 std::int64_t correction = 1, bool keepdim = false,
                 CallSite where = std::source_location::current());

// ---- norms -------------------------------------------------------------------------

/// The vector p-norm over `dims` (every dim when empty), as torch.norm(x, p, dim, keepdim):
/// (Σ|x|^p)^(1/p) for p > 0, max |x| for p = inf, min |x| for p = −inf, the count of
/// nonzeros for p = 0 (an empty reduction gives 0 for every p, as PyTorch). Backward as
/// PyTorch's: 0 at a zero vector (for p = 2 among others), sign(x) split evenly among the
/// ties for p = ±inf, 0 for p = 0. A negative finite p throws std::invalid_argument (nabla
/// does not support it).
Tensor norm(const Tensor& x, double p, const std::vector<std::int64_t>& dims = {},
            bool keepdim = false, CallSite where = std::source_location::current());
/// The norm named by `p`: "fro", √Σx² over `dims` (at most two dims, as PyTorch). "nuc"
/// and other names throw std::invalid_argument.
Tensor norm(const Tensor& x, std::string_view p, const std::vector<std::int64_t>& dims = {},
            bool keepdim = false, CallSite where = std::source_location::current());
/// The Frobenius (2-) norm of all elements, √Σx², as torch.norm(x). Floating x only. (A
/// template only so that an exact non-template norm(const Tensor&) of another namespace,
/// found with it, wins instead of being ambiguous; call it as `nabla::norm(x)`.)
template <class = void>
Tensor norm(const Tensor& x, CallSite where = std::source_location::current()) {
  return norm(x, 2.0, {}, false, where);
}

// ---- log-sum-exp over several dims --------------------------------------------------

/// log Σ exp(x) over `dims` (at least one; PyTorch refuses an empty list too), stable:
/// m + log Σ exp(x − m) with m the maximum. Integer and bool x are computed in float32 (as
/// PyTorch). Backward: grad ⊙ exp(x − result). logsumexp(x, dim, keepdim) in ops.hpp is
/// the one-dim spelling.
Tensor logsumexp(const Tensor& x, const std::vector<std::int64_t>& dims, bool keepdim = false,
                 CallSite where = std::source_location::current());

// ---- cumulative --------------------------------------------------------------------

/// Running sum along `dim`; result has x's shape. Floating x keeps its dtype; integer and
/// bool x give int64. Backward: the running sum of grad taken from the end.
Tensor cumsum(const Tensor& x, std::int64_t dim, CallSite where = std::source_location::current());
/// Running product along `dim`; dtypes as cumsum. Backward exact where x holds zeros (as
/// PyTorch: O(n) when grad mode is off, an O(n²) differentiable form under create_graph).
Tensor cumprod(const Tensor& x, std::int64_t dim,
               CallSite where = std::source_location::current());

// ---- logical reductions -------------------------------------------------------------
// Not differentiable. Nonzero (NaN included) is true. The result is bool, except for a
// uint8 x, which gives uint8 (PyTorch 1.13 keeps that for backward compatibility).

/// True when every element is nonzero (true for an empty x), a 0-d tensor.
Tensor all(const Tensor& x, CallSite where = std::source_location::current());
/// all along `dim`.
Tensor all(const Tensor& x, std::int64_t dim, bool keepdim = false,
           CallSite where = std::source_location::current());
/// True when some element is nonzero (false for an empty x), a 0-d tensor.
Tensor any(const Tensor& x, CallSite where = std::source_location::current());
/// any along `dim`.
Tensor any(const Tensor& x, std::int64_t dim, bool keepdim = false,
           CallSite where = std::source_location::current());
/// The number of nonzero elements over `dims` (every dim when empty), int64, dims removed.
Tensor count_nonzero(const Tensor& x, const std::vector<std::int64_t>& dims = {},
                     CallSite where = std::source_location::current());

// ---- selection along a dim -----------------------------------------------------------

/// The `k` largest (or smallest) values along `dim` and their int64 indices, x's shape
/// with `dim` of extent k. A NaN counts as larger than every number. Values come sorted
/// (largest first, or smallest first when !largest) whatever `sorted` says; among equal
/// values the lower index comes first. Any dtype but bool. Backward: each value's gradient
/// goes to its index. Throws std::out_of_range when k is not in [0, extent].
ValuesIndices topk(const Tensor& x, std::int64_t k, std::int64_t dim = -1, bool largest = true,
                   bool sorted = true, CallSite where = std::source_location::current());
/// x sorted along `dim` (ascending, or descending) and the int64 indices of the sorted
/// values in x. NaN sorts as the largest (last ascending, first descending). Always stable
/// (equal values keep their order), so `stable` only documents the call. Any dtype.
/// Backward: each value's gradient goes back to its index.
ValuesIndices sort(const Tensor& x, std::int64_t dim = -1, bool descending = false,
                   bool stable = false, CallSite where = std::source_location::current());
/// sort(x, dim, descending, stable).indices, not differentiable.
Tensor argsort(const Tensor& x, std::int64_t dim = -1, bool descending = false,
               bool stable = false, CallSite where = std::source_location::current());
/// The lower median of all elements (the element at position ⌊(N − 1)/2⌋ of the sorted
/// values), a 0-d tensor; NaN when x holds a NaN or is empty (floating x). Any dtype but
/// bool (an empty integer x throws). Backward: the gradient split evenly among the
/// elements equal to the median.
Tensor median(const Tensor& x, CallSite where = std::source_location::current());
/// The lower median along `dim` and its index, as torch.median(x, dim): the index is the
/// one at that position of a stable sort (PyTorch's choice among equal values); a line
/// holding a NaN gives NaN and the index of its first NaN. Backward: to the index.
ValuesIndices median(const Tensor& x, std::int64_t dim, bool keepdim = false,
                     CallSite where = std::source_location::current());

}  // namespace nabla
