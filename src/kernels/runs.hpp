#pragma once
// Internal: the strided walk of core/strided.hpp split over the kernel threads (each takes
// a piece [lo, hi) of one op, via for_each_run_in or for_each_tile_in), and the gathers
// that turn a strided run, or a tile of a transposed operand, into a dense buffer for the
// vector kernels.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>

#include "core/strided.hpp"
#include "kernels/parallel.hpp"

namespace nabla::detail {

/// for_each_run over `shape` (numel elements) with operand strides `strides`, the
/// positions split over the kernel threads when there are many; except that a transposed
/// layout (core/strided.hpp, transposed_layout) is walked in tiles instead, calling
/// tile(offsets, rows, cols, row_strides, col_strides) for each, split over the threads
/// by whole tiles (every element is still computed by one thread, as the
/// same function of its inputs, so the values do not depend on the split).
template <std::size_t K, class Run, class Tile>
void parallel_walk(const Shape& shape, const std::array<const Strides*, K>& strides,
                   std::int64_t numel, Run&& run, Tile&& tile) {
  if (numel == 0) return;
  const RunLayout<K> l = merge_layout<K>(shape, strides);
  if (transposed_layout(l)) {
    parallel_for(
        tile_count(l),
        [&](std::int64_t lo, std::int64_t hi) { for_each_tile_in<K>(l, lo, hi, tile); },
        std::max<std::int64_t>(1, kParallelGrain / (kTile * kTile)));
    return;
  }
  parallel_for(numel,
               [&](std::int64_t lo, std::int64_t hi) { for_each_run_in<K>(l, lo, hi, run); });
}

/// Copies the rows × cols tile at p (element (r, c) at p[r·rs + c·cs]) into buf, row-major
/// with rows kTile apart. It reads along whichever of p's axes is the denser (the writes
/// land in buf, which stays in L1 either way).
template <class T>
void gather_tile(const T* p, std::int64_t rs, std::int64_t cs, std::int64_t rows, std::int64_t cols,
                 T* buf) {
  if (rs == 1) {  // x.t() of a row-major matrix: its columns are rows of memory
    transpose_block(p, cs, buf, kTile, cols, rows);
  } else if (std::abs(rs) < std::abs(cs)) {
    for (std::int64_t c = 0; c < cols; ++c) {
      for (std::int64_t r = 0; r < rows; ++r) buf[r * kTile + c] = p[r * rs + c * cs];
    }
  } else {
    for (std::int64_t r = 0; r < rows; ++r) {
      for (std::int64_t c = 0; c < cols; ++c) buf[r * kTile + c] = p[r * rs + c * cs];
    }
  }
}

/// Values per gathered chunk: small enough for the stack and L1.
inline constexpr std::int64_t kGatherChunk = 512;

/// Calls body(dense, j, m) for pieces [j, j+m) of the strided run p[0], p[s], ...,
/// p[(n-1)s], `dense` holding the m values; a unit-stride run is passed through whole.
template <class T, class F>
void gathered(const T* p, std::int64_t s, std::int64_t n, F&& body) {
  if (s == 1) {
    body(p, std::int64_t{0}, n);
    return;
  }
  T buf[kGatherChunk];
  for (std::int64_t j = 0; j < n; j += kGatherChunk) {
    const std::int64_t m = std::min(kGatherChunk, n - j);
    for (std::int64_t i = 0; i < m; ++i) buf[i] = p[(j + i) * s];
    body(static_cast<const T*>(buf), j, m);
  }
}

}  // namespace nabla::detail
