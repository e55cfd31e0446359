// to_dot: walks the graph behind a tensor (iteratively) and writes Graphviz DOT.

#include "nabla/graph.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <fstream>
#include <unordered_map>

#include "core/tensor_impl.hpp"

namespace nabla {
namespace detail {
std::atomic<bool> record_grad_norms{false};

double norm(const Tensor& t) {
  return dispatch(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const Tensor values = dense(t);
    const T* p = data_ptr<T>(values);
    double s = 0.0;
    for (std::int64_t i = 0; i < t.numel(); ++i)
      s += static_cast<double>(p[i]) * static_cast<double>(p[i]);
    return std::sqrt(s);
  });
}
}  // namespace detail

void set_grad_norms_recorded(bool on) {
  detail::record_grad_norms = on;
}
bool grad_norms_recorded() {
  return detail::record_grad_norms;
}

namespace {
std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string tensor_label(const Shape& shape, Dtype dtype) {
  return fmt::format("{} {}", shape_str(shape), dtype_name(dtype));
}
}  // namespace

std::string to_dot(const Tensor& t) {
  if (!t.defined()) throw std::invalid_argument("nabla::to_dot: the tensor is undefined");
  std::string out =
      "digraph nabla {\n  rankdir=BT;\n  node [fontname=\"Helvetica\", fontsize=11];\n"
      "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  const auto grad_text = [](double n) {
    return std::isnan(n) ? std::string() : fmt::format("\\n‖grad‖ = {:.4g}", n);
  };
  const auto root_fn = t.grad_fn();
  const auto* root_meta = t.impl()->meta.get();
  out += fmt::format(
      "  out [label=\"{}\\n{}{}\", shape=doubleoctagon, style=filled, fillcolor=\"#fde7c0\"];\n",
      escape(t.name().empty() ? "result" : t.name()), tensor_label(t.shape(), t.dtype()),
      grad_text(t.grad().defined() ? detail::norm(t.grad()) : NAN));
  if (!root_fn) {
    out += "}\n";
    return out;
  }
  std::unordered_map<const Node*, std::size_t> ids;
  std::unordered_map<const detail::AutogradMeta*, std::size_t> leaf_ids;
  std::vector<const Node*> stack{root_fn.get()};
  ids.emplace(root_fn.get(), 0);
  out += fmt::format("  n0 -> out [label=\"{}\"];\n", shape_str(t.shape()));
  (void)root_meta;
  while (!stack.empty()) {
    const Node* node = stack.back();
    stack.pop_back();
    const std::size_t id = ids.at(node);
    out += fmt::format(
        "  n{} [label=\"{}\\n{}{}\", shape=box, style=\"rounded,filled\", "
        "fillcolor=\"#dbe9f6\"];\n",
        id, escape(node->name()), tensor_label(node->output_shape(), node->output_dtype()),
        grad_text(node->grad_norm()));
    for (std::size_t i = 0; i < node->num_inputs(); ++i) {
      const auto label = shape_str(node->input_shape(i));
      if (const Node* child = node->next_node(i)) {
        auto [it, fresh] = ids.emplace(child, ids.size());
        if (fresh) stack.push_back(child);
        out += fmt::format("  n{} -> n{} [label=\"{}\"];\n", it->second, id, label);
      } else if (auto meta = node->next_leaf(i)) {
        auto [it, fresh] = leaf_ids.emplace(meta.get(), leaf_ids.size());
        if (fresh) {
          const std::string name =
              meta->name.empty() ? fmt::format("leaf {}", it->second) : meta->name;
          out += fmt::format(
              "  l{} [label=\"{}\\n{}{}\", shape=ellipse, style=filled, fillcolor=\"#d5f0d5\"];\n",
              it->second, escape(name), tensor_label(node->input_shape(i), node->input_dtype(i)),
              grad_text(meta->grad.defined() ? detail::norm(meta->grad) : NAN));
        }
        out += fmt::format("  l{} -> n{} [label=\"{}\"];\n", it->second, id, label);
      } else {
        out +=
            fmt::format("  c{}_{} [label=\"constant\\n{}\", shape=plaintext, fontcolor=gray40];\n",
                        id, i, tensor_label(node->input_shape(i), node->input_dtype(i)));
        out += fmt::format("  c{}_{} -> n{} [color=gray60];\n", id, i, id);
      }
    }
  }
  out += "}\n";
  return out;
}

void write_dot(const Tensor& t, const std::string& path) {
  const std::string dot = to_dot(t);
  std::ofstream f(path);
  if (!f) throw std::runtime_error(fmt::format("nabla::write_dot: cannot write '{}'", path));
  f << dot;
  if (!f) throw std::runtime_error(fmt::format("nabla::write_dot: writing '{}' failed", path));
}

}  // namespace nabla
