// The backward engine: an iterative walk of the graph in reverse topological order.
//
// A Pass runs one backward (Tensor::backward or nabla::grad), in named steps:
//   1. seeds      ∂L/∂output for each output, checked against it;
//   2. targets    for nabla::grad, which leaves and interior tensors to return gradients for;
//   3. order      depth-first search from the roots with an explicit stack (never
//                 recursion), claiming each node: its post-order, reversed, is a
//                 topological order, so a node runs after every gradient into it is summed;
//   4. prune      for nabla::grad, which nodes lead to a target (the others are skipped);
//   5. run        each node's rule once: the engine checks the rule's output count, dtypes
//                 and shapes, sums broadcast gradients down to each input's shape (the one
//                 central place broadcasting is undone) and passes each gradient along its
//                 edge, into the next node's pending sum or into a leaf's grad(); unless
//                 retain_graph, the node frees its saved tensors at once;
//   6. collect    for nabla::grad, the gradients of the inputs.
// Gradient hooks (Tensor::register_hook) run on a node's incoming gradient before its rule,
// and on a hooked leaf's gradient once it is complete: a hooked leaf's gradients are
// summed in the pass, and when the last edge into it has been passed along (counted in
// step 3), its hooks run, it is delivered, and its post-accumulate-grad hooks run, in the
// middle of the pass (DistributedDataParallel starts a bucket's all-reduce there).
// Callbacks queued during the pass (queue_callback) run after the last delivery.
// The pending sums live in the pass's own table of slots, not on the nodes; a node carries
// only the pass's mark (its id and the node's slot), released when the pass ends.

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <cmath>
#include <atomic>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

#include "autograd/hooks.hpp"
#include "core/tensor_impl.hpp"
#include "engine/observer.hpp"
#include "nabla/ops.hpp"
#include "nabla/shape.hpp"

namespace nabla {
namespace detail {

extern std::atomic<bool> record_grad_norms;                                       // graph.cpp
double norm(const Tensor& t);                                                     // graph.cpp
void check_backward_anomaly(const Node& node, const std::vector<Tensor>& grads);  // anomaly.cpp

namespace {

std::atomic<std::uint64_t> next_pass{1};

thread_local BackwardObserver* observer = nullptr;  // see engine/observer.hpp

// The passes running on this thread, innermost last: a rule may run a backward of its own
// (nn::checkpoint recomputes its function and differentiates it inside its rule).
struct ActivePass {
  std::uint64_t id;
  bool into_grads;  // nabla::grad: writes no grad()
  std::vector<std::function<void()>>* callbacks;  // queue_callback's, run at the pass's end
};
thread_local std::vector<ActivePass> active_passes;

bool enclosing_pass(std::uint64_t id) noexcept {
  return std::any_of(active_passes.begin(), active_passes.end(),
                     [id](const ActivePass& p) { return p.id == id; });
}

// True when nobody else can see t's values, so they may be updated in place.
bool exclusively_owned(const Tensor& t) {
  return t.impl().use_count() == 1 && t.impl()->storage.use_count() == 1;
}

// sum + g. Without create_graph the sum is updated in place when nobody else holds it and
// it is dense, which saves an allocation per extra consumer of a node and per leaf
// accumulation.
Tensor accumulate(Tensor sum, const Tensor& g, bool create_graph) {
  if (!sum.defined()) return g;
  if (!create_graph && !sum.requires_grad() && sum.is_contiguous() && exclusively_owned(sum)) {
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

// Runs a backward rule. In anomaly mode the ops inside a rule are not checked one by one:
// what the rule returns is, and a NaN is then blamed on this node's backward, where it
// belongs.
template <class F>
std::vector<Tensor> call_rule(F&& rule) {
  if (anomaly_depth > 0) [[unlikely]] {
    struct Suspend {
      int depth = std::exchange(anomaly_depth, 0);
      ~Suspend() { anomaly_depth = depth; }
    } suspend;
    return rule();
  }
  return rule();
}

}  // namespace

bool in_grad_pass() noexcept {
  return !active_passes.empty() && active_passes.back().into_grads;
}

BackwardObserver* set_backward_observer(BackwardObserver* o) noexcept {
  return std::exchange(observer, o);
}

class Engine {
 public:
  Engine(const char* api, bool retain_graph, bool create_graph, const std::vector<Tensor>* inputs)
      : api_(api), retain_(retain_graph), create_(create_graph), inputs_(inputs) {}
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine();

  std::vector<Tensor> run(const std::vector<Tensor>& outputs,
                          const std::vector<Tensor>& grad_outputs, bool allow_unused);

 private:
  struct Slot {
    Node* node = nullptr;
    Tensor pending;  // the sum of the gradients received so far (into output 0)
    bool needed = true;
    std::vector<Tensor> more;  // the same for outputs 1, 2, ... of a multi-output node
    Tensor& into(std::uint32_t output_nr) { return output_nr == 0 ? pending : more[output_nr - 1]; }
  };

  std::vector<Tensor> seeds(const std::vector<Tensor>& outputs,
                            const std::vector<Tensor>& grad_outputs) const;
  void find_targets();
  void order(const std::vector<Tensor>& outputs);
  void prune();
  void run_node(Slot& slot);
  void run_multi_node(Slot& slot);
  void capture(const Node* node, std::uint32_t nr, const Tensor& g);
  void retain(const std::weak_ptr<AutogradMeta>& retained, const Tensor& g);
  void pass_along(Node& node, std::vector<Tensor> grads, std::span<const Tensor> incoming);
  void deliver_leaf(const std::shared_ptr<AutogradMeta>& meta, const Tensor& g);
  void deliver_leaf_now(const std::shared_ptr<AutogradMeta>& meta, const Tensor& g);
  void deliver_hooked_leaves();
  void leaf_edge_done(const std::shared_ptr<AutogradMeta>& meta);
  void deliver_hooked(const std::shared_ptr<AutogradMeta>& meta, Tensor g);
  void skip_edges(const Node& node);
  Tensor hooked(const Node& node, std::uint32_t nr, Tensor g) const;
  std::vector<Tensor> collect(bool allow_unused);
  bool claim_node(Node* node);
  void claim_leaf(std::shared_ptr<AutogradMeta> meta);
  std::logic_error busy(const char* what, const std::string& which) const;

  const char*
      api_;  // Tensor::backward and nabla::grad share this engine; messages name the one called
  bool retain_, create_;
  const std::vector<Tensor>* inputs_;  // null: accumulate into leaves' grad()
  const std::uint64_t id_ = next_pass.fetch_add(1);
  std::vector<Slot> slots_;        // every node this pass claimed, in claim order
  std::vector<std::size_t> post_;  // slots in post-order: children before parents
  std::vector<std::shared_ptr<AutogradMeta>> claimed_leaves_;
  std::unordered_map<const AutogradMeta*, std::size_t> leaf_targets_;
  // nabla::grad's interior targets: per node, (which output, which input of grad).
  std::unordered_map<const Node*, std::vector<std::pair<std::uint32_t, std::size_t>>> node_targets_;
  std::vector<Tensor> captured_;
  // Leaves with hooks: their gradient summed over the pass, delivered once complete.
  std::vector<std::pair<std::shared_ptr<AutogradMeta>, Tensor>> hooked_leaves_;
  // For a hooked leaf in backward: how many edges into it have not yet been passed along.
  std::unordered_map<const AutogradMeta*, std::size_t> leaf_pending_;
  std::vector<std::function<void()>> callbacks_;  // queue_callback
};

// Releases every claim and pending sum, whatever happened: no gradient outlives the pass.
Engine::~Engine() {
  for (Slot& s : slots_) s.node->pass_.store(0, std::memory_order_release);
  for (auto& m : claimed_leaves_) m->claim.store(0, std::memory_order_release);
}

std::vector<Tensor> Engine::run(const std::vector<Tensor>& outputs,
                                const std::vector<Tensor>& grad_outputs, bool allow_unused) {
  std::vector<Tensor> seed = seeds(outputs, grad_outputs);
  active_passes.push_back({id_, inputs_ != nullptr, &callbacks_});
  struct Leave {
    ~Leave() { active_passes.pop_back(); }
  } leave;
  AutoGradMode mode(create_);
  find_targets();
  order(outputs);
  prune();
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    const auto& meta = outputs[k].impl()->meta;
    if (meta->grad_fn) {
      Tensor& root = slots_[meta->grad_fn->slot_].into(meta->output_nr);
      root = accumulate(std::move(root), seed[k], create_);
    } else {
      deliver_leaf(meta, seed[k]);  // an output that is itself a leaf
    }
  }
  for (auto it = post_.rbegin(); it != post_.rend(); ++it) run_node(slots_[*it]);
  deliver_hooked_leaves();
  while (!callbacks_.empty()) {  // a callback may queue more
    const std::vector<std::function<void()>> now = std::exchange(callbacks_, {});
    for (const auto& fn : now) fn();
  }
  return collect(allow_unused);
}

// 1. ∂L/∂output for each output: given, or 1 for a one-element output.
std::vector<Tensor> Engine::seeds(const std::vector<Tensor>& outputs,
                                  const std::vector<Tensor>& grad_outputs) const {
  if (outputs.empty()) throw std::invalid_argument(fmt::format("{}: no outputs given", api_));
  if (!grad_outputs.empty() && grad_outputs.size() != outputs.size()) {
    throw std::invalid_argument(fmt::format("nabla::grad: {} outputs but {} grad_outputs",
                                            outputs.size(), grad_outputs.size()));
  }
  std::vector<Tensor> seeds(outputs.size());
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    const Tensor& out = outputs[k];
    if (!out.defined())
      throw std::invalid_argument(fmt::format("{}: output {} is undefined", api_, k));
    if (!out.requires_grad()) {
      throw std::runtime_error(fmt::format(
          "{}: output {} (shape {}) does not require grad and has no grad_fn: "
          "no input it was computed from has requires_grad_() set, or it was computed under "
          "a NoGradGuard",
          api_, k, shape_str(out.shape())));
    }
    Tensor seed = grad_outputs.empty() ? Tensor() : grad_outputs[k];
    if (!seed.defined()) {
      if (out.numel() != 1) {
        throw std::invalid_argument(fmt::format(
            "{}: output {} has shape {} ({} elements); a gradient can be implied "
            "only for a one-element output. Pass grad_output, a tensor of shape {} holding "
            "∂L/∂output",
            api_, k, shape_str(out.shape()), out.numel(), shape_str(out.shape())));
      }
      seed = ones(out.shape(), out.dtype());
    } else if (seed.shape() != out.shape() || seed.dtype() != out.dtype()) {
      throw std::invalid_argument(fmt::format(
          "{}: grad_output {} {} does not match output {} {}", api_, dtype_name(seed.dtype()),
          shape_str(seed.shape()), dtype_name(out.dtype()), shape_str(out.shape())));
    }
    seeds[k] = seed;
  }
  return seeds;
}

// 2. nabla::grad's targets: leaves by their bookkeeping, interior tensors by their node.
void Engine::find_targets() {
  if (!inputs_) return;
  captured_.resize(inputs_->size());
  for (std::size_t i = 0; i < inputs_->size(); ++i) {
    const Tensor& in = (*inputs_)[i];
    if (!in.defined() || !in.requires_grad()) {
      throw std::invalid_argument(fmt::format(
          "nabla::grad: input {} does not require grad; call requires_grad_() on it before "
          "computing the outputs",
          i));
    }
    if (in.is_leaf()) {
      leaf_targets_.emplace(in.impl()->meta.get(), i);
    } else {
      node_targets_[in.impl()->meta->grad_fn.get()].emplace_back(in.impl()->meta->output_nr, i);
    }
  }
}

std::logic_error Engine::busy(const char* what, const std::string& which) const {
  return std::logic_error(fmt::format(
      "{}: another backward pass, on another thread, is running through {} {} "
      "right now. One graph or one model cannot be differentiated from several threads at "
      "once: give each thread its own model (and optimizer), or run the backward passes one "
      "after another",
      api_, what, which));
}

// Marks `node` as this pass's, with a fresh slot; false when this pass had it already.
// A node marked by another pass means two threads run backward through one graph: throw
// before anything is touched.
bool Engine::claim_node(Node* node) {
  std::uint64_t held = 0;
  if (node->pass_.compare_exchange_strong(held, id_, std::memory_order_acq_rel)) {
    node->slot_ = slots_.size();
    slots_.push_back({node, Tensor(), true, {}});
    if (node->multi_output_) slots_.back().more.resize(node->num_outputs() - 1);
    return true;
  }
  if (held == id_) return false;
  if (enclosing_pass(held)) {
    throw std::logic_error(fmt::format(
        "{}: a backward run inside another backward's rule (nn::checkpoint's recomputation) "
        "reached the node '{}' of the outer graph: the recomputed function used a tensor "
        "with history that is not one of its inputs; pass such tensors as inputs",
        api_, node->name()));
  }
  throw busy("node", fmt::format("'{}'", node->name()));
}

// The same for a leaf whose grad this pass will write (nabla::grad writes none).
void Engine::claim_leaf(std::shared_ptr<AutogradMeta> meta) {
  if (inputs_ || !meta) return;
  if (meta->hooks && !meta->hooks->empty()) [[unlikely]]
    ++leaf_pending_[meta.get()];  // one per edge into it (and one for a leaf output)
  std::uint64_t held = 0;
  if (meta->claim.compare_exchange_strong(held, id_, std::memory_order_acq_rel)) {
    claimed_leaves_.push_back(std::move(meta));
  } else if (held != id_ && !enclosing_pass(held)) {
    // (A leaf an enclosing pass on this thread holds is written by both in turn.)
    throw busy("the leaf",
               meta->name.empty() ? std::string("(unnamed)") : fmt::format("'{}'", meta->name));
  }
}

// 3. Topological order by iterative depth-first search.
void Engine::order(const std::vector<Tensor>& outputs) {
  std::vector<std::pair<Node*, std::size_t>> stack;  // node, next edge to follow
  for (const Tensor& out : outputs) {
    const auto& meta = out.impl()->meta;
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
        post_.push_back(node->slot_);
        stack.pop_back();
      }
    }
  }
}

// 4. For nabla::grad, only nodes that lead to a target run (all of them otherwise).
void Engine::prune() {
  if (!inputs_) return;
  for (const std::size_t i : post_) {  // children before parents
    Slot& slot = slots_[i];
    bool needed = node_targets_.count(slot.node) > 0;
    for (const Edge& e : slot.node->edges_) {
      if (needed) break;
      if (e.fn) {
        needed = slots_[e.fn->slot_].needed;
      } else if (e.leaf_edge) {
        auto meta = e.leaf.lock();
        needed = meta && leaf_targets_.count(meta.get()) > 0;
      }
    }
    slot.needed = needed;
  }
}

void Engine::deliver_leaf(const std::shared_ptr<AutogradMeta>& meta, const Tensor& g) {
  if (meta->hooks && !meta->hooks->empty()) [[unlikely]] {
    auto it = std::find_if(hooked_leaves_.begin(), hooked_leaves_.end(),
                           [&](const auto& p) { return p.first == meta; });
    if (it == hooked_leaves_.end()) {
      hooked_leaves_.emplace_back(meta, g);
    } else {
      it->second = accumulate(std::move(it->second), g, create_);
    }
    leaf_edge_done(meta);
    return;
  }
  deliver_leaf_now(meta, g);
}

// One more edge into a hooked leaf has been passed along (with a gradient or without):
// once the last has, the leaf's gradient is complete, and its hooks and delivery run now,
// while the rest of the graph is still being differentiated.
void Engine::leaf_edge_done(const std::shared_ptr<AutogradMeta>& meta) {
  auto pending = leaf_pending_.find(meta.get());
  if (pending == leaf_pending_.end() || --pending->second > 0) return;
  leaf_pending_.erase(pending);
  auto it = std::find_if(hooked_leaves_.begin(), hooked_leaves_.end(),
                         [&](const auto& p) { return p.first == meta; });
  if (it == hooked_leaves_.end()) return;  // no gradient reached it
  Tensor g = std::move(it->second);
  hooked_leaves_.erase(it);
  deliver_hooked(meta, std::move(g));
}

// A hooked leaf's gradient hooks on its summed gradient, the delivery, then (in
// backward) its post-accumulate-grad hooks.
void Engine::deliver_hooked(const std::shared_ptr<AutogradMeta>& meta, Tensor g) {
  const std::string what =
      meta->name.empty() ? std::string("a leaf") : fmt::format("the leaf '{}'", meta->name);
  const std::shared_ptr<HookList> hooks = meta->hooks;  // a hook may replace the list
  deliver_leaf_now(meta, run_hooks(*hooks, 0, std::move(g), what));
  if (!inputs_ && !hooks->post.empty()) run_post_hooks(*hooks);
}

// The hooked leaves still waiting at the end of the pass: those of nabla::grad, and those
// with an edge from a node that did not run.
void Engine::deliver_hooked_leaves() {
  while (!hooked_leaves_.empty()) {
    auto [meta, g] = std::move(hooked_leaves_.front());
    hooked_leaves_.erase(hooked_leaves_.begin());
    deliver_hooked(meta, std::move(g));
  }
  leaf_pending_.clear();
}

// A node that runs no rule (no gradient reached it) passes nothing along its edges.
void Engine::skip_edges(const Node& node) {
  if (leaf_pending_.empty()) [[likely]]
    return;
  for (const Edge& e : node.edges_) {
    if (e.fn || !e.leaf_edge) continue;
    if (auto meta = e.leaf.lock(); meta && meta->hooks && !meta->hooks->empty()) {
      leaf_edge_done(meta);
    }
  }
}

Tensor Engine::hooked(const Node& node, std::uint32_t nr, Tensor g) const {
  if (!node.hooks_ || node.hooks_->entries.empty()) [[likely]]
    return g;
  const std::string what = node.num_outputs() == 1
                               ? fmt::format("the output of '{}'", node.name())
                               : fmt::format("output {} of '{}'", nr, node.name());
  return run_hooks(*node.hooks_, nr, std::move(g), what);
}

void Engine::deliver_leaf_now(const std::shared_ptr<AutogradMeta>& meta, const Tensor& g) {
  if (inputs_) {
    auto it = leaf_targets_.find(meta.get());
    if (it != leaf_targets_.end()) {
      captured_[it->second] = accumulate(std::move(captured_[it->second]), g, create_);
    }
    return;
  }
  // Without create_graph, .grad never carries history, and it is dense (an optimizer, or
  // the user, reads it as the parameter's layout): a rule may return a view.
  const Tensor stored = create_ ? g.contiguous() : dense(g.requires_grad() ? g.detach() : g);
  meta->grad = accumulate(std::move(meta->grad), stored, create_);
}

// 5. One node's rule, checked, its gradients passed along the edges.
void Engine::run_node(Slot& slot) {
  Node* node = slot.node;
  if (node->multi_output_) {
    run_multi_node(slot);
    return;
  }
  Tensor incoming = std::move(slot.pending);
  slot.pending = Tensor();
  if (!slot.needed || !incoming.defined()) {
    skip_edges(*node);
    return;
  }
  const Tensor g = hooked(*node, 0, std::move(incoming));
  capture(node, 0, g);
  retain(node->retained_, g);
  if (record_grad_norms.load(std::memory_order_relaxed)) node->grad_norm_ = norm(g);
  pass_along(*node, call_rule([&] { return node->backward(g); }), std::span<const Tensor>(&g, 1));
}

// A multi-output node's rule gets one gradient per output (undefined where none came).
void Engine::run_multi_node(Slot& slot) {
  auto* node = static_cast<MultiOutputNode*>(slot.node);
  std::vector<Tensor> g;
  g.reserve(node->num_outputs());
  g.push_back(std::exchange(slot.pending, Tensor()));
  for (Tensor& m : slot.more) g.push_back(std::exchange(m, Tensor()));
  const bool any = std::any_of(g.begin(), g.end(), [](const Tensor& t) { return t.defined(); });
  if (!slot.needed || !any) {
    skip_edges(*node);
    return;
  }
  for (std::size_t k = 0; k < g.size(); ++k) {
    if (!g[k].defined()) continue;
    g[k] = hooked(*node, static_cast<std::uint32_t>(k), std::move(g[k]));
    capture(node, static_cast<std::uint32_t>(k), g[k]);
    retain(k == 0 ? node->retained_ : node->more_outputs_[k - 1].retained, g[k]);
  }
  if (record_grad_norms.load(std::memory_order_relaxed)) {
    double sq = 0;  // the norm of all the output gradients together
    for (const Tensor& t : g) {
      if (!t.defined()) continue;
      const double n = norm(t);
      sq += n * n;
    }
    node->grad_norm_ = std::sqrt(sq);
  }
  pass_along(*node, call_rule([&] { return node->backward(g); }), g);
}

// nabla::grad asked for the gradient of output `nr` of `node`: keep it.
void Engine::capture(const Node* node, std::uint32_t nr, const Tensor& g) {
  if (!inputs_) return;
  auto t = node_targets_.find(node);
  if (t == node_targets_.end()) return;
  for (const auto& [output_nr, index] : t->second) {
    if (output_nr == nr) captured_[index] = accumulate(std::move(captured_[index]), g, create_);
  }
}

// retain_grad() on an interior tensor: its grad accumulates as a leaf's would (in
// backward; nabla::grad, like PyTorch's autograd.grad, writes no grad).
void Engine::retain(const std::weak_ptr<AutogradMeta>& retained, const Tensor& g) {
  if (inputs_) return;
  if (auto kept = retained.lock()) {
    kept->grad = accumulate(std::move(kept->grad), create_ ? g.contiguous() : dense(g), create_);
    if (!create_ && kept->grad.requires_grad()) kept->grad = kept->grad.detach();
  }
}

// A rule's gradients, checked, reduced to each input's shape and sent along the edges.
void Engine::pass_along(Node& node, std::vector<Tensor> grads, std::span<const Tensor> incoming) {
  if (anomaly_depth > 0) [[unlikely]]
    check_backward_anomaly(node, grads);
  if (grads.size() != node.edges_.size()) {
    throw std::logic_error(fmt::format(
        "nabla: the backward rule of '{}' returned {} gradients for {} inputs; a rule returns "
        "one per input (undefined for an input that needs none)",
        node.name(), grads.size(), node.edges_.size()));
  }
  std::vector<Tensor> sent;  // for the observer: what went to each input
  std::vector<std::string> targets;
  if (observer) [[unlikely]] {
    sent.resize(grads.size());
    targets.resize(grads.size());
  }
  for (std::size_t i = 0; i < grads.size(); ++i) {
    const Edge& e = node.edges_[i];
    if (!e.valid()) continue;
    if (!grads[i].defined()) {
      if (!e.fn && !leaf_pending_.empty()) [[unlikely]] {
        if (auto meta = e.leaf.lock(); meta && meta->hooks && !meta->hooks->empty()) {
          leaf_edge_done(meta);
        }
      }
      continue;
    }
    Tensor gi =
        conform(node, i, std::move(grads[i]), node.inputs_[i].shape, node.inputs_[i].dtype);
    if (observer) [[unlikely]] {
      sent[i] = gi;
      if (e.fn) {
        targets[i] = fmt::format("node {}", e.fn->name());
      } else if (auto meta = e.leaf.lock()) {
        targets[i] = meta->name.empty() ? "leaf " + shape_str(node.inputs_[i].shape) : meta->name;
      }
    }
    if (e.fn) {
      Slot& next = slots_[e.fn->slot_];
      if (next.needed) {
        Tensor& into = next.into(e.output_nr);
        into = accumulate(std::move(into), gi, create_);
      }
    } else if (auto meta = e.leaf.lock()) {
      deliver_leaf(meta, gi);
    }
  }
  if (observer) [[unlikely]]
    observer->node_ran(node, incoming, sent, targets);
  if (!retain_) node.release();
}

// 6. nabla::grad's results; an input no output depends on is an error unless allowed.
std::vector<Tensor> Engine::collect(bool allow_unused) {
  if (!inputs_) return {};
  if (!allow_unused) {
    for (std::size_t i = 0; i < captured_.size(); ++i) {
      if (!captured_[i].defined()) {
        throw std::runtime_error(fmt::format(
            "nabla::grad: input {} (shape {}) was not used to compute the outputs; pass "
            "allow_unused = true to get an undefined gradient for it",
            i, shape_str((*inputs_)[i].shape())));
      }
    }
  }
  if (!create_) {
    for (Tensor& c : captured_) {
      if (c.defined()) c = c.detach();
    }
  }
  return std::move(captured_);
}

}  // namespace detail

// ---- entry points ------------------------------------------------------------------

void queue_callback(std::function<void()> fn) {
  if (detail::active_passes.empty()) {
    throw std::logic_error(
        "nabla::queue_callback: no backward pass is running on this thread; queue a callback "
        "from a hook or a rule while backward runs");
  }
  if (!fn) throw std::invalid_argument("nabla::queue_callback: the callback is empty");
  // The outermost pass: a backward that a rule runs inside it (nn::checkpoint's) is part of
  // the user's backward, whose end is what a callback waits for.
  detail::active_passes.front().callbacks->push_back(std::move(fn));
}

void Tensor::backward(const Tensor& grad_output, bool retain_graph, bool create_graph) const {
  check_defined("backward");
  detail::Engine pass("nabla::backward", retain_graph || create_graph, create_graph, nullptr);
  pass.run({*this}, {grad_output}, false);
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, std::optional<bool> retain_graph,
                         bool create_graph, bool allow_unused) {
  if (inputs.empty()) throw std::invalid_argument("nabla::grad: no inputs given");
  detail::Engine pass("nabla::grad", retain_graph.value_or(create_graph), create_graph, &inputs);
  return pass.run(outputs, grad_outputs, allow_unused);
}

}  // namespace nabla
