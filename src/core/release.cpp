// Iterative release of graph objects: a destructor that would release a long chain hands
// the next links to a queue instead of recursing, so dropping a graph of 10⁶ nodes does not
// overflow the stack.

#include <memory>
#include <vector>

#include "core/tensor_impl.hpp"

namespace nabla::detail {

namespace {
// The list being drained on this thread, or null. It lives on the stack of the outermost
// defer() call, not in a thread_local object: a static-lifetime Tensor that holds a graph is
// destroyed after this thread's thread_local objects, and must still find a working queue.
// A raw pointer is trivially destructible, so it stays readable until the thread ends.
thread_local std::vector<std::shared_ptr<void>>* active_drain = nullptr;

template <class T>
void defer(std::shared_ptr<T>&& p) noexcept {
  if (!p) return;
  if (p.use_count() > 1) {  // someone else keeps it alive: dropping ours cannot cascade
    p.reset();
    return;
  }
  if (active_drain != nullptr) {  // inside a release already: queue it, the loop below frees it
    try {
      active_drain->push_back(std::move(p));
    } catch (...) {
      p.reset();  // out of memory: release directly (recursion is the lesser evil)
    }
    return;
  }
  std::vector<std::shared_ptr<void>> items;
  active_drain = &items;
  p.reset();  // may queue more items; they are released by this loop, not recursion
  while (!items.empty()) {
    std::shared_ptr<void> item = std::move(items.back());
    items.pop_back();
    item.reset();
  }
  active_drain = nullptr;
}
}  // namespace

void defer_release(std::shared_ptr<Node>&& node) noexcept {
  defer(std::move(node));
}
void defer_release(std::shared_ptr<TensorImpl>&& impl) noexcept {
  defer(std::move(impl));
}

}  // namespace nabla::detail
