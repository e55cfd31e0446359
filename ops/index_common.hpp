#pragma once
// Internal: what the indexing op files share: reading index tensors (int64 or int32, any
// strides) with every value checked against its bound, and an element walk over a shape
// that keeps each tensor's offset.

#include <array>
#include <string>

#include "nabla/indexing.hpp"
#include "ops/op_common.hpp"

namespace nabla::detail {

/// Throws std::invalid_argument naming `op` and `arg` unless `index` is int64 or int32.
void check_index_dtype(const char* op, const Tensor& index, const char* arg = "index");

/// "[1, 2]" for position `linear` (row-major) in `shape`; "3" for a 1-d shape, "[]" for 0-d.
std::string position_str(const Shape& shape, std::int64_t linear);

/// The values of `index` (int64 or int32, any strides) in row-major order. Each must lie in
/// [0, bound), or in [−bound, bound) with `allow_negative` (then wrapped to [0, bound));
/// else std::out_of_range naming `op`, the value, its position in `index` and the bound,
/// and `what` (as "dim 1 of extent 4 (input shape [3, 4])").
std::vector<std::int64_t> index_values(const char* op, const Tensor& index, std::int64_t bound,
                                       bool allow_negative, const std::string& what,
                                       const char* arg = "index");

/// Calls f(offsets) for every element of `shape` in row-major order, offsets[k] being
/// the element's offset Σ iₘ·strides[k][m] in the k-th layout.
template <std::size_t K, class F>
void walk_offsets(const Shape& shape, const std::array<const Strides*, K>& strides, F&& f) {
  const std::size_t rank = shape.size();
  for (const std::int64_t e : shape)
    if (e == 0) return;
  std::vector<std::int64_t> idx(rank, 0);
  std::array<std::int64_t, K> off{};
  while (true) {
    f(static_cast<const std::array<std::int64_t, K>&>(off));
    std::size_t d = rank;
    while (d > 0) {
      --d;
      if (++idx[d] < shape[d]) {
        for (std::size_t k = 0; k < K; ++k) off[k] += (*strides[k])[d];
        break;
      }
      for (std::size_t k = 0; k < K; ++k) off[k] -= (*strides[k])[d] * (shape[d] - 1);
      idx[d] = 0;
      if (d == 0) return;
    }
    if (rank == 0) return;
  }
}

/// `strides` with entry `d` set to 0: offsets that leave out axis d.
inline Strides without_axis(Strides strides, std::size_t d) {
  strides[d] = 0;
  return strides;
}

/// Throws std::logic_error naming `op` when `t` requires grad while grad mode is on (an
/// in-place change nabla does not record), std::invalid_argument when `t` is an expanded
/// view (stride 0 along an axis of extent > 1): the guard of Tensor::copy_ and kin.
void check_inplace_target(const char* op, const Tensor& t);

}  // namespace nabla::detail

namespace nabla::detail {
/// result[i₀, i₁, …] = x[maps[0][i₀], maps[1][i₁], …], a fresh contiguous tensor of extents
/// maps[d].size() (an empty maps[d] with `identity[d]` keeps axis d as it is), no history.
/// Every map entry must already lie in [0, x.shape[d]).
Tensor axis_map_kernel(const char* op, const Tensor& x,
                       const std::vector<std::vector<std::int64_t>>& maps,
                       const std::vector<bool>& identity);
}  // namespace nabla::detail
