// The backward engine: an iterative walk of the graph in reverse topological order.
//
// 1. Depth-first search from the roots (with an explicit stack, never recursion) gives a
//    post-order of every node reachable; its reverse is a topological order, so when a
//    node comes up, every gradient flowing into it has already been summed.
// 2. Each node runs its rule once. The engine checks the rule's output count, shapes and
//    dtypes, sums broadcast gradients down to each input's shape (the one central place
//    broadcasting is undone), and passes each gradient along its edge: into the next
//    node's pending sum, or into a leaf's grad().
// 3. Unless retain_graph, a node frees its saved tensors as soon as it has run.

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "core/tensor_impl.hpp"
#include "nabla/ops.hpp"

namespace nabla {
namespace detail {

extern std::atomic<bool> record_grad_norms;                                       // graph.cpp
double norm(const Tensor& t);                                                     // graph.cpp
void check_backward_anomaly(const Node& node, const std::vector<Tensor>& grads);  // anomaly.cpp

// ---- iterative release -------------------------------------------------------------

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

bool should_record(std::initializer_list<Tensor> inputs) noexcept {
  if (!is_grad_enabled()) return false;
  for (const Tensor& t : inputs) {
    if (t.requires_grad()) return true;
  }
  return false;
}

// ---- engine ------------------------------------------------------------------------

class Engine {
 public:
  // Runs backward from `outputs`. With `inputs` null, gradients accumulate into leaves'
  // grad(); otherwise they are returned for `inputs` and no grad() is touched.
  static std::vector<Tensor> run(const std::vector<Tensor>& outputs,
                                 const std::vector<Tensor>& grad_outputs, bool retain_graph,
                                 bool create_graph, const std::vector<Tensor>* inputs,
                                 bool allow_unused);
};

namespace {

std::atomic<std::uint64_t> next_task{1};

// True when nobody else can see t's values, so they may be updated in place (a view,
// an expanded one above all, is not updated in place).
bool exclusively_owned(const Tensor& t) {
  return t.impl().use_count() == 1 && t.impl()->storage.use_count() == 1 && t.is_contiguous();
}

// sum + g. Without create_graph the sum is updated in place when nobody else holds it,
// which saves an allocation per extra consumer of a node and per leaf accumulation.
Tensor accumulate(Tensor sum, const Tensor& g, bool create_graph) {
  if (!sum.defined()) return g;
  if (!create_graph && !sum.requires_grad() && exclusively_owned(sum)) {
    sum.add_(g);
    return sum;
  }
  return add(sum, g);
}

// Reduces a rule's gradient for input `i` to the input's shape, or throws naming the node.
Tensor conform(const Node& node, std::size_t i, Tensor g, const Shape& shape, Dtype dtype) {
  if (g.dtype() != dtype) {
    throw std::logic_error(fmt::format(
        "nabla: the backward rule of '{}' returned a {} gradient for input {}, which is {}",
        node.name(), dtype_name(g.dtype()), i, dtype_name(dtype)));
  }
  if (g.shape() == shape) return g;
  if (!broadcastable_to(shape, g.shape())) {
    throw std::logic_error(fmt::format(
        "nabla: the backward rule of '{}' returned a gradient of shape {} for input {} of "
        "shape {}; a gradient must have the input's shape or one it broadcasts to",
        node.name(), shape_str(g.shape()), i, shape_str(shape)));
  }
  return sum_to(g, shape);
}

}  // namespace

std::vector<Tensor> Engine::run(const std::vector<Tensor>& outputs,
                                const std::vector<Tensor>& grad_outputs, bool retain_graph,
                                bool create_graph, const std::vector<Tensor>* inputs,
                                bool allow_unused) {
  // Tensor::backward and nabla::grad share this engine; messages name the one called.
  const char* api = inputs ? "nabla::grad" : "nabla::backward";
  if (outputs.empty()) throw std::invalid_argument(fmt::format("{}: no outputs given", api));
  if (!grad_outputs.empty() && grad_outputs.size() != outputs.size()) {
    throw std::invalid_argument(fmt::format("nabla::grad: {} outputs but {} grad_outputs",
                                            outputs.size(), grad_outputs.size()));
  }

  // Seeds: ∂L/∂output for each output, checked against the output.
  std::vector<Tensor> seeds(outputs.size());
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    const Tensor& out = outputs[k];
    if (!out.defined())
      throw std::invalid_argument(fmt::format("{}: output {} is undefined", api, k));
    if (!out.requires_grad()) {
      throw std::runtime_error(fmt::format(
          "{}: output {} (shape {}) does not require grad and has no grad_fn: "
          "no input it was computed from has requires_grad_() set, or it was computed under "
          "a NoGradGuard",
          api, k, shape_str(out.shape())));
    }
    Tensor seed = grad_outputs.empty() ? Tensor() : grad_outputs[k];
    if (!seed.defined()) {
      if (out.numel() != 1) {
        throw std::invalid_argument(fmt::format(
            "{}: output {} has shape {} ({} elements); a gradient can be implied "
            "only for a one-element output. Pass grad_output, a tensor of shape {} holding "
            "∂L/∂output",
            api, k, shape_str(out.shape()), out.numel(), shape_str(out.shape())));
      }
      seed = ones(out.shape(), out.dtype());
    } else if (seed.shape() != out.shape() || seed.dtype() != out.dtype()) {
      throw std::invalid_argument(fmt::format(
          "{}: grad_output {} {} does not match output {} {}", api, dtype_name(seed.dtype()),
          shape_str(seed.shape()), dtype_name(out.dtype()), shape_str(out.shape())));
    }
    seeds[k] = seed;
  }

  AutoGradMode mode(create_graph);
  const std::uint64_t task = next_task.fetch_add(1);

  // Targets for nabla::grad: leaves by their bookkeeping, interior tensors by their node.
  std::unordered_map<const AutogradMeta*, std::size_t> leaf_targets;
  std::unordered_map<const Node*, std::size_t> node_targets;
  std::vector<Tensor> captured;
  if (inputs) {
    captured.resize(inputs->size());
    for (std::size_t i = 0; i < inputs->size(); ++i) {
      const Tensor& in = (*inputs)[i];
      if (!in.defined() || !in.requires_grad()) {
        throw std::invalid_argument(fmt::format(
            "nabla::grad: input {} does not require grad; call requires_grad_() on it before "
            "computing the outputs",
            i));
      }
      if (in.is_leaf()) {
        leaf_targets.emplace(in.impl()->meta.get(), i);
      } else {
        node_targets.emplace(in.impl()->meta->grad_fn.get(), i);
      }
    }
  }

  auto deliver_leaf = [&](const std::shared_ptr<AutogradMeta>& meta, const Tensor& g) {
    if (inputs) {
      auto it = leaf_targets.find(meta.get());
      if (it != leaf_targets.end()) {
        captured[it->second] = accumulate(std::move(captured[it->second]), g, create_graph);
      }
      return;
    }
    // Without create_graph, .grad never carries history.
    // A rule may return a view (a broadcast, a transpose); .grad is always dense.
    const Tensor stored = !create_graph && g.requires_grad() ? g.detach() : g;
    meta->grad = accumulate(std::move(meta->grad), stored, create_graph).contiguous();
  };

  // Claims: this pass's id on every node it walks and on every leaf whose grad it will
  // write. A node or leaf already claimed by another pass means two threads are running
  // backward through one graph or one model at once, which nabla does not support: throw
  // before any scratch space or grad is touched. Released whatever happens, with the
  // pending sums, so no gradient outlives this call.
  struct Claims {
    std::vector<Node*> nodes;
    std::vector<std::shared_ptr<AutogradMeta>> leaves;
    ~Claims() {
      for (Node* n : nodes) {
        n->pending_ = Tensor();
        n->claim_.store(0, std::memory_order_release);
      }
      for (auto& m : leaves) m->claim.store(0, std::memory_order_release);
    }
  } claims;
  const auto busy = [api](const char* what, const std::string& which) {
    return std::logic_error(fmt::format(
        "{}: another backward pass, on another thread, is running through {} {} "
        "right now. One graph or one model cannot be differentiated from several threads at "
        "once: give each thread its own model (and optimizer), or run the backward passes one "
        "after another",
        api, what, which));
  };
  // True when this pass claims `node` now, false when it already had it.
  const auto claim_node = [&](Node* node) {
    std::uint64_t held = 0;
    if (node->claim_.compare_exchange_strong(held, task, std::memory_order_acq_rel)) {
      claims.nodes.push_back(node);
      return true;
    }
    if (held == task) return false;
    throw busy("node", fmt::format("'{}'", node->name()));
  };
  const auto claim_leaf = [&](std::shared_ptr<AutogradMeta> meta) {
    if (inputs || !meta) return;  // nabla::grad writes no leaf's grad
    std::uint64_t held = 0;
    if (meta->claim.compare_exchange_strong(held, task, std::memory_order_acq_rel)) {
      claims.leaves.push_back(std::move(meta));
    } else if (held != task) {
      throw busy("the leaf",
                 meta->name.empty() ? std::string("(unnamed)") : fmt::format("'{}'", meta->name));
    }
  };

  // 1. Topological order by iterative DFS.
  std::vector<Node*> post;
  {
    std::vector<std::pair<Node*, std::size_t>> stack;
    for (std::size_t k = 0; k < outputs.size(); ++k) {
      const auto& meta = outputs[k].impl()->meta;
      Node* root = meta->grad_fn.get();
      if (!root) claim_leaf(meta);
      if (root && claim_node(root)) stack.emplace_back(root, 0);
      while (!stack.empty()) {
        auto& [node, next] = stack.back();
        if (next < node->edges_.size()) {
          const Edge& e = node->edges_[next++];
          Node* child = e.fn.get();
          if (child && claim_node(child)) {
            stack.emplace_back(child, 0);
          } else if (!child && e.leaf_edge) {
            claim_leaf(e.leaf.lock());
          }
        } else {
          post.push_back(node);
          stack.pop_back();
        }
      }
    }
  }

  // Which nodes lead to a target (all of them when accumulating into leaves).
  for (Node* node : post) {  // post-order: children before parents
    bool needed = !inputs;
    if (!needed) {
      needed = node_targets.count(node) > 0;
      for (const Edge& e : node->edges_) {
        if (needed) break;
        if (e.fn) {
          needed = e.fn->needed_;
        } else if (e.leaf_edge) {
          auto meta = e.leaf.lock();
          needed = meta && leaf_targets.count(meta.get()) > 0;
        }
      }
    }
    node->needed_ = needed;
  }

  // 2. Seed the roots; an output that is itself a leaf receives its seed directly.
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    const auto& meta = outputs[k].impl()->meta;
    if (meta->grad_fn) {
      meta->grad_fn->pending_ =
          accumulate(std::move(meta->grad_fn->pending_), seeds[k], create_graph);
    } else {
      deliver_leaf(meta, seeds[k]);
    }
  }

  // 3. Run the rules in topological order.
  for (auto it = post.rbegin(); it != post.rend(); ++it) {
    Node* node = *it;
    Tensor g = std::move(node->pending_);
    node->pending_ = Tensor();
    if (!node->needed_ || !g.defined()) continue;

    if (inputs) {
      auto t = node_targets.find(node);
      if (t != node_targets.end()) {
        captured[t->second] = accumulate(std::move(captured[t->second]), g, create_graph);
      }
    }
    if (auto kept = node->retained_.lock()) {
      kept->grad = accumulate(std::move(kept->grad), g, create_graph).contiguous();
      if (!create_graph && kept->grad.requires_grad()) kept->grad = kept->grad.detach();
    }

    if (record_grad_norms.load(std::memory_order_relaxed)) node->grad_norm_ = norm(g);
    std::vector<Tensor> grads;
    if (anomaly_depth > 0) [[unlikely]] {
      // The ops inside a rule are not checked one by one: what the rule returns is, and
      // a NaN is then blamed on this node's backward, where it belongs.
      struct Suspend {
        int depth = std::exchange(anomaly_depth, 0);
        ~Suspend() { anomaly_depth = depth; }
      } suspend;
      grads = node->backward(g);
    } else {
      grads = node->backward(g);
    }
    if (anomaly_depth > 0) [[unlikely]]
      check_backward_anomaly(*node, grads);
    if (grads.size() != node->edges_.size()) {
      throw std::logic_error(fmt::format(
          "nabla: the backward rule of '{}' returned {} gradients for {} inputs; a rule returns "
          "one per input (undefined for an input that needs none)",
          node->name(), grads.size(), node->edges_.size()));
    }
    for (std::size_t i = 0; i < grads.size(); ++i) {
      const Edge& e = node->edges_[i];
      if (!e.valid() || !grads[i].defined()) continue;
      Tensor gi =
          conform(*node, i, std::move(grads[i]), node->inputs_[i].shape, node->inputs_[i].dtype);
      if (e.fn) {
        if (e.fn->needed_) {
          e.fn->pending_ = accumulate(std::move(e.fn->pending_), gi, create_graph);
        }
      } else if (auto meta = e.leaf.lock()) {
        deliver_leaf(meta, gi);
      }
    }
    if (!retain_graph) node->release();
  }

  if (inputs && !allow_unused) {
    for (std::size_t i = 0; i < captured.size(); ++i) {
      if (!captured[i].defined()) {
        throw std::runtime_error(fmt::format(
            "nabla::grad: input {} (shape {}) was not used to compute the outputs; pass "
            "allow_unused = true to get an undefined gradient for it",
            i, shape_str((*inputs)[i].shape())));
      }
    }
  }
  if (inputs && !create_graph) {
    for (Tensor& c : captured) {
      if (c.defined()) c = c.detach();
    }
  }
  return captured;
}

}  // namespace detail

// ---- Node --------------------------------------------------------------------------

Node::Node(const char* name) noexcept : name_(name) {
  detail::live_nodes.fetch_add(1, std::memory_order_relaxed);
}

Node::~Node() {
  detail::live_nodes.fetch_sub(1, std::memory_order_relaxed);
  // Hand the links to the rest of the graph to the release queue; the outermost
  // destructor releases them one by one, so no chain is destroyed recursively.
  for (auto& e : edges_) detail::defer_release(std::move(e.fn));
  for (auto& s : saved_) detail::defer_release(std::move(s.value.impl_));
  detail::defer_release(std::move(pending_.impl_));
}

void Node::attach(Tensor& result, std::initializer_list<Tensor> inputs) {
  edges_.reserve(inputs.size());
  inputs_.reserve(inputs.size());
  for (const Tensor& t : inputs) {
    detail::Edge e;
    if (t.defined() && t.impl()->meta) {
      const auto& meta = t.impl()->meta;
      if (meta->grad_fn) {
        e.fn = meta->grad_fn;
      } else if (meta->requires_grad) {
        e.leaf = meta;
        e.leaf_edge = true;
      }
    }
    edges_.push_back(std::move(e));
    inputs_.push_back({t.defined() ? t.shape() : Shape{}, t.defined() ? t.dtype() : Dtype::f32});
  }
  output_shape_ = result.shape();
  output_dtype_ = result.dtype();
  auto& impl = result.impl();
  if (!impl->meta) impl->meta = detail::make_pooled<detail::AutogradMeta>();
  impl->meta->grad_fn = shared_from_this();
  impl->meta->requires_grad = true;
}

std::size_t Node::save(const Tensor& t) {
  if (t.defined() && t.impl()->meta && !t.impl()->meta->grad_fn) {  // a leaf with bookkeeping
    saved_.push_back({t.detach(), t.version(), false, t.impl()->meta});
  } else {
    saved_.push_back({t, t.defined() ? t.version() : 0, false, {}});
  }
  return saved_.size() - 1;
}

std::size_t Node::save_result(const Tensor& result) {
  saved_.push_back({result.detach(), result.version(), true, {}});
  return saved_.size() - 1;
}

Tensor Node::saved(std::size_t index) const {
  if (released_) {
    throw std::runtime_error(fmt::format(
        "nabla: trying to run backward through '{}' a second time, but its saved tensors were "
        "freed by the first backward. Pass retain_graph = true to the first backward() (or "
        "nabla::grad) if you need to run backward through the graph again",
        name()));
  }
  if (index >= saved_.size()) {
    throw std::logic_error(fmt::format("nabla: '{}' asked for saved tensor {} but saved only {}",
                                       name(), index, saved_.size()));
  }
  const detail::SavedTensor& s = saved_[index];
  if (!s.value.defined()) return s.value;
  if (s.value.version() != s.version) {
    throw std::runtime_error(fmt::format(
        "nabla: a tensor that '{}' saved for its backward (saved tensor {}, shape {}) was "
        "modified in place: it was saved at version {} and is now at version {}. Do not change "
        "tensors in place (add_, fill_, copy_, optimizer steps) between the forward and its "
        "backward",
        name(), index, shape_str(s.value.shape()), s.version, s.value.version()));
  }
  if (!s.leaf.expired()) {  // the leaf itself: its values with its bookkeeping
    Tensor out = s.value.detach();
    out.impl()->meta = s.leaf.lock();
    return out;
  }
  if (!s.is_output) return s.value;
  // Rebuild the result with this node as its history, so create_graph differentiates
  // through it.
  Tensor out = s.value.detach();
  auto meta = detail::make_pooled<detail::AutogradMeta>();
  meta->requires_grad = true;
  meta->grad_fn = std::const_pointer_cast<Node>(shared_from_this());
  out.impl()->meta = std::move(meta);
  return out;
}

void Node::release() noexcept {
  for (auto& s : saved_) s.value = Tensor();
  released_ = true;
}

std::vector<std::shared_ptr<Node>> Node::next_functions() const {
  std::vector<std::shared_ptr<Node>> out;
  out.reserve(edges_.size());
  for (const auto& e : edges_) out.push_back(e.fn);
  return out;
}

// ---- entry points ------------------------------------------------------------------

void Tensor::backward(const Tensor& grad_output, bool retain_graph, bool create_graph) const {
  check_defined("backward");
  detail::Engine::run({*this}, {grad_output}, retain_graph || create_graph, create_graph, nullptr,
                      false);
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, std::optional<bool> retain_graph,
                         bool create_graph, bool allow_unused) {
  if (inputs.empty()) throw std::invalid_argument("nabla::grad: no inputs given");
  return detail::Engine::run(outputs, grad_outputs, retain_graph.value_or(create_graph),
                             create_graph, &inputs, allow_unused);
}

}  // namespace nabla
