#pragma once
/// \file graph.hpp
/// The graph made visible: Graphviz DOT of the ops that produced a tensor.

#include <string>

#include "nabla/tensor.hpp"

namespace nabla {

/// Whether backward records the norm of the gradient that flows out of each node (for
/// to_dot). Off by default: it costs one pass over each gradient.
void set_grad_norms_recorded(bool on);
/// The current setting of set_grad_norms_recorded.
bool grad_norms_recorded();

/// The graph that produced `t`, in Graphviz DOT: one box per op with its name, output
/// shape and dtype; one ellipse per leaf with its name (set_name) and shape; edges in
/// the direction data flowed. After a backward, each leaf shows ‖grad‖ and, when
/// set_grad_norms_recorded(true) was on during it, each op shows the norm of the gradient
/// it received. Render with `dot -Tsvg graph.dot -o graph.svg` (tools/render-graph).
/// Throws std::invalid_argument when `t` is undefined.
std::string to_dot(const Tensor& t);

/// Writes to_dot(t) to `path`. Throws std::runtime_error naming the path when it cannot
/// be written.
void write_dot(const Tensor& t, const std::string& path);

}  // namespace nabla
