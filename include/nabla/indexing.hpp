#pragma once
/// \file indexing.hpp
/// Indexing: picking, scattering and rearranging elements by position (index_select,
/// gather, scatter_add, index_add, masked_select, flip, roll, repeat, tile, pad), and
/// libtorch's subscript syntax `x.index({Slice(0, 10), 3, None, mask})` with its in-place
/// counterpart `x.index_put_({...}, values)`.
///
/// Index tensors are int64 or int32 (PyTorch takes only int64 in gather and scatter_add;
/// nabla takes both everywhere), of any strides. Every index is checked against its
/// bound before anything is written: a bad one throws std::out_of_range naming the op,
/// the index value, its position in the index tensor and the bound. Dims may be negative
/// (counted from the end); a dim outside the rank throws std::out_of_range. Index tensors
/// never get gradients.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

#include "nabla/autograd.hpp"
#include "nabla/tensor.hpp"

namespace nabla {

/// x's entries along `dim` at the positions in `index` (1-d or 0-d, int64 or int32, each
/// in [0, n); negative ones are refused, as PyTorch): [.., n, ..] → [.., len(index), ..]
/// (a 0-d x is treated as [1]). A copy. Backward: grad_x = index_add(zeros(x.shape), dim,
/// index, grad). Throws std::invalid_argument for an index of another dtype or rank.
Tensor index_select(const Tensor& x, std::int64_t dim, const Tensor& index,
                    CallSite where = std::source_location::current());

/// result[i][j][k] = x[index[i][j][k]][j][k] for dim 0 (likewise for other dims): result
/// has index's shape. index (int64 or int32) has x's rank and, outside `dim`, extents no
/// larger than x's; its values lie in [0, x.shape[dim]) (no negative ones, as PyTorch).
/// Backward: grad_x = scatter_add(zeros(x.shape), dim, index, grad).
Tensor gather(const Tensor& x, std::int64_t dim, const Tensor& index,
              CallSite where = std::source_location::current());

/// A copy of x with src added at the positions index names: for dim 0,
/// result[index[i][j]][j] += src[i][j], for every position (i, j) of index. index
/// (int64 or int32) has x's rank, extents no larger than src's, and, outside `dim`, no
/// larger than x's; its values lie in [0, x.shape[dim]). src has x's rank and dtype.
/// Backward: grad_x = grad; grad_src = gather(grad, dim, index) padded with zeros to
/// src's shape (PyTorch 1.13 fails there when src is larger than index).
Tensor scatter_add(const Tensor& x, std::int64_t dim, const Tensor& index, const Tensor& src,
                   CallSite where = std::source_location::current());

/// A copy of x with alpha·source added along `dim` at the positions in `index` (1-d or
/// 0-d, int64 or int32, in [0, n); repeats accumulate): result.select(dim, index[i]) +=
/// alpha·source.select(dim, i). source has x's dtype and shape but len(index) along dim.
/// Backward: grad_x = grad; grad_source = alpha·index_select(grad, dim, index).
Tensor index_add(const Tensor& x, std::int64_t dim, const Tensor& index, const Tensor& source,
                 double alpha = 1.0, CallSite where = std::source_location::current());

/// The entries of x where `mask` (bool) is true, as a 1-d tensor in row-major order; x and
/// mask broadcast together. Backward: grad flows back to the selected positions (summed
/// over broadcast ones); composed of index_select on the flattened broadcast x.
Tensor masked_select(const Tensor& x, const Tensor& mask,
                     CallSite where = std::source_location::current());

/// x reversed along each of `dims` (a copy; no dim twice). Backward: flip(grad, dims).
Tensor flip(const Tensor& x, const std::vector<std::int64_t>& dims,
            CallSite where = std::source_location::current());

/// x shifted cyclically along each of `dims` by the matching entry of `shifts` (elements
/// pushed off the end come back at the start; negative shifts go the other way). With
/// `dims` empty, x is rolled as if flattened and `shifts` must have one entry. A copy.
/// Backward: roll(grad, −shifts, dims).
Tensor roll(const Tensor& x, const std::vector<std::int64_t>& shifts,
            const std::vector<std::int64_t>& dims = {},
            CallSite where = std::source_location::current());

/// PyTorch's x.repeat(repeats): x tiled repeats[i] times along axis i; `repeats` has at
/// least x's rank entries (extra ones add leading axes), each ≥ 0. A copy. Backward: the
/// gradient summed over the copies (composed of expand and reshape).
Tensor repeat(const Tensor& x, const std::vector<std::int64_t>& repeats,
              CallSite where = std::source_location::current());

/// torch.tile: repeat, with `reps` padded with leading 1s when it is shorter than x's rank.
Tensor tile(const Tensor& x, const std::vector<std::int64_t>& reps,
            CallSite where = std::source_location::current());

/// How pad fills the border.
enum class PadMode {
  constant,   ///< with `value`
  reflect,    ///< mirrored about the edge, the edge itself not repeated (dcb|abcd|cba)
  replicate,  ///< the edge repeated (aaa|abcd|ddd)
};

/// torch.nn.functional.pad: `pads` lists (before, after) pairs from the LAST dim
/// backwards: {left, right} pads the last dim, {left, right, top, bottom} the last two.
/// Constant mode pads any number of dims (at most x's rank) with `value` (converted to x's
/// dtype), and negative pads crop. Reflect and replicate pad the last 1 or 2 dims; reflect
/// needs each pad smaller than the extent, replicate a nonzero extent. PyTorch 1.13 takes
/// reflect/replicate only for inputs with one or two axes in front of the padded ones;
/// nabla takes any number (the padding does not depend on them). Backward: constant:
/// grad_out narrowed to x's band (zeros where x was cropped); reflect and replicate:
/// composed of index_select along each padded dim, so the gradient is summed back by
/// index_add. Throws std::invalid_argument for an odd pad count, too many pads, a value
/// with a non-constant mode, or a result with a negative extent.
Tensor pad(const Tensor& x, const std::vector<std::int64_t>& pads,
           PadMode mode = PadMode::constant, std::optional<double> value = std::nullopt,
           CallSite where = std::source_location::current());

namespace indexing {

/// None in a subscript: a new axis of extent 1 (Python's x[None]); also an open end of a
/// Slice, as in libtorch (`Slice(None, 5)`).
inline constexpr std::nullopt_t None = std::nullopt;

/// Ellipsis in a subscript: as many full slices as the other entries leave (Python's ...).
struct EllipsisIndexType {};
inline constexpr EllipsisIndexType Ellipsis{};

/// Python's start:stop:step; an open end (std::nullopt, None) means the whole axis that
/// way. start and stop may be negative (from the end) and are clamped to the extent;
/// step must be positive (as PyTorch).
struct Slice {
  Slice(std::optional<std::int64_t> start_ = std::nullopt,
        std::optional<std::int64_t> stop_ = std::nullopt,
        std::optional<std::int64_t> step_ = std::nullopt)
      : start(start_), stop(stop_), step(step_) {}
  std::optional<std::int64_t> start, stop, step;
};

/// One entry of a subscript: None, Ellipsis, an integer (selects and drops the axis;
/// negative from the end), a bool (true: a new axis of extent 1; false: a new axis of
/// extent 0), a Slice, or a tensor: bool (a mask over as many axes as its rank, whose
/// extents must match) or int64/int32 (positions along one axis, negative from the end;
/// index tensors broadcast together, as NumPy's advanced indexing).
class TensorIndex {
 public:
  enum class Kind { none, ellipsis, integer, boolean, slice, tensor };
  TensorIndex(std::nullopt_t) : kind_(Kind::none) {}                  // NOLINT: implicit by design
  TensorIndex(EllipsisIndexType) : kind_(Kind::ellipsis) {}           // NOLINT
  TensorIndex(int i) : kind_(Kind::integer), integer_(i) {}           // NOLINT
  TensorIndex(std::int64_t i) : kind_(Kind::integer), integer_(i) {}  // NOLINT
  TensorIndex(bool b) : kind_(Kind::boolean), boolean_(b) {}          // NOLINT
  TensorIndex(Slice s) : kind_(Kind::slice), slice_(s) {}             // NOLINT
  TensorIndex(Tensor t) : kind_(Kind::tensor), tensor_(std::move(t)) {}  // NOLINT

  Kind kind() const noexcept { return kind_; }
  std::int64_t integer() const noexcept { return integer_; }
  bool boolean() const noexcept { return boolean_; }
  const Slice& slice() const noexcept { return slice_; }
  const Tensor& tensor() const noexcept { return tensor_; }

 private:
  Kind kind_;
  std::int64_t integer_ = 0;
  bool boolean_ = false;
  Slice slice_;
  Tensor tensor_;
};

}  // namespace indexing

/// x subscripted as Python's x[indices...] (also `x.index(indices)`): integers, Slices,
/// None, Ellipsis and bools give a view of x; index tensors (int or bool) then pick
/// entries into a copy, differentiable (composed of permute, reshape and index_select).
/// As NumPy, the axes of the broadcast index tensors replace the indexed axes when those
/// are adjacent, else they come first. Throws std::out_of_range for an integer or index
/// value out of range (naming it, its position and the extent) or too many indices, and
/// std::invalid_argument for a mask whose shape does not match, an index tensor of
/// another dtype, index tensors that do not broadcast, two Ellipses or a step ≤ 0.
Tensor index(const Tensor& x, const std::vector<indexing::TensorIndex>& indices,
             CallSite where = std::source_location::current());

}  // namespace nabla
