#pragma once
// Internal: what the reduction op files share (prod, amax, amin, max, min, var, std, norm,
// logsumexp, cumsum, cumprod, all, any, count_nonzero, topk, sort, argsort, median): the
// layouts their kernels read, NaN-aware orders, the evenly split gradient of an extreme,
// and the node of an op that selects elements along a dim.

#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "nabla/reductions.hpp"
#include "ops/op_common.hpp"

namespace nabla::detail {

/// x's values with the reduced `axes` moved last, dense: `lines` rows of `n` values each;
/// row r is element r of the reduced shape, in row-major order.
struct ReductionLines {
  Tensor values;
  std::int64_t lines = 1;
  std::int64_t n = 1;
};

inline ReductionLines reduction_lines(const Tensor& x, const std::vector<std::size_t>& axes) {
  const Shape& s = x.shape();
  const Strides& st = x.impl()->strides;
  Shape shape;
  Strides strides;
  ReductionLines out;
  for (std::size_t d = 0; d < s.size(); ++d) {
    if (std::find(axes.begin(), axes.end(), d) != axes.end()) continue;
    shape.push_back(s[d]);
    strides.push_back(st[d]);
    out.lines *= s[d];
  }
  for (const std::size_t a : axes) {
    shape.push_back(s[a]);
    strides.push_back(st[a]);
    out.n *= s[a];
  }
  out.values = dense(make_view(x, std::move(shape), std::move(strides), x.impl()->offset));
  return out;
}

/// x dense and seen around one dim: element (i, k, j) at (i·n + k)·inner + j.
struct AlongDim {
  Tensor values;
  std::int64_t outer = 1, n = 1, inner = 1;
  std::size_t dim = 0;
};

inline AlongDim along_dim(const char* op, const Tensor& x, std::int64_t dim) {
  check_defined(op, x);
  AlongDim a;
  a.dim = static_cast<std::size_t>(normalize_axis(dim, x.dim(), op));
  const auto split = split_at_axis(x.shape(), a.dim);
  a.outer = split.outer;
  a.n = split.n;
  a.inner = split.inner;
  a.values = dense(x);
  return a;
}

template <class T>
inline bool is_nan_value(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(v);
  } else {
    return false;
  }
}

/// a before b in ascending order with NaN last (the largest).
template <class T>
inline bool ascending_before(T a, T b) {
  return !is_nan_value(a) && (is_nan_value(b) || a < b);
}
/// a before b in descending order with NaN first.
template <class T>
inline bool descending_before(T a, T b) {
  return !is_nan_value(b) && (is_nan_value(a) || a > b);
}

/// Throws std::invalid_argument naming `op` for a bool x (ops PyTorch does not implement
/// for bool: argmin, topk, median).
inline void check_not_bool(const char* op, const Tensor& x) {
  if (x.dtype() == Dtype::bool_) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: input is bool {}; {} works on numeric tensors (convert with .to(nabla::u8))",
        op, shape_str(x.shape()), op));
  }
}

/// Throws std::invalid_argument naming `op` when one of the reduced `axes` of x is empty.
inline void check_nonempty_axes(const char* op, const Tensor& x,
                                const std::vector<std::size_t>& axes, const char* what) {
  for (const std::size_t a : axes) {
    if (x.shape()[a] == 0) {
      throw std::invalid_argument(fmt::format("nabla::{}: axis {} of x {} is empty: no {}", op,
                                              a, shape_str(x.shape()), what));
    }
  }
}

/// Writes to out[r], for each position r of x without `axis` (row-major), the index along
/// the axis of the first maximum (largest) or minimum; a NaN wins (the first NaN). Any
/// dtype. Throws std::invalid_argument naming `op` when the axis is empty.
inline void arg_extreme_indices(const char* op, const Tensor& x, std::size_t axis, bool largest,
                                std::int64_t* out) {
  check_nonempty_axes(op, x, {axis}, largest ? "maximum" : "minimum");
  const Tensor xd = dense(x);
  const auto s = split_at_axis(x.shape(), axis);
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = data_ptr<T>(xd);
    for (std::int64_t i = 0; i < s.outer; ++i)
      for (std::int64_t j = 0; j < s.inner; ++j) {
        const T* line = p + i * s.n * s.inner + j;
        std::int64_t best = 0;
        for (std::int64_t k = 1; k < s.n && !is_nan_value(line[best * s.inner]); ++k) {
          const T v = line[k * s.inner], b = line[best * s.inner];
          if (is_nan_value(v) || (largest ? v > b : v < b)) best = k;
        }
        out[i * s.inner + j] = best;
      }
  });
}

/// The weights of an extreme's gradient, without history: for each group of x reduced to
/// one element of `value` (given with the reduced axes kept as 1), mask / Σ mask with mask =
/// (x == value), as PyTorch splits the gradient of amax, max() and median() among ties.
/// With `nan_aware` (max(), min(), median()), a NaN value selects the NaNs of x instead; an
/// amax whose value is NaN matches nothing, and its weights are NaN (0 / 0) as PyTorch's.
inline Tensor tie_weights(const Tensor& x, const Tensor& value_kept,
                          const std::vector<std::int64_t>& axes, bool nan_aware) {
  NoGradGuard no_grad;
  const Tensor xd = x.detach(), vd = value_kept.detach();
  Tensor mask = eq(xd, vd);
  if (nan_aware) mask = logical_or(mask, logical_and(ne(xd, xd), ne(vd, vd)));
  const Tensor m = cast(mask, x.dtype());
  return div(m, sum(m, axes, true));
}

/// True when the floating x holds a zero (the gradients of prod and cumprod change form).
inline bool holds_zero(const char* op, const Tensor& x) {
  const Tensor xd = dense(x);
  return dispatch_floating(op, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = data_ptr<T>(xd);
    return std::any_of(p, p + xd.numel(), [](T v) { return v == T(0); });
  });
}

/// The axes (normalized, sorted) as the signed list the ops take.
inline std::vector<std::int64_t> signed_axes(const std::vector<std::size_t>& axes) {
  return {axes.begin(), axes.end()};
}

/// result[.., j, ..] = x[.., index[.., j, ..], ..] along `dim` (index int64, of the result's
/// shape; x of that shape but along dim). Float32/float64 x. ops/index_along.cpp.
Tensor index_along(const Tensor& x, std::size_t dim, const Tensor& index);
/// The adjoint of index_along: zeros of src's shape with extent `n` along `dim`, and
/// src[.., j, ..] added at [.., index[.., j, ..], ..]. ops/index_along_backward.cpp.
Tensor index_along_backward(const Tensor& src, std::size_t dim, const Tensor& index,
                            std::int64_t n);
/// The maximum (largest) or minimum of x over `axes` (normalized; empty: none reduced, so
/// pass every axis for all), NaN winning, recorded as a node named `op` whose gradient is
/// split evenly among ties (tie_weights, NaN-aware for max() and min()). Checks that no
/// reduced axis is empty. ops/amax.cpp.
Tensor extreme(const char* op, const Tensor& x, const std::vector<std::size_t>& axes,
               bool keepdim, bool largest, bool nan_aware);
/// The variance and mean of x over `axes` (normalized) with `correction`, as plain tensors
/// (no history) of the reduced shape; n is the number of elements per group. Floating x
/// only (throws naming `op`). ops/var.cpp.
struct Moments {
  Tensor var, mean;
  double n = 0;
};
Moments moments(const char* op, const Tensor& x, const std::vector<std::size_t>& axes,
                std::int64_t correction, bool keepdim);
/// var's gradient: g ⊙ 2(x − mean(x, axes)) / (n − correction), g with the axes kept as 1
/// (PyTorch's var_backward, without clamping n − correction). ops/var.cpp.
Tensor var_gradient(const Tensor& g, const Tensor& x, const std::vector<std::int64_t>& axes,
                    double n, std::int64_t correction);
/// std's gradient: var_gradient(g / (2·std)) with 0 where std = 0 (PyTorch's std_backward),
/// std with the axes kept as 1; a where keeps the division at std = 0 from making NaN in
/// second derivatives. ops/std.cpp.
Tensor std_gradient(const Tensor& g, const Tensor& x, const Tensor& std_kept,
                    const std::vector<std::int64_t>& axes, double n, std::int64_t correction);
/// all (every) or any of x's elements nonzero over `axes` (normalized), bool (uint8 for a
/// uint8 x, as PyTorch), no history. ops/all.cpp.
Tensor logical_reduce(const char* op, const Tensor& x, const std::vector<std::size_t>& axes,
                      bool keepdim, bool every);
/// Running sum along `dim`, from the start or (reverse) from the end. ops/cumsum.cpp.
Tensor cumsum_along(const Tensor& x, std::size_t dim, bool reverse);
/// Running product along `dim`, from the start or (reverse) from the end. ops/cumprod.cpp.
Tensor cumprod_along(const Tensor& x, std::size_t dim, bool reverse);

/// The node of an op that selects elements of x along a dim (max, min, topk, sort, median):
/// outputs the values and their indices; the values' gradient goes back to the indices.
struct SelectAlongNode final : MultiOutputNode {
  SelectAlongNode(const char* name, std::size_t dim, bool keepdim, std::int64_t n)
      : MultiOutputNode(name), dim_(dim), keepdim_(keepdim), n_(n) {}
  std::size_t dim_;
  bool keepdim_;  // false: the values lost `dim` (a reduction) and the gradient regains it
  std::int64_t n_;
  std::vector<Tensor> backward(const std::vector<Tensor>& grad_outputs) override {
    Tensor g = grad_or_zeros(grad_outputs, 0);
    if (!keepdim_) g = unsqueeze(g, static_cast<std::int64_t>(dim_));
    return {index_along_backward(g, dim_, saved(0), n_)};  // [.., n, ..]
  }
};

/// Records the selection as one node with outputs {values, indices} when x requires grad,
/// then takes the indices off the graph (they never require grad, as PyTorch's).
/// `index_kept` is the indices with `dim` kept (the shape the values' gradient regains).
inline ValuesIndices record_selection(const char* name, const Tensor& x, Tensor values,
                                      Tensor indices, const Tensor& index_kept, std::size_t dim,
                                      bool keepdim) {
  std::vector<Tensor> outs{std::move(values), std::move(indices)};
  if (auto node = record_outputs<SelectAlongNode>(outs, {x}, name, dim, keepdim,
                                                  x.shape()[dim])) {
    node->save(index_kept.detach());
    outs[1] = outs[1].detach();
  }
  return {outs[0], outs[1]};
}

}  // namespace nabla::detail
