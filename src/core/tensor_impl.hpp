#pragma once
// Internal: what a Tensor handle points at. Values (Storage) and autograd bookkeeping
// (AutogradMeta) are separate objects so that graph edges, which point at bookkeeping,
// never keep values alive.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "nabla/autograd.hpp"
#include "nabla/detail/pool.hpp"
#include "nabla/tensor.hpp"

namespace nabla::detail {

/// A contiguous buffer of values and its in-place version counter. Buffers of up to
/// kInlineBytes live inside the Storage object itself, so a scalar tensor costs one
/// allocation for its storage.
struct Storage {
  static constexpr std::size_t kInlineBytes = 32;
  explicit Storage(std::size_t nbytes);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data = nullptr;
  std::size_t nbytes = 0;
  std::uint64_t version = 0;
  // Not over-aligned (that would force aligned operator new); heap buffers are 64-byte
  // aligned for SIMD.
  alignas(16) std::byte inline_buf[kInlineBytes];
};

/// What debug::live_counts() reports (defined in tensor.cpp; Node's constructor and
/// destructor keep live_nodes).
extern std::atomic<std::int64_t> live_nodes;
extern std::atomic<std::int64_t> live_storages;

struct AutogradMeta {
  // The backward pass accumulating into this leaf's grad (0 when none): two at once, from
  // two threads training one model, are refused instead of racing on grad.
  std::atomic<std::uint64_t> claim{0};
  bool requires_grad = false;
  bool retains_grad = false;
  Tensor grad;
  std::shared_ptr<Node> grad_fn;
  std::string name;
};

struct TensorImpl {
  Shape shape;
  std::int64_t numel = 0;
  Dtype dtype = Dtype::f32;
  std::shared_ptr<Storage> storage;
  std::shared_ptr<AutogradMeta> meta;  // null for tensors that never touched autograd
  ~TensorImpl();
};

/// make_shared over the small-object pool.
template <class T, class... A>
std::shared_ptr<T> make_pooled(A&&... args) {
  return std::allocate_shared<T>(PoolAllocator<T>{}, std::forward<A>(args)...);
}

/// A new tensor of `shape` with fresh, uninitialized storage. Throws std::invalid_argument
/// naming `op` for a negative extent or an element or byte count that overflows, and
/// nabla::OutOfMemoryError naming `op`, the shape and the bytes when the memory cannot be had.
Tensor make_tensor(Shape shape, Dtype dtype, const char* op = "empty");
/// A tensor aliasing `src`'s storage with another shape of the same numel, no history.
Tensor alias_with_shape(const Tensor& src, Shape shape);

template <class T>
inline T* data_ptr(const Tensor& t) {
  return static_cast<T*>(t.impl()->storage->data);
}

/// Calls f(T{}) with T = float or double according to `dtype`.
template <class F>
decltype(auto) dispatch(Dtype dtype, F&& f) {
  if (dtype == Dtype::f32) return f(float{});
  return f(double{});
}

/// Throws std::invalid_argument naming `op` when the dtypes differ.
void check_same_dtype(const char* op, const Tensor& a, const Tensor& b);
/// Throws std::invalid_argument naming `op` when `t` is undefined.
void check_defined(const char* op, const Tensor& t, const char* arg = "input");

/// Releases graph objects iteratively: a destructor that would release a long chain
/// hands the next links to this queue instead of recursing, so dropping a graph of 10⁶
/// nodes does not overflow the stack.
void defer_release(std::shared_ptr<Node>&& node) noexcept;
void defer_release(std::shared_ptr<TensorImpl>&& impl) noexcept;

}  // namespace nabla::detail
