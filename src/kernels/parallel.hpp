#pragma once
// Internal: splitting a range of work over nabla's kernel threads (a small persistent pool
// of std::threads; see nabla/threads.hpp for the count).

#include <algorithm>
#include <cstdint>
#include <type_traits>

namespace nabla::detail {

/// Below this many elements per thread, splitting costs more than it saves (measured on
/// float32 add and exp: waking a thread costs about as much as 2¹⁵ adds).
inline constexpr std::int64_t kParallelGrain = std::int64_t{1} << 15;

/// A callable on [lo, hi), type-erased without allocating.
struct RangeFn {
  void* ctx;
  void (*call)(void* ctx, std::int64_t lo, std::int64_t hi);
};

/// Runs fn over [0, n) split into `chunks` contiguous pieces, on the pool's threads and the
/// caller's. Runs everything on the caller's thread when chunks ≤ 1, when the pool is
/// busy with another caller's work, or when called from a pool thread.
void run_parallel(std::int64_t n, std::int64_t chunks, RangeFn fn);

/// The number of kernel threads (get_num_threads()).
int kernel_threads();

/// f(lo, hi) over [0, n), split over the threads when n is large: pieces of at least
/// `grain` elements, at most one per thread.
template <class F>
void parallel_for(std::int64_t n, F&& f, std::int64_t grain = kParallelGrain) {
  if (n < 2 * grain) {
    if (n > 0) f(std::int64_t{0}, n);
    return;
  }
  const std::int64_t chunks =
      std::min<std::int64_t>(kernel_threads(), n / std::max<std::int64_t>(grain, 1));
  if (chunks <= 1) {
    if (n > 0) f(std::int64_t{0}, n);
    return;
  }
  using Fn = std::remove_reference_t<F>;
  run_parallel(n, chunks,
               RangeFn{const_cast<void*>(static_cast<const void*>(&f)),
                       [](void* ctx, std::int64_t lo, std::int64_t hi) {
                         (*static_cast<Fn*>(ctx))(lo, hi);
                       }});
}

}  // namespace nabla::detail
