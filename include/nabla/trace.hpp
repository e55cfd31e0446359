#pragma once
/// \file trace.hpp
/// BackwardTrace: the backward pass made visible, node by node, as the engine runs it.
///
/// ```cpp
/// nabla::BackwardTrace trace(stdout);  // or a callback taking a nabla::BackwardStep
/// loss.backward();                     // prints each node: op, rule, gradients in and out
/// ```

#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "nabla/tensor.hpp"

namespace nabla {

namespace detail {
class TraceObserver;
}

/// A gradient a BackwardTrace saw.
struct TracedGrad {
  /// False where no gradient came (an output nothing used) or none was sent (an input
  /// that needs none).
  bool defined = false;
  Shape shape;        ///< its shape (an input's gradient has the input's shape)
  double norm = 0.0;  ///< ‖g‖, the square root of the sum of its squares
  /// For a gradient sent to an input: where it went, "node matmul" (the node that made
  /// the input), a leaf's name (Tensor::set_name), or "leaf [3, 2]" for an unnamed leaf.
  std::string target;
  /// The gradient itself, with BackwardTrace::Options::keep_values (else undefined).
  Tensor value;
};

/// One node the engine ran.
struct BackwardStep {
  std::size_t index = 0;  ///< 0 for the first node a guard saw, then 1, 2, ...
  std::string op;         ///< the node's name, as grad_fn names it ("sigmoid")
  /// The op's forward formula and backward rule from the op registry (the rule is the
  /// "backward" line of the op's file, as docs/ops.md shows it); empty for an op the
  /// registry does not hold (a user's unregistered op).
  std::string formula, rule;
  std::vector<TracedGrad> incoming;  ///< the gradient of each output of the node
  std::vector<TracedGrad> outgoing;  ///< the gradient the rule gave each input
};

/// While alive, each node that a backward pass (Tensor::backward or nabla::grad) runs in
/// this thread is reported, after its rule ran, in the order run. Guards nest: the newest
/// one hears, and the one before it hears again when it ends. Costs nothing when no guard
/// is alive; while one is, a norm per gradient. An exception from the callback ends the
/// backward pass with that exception.
class BackwardTrace {
 public:
  using Callback = std::function<void(const BackwardStep&)>;
  struct Options {
    /// Keep each gradient in TracedGrad::value (they are alive while the step is).
    bool keep_values = false;
  };
  explicit BackwardTrace(Callback callback);
  BackwardTrace(Callback callback, Options options);
  /// Prints each step to `out`, as format_backward_step writes it.
  explicit BackwardTrace(std::FILE* out);
  ~BackwardTrace();
  BackwardTrace(const BackwardTrace&) = delete;
  BackwardTrace& operator=(const BackwardTrace&) = delete;

 private:
  detail::TraceObserver* observer_;
};

/// A step as a few lines of text: "#index op" with its formula, then its rule, then each
/// incoming and outgoing gradient with shape and norm (and target).
std::string format_backward_step(const BackwardStep& step);

}  // namespace nabla
