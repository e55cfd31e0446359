#pragma once
// Internal: walking strided layouts. A layout is a shape and, per operand, strides in
// elements. for_each_run visits the elements in row-major order of the shape as runs
// along the innermost axis, after merging the axes that every operand lays out
// contiguously into one (a dense [64, 128] block is one run of 8192), so the per-element
// work is a tight loop over (pointer, count, stride) that the caller writes.
// for_each_tile_in visits a transposed layout (see transposed_layout) in square tiles of
// its last two axes instead, so that both the operand laid out along the rows and the
// ones laid out along the columns are read a few cache lines at a time.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <type_traits>
#include <utility>

#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

#include "nabla/detail/pool.hpp"
#include "nabla/shape.hpp"

namespace nabla::detail {

/// Strides in elements, one per axis. Every tensor has them, so they are allocated from
/// the small-object pool (a thread-local free list) instead of malloc: a small model's
/// training step makes dozens of tensors.
using Strides = std::vector<std::int64_t, PoolAllocator<std::int64_t>>;

/// `s` as a Shape, for messages (shape_str) and the public Tensor::strides().
inline Shape to_shape(const Strides& s) { return Shape(s.begin(), s.end()); }

/// At most this many axes remain after merging; more is refused by the ops that make
/// layouts (no tensor nabla makes has more than 64 dimensions).
inline constexpr std::size_t kMaxDims = 64;

/// A layout of K operands over one shape, with merged axes, innermost last.
template <std::size_t K>
struct RunLayout {
  std::size_t ndim = 0;  // axes after merging; 0 means a single element
  std::array<std::int64_t, kMaxDims> extent{};
  std::array<std::array<std::int64_t, kMaxDims>, K> stride{};
};

/// Merges the axes of `shape` whose strides line up in every operand, drops extent-1
/// axes. `strides[k]` has one entry per axis of `shape`.
template <std::size_t K>
RunLayout<K> merge_layout(const Shape& shape, const std::array<const Strides*, K>& strides) {
  RunLayout<K> l;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    const std::int64_t e = shape[d];
    if (e == 1) continue;
    if (l.ndim > 0) {
      bool mergeable = true;
      for (std::size_t k = 0; k < K; ++k) {
        if (l.stride[k][l.ndim - 1] != (*strides[k])[d] * e) mergeable = false;
      }
      if (mergeable) {
        l.extent[l.ndim - 1] *= e;
        for (std::size_t k = 0; k < K; ++k) l.stride[k][l.ndim - 1] = (*strides[k])[d];
        continue;
      }
    }
    l.extent[l.ndim] = e;
    for (std::size_t k = 0; k < K; ++k) l.stride[k][l.ndim] = (*strides[k])[d];
    ++l.ndim;
  }
  return l;
}

/// Calls run(offsets, n, inner_strides) for the runs covering row-major positions
/// [lo, hi) of layout `l` (see for_each_run); a run may be cut at lo and hi.
template <std::size_t K, class F>
void for_each_run_in(const RunLayout<K>& l, std::int64_t lo, std::int64_t hi, F&& run) {
  std::array<std::int64_t, K> off{};
  std::array<std::int64_t, K> inner{};
  if (lo >= hi) return;
  if (l.ndim == 0) {
    run(off, std::int64_t{1}, inner);
    return;
  }
  const std::size_t last = l.ndim - 1;
  for (std::size_t k = 0; k < K; ++k) inner[k] = l.stride[k][last];
  std::array<std::int64_t, kMaxDims> idx{};
  std::int64_t rem = lo;
  for (std::size_t d = l.ndim; d-- > 0;) {
    idx[d] = rem % l.extent[d];
    rem /= l.extent[d];
    for (std::size_t k = 0; k < K; ++k) off[k] += idx[d] * l.stride[k][d];
  }
  std::int64_t pos = lo;
  for (;;) {
    const std::int64_t n = std::min(l.extent[last] - idx[last], hi - pos);
    run(off, n, inner);
    pos += n;
    if (pos >= hi) return;
    // The run reached the end of the innermost axis: back to its start, then odometer.
    for (std::size_t k = 0; k < K; ++k) off[k] -= idx[last] * inner[k];
    idx[last] = 0;
    std::size_t d = last;
    for (;;) {
      --d;  // pos < hi guarantees an outer axis is left to advance
      ++idx[d];
      for (std::size_t k = 0; k < K; ++k) off[k] += l.stride[k][d];
      if (idx[d] < l.extent[d]) break;
      for (std::size_t k = 0; k < K; ++k) off[k] -= l.stride[k][d] * l.extent[d];
      idx[d] = 0;
    }
  }
}

/// The side of a tile of for_each_tile_in: a 64 × 64 tile of float32 is 16 KiB, which
/// with the lines it reads and writes stays in a 32 KiB L1 cache.
inline constexpr std::int64_t kTile = 64;

/// dst[c·dld + r] = src[r·sld + c] for r < rows, c < cols: a block of a row-major matrix
/// (rows sld apart) written out transposed (rows dld apart). The lines of both sides of a
/// kTile × kTile block stay in L1 while it runs. float32 moves 4 × 4 at a time and
/// float64 2 × 2 through SSE registers (part of every x86-64), the rest one at a time;
/// values are copied, never computed, so the result is the same either way.
template <class T>
void transpose_block(const T* src, std::int64_t sld, T* dst, std::int64_t dld, std::int64_t rows,
                     std::int64_t cols) {
  std::int64_t r = 0;
#if defined(__SSE2__)
  if constexpr (std::is_same_v<T, float>) {
    for (; r + 4 <= rows; r += 4) {
      const float* s = src + r * sld;
      std::int64_t c = 0;
      for (; c + 4 <= cols; c += 4) {
        __m128 a0 = _mm_loadu_ps(s + c), a1 = _mm_loadu_ps(s + sld + c);
        __m128 a2 = _mm_loadu_ps(s + 2 * sld + c), a3 = _mm_loadu_ps(s + 3 * sld + c);
        _MM_TRANSPOSE4_PS(a0, a1, a2, a3);
        float* d = dst + c * dld + r;
        _mm_storeu_ps(d, a0);
        _mm_storeu_ps(d + dld, a1);
        _mm_storeu_ps(d + 2 * dld, a2);
        _mm_storeu_ps(d + 3 * dld, a3);
      }
      for (; c < cols; ++c) {
        for (std::int64_t k = 0; k < 4; ++k) dst[c * dld + r + k] = s[k * sld + c];
      }
    }
  } else if constexpr (std::is_same_v<T, double>) {
    for (; r + 2 <= rows; r += 2) {
      const double* s = src + r * sld;
      std::int64_t c = 0;
      for (; c + 2 <= cols; c += 2) {
        const __m128d a0 = _mm_loadu_pd(s + c), a1 = _mm_loadu_pd(s + sld + c);
        double* d = dst + c * dld + r;
        _mm_storeu_pd(d, _mm_unpacklo_pd(a0, a1));
        _mm_storeu_pd(d + dld, _mm_unpackhi_pd(a0, a1));
      }
      for (; c < cols; ++c) {
        dst[c * dld + r] = s[c];
        dst[c * dld + r + 1] = s[sld + c];
      }
    }
  }
#endif
  for (; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) dst[c * dld + r] = src[r * sld + c];
  }
}

/// Whether `l` is better walked in tiles than in runs: some operand steps further along
/// the innermost axis than along the one before it, as x.t() of a row-major matrix
/// (strides (1, n)) does. A run of it reads one cache line per element, and each line is
/// read again for the next run, long after it left the cache.
template <std::size_t K>
bool transposed_layout(const RunLayout<K>& l) {
  if (l.ndim < 2) return false;
  for (std::size_t k = 0; k < K; ++k) {
    const std::int64_t cols = std::abs(l.stride[k][l.ndim - 1]);
    if (cols > 1 && std::abs(l.stride[k][l.ndim - 2]) < cols) return true;
  }
  return false;
}

/// The number of tiles for_each_tile_in cuts layout `l` (at least 2 axes) into.
template <std::size_t K>
std::int64_t tile_count(const RunLayout<K>& l) {
  std::int64_t n = 1;
  for (std::size_t d = 0; d + 2 < l.ndim; ++d) n *= l.extent[d];
  const auto tiles = [](std::int64_t e) { return (e + kTile - 1) / kTile; };
  return n * tiles(l.extent[l.ndim - 2]) * tiles(l.extent[l.ndim - 1]);
}

/// Calls tile(offsets, rows, cols, row_strides, col_strides) for tiles [lo, hi) of layout
/// `l` (at least 2 axes): its last two axes (rows and columns) are cut into kTile × kTile
/// tiles, row-major, and the tiles of each position of the axes before them come in
/// row-major order of those axes. `offsets[k]` is operand k's offset of the tile's first
/// element, `rows` × `cols` (each at most kTile) its extent, and element (r, c) of the
/// tile is at offsets[k] + r·row_strides[k] + c·col_strides[k].
template <std::size_t K, class F>
void for_each_tile_in(const RunLayout<K>& l, std::int64_t lo, std::int64_t hi, F&& tile) {
  const std::size_t rd = l.ndim - 2, cd = l.ndim - 1;
  const std::int64_t row_tiles = (l.extent[rd] + kTile - 1) / kTile;
  const std::int64_t col_tiles = (l.extent[cd] + kTile - 1) / kTile;
  std::array<std::int64_t, K> rs{}, cs{};
  for (std::size_t k = 0; k < K; ++k) {
    rs[k] = l.stride[k][rd];
    cs[k] = l.stride[k][cd];
  }
  for (std::int64_t t = lo; t < hi; ++t) {
    const std::int64_t ct = t % col_tiles, rt = (t / col_tiles) % row_tiles;
    std::int64_t outer = t / col_tiles / row_tiles;  // a position of the axes before
    std::array<std::int64_t, K> off{};
    for (std::size_t d = rd; d-- > 0;) {
      const std::int64_t i = outer % l.extent[d];
      outer /= l.extent[d];
      for (std::size_t k = 0; k < K; ++k) off[k] += i * l.stride[k][d];
    }
    for (std::size_t k = 0; k < K; ++k) off[k] += rt * kTile * rs[k] + ct * kTile * cs[k];
    tile(off, std::min(kTile, l.extent[rd] - rt * kTile),
         std::min(kTile, l.extent[cd] - ct * kTile), rs, cs);
  }
}

/// Calls run(offsets, n, inner_strides) for every run of the layout, where `offsets[k]`
/// is operand k's element offset (from its element 0) of the run's first element, `n`
/// the run's length and `inner_strides[k]` operand k's stride along it. Runs come in
/// row-major order of the shape. Nothing is called for a shape with no elements.
template <std::size_t K, class F>
void for_each_run(const Shape& shape, const std::array<const Strides*, K>& strides, F&& run) {
  std::int64_t numel = 1;
  for (const std::int64_t e : shape) numel *= e;
  if (numel == 0) return;
  for_each_run_in<K>(merge_layout<K>(shape, strides), 0, numel, std::forward<F>(run));
}

}  // namespace nabla::detail
