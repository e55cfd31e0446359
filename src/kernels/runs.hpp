#pragma once
// Internal: the strided walk of core/strided.hpp split over the kernel threads (each takes
// a piece [lo, hi) of one op, via for_each_run_in), and the chunked gather that turns a
// strided run into a dense buffer for the vector kernels.

#include <array>
#include <cstdint>

#include "core/strided.hpp"
#include "kernels/parallel.hpp"

namespace nabla::detail {

/// for_each_run over `shape` (numel elements) with operand strides `strides`, the
/// positions split over the kernel threads when there are many.
template <std::size_t K, class F>
void parallel_runs(const Shape& shape, const std::array<const Strides*, K>& strides,
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
