#pragma once
// Internal: walking a piece [lo, hi) of a merged strided layout (core/strided.hpp) in
// row-major order, as runs along the innermost axis, so that threads can each take a
// piece of one elementwise op; and the chunked gather that turns a strided run into a
// dense buffer for the vector kernels.

#include <array>
#include <cstdint>

#include "core/strided.hpp"
#include "kernels/parallel.hpp"

namespace nabla::detail {

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

/// for_each_run over `shape` (numel elements) with operand strides `strides`, the
/// positions split over the kernel threads when there are many.
template <std::size_t K, class F>
void parallel_runs(const Shape& shape, const std::array<const Shape*, K>& strides,
                   std::int64_t numel, F&& run) {
  if (numel == 0) return;
  const RunLayout<K> l = merge_layout<K>(shape, strides);
  parallel_for(numel,
               [&](std::int64_t lo, std::int64_t hi) { for_each_run_in<K>(l, lo, hi, run); });
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
