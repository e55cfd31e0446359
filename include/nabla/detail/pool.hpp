#pragma once
/// \file detail/pool.hpp
/// Internal: a thread-local pool for the small objects every op allocates (tensor
/// handles, graph nodes, edge lists). Recording an op allocates a handful of them and a
/// backward frees them in bulk, a pattern that overflows malloc's per-thread cache; the
/// pool keeps freed blocks on per-size free lists instead.

#include <cstddef>
#include <new>

namespace nabla::detail {

/// Returns a block of at least `bytes` bytes, aligned for any standard type.
void* pool_allocate(std::size_t bytes);
/// Returns a block from pool_allocate; `bytes` must be the size it was asked for. A block
/// may be freed by another thread than the one that allocated it.
void pool_deallocate(void* p, std::size_t bytes) noexcept;

/// A standard allocator over the pool, for std::allocate_shared and containers.
template <class T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() noexcept = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}  // NOLINT: allocators convert
  T* allocate(std::size_t n) {
    static_assert(alignof(T) <= alignof(std::max_align_t), "over-aligned types need new");
    return static_cast<T*>(pool_allocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { pool_deallocate(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const PoolAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace nabla::detail
