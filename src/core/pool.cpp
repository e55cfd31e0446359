// The small-object pool: per-thread free lists of blocks in 16-byte size classes up to
// kMaxPooled bytes; larger blocks go straight to malloc.

#include "nabla/detail/pool.hpp"

#include <array>
#include <cstdlib>

namespace nabla::detail {
namespace {

constexpr std::size_t kGranule = 16;
constexpr std::size_t kMaxPooled = 512;
constexpr std::size_t kClasses = kMaxPooled / kGranule + 1;
// A free list longer than this returns blocks to malloc, bounding what a thread keeps.
constexpr std::size_t kMaxFree = std::size_t{1} << 16;

struct FreeBlock {
  FreeBlock* next;
};

// Set when this thread's free lists are gone (thread exit): later frees, from other
// thread-local objects' destructors, go straight to free(). Trivially destructible, so it
// stays readable until the thread's storage is released.
thread_local bool lists_gone = false;

struct FreeLists {
  std::array<FreeBlock*, kClasses> head{};
  std::array<std::size_t, kClasses> count{};
  ~FreeLists() {
    lists_gone = true;
    for (auto* h : head) {
      while (h != nullptr) {
        FreeBlock* next = h->next;
        std::free(h);
        h = next;
      }
    }
  }
};

FreeLists& lists() {
  thread_local FreeLists l;
  return l;
}

std::size_t size_class(std::size_t bytes) {
  return (bytes + kGranule - 1) / kGranule;
}

}  // namespace

void* pool_allocate(std::size_t bytes) {
  if (bytes == 0) bytes = 1;
  if (bytes > kMaxPooled) {
    void* p = std::malloc(bytes);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  const std::size_t c = size_class(bytes);
  if (lists_gone) {
    void* p = std::malloc(c * kGranule);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  FreeLists& l = lists();
  if (FreeBlock* b = l.head[c]) {
    l.head[c] = b->next;
    --l.count[c];
    return b;
  }
  void* p = std::malloc(c * kGranule);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void pool_deallocate(void* p, std::size_t bytes) noexcept {
  if (p == nullptr) return;
  if (bytes == 0) bytes = 1;
  if (bytes > kMaxPooled) {
    std::free(p);
    return;
  }
  const std::size_t c = size_class(bytes);
  if (lists_gone) {
    std::free(p);
    return;
  }
  FreeLists& l = lists();
  if (l.count[c] >= kMaxFree) {
    std::free(p);
    return;
  }
  auto* b = static_cast<FreeBlock*>(p);
  b->next = l.head[c];
  l.head[c] = b;
  ++l.count[c];
}

}  // namespace nabla::detail
