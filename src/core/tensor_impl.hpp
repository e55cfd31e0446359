#pragma once
// Internal: what a Tensor handle points at. Values (Storage) and autograd bookkeeping
// (AutogradMeta) are separate objects so that graph edges, which point at bookkeeping,
// never keep values alive.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>

#include "core/strided.hpp"
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
/// Frees the buffers Storage keeps for reuse; returns their bytes (storage.cpp).
std::size_t release_cached_buffers();

struct HookList;  // autograd/hooks.hpp

struct AutogradMeta {
  // The backward pass accumulating into this leaf's grad (0 when none): two at once, from
  // two threads training one model, are refused instead of racing on grad.
  std::atomic<std::uint64_t> claim{0};
  bool requires_grad = false;
  bool retains_grad = false;
  Tensor grad;
  std::shared_ptr<Node> grad_fn;
  std::uint32_t output_nr = 0;  // which of grad_fn's outputs this tensor is
  std::string name;
  std::shared_ptr<HookList> hooks;  // register_hook() of a leaf (autograd/hooks.hpp)
};

/// A tensor: `shape` and `strides` (in elements, one per dimension) over `storage`,
/// starting `offset` elements in. Element (i₀, i₁, ...) is at
/// offset + Σ iₖ·strides[k]. Views share the storage (and so its version counter).
struct TensorImpl {
  Shape shape;
  Strides strides;
  std::int64_t offset = 0;
  std::int64_t numel = 0;
  Dtype dtype = Dtype::f32;
  bool contiguous = true;  // row-major dense from offset: strides are contiguous_strides(shape)
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
/// Row-major strides of `shape`: the last axis has stride 1.
Strides contiguous_strides(const Shape& shape);
/// True when `strides` lay `shape` out row-major and dense. Axes of extent 1 may have any
/// stride, and a tensor with no elements is contiguous (as PyTorch).
bool is_contiguous_layout(const Shape& shape, const Strides& strides);
/// A tensor over `src`'s storage with another shape, strides and offset, no history.
/// The caller guarantees that every element it addresses lies inside the storage.
Tensor make_view(const Tensor& src, Shape shape, Strides strides, std::int64_t offset);

/// A tensor over t's storage with t's shape, strides and offset, no history.
Tensor alias_of(const Tensor& t);

/// Pointer to element 0 of `t`, whatever its strides: for kernels that walk the strides.
template <class T>
inline T* base_ptr(const Tensor& t) {
  const TensorImpl& impl = *t.impl();
  return static_cast<T*>(impl.storage->data) + impl.offset;
}

/// Throws std::logic_error (an internal error) naming the caller when `t` is not
/// contiguous: no kernel may read a view's memory as if it were dense.
[[noreturn]] void throw_not_contiguous(const Tensor& t);

/// Pointer to the first of numel() dense values. `t` must be contiguous (a freshly made
/// tensor or the result of dense()); anything else is a bug in nabla and throws.
template <class T>
inline T* data_ptr(const Tensor& t) {
  if (!t.impl()->contiguous) [[unlikely]]
    throw_not_contiguous(t);
  return base_ptr<T>(t);
}

/// A contiguous copy of t's values with storage of its own, no history.
Tensor copy_of(const Tensor& t);

/// `t` itself when contiguous, else a contiguous copy of its values (no history): for
/// kernels that have no strided path yet.
inline Tensor dense(const Tensor& t) {
  if (t.impl()->contiguous) [[likely]]
    return t;
  return copy_of(t);
}
/// `t` seen in the broadcast shape `shape` without copying: stride 0 along the axes it
/// repeats (leading axes included). `t.shape()` must broadcast to `shape`.
Tensor expand_view(const Tensor& t, const Shape& shape);

/// `value` as a T for a factory or fill named `op`: to bool, nonzero is true; to an
/// integer, truncated toward zero, and std::invalid_argument naming `op` when it is NaN,
/// infinite or out of T's range (PyTorch: "value cannot be converted without overflow").
template <class T>
T checked_value(double value, const char* op);

/// Copies src's values into dst element by element, converting the dtype (see convert).
/// Both have the same shape; either may have any strides (src may be an expanded view).
void copy_values(const Tensor& dst, const Tensor& src);

/// One value converted to D as nabla's casts do: to bool, nonzero is true; floating to
/// integer truncates toward zero and saturates at the integer's range, NaN giving 0
/// (C++ leaves those cases undefined; PyTorch's results there are unspecified);
/// integer to a narrower integer wraps modulo 2ⁿ, as PyTorch.
template <class D, class S>
inline D convert(S v) {
  if constexpr (std::is_same_v<D, bool>) {
    return v != S{};
  } else if constexpr (std::is_integral_v<D> && std::is_floating_point_v<S>) {
    if (!(v == v)) return D{0};
    constexpr auto lo = static_cast<S>(std::numeric_limits<D>::min());
    // The first value past the range, exact as a power of two.
    constexpr S hi = static_cast<S>(std::numeric_limits<D>::max() / 2 + 1) * S{2};
    if (v <= lo) return std::numeric_limits<D>::min();
    if (v >= hi) return std::numeric_limits<D>::max();
    return static_cast<D>(v);
  } else {
    return static_cast<D>(v);
  }
}

/// Calls f(T{}) with T the C++ element type of `dtype`: float, double, std::int64_t,
/// std::int32_t, std::uint8_t or bool.
template <class F>
decltype(auto) dispatch(Dtype dtype, F&& f) {
  switch (dtype) {
    case Dtype::f32:
      return f(float{});
    case Dtype::f64:
      return f(double{});
    case Dtype::i64:
      return f(std::int64_t{});
    case Dtype::i32:
      return f(std::int32_t{});
    case Dtype::u8:
      return f(std::uint8_t{});
    case Dtype::bool_:
      return f(bool{});
  }
  return f(float{});  // unreachable: the switch covers the closed set
}

/// Throws std::invalid_argument naming `op` and the dtype when `dtype` is not floating.
[[noreturn]] void throw_not_floating(const char* op, Dtype dtype, const char* arg);

/// Calls f(T{}) with T = float or double for a floating `dtype`; for an integer or bool
/// dtype throws std::invalid_argument naming `op`: the one place a float-only op says so.
template <class F>
decltype(auto) dispatch_floating(const char* op, Dtype dtype, F&& f, const char* arg = "input") {
  switch (dtype) {
    case Dtype::f32:
      return f(float{});
    case Dtype::f64:
      return f(double{});
    case Dtype::i64:
    case Dtype::i32:
    case Dtype::u8:
    case Dtype::bool_:
      break;
  }
  throw_not_floating(op, dtype, arg);
}

/// Throws std::invalid_argument naming `op` unless `t` is float32 or float64.
inline void check_floating(const char* op, const Tensor& t, const char* arg = "input") {
  if (!is_floating_point(t.dtype())) throw_not_floating(op, t.dtype(), arg);
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
