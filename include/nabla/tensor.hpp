#pragma once
/// \file tensor.hpp
/// The Tensor handle, its factories and the seeded random generator.

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "nabla/dtype.hpp"
#include "nabla/errors.hpp"
#include "nabla/shape.hpp"

namespace nabla {

class Node;
class Tensor;

namespace indexing {
class TensorIndex;
}  // namespace indexing

namespace detail {
struct Storage;
struct AutogradMeta;
struct TensorImpl;
class Engine;
}  // namespace detail

/// A seeded pseudo-random generator. The same seed gives the same numbers on every
/// platform: normal variates come from nabla's own Box-Muller transform over a 64-bit
/// Mersenne twister, not from the standard library's implementation-defined distributions.
///
/// Thread-safe, as PyTorch's generators are: every draw takes the generator's lock, so
/// threads sharing one generator (the default one, say) each get a valid stream, though
/// which thread gets which numbers then depends on scheduling. For many draws at once,
/// `locked(f)` takes the lock once and hands `f` an unlocked view. For reproducible
/// multi-threaded runs give each thread its own Generator.
class Generator {
 public:
  /// Draws on a generator whose lock the caller holds (see locked()).
  class Unlocked {
   public:
    double uniform() { return gen_.uniform_unlocked(); }
    double normal() { return gen_.normal_unlocked(); }
    std::uint64_t integer(std::uint64_t n) { return gen_.integer_unlocked(n); }

   private:
    friend class Generator;
    explicit Unlocked(Generator& gen) : gen_(gen) {}
    Generator& gen_;
  };

  /// A generator seeded with `seed`.
  explicit Generator(std::uint64_t seed = 0x9E3779B97F4A7C15ull) : engine_(seed) {}
  /// A copy of `other`'s state (it continues the same stream), with a lock of its own.
  Generator(const Generator& other);
  Generator& operator=(const Generator& other);
  /// Reseeds the generator.
  void manual_seed(std::uint64_t seed);
  /// A uniform double in [0, 1).
  double uniform();
  /// A standard normal double.
  double normal();
  /// A uniform integer in [0, n). Throws std::invalid_argument for n = 0.
  std::uint64_t integer(std::uint64_t n);
  /// Calls f(Unlocked&) with the lock held: many draws for the price of one lock.
  template <class F>
  decltype(auto) locked(F&& f) {
    std::lock_guard<std::mutex> lock(mutex_);
    Unlocked draw(*this);
    return std::forward<F>(f)(draw);
  }

 private:
  double uniform_unlocked();
  double normal_unlocked();
  std::uint64_t integer_unlocked(std::uint64_t n);

  mutable std::mutex mutex_;
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

/// The process-wide default generator, used by factories, layers and Dropout called
/// without one. Safe to use from several threads (see Generator).
Generator& default_generator();

/// Reseeds the default generator (PyTorch's `torch::manual_seed`).
void manual_seed(std::uint64_t seed);

/// What a hook registration returns (Tensor::register_hook, the module hooks of nn.hpp):
/// remove() takes the hook away. Dropping the handle keeps the hook, as in PyTorch.
class RemovableHandle {
 public:
  RemovableHandle() = default;
  explicit RemovableHandle(std::function<void()> remover) : remover_(std::move(remover)) {}
  /// Removes the hook; a second call, or a call after the tensor or module is gone, does
  /// nothing.
  void remove() {
    if (auto r = std::exchange(remover_, nullptr)) r();
  }

 private:
  std::function<void()> remover_;
};

/// A gradient hook: given ∂L/∂t, returns a replacement of the same shape and dtype, or an
/// undefined tensor to keep the gradient as it is.
using GradHook = std::function<Tensor(const Tensor&)>;

/// A hook on a leaf run after its grad() has taken a backward's gradient (given the leaf).
using PostAccumulateGradHook = std::function<void(Tensor&)>;

/// A handle to an n-dimensional array of values (float32, float64, int64, int32, uint8 or
/// bool) that, when floating, can take part in reverse-mode automatic differentiation.
///
/// Tensors are cheap to copy: copies alias the same values and the same autograd
/// bookkeeping, as in PyTorch. A default-constructed Tensor is *undefined* (`defined()`
/// is false), which is what `grad()` returns before any backward.
///
/// A tensor is a shape and strides over a shared storage: views (t(), select, narrow,
/// expand, ...) are new handles over the same values, no copy. The values and the
/// autograd bookkeeping live in separate objects, so a graph that keeps a tensor's
/// bookkeeping alive does not keep its values alive unless an op saved them for its
/// backward.
class Tensor {
 public:
  /// An undefined tensor.
  Tensor() = default;

  // ---- shape and type ------------------------------------------------------------
  /// True unless default-constructed (or reset).
  bool defined() const noexcept { return impl_ != nullptr; }
  /// The extents, outermost first; `{}` for a scalar.
  const Shape& shape() const;
  /// Extent of dimension `d` (negative counts from the end). Throws std::out_of_range.
  std::int64_t size(std::int64_t d) const;
  /// Number of dimensions (0 for a scalar).
  std::int64_t dim() const;
  /// Number of elements.
  std::int64_t numel() const;
  /// Element type.
  Dtype dtype() const;
  /// Strides in elements, one per dimension: element (i₀, i₁, ...) is at
  /// storage_offset() + Σ iₖ·strides()[k] in the storage. A fresh tensor is row-major
  /// ([2,3] has strides [3,1]); views (t(), narrow, expand, ...) have others.
  Shape strides() const;
  /// Stride of dimension `d` (negative counts from the end). Throws std::out_of_range.
  std::int64_t stride(std::int64_t d) const;
  /// Offset in elements of element 0 from the start of the storage.
  std::int64_t storage_offset() const;
  /// True when the values are numel() consecutive elements in row-major order (strides
  /// as a fresh tensor's; extent-1 axes may have any stride, and empty tensors count).
  bool is_contiguous() const;
  /// True when both tensors view the same storage (a view and its base, two views).
  bool is_same_storage(const Tensor& other) const;

  // ---- values --------------------------------------------------------------------
  /// The single value of a one-element tensor, converted to T (float, double,
  /// std::int64_t, int, std::uint8_t or bool), as PyTorch's `item()` converts: a bool
  /// tensor gives 0 or 1, `item<bool>()` is "nonzero". Throws std::invalid_argument when
  /// the tensor has more than one element, or the value does not fit an integer T (NaN,
  /// ±inf, out of range).
  template <class T>
  T item() const;
  /// Pointer to the first of numel() contiguous values. Throws std::invalid_argument when
  /// T does not match dtype(), or when the tensor is a non-contiguous view (call
  /// contiguous() first: a view's elements are not consecutive in memory).
  template <class T>
  const T* data() const;
  /// Writable pointer to the values. Writing through it does not bump the version
  /// counter; use the in-place methods (add_, copy_, ...) on tensors a graph may have saved.
  template <class T>
  T* mutable_data();
  /// The values in row-major order as a std::vector<double> (a copy, whatever the
  /// strides), convenient in tests and tools.
  std::vector<double> to_vector() const;
  /// A copy converted to `dtype` (differentiable: the gradient is converted back).
  /// Returns *this when the dtype already matches.
  Tensor to(Dtype dtype) const;
  /// A copy with its own storage that keeps the autograd history (differentiable).
  Tensor clone() const;

  // ---- autograd ------------------------------------------------------------------
  /// Marks a leaf as needing its gradient (`.grad()` after backward). Throws
  /// std::logic_error on a non-leaf, whose requires_grad follows from its inputs, and
  /// std::invalid_argument on an integer or bool tensor (only floating tensors have
  /// gradients).
  Tensor& requires_grad_(bool requires_grad = true);
  /// True when gradients flow to or through this tensor.
  bool requires_grad() const;
  /// The accumulated gradient of a leaf (or of a tensor that called retain_grad()),
  /// undefined until a backward reaches it.
  Tensor grad() const;
  /// Replaces the stored gradient (undefined clears it).
  void set_grad(const Tensor& grad);
  /// Clears the accumulated gradient (PyTorch's `set_to_none` behaviour).
  void zero_grad();
  /// The node that produced this tensor, or null for a leaf or a tensor without history.
  std::shared_ptr<Node> grad_fn() const;
  /// True when the tensor was not produced by a recorded op (every tensor that does not
  /// require grad is a leaf, as in PyTorch).
  bool is_leaf() const;
  /// Keeps this non-leaf tensor's gradient in grad() at the next backward.
  void retain_grad();
  /// Registers `hook` to run on this tensor's gradient in every later backward (and
  /// nabla::grad) that reaches it, as PyTorch's Tensor.register_hook: the hook gets ∂L/∂t
  /// once it is complete (summed over every use of t) and may return a replacement of
  /// the same shape and dtype, which is then what flows on (into t's grad_fn, or into a
  /// leaf's grad(), or what retain_grad keeps); an undefined return keeps the gradient.
  /// Several hooks run in registration order, each on the previous one's result. A
  /// hook that only looks may return void. Throws std::logic_error when the tensor does
  /// not require grad; a hook returning another shape or dtype makes the backward throw
  /// std::runtime_error naming the op. The hook belongs to the graph node (for a leaf,
  /// to the leaf), so it runs even when this handle is gone.
  RemovableHandle register_hook(GradHook hook);
  /// Registers `hook` to run, with this leaf, right after a backward has added its
  /// gradient into grad() (PyTorch's register_post_accumulate_grad_hook): as soon as every
  /// gradient into the leaf has arrived, while the rest of the graph is still being
  /// differentiated, so a hook may start work on the finished grad() (an optimizer step
  /// per parameter, a gradient all-reduce) that overlaps the rest of the backward.
  /// Runs in Tensor::backward only (nabla::grad writes no grad()). Throws std::logic_error
  /// on a tensor that is not a leaf requiring grad.
  RemovableHandle register_post_accumulate_grad_hook(PostAccumulateGradHook hook);
  // (clang-format 14 mangles requires-clauses.)
  // clang-format off
  /// register_hook for a hook returning void (it observes, it keeps the gradient).
  template <class F>
    requires std::invocable<F&, const Tensor&> &&
             std::is_void_v<std::invoke_result_t<F&, const Tensor&>>
  RemovableHandle register_hook(F hook) {
    return register_hook(GradHook([h = std::move(hook)](const Tensor& g) mutable {
      h(g);
      return Tensor();
    }));
  }
  // clang-format on
  /// Computes the gradients of this tensor with respect to every leaf that requires grad
  /// and accumulates them into their grad().
  ///
  /// `grad_output` is ∂L/∂this, of this tensor's shape; it may be omitted only for a
  /// one-element tensor (it is then 1). Unless `retain_graph` is set, the graph's saved
  /// tensors are freed as the backward goes, and a second backward through it throws.
  /// With `create_graph` the backward itself is recorded, so the gradients can be
  /// differentiated again (implies retain_graph). Throws std::runtime_error when this
  /// tensor does not require grad, or std::invalid_argument on a missing or mis-shaped
  /// grad_output.
  void backward(const Tensor& grad_output = Tensor(), bool retain_graph = false,
                bool create_graph = false) const;
  /// A tensor sharing these values with no autograd history (requires_grad false).
  Tensor detach() const;
  /// The in-place version counter of the values (shared by every alias).
  std::uint64_t version() const;
  /// A human name for a leaf, shown by printing and by graph pictures.
  Tensor& set_name(std::string name);
  /// The name given by set_name, or "".
  const std::string& name() const;

  // ---- in-place updates (they bump the version counter) --------------------------
  // They are not recorded on the graph. They throw std::logic_error when grad mode is on
  // and this tensor requires grad (wrap optimizer updates in a NoGradGuard). On a view
  // they write through to the viewed storage and bump its version, which every view of
  // it shares, so a graph that saved the base or any view fails at backward. Writing
  // into an expanded view (an axis of stride 0 and extent > 1) throws
  // std::invalid_argument: each element there is many elements at once.
  Tensor& zero_();
  Tensor& fill_(double value);
  /// this += alpha · other (other broadcasts to this tensor's shape).
  Tensor& add_(const Tensor& other, double alpha = 1.0);
  /// this *= factor.
  Tensor& mul_(double factor);
  /// Copies other's values (broadcasting, converting dtype) into this tensor.
  Tensor& copy_(const Tensor& other);
  /// Makes this leaf hold `other`'s values, shape and dtype (sharing other's storage)
  /// while staying the same tensor: every handle to it, its requires_grad and its name are
  /// kept (PyTorch's `p.data = other`). Module::to uses it, so a handle a model kept from
  /// register_parameter stays valid. Clears the gradient when shape or dtype change; a
  /// graph that saved this tensor fails at backward, as after any in-place change.
  /// Throws std::logic_error for a non-leaf, std::invalid_argument for undefined `other`.
  Tensor& set_data(const Tensor& other);

  // ---- views (see ops.hpp for each: no values are copied) ---------------------------
  /// transpose(*this, 0, 1) of a 2-d tensor (a 0-d or 1-d tensor is returned as is, as
  /// PyTorch). Throws std::invalid_argument for rank > 2.
  Tensor t() const;
  Tensor transpose(std::int64_t dim0, std::int64_t dim1) const;
  Tensor permute(const std::vector<std::int64_t>& dims) const;
  Tensor expand(const Shape& shape) const;
  Tensor broadcast_to(const Shape& shape) const;
  Tensor select(std::int64_t dim, std::int64_t index) const;
  Tensor narrow(std::int64_t dim, std::int64_t start, std::int64_t length) const;
  Tensor slice(std::int64_t dim, std::optional<std::int64_t> start = std::nullopt,
               std::optional<std::int64_t> end = std::nullopt, std::int64_t step = 1) const;
  Tensor squeeze() const;
  Tensor squeeze(std::int64_t dim) const;
  Tensor unsqueeze(std::int64_t dim) const;
  Tensor flatten(std::int64_t start_dim = 0, std::int64_t end_dim = -1) const;
  Tensor unflatten(std::int64_t dim, const Shape& sizes) const;
  Tensor view(const Shape& shape) const;
  /// A view when the strides allow, else a copy (as PyTorch).
  Tensor reshape(const Shape& shape) const;
  /// *this when contiguous, else a contiguous copy (differentiable).
  Tensor contiguous() const;

  // ---- indexing (see indexing.hpp) -------------------------------------------------
  /// Python's x[...]: `x.index({Slice(0, 10), 3, None, mask})` (nabla::index).
  Tensor index(std::initializer_list<indexing::TensorIndex> indices) const;
  Tensor index(const std::vector<indexing::TensorIndex>& indices) const;
  /// Python's x[...] = values, in place (the guards of the in-place updates below): values
  /// broadcast to what index() would return; with `accumulate` they are added (repeated
  /// positions add up), else written (a repeated position keeps one of them). With index
  /// tensors, values must have this tensor's dtype (as PyTorch); otherwise they are
  /// converted as by copy_.
  Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& values,
                     bool accumulate = false);
  Tensor& index_put_(const std::vector<indexing::TensorIndex>& indices, const Tensor& values,
                     bool accumulate = false);
  /// x[...] = value (converted to this tensor's dtype; out of an integer's range throws).
  Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, double value);
  Tensor& index_put_(const std::vector<indexing::TensorIndex>& indices, double value);
  /// scatter_add (indexing.hpp) into this tensor in place (the guards of the in-place
  /// updates below).
  Tensor& scatter_add_(std::int64_t dim, const Tensor& index, const Tensor& src);

  // ---- method spellings of common ops ----------------------------------------------
  Tensor sum() const;
  Tensor mean() const;
  Tensor pow(double exponent) const;

  /// True when both handles alias the same tensor object.
  bool is_same(const Tensor& other) const noexcept { return impl_ == other.impl_; }

  /// Internal: the implementation object.
  const std::shared_ptr<detail::TensorImpl>& impl() const noexcept { return impl_; }
  /// Internal: wraps an implementation object.
  explicit Tensor(std::shared_ptr<detail::TensorImpl> impl) noexcept : impl_(std::move(impl)) {}

 private:
  friend class Node;
  void check_defined(const char* what) const {
    if (!impl_) [[unlikely]]
      throw_undefined(what);
  }
  [[noreturn]] static void throw_undefined(const char* what);
  std::shared_ptr<detail::TensorImpl> impl_;
};

// ---- factories ---------------------------------------------------------------------

/// A 0-d tensor holding `value`.
Tensor scalar_tensor(double value, Dtype dtype = f32);
/// Nested braces of numbers, any depth: `1.5`, `{1, 2}`, `{{1}, {2}}` (a [2,1] column),
/// `{{{1, 2}}}`. Each level of braces is one dimension, as in libtorch's torch::tensor.
class NestedList {
 public:
  /// A single number: a 0-d tensor, or an element of an enclosing list.
  NestedList(double value) : value_(value), scalar_(true) {}  // NOLINT: implicit by design
  /// One level of braces.
  NestedList(std::initializer_list<NestedList> items) : items_(items) {}
  bool is_scalar() const noexcept { return scalar_; }
  double value() const noexcept { return value_; }
  const std::vector<NestedList>& items() const noexcept { return items_; }

 private:
  double value_ = 0.0;
  bool scalar_ = false;
  std::vector<NestedList> items_;
};

/// A tensor from nested braces: `tensor({{0.5, -1.0, 2.0}})` has shape [1, 3],
/// `tensor({1.0, 2.0})` shape [2], `tensor(3.5)` shape [], `tensor({2, 0, 1}, i64)` int64
/// labels. Throws std::invalid_argument on ragged lists (rows of different lengths), a
/// number beside a list, or a value the dtype cannot hold (2⁴⁰ as int32, NaN as an
/// integer; fractions are truncated toward zero, and bool is "nonzero").
Tensor tensor(const NestedList& values, Dtype dtype = f32);
/// A tensor of `shape` from row-major values. Throws std::invalid_argument when the
/// number of values does not match the shape.
Tensor tensor(std::span<const double> values, const Shape& shape, Dtype dtype = f32);
/// A tensor of `shape` from row-major float values (dtype float32 unless given).
Tensor tensor(std::span<const float> values, const Shape& shape, Dtype dtype = f32);
/// A tensor of `shape` from row-major values (also takes a braced list of values).
/// A std::vector<float> goes to the span<const float> overload.
inline Tensor tensor(const std::vector<double>& values, const Shape& shape, Dtype dtype = f32) {
  return tensor(std::span<const double>(values), shape, dtype);
}
/// An uninitialized tensor of `shape`.
Tensor empty(const Shape& shape, Dtype dtype = f32);
/// A tensor of zeros.
Tensor zeros(const Shape& shape, Dtype dtype = f32);
/// A tensor of ones.
Tensor ones(const Shape& shape, Dtype dtype = f32);
/// A tensor filled with `value`.
Tensor full(const Shape& shape, double value, Dtype dtype = f32);
/// Zeros with `like`'s shape and dtype.
Tensor zeros_like(const Tensor& like);
/// Ones with `like`'s shape and dtype.
Tensor ones_like(const Tensor& like);
/// 1-d tensor start, start+step, ... below end. Throws std::invalid_argument when step
/// is 0 or has the wrong sign.
Tensor arange(double start, double end, double step = 1.0, Dtype dtype = f32);
/// 1-d tensor 0, 1, ..., end-1.
Tensor arange(double end, Dtype dtype = f32);
/// Uniform values in [0, 1) from `gen`.
Tensor rand(const Shape& shape, Generator& gen, Dtype dtype = f32);
/// Standard normal values from `gen`.
Tensor randn(const Shape& shape, Generator& gen, Dtype dtype = f32);
/// Uniform values in [0, 1) from the default generator.
Tensor rand(const Shape& shape, Dtype dtype = f32);
/// Standard normal values from the default generator.
Tensor randn(const Shape& shape, Dtype dtype = f32);
/// Uniform integers in [low, high) from `gen` (int64 unless given). Throws
/// std::invalid_argument when low >= high, for bool, or when the range does not fit the
/// dtype. rand and randn throw for integer dtypes (they draw real numbers).
Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape, Generator& gen,
               Dtype dtype = i64);
/// randint from the default generator.
Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape, Dtype dtype = i64);

/// Prints like PyTorch: values (summarized past 1000 elements), the shape, the dtype
/// unless it is a default one (float32, int64, bool; an empty tensor names any but
/// float32, having no values to tell them apart), and the grad_fn name or requires_grad
/// flag: `tensor([1.5000, 2.0000], shape=[2], dtype=float64)`.
std::ostream& operator<<(std::ostream& os, const Tensor& t);
/// The same text as operator<<.
std::string to_string(const Tensor& t);

// ---- grad mode ---------------------------------------------------------------------

/// Whether ops record themselves on the graph in this thread (true by default).
bool is_grad_enabled();
/// Turns recording on or off in this thread.
void set_grad_enabled(bool enabled);

/// While alive, ops in this thread record nothing (PyTorch's `torch::NoGradGuard`).
class NoGradGuard {
 public:
  NoGradGuard() : prev_(is_grad_enabled()) { set_grad_enabled(false); }
  ~NoGradGuard() { set_grad_enabled(prev_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool prev_;
};

/// While alive, sets grad mode to `enabled` in this thread, then restores it.
class AutoGradMode {
 public:
  explicit AutoGradMode(bool enabled) : prev_(is_grad_enabled()) { set_grad_enabled(enabled); }
  ~AutoGradMode() { set_grad_enabled(prev_); }
  AutoGradMode(const AutoGradMode&) = delete;
  AutoGradMode& operator=(const AutoGradMode&) = delete;

 private:
  bool prev_;
};

/// Gradients of `outputs` with respect to `inputs`, returned instead of accumulated into
/// grad() (PyTorch's `torch::autograd::grad`).
///
/// `grad_outputs` holds ∂L/∂output for each output (an empty list, or undefined entries,
/// mean 1 for one-element outputs). With `create_graph` the returned gradients carry a
/// graph and can be differentiated again (gradients of gradients, Hessian-vector
/// products); `retain_graph` defaults to `create_graph`. An input that no output depends
/// on throws std::runtime_error unless `allow_unused`, when its gradient is undefined.
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs = {},
                         std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
                         bool allow_unused = false);

}  // namespace nabla
