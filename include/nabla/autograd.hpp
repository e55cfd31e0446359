#pragma once
/// \file autograd.hpp
/// The graph: Node (one recorded application of an op) and how an op records itself.
///
/// Every built-in op uses exactly this API, and so can a user's own op:
///
/// ```cpp
/// // softplus: result = log(1 + exp(x)); grad_x = grad_out * sigmoid(x)
/// struct SoftplusNode : nabla::Node {
///   SoftplusNode() : Node("softplus") {}
///   std::vector<nabla::Tensor> backward(const nabla::Tensor& grad_out) override {
///     return {grad_out * nabla::sigmoid(saved(0))};   // nabla ops: higher order works
///   }
/// };
/// nabla::Tensor softplus(const nabla::Tensor& x) {
///   nabla::Tensor result = ...;                         // forward kernel, no graph
///   if (auto node = nabla::record<SoftplusNode>(result, {x})) node->save(x);
///   return result;
/// }
/// ```

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <memory>
#include <source_location>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "nabla/detail/pool.hpp"
#include "nabla/tensor.hpp"

namespace nabla {

/// A place in the source, filled in by the compiler: ops take `CallSite where =
/// std::source_location::current()` as their last parameter (see ops.hpp). Not
/// default-constructible, so a braced `{}` argument never binds to it by mistake.
struct CallSite {
  CallSite(const std::source_location& where) noexcept : location(where) {}  // NOLINT: implicit
  std::source_location location;
};

/// While alive, every op's result and every backward rule's gradients are checked for
/// NaN and infinity in this thread; the first one found raises std::runtime_error naming
/// the op, forward or backward, the index, and where in the user's code the op was called
/// (for ops called by name; an operator such as `a + b` reports no place). Off by default:
/// it costs a pass over every result (tools/bench measures how much).
class DetectAnomalyGuard {
 public:
  DetectAnomalyGuard();
  ~DetectAnomalyGuard();
  DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
  DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;
};

/// True while a DetectAnomalyGuard is alive in this thread.
bool is_anomaly_enabled() noexcept;

namespace detail {
struct HookList;  // autograd/hooks.hpp
extern thread_local int anomaly_depth;
extern thread_local const std::source_location* current_call_site;

/// Remembers the outermost op call's source location while anomaly mode is on, so that
/// the node it records can say where it was created. Costs a branch otherwise.
class CallSiteScope {
 public:
  explicit CallSiteScope(const CallSite& where) noexcept {
    if (anomaly_depth > 0 && current_call_site == nullptr) enter(where);
  }
  ~CallSiteScope() {
    if (owner_) current_call_site = nullptr;
  }
  CallSiteScope(const CallSiteScope&) = delete;
  CallSiteScope& operator=(const CallSiteScope&) = delete;

 private:
  void enter(const CallSite& where) noexcept;
  bool owner_ = false;
};

/// Throws std::runtime_error when `result` holds NaN or infinity (anomaly mode).
void check_forward_anomaly(const Node& node, const Tensor& result);

/// Where a node's gradient goes: the node that produced the input, or the input's
/// bookkeeping when the input is a leaf that requires grad, or nowhere.
struct Edge {
  std::shared_ptr<Node> fn;
  std::weak_ptr<AutogradMeta> leaf;
  bool leaf_edge = false;
  std::uint32_t output_nr = 0;  // which of fn's outputs the input was
  bool valid() const noexcept { return fn != nullptr || leaf_edge; }
};

/// What a node remembers of an input: enough to check and reduce its gradient.
struct InputInfo {
  Shape shape;
  Dtype dtype = Dtype::f32;
};

/// What a node remembers of its second and later outputs (a multi-output node).
struct OutputInfo {
  Shape shape;
  Dtype dtype = Dtype::f32;
  std::weak_ptr<AutogradMeta> retained;  // retain_grad() of this output
};

/// A tensor saved for backward, with the version it had when it was saved.
struct SavedTensor {
  Tensor value;
  std::uint64_t version = 0;
  bool is_output = false;  // saved without its history; rebuilt on unpack (no cycle)
  std::uint32_t output_nr = 0;  // which of the node's outputs, when is_output
  // A leaf is saved as its values plus a weak link to its bookkeeping, rebuilt on unpack:
  // a strong link would make a cycle when backward(create_graph) stores into the leaf's
  // grad a graph that saved the leaf (x.grad = 2·x), and neither would ever be freed.
  std::weak_ptr<AutogradMeta> leaf;
};
}  // namespace detail

/// One recorded application of an op: its name, the edges to its inputs, what it saved,
/// and its backward rule.
///
/// Subclass it for a new op: give the constructor the op's name (a string literal),
/// override backward(), and save what the rule needs with save(). The engine checks the
/// number and shapes of the gradients a rule returns and reduces broadcast gradients to
/// each input's shape, so a rule may return gradients in the output's shape.
class Node : public std::enable_shared_from_this<Node> {
 public:
  /// `name` must outlive the node (a string literal).
  explicit Node(const char* name) noexcept;
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// The backward rule: ∂L/∂input for each input, given ∂L/∂output. Return one tensor
  /// per input, undefined for an input that needs no gradient (see needs_input_grad) or
  /// whose gradient is zero. Written with nabla ops, so that create_graph records it.
  virtual std::vector<Tensor> backward(const Tensor& grad_out) = 0;

  /// The op's name, as given to the constructor.
  std::string_view name() const noexcept { return name_; }
  /// Number of inputs the op was applied to.
  std::size_t num_inputs() const noexcept { return inputs_.size(); }
  /// Shape of input `i` when the op ran.
  const Shape& input_shape(std::size_t i) const { return inputs_.at(i).shape; }
  /// Dtype of input `i` when the op ran.
  Dtype input_dtype(std::size_t i) const { return inputs_.at(i).dtype; }
  /// True when input `i` requires a gradient (a rule may skip the others).
  bool needs_input_grad(std::size_t i) const { return edges_.at(i).valid(); }
  /// The nodes this one sends gradients to (null for leaves and inputs without history).
  std::vector<std::shared_ptr<Node>> next_functions() const;
  /// The node that produced input `i`, or null (a leaf or an input without history).
  const Node* next_node(std::size_t i) const { return edges_.at(i).fn.get(); }
  /// The bookkeeping of input `i` when it is a leaf that requires grad (and is alive).
  std::shared_ptr<detail::AutogradMeta> next_leaf(std::size_t i) const {
    return edges_.at(i).leaf_edge ? edges_.at(i).leaf.lock() : nullptr;
  }
  /// Shape of the op's result (its first output, for a MultiOutputNode).
  const Shape& output_shape() const noexcept { return output_shape_; }
  /// Dtype of the op's result (its first output, for a MultiOutputNode).
  Dtype output_dtype() const noexcept { return output_dtype_; }
  /// Number of outputs: 1, or more for a MultiOutputNode (split, unbind, ...).
  std::size_t num_outputs() const noexcept { return 1 + more_outputs_.size(); }
  /// Shape of output `i`.
  const Shape& output_shape(std::size_t i) const {
    return i == 0 ? output_shape_ : more_outputs_.at(i - 1).shape;
  }
  /// Dtype of output `i`.
  Dtype output_dtype(std::size_t i) const {
    return i == 0 ? output_dtype_ : more_outputs_.at(i - 1).dtype;
  }
  /// Norm of the gradient this node received in the last backward, when
  /// set_grad_norms_recorded(true) was on (NaN otherwise).
  double grad_norm() const noexcept { return grad_norm_; }
  /// Where in the user's code the op was called (filled when anomaly mode is on; line 0
  /// when unknown).
  const std::source_location& location() const noexcept { return location_; }

  /// Saves an input (or any tensor) for the backward rule; returns its index for saved().
  std::size_t save(const Tensor& t);
  /// Saves the op's own result (any of its outputs) without creating a reference cycle;
  /// saved() rebuilds it with this node as its grad_fn, so double backward works through it.
  std::size_t save_result(const Tensor& result);
  /// True once the engine freed the saved tensors (backward without retain_graph).
  bool released() const noexcept { return released_; }

 protected:
  /// The tensor saved at `index`. Throws std::runtime_error when the graph was freed by
  /// an earlier backward (pass retain_graph) or the tensor was changed in place since.
  Tensor saved(std::size_t index) const;

 private:
  friend class detail::Engine;
  friend class MultiOutputNode;
  template <class N, class... A>
  friend std::shared_ptr<N> record(Tensor&, std::span<const Tensor>, A&&...);
  template <class N, class... A>
  friend std::shared_ptr<N> record_outputs(std::span<Tensor>, std::span<const Tensor>, A&&...);
  friend void detail::check_forward_anomaly(const Node&, const Tensor&);
  void link_inputs(std::span<const Tensor> inputs);
  void attach(Tensor& result, std::span<const Tensor> inputs);
  void attach_outputs(std::span<Tensor> results, std::span<const Tensor> inputs);
  void release() noexcept;

  const char* name_;
  template <class T>
  using PoolVector = std::vector<T, detail::PoolAllocator<T>>;
  PoolVector<detail::Edge> edges_;
  PoolVector<detail::InputInfo> inputs_;
  PoolVector<detail::SavedTensor> saved_;
  bool released_ = false;
  bool multi_output_ = false;  // a MultiOutputNode: the engine passes every output's gradient
  Shape output_shape_;
  Dtype output_dtype_ = Dtype::f32;
  std::vector<detail::OutputInfo> more_outputs_;  // outputs 1, 2, ... (none: one output)
  double grad_norm_ = std::numeric_limits<double>::quiet_NaN();
  std::source_location location_{};

  // The engine's mark, nothing else of the engine lives here: the id of the backward pass
  // walking this node (0 when none) and the node's slot in that pass's own table (where the
  // pass keeps the gradient summed so far). A second pass through the node from another
  // thread finds the mark taken and throws instead of racing.
  std::atomic<std::uint64_t> pass_{0};
  std::size_t slot_ = 0;
  std::weak_ptr<detail::AutogradMeta> retained_;  // retain_grad() of the node's result
  std::shared_ptr<detail::HookList> hooks_;       // register_hook() of its outputs
  friend class Tensor;
};

/// A node with several outputs (split, chunk, unbind, a user's op returning two tensors):
/// its rule receives one gradient per output, in order, and an output that received none
/// (it was not used, or only its indices were) is passed as an undefined tensor, to be
/// treated as zeros (see grad_or_zeros). Record one with record_outputs.
class MultiOutputNode : public Node {
 public:
  explicit MultiOutputNode(const char* name) noexcept : Node(name) { multi_output_ = true; }
  /// The backward rule: ∂L/∂input for each input, given ∂L/∂output for each output
  /// (undefined for an output that received none).
  virtual std::vector<Tensor> backward(const std::vector<Tensor>& grad_outputs) = 0;
  /// Not called for a multi-output node (the engine calls the overload above); throws
  /// std::logic_error.
  std::vector<Tensor> backward(const Tensor& grad_out) final;

 protected:
  /// grad_outputs[i], or zeros of output i's shape and dtype when it is undefined.
  Tensor grad_or_zeros(const std::vector<Tensor>& grad_outputs, std::size_t i) const;
};

/// Queues `fn` to run once the backward pass running on this thread has finished
/// differentiating (every node run, every grad() written), before Tensor::backward
/// returns (the outermost pass, when a rule runs a backward of its own as nn::checkpoint
/// does); callbacks run in the order queued, and one may queue more. For hooks that
/// start work during the backward and must finish it before the backward returns (as
/// DistributedDataParallel waits for its all-reduces). Called from a hook or a rule;
/// throws std::logic_error when no backward pass is running on this thread. An exception
/// from fn comes out of the backward.
void queue_callback(std::function<void()> fn);

namespace detail {
/// True when grad mode is on and some input requires grad.
bool should_record(std::span<const Tensor> inputs) noexcept;
/// True while the innermost backward pass running on this thread is a nabla::grad (which
/// returns gradients instead of writing grad()): what a rule that runs a backward of its
/// own (nn::checkpoint) needs to know.
bool in_grad_pass() noexcept;
inline std::span<const Tensor> as_span(std::initializer_list<Tensor> inputs) noexcept {
  return {inputs.begin(), inputs.size()};
}
}  // namespace detail

/// Records an op on the graph: when grad mode is on and some input requires grad, makes a
/// node of type N (constructed from `args`), links it to the inputs and makes it
/// `result`'s grad_fn. Returns null otherwise, so inference builds no graph:
///
/// `if (auto node = record<MulNode>(result, {a, b})) { node->save(a); node->save(b); }`
///
/// `inputs` is a braced list, or any contiguous range of tensors (a std::vector, for an
/// op over a variable number of inputs such as cat).
template <class N, class... A>
std::shared_ptr<N> record(Tensor& result, std::span<const Tensor> inputs, A&&... args) {
  if (detail::anomaly_depth > 0) [[unlikely]] {
    auto node = std::allocate_shared<N>(detail::PoolAllocator<N>{}, std::forward<A>(args)...);
    if (detail::current_call_site != nullptr) node->location_ = *detail::current_call_site;
    detail::check_forward_anomaly(*node, result);
    if (!detail::should_record(inputs)) return nullptr;
    node->attach(result, inputs);
    return node;
  }
  if (!detail::should_record(inputs)) return nullptr;
  auto node = std::allocate_shared<N>(detail::PoolAllocator<N>{}, std::forward<A>(args)...);
  node->attach(result, inputs);
  return node;
}
template <class N, class... A>
std::shared_ptr<N> record(Tensor& result, std::initializer_list<Tensor> inputs, A&&... args) {
  return record<N>(result, detail::as_span(inputs), std::forward<A>(args)...);
}

/// Records an op with several outputs (N derives from MultiOutputNode): as record, and
/// every tensor of `results` gets the node as its grad_fn, output i being results[i].
///
/// `if (auto node = record_outputs<SplitNode>(parts, {x}, dim)) { ... }`
template <class N, class... A>
std::shared_ptr<N> record_outputs(std::span<Tensor> results, std::span<const Tensor> inputs,
                                  A&&... args) {
  static_assert(std::is_base_of_v<MultiOutputNode, N>,
                "record_outputs records a MultiOutputNode (a rule taking one gradient per output)");
  if (detail::anomaly_depth > 0) [[unlikely]] {
    auto node = std::allocate_shared<N>(detail::PoolAllocator<N>{}, std::forward<A>(args)...);
    if (detail::current_call_site != nullptr) node->location_ = *detail::current_call_site;
    for (const Tensor& r : results) detail::check_forward_anomaly(*node, r);
    if (!detail::should_record(inputs)) return nullptr;
    node->attach_outputs(results, inputs);
    return node;
  }
  if (!detail::should_record(inputs)) return nullptr;
  auto node = std::allocate_shared<N>(detail::PoolAllocator<N>{}, std::forward<A>(args)...);
  node->attach_outputs(results, inputs);
  return node;
}
template <class N, class... A>
std::shared_ptr<N> record_outputs(std::span<Tensor> results, std::initializer_list<Tensor> inputs,
                                  A&&... args) {
  return record_outputs<N>(results, detail::as_span(inputs), std::forward<A>(args)...);
}

namespace debug {
/// How many graph nodes and value storages are alive in this process right now: for leak
/// tests and long runs (tools/soak). A graph that is dropped, with or without
/// create_graph, returns both counts to where they stood.
struct LiveCounts {
  std::int64_t nodes = 0;     ///< Node objects (recorded ops) not yet destroyed
  std::int64_t storages = 0;  ///< blocks of tensor values not yet freed
};
/// The current counts (relaxed atomic reads: exact once other threads are quiet).
LiveCounts live_counts() noexcept;
/// Frees the buffers nabla keeps for reuse and returns their size in bytes. A freed tensor
/// buffer of 256 KiB or more is kept (up to 1 GiB in all) for the next tensor of the same
/// size, since a training step makes and drops the same sizes every time and fresh pages
/// from the kernel cost more than the arithmetic; call this to give that memory back
/// (before measuring peak memory, say). Nothing is kept under AddressSanitizer.
std::size_t release_cached_memory();
}  // namespace debug

}  // namespace nabla
