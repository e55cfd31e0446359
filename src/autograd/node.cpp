// Node: one recorded op application, its edges, what it saved, and the checks on unpacking
// a saved tensor.

#include <fmt/format.h>

#include <stdexcept>

#include "core/tensor_impl.hpp"
#include "nabla/autograd.hpp"

namespace nabla {
namespace detail {
bool should_record(std::span<const Tensor> inputs) noexcept {
  if (!is_grad_enabled()) return false;
  for (const Tensor& t : inputs) {
    if (t.requires_grad()) return true;
  }
  return false;
}
}  // namespace detail

Node::Node(const char* name) noexcept : name_(name) {
  detail::live_nodes.fetch_add(1, std::memory_order_relaxed);
}

Node::~Node() {
  detail::live_nodes.fetch_sub(1, std::memory_order_relaxed);
  // Hand the links to the rest of the graph to the release queue; the outermost
  // destructor releases them one by one, so no chain is destroyed recursively.
  for (auto& e : edges_) detail::defer_release(std::move(e.fn));
  for (auto& s : saved_) detail::defer_release(std::move(s.value.impl_));
}

void Node::link_inputs(std::span<const Tensor> inputs) {
  edges_.reserve(inputs.size());
  inputs_.reserve(inputs.size());
  for (const Tensor& t : inputs) {
    detail::Edge e;
    if (t.defined() && t.impl()->meta) {
      const auto& meta = t.impl()->meta;
      if (meta->grad_fn) {
        e.fn = meta->grad_fn;
        e.output_nr = meta->output_nr;
      } else if (meta->requires_grad) {
        e.leaf = meta;
        e.leaf_edge = true;
      }
    }
    edges_.push_back(std::move(e));
    inputs_.push_back({t.defined() ? t.shape() : Shape{}, t.defined() ? t.dtype() : Dtype::f32});
  }
}

namespace {
void make_output(Tensor& result, std::shared_ptr<Node> node, std::uint32_t output_nr) {
  auto& impl = result.impl();
  if (!impl->meta) impl->meta = detail::make_pooled<detail::AutogradMeta>();
  impl->meta->grad_fn = std::move(node);
  impl->meta->output_nr = output_nr;
  impl->meta->requires_grad = true;
}
}  // namespace

void Node::attach(Tensor& result, std::span<const Tensor> inputs) {
  link_inputs(inputs);
  output_shape_ = result.shape();
  output_dtype_ = result.dtype();
  make_output(result, shared_from_this(), 0);
}

void Node::attach_outputs(std::span<Tensor> results, std::span<const Tensor> inputs) {
  if (results.empty()) {
    throw std::logic_error(fmt::format("nabla: op '{}' recorded no outputs", name()));
  }
  for (const Tensor& r : results) {
    if (!r.defined()) {
      throw std::logic_error(fmt::format("nabla: op '{}' recorded an undefined output", name()));
    }
  }
  link_inputs(inputs);
  output_shape_ = results[0].shape();
  output_dtype_ = results[0].dtype();
  more_outputs_.reserve(results.size() - 1);
  for (std::size_t i = 1; i < results.size(); ++i)
    more_outputs_.push_back({results[i].shape(), results[i].dtype(), {}});
  for (std::size_t i = 0; i < results.size(); ++i)
    make_output(results[i], shared_from_this(), static_cast<std::uint32_t>(i));
}

std::size_t Node::save(const Tensor& t) {
  if (t.defined() && t.impl()->meta && !t.impl()->meta->grad_fn) {  // a leaf with bookkeeping
    saved_.push_back({t.detach(), t.version(), false, 0, t.impl()->meta});
  } else {
    saved_.push_back({t, t.defined() ? t.version() : 0, false, 0, {}});
  }
  return saved_.size() - 1;
}

std::size_t Node::save_result(const Tensor& result) {
  const auto& meta = result.defined() ? result.impl()->meta : nullptr;
  const std::uint32_t nr = meta && meta->grad_fn.get() == this ? meta->output_nr : 0;
  saved_.push_back({result.detach(), result.version(), true, nr, {}});
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
  meta->output_nr = s.output_nr;
  out.impl()->meta = std::move(meta);
  return out;
}

void Node::release() noexcept {
  for (auto& s : saved_) s.value = Tensor();
  released_ = true;
}

std::vector<Tensor> MultiOutputNode::backward(const Tensor&) {
  throw std::logic_error(fmt::format(
      "nabla: '{}' is a multi-output node: its rule takes one gradient per output", name()));
}

Tensor MultiOutputNode::grad_or_zeros(const std::vector<Tensor>& grad_outputs,
                                      std::size_t i) const {
  if (i < grad_outputs.size() && grad_outputs[i].defined()) return grad_outputs[i];
  return zeros(output_shape(i), output_dtype(i));
}

std::vector<std::shared_ptr<Node>> Node::next_functions() const {
  std::vector<std::shared_ptr<Node>> out;
  out.reserve(edges_.size());
  for (const auto& e : edges_) out.push_back(e.fn);
  return out;
}

}  // namespace nabla
