#pragma once
// Internal: a window on the engine's walk. While an observer is installed in a thread, the
// engine tells it about every node it runs there, after the rule: what came in, what went
// out and where to. BackwardTrace (src/check/trace.cpp) is the one observer.

#include <span>
#include <string>

#include "nabla/autograd.hpp"

namespace nabla::detail {

class BackwardObserver {
 public:
  virtual ~BackwardObserver() = default;
  /// `node` ran. `incoming` holds its output gradients, one per output (undefined where
  /// none came); `outgoing` the gradient it sent each input, reduced to the input's shape
  /// (undefined where it sent none); `targets` where each went: "W_h" (a leaf, by its
  /// name, or "leaf [3, 2]" when it has none), "node matmul", or "" for nowhere.
  virtual void node_ran(const Node& node, std::span<const Tensor> incoming,
                        std::span<const Tensor> outgoing, std::span<const std::string> targets) = 0;
};

/// Installs `observer` for this thread (null removes it) and returns the one it replaces.
BackwardObserver* set_backward_observer(BackwardObserver* observer) noexcept;

}  // namespace nabla::detail
