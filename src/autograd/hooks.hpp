#pragma once
// Internal: the gradient hooks of Tensor::register_hook. A non-leaf's hooks live on its
// node (one list for all of the node's outputs, each entry naming its output), a leaf's on
// its bookkeeping; the engine runs them (engine.cpp).

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "nabla/tensor.hpp"

namespace nabla::detail {

struct HookList {
  struct Entry {
    std::uint64_t id;
    std::uint32_t output_nr;  // which output of the node (0 for a leaf)
    GradHook fn;
  };
  std::vector<Entry> entries;
  /// A leaf's register_post_accumulate_grad_hook: run after its grad() took this pass's
  /// gradient, with the leaf (held weakly: the leaf owns this list).
  struct PostEntry {
    std::uint64_t id;
    std::weak_ptr<TensorImpl> leaf;
    PostAccumulateGradHook fn;
  };
  std::vector<PostEntry> post;
  std::uint64_t next_id = 1;
  bool empty() const { return entries.empty() && post.empty(); }
};

/// Runs a leaf's post-accumulate-grad hooks, in order, on a copy of the list (a hook may
/// register or remove hooks).
void run_post_hooks(const HookList& list);

/// Runs the hooks registered for output `output_nr` on `g`, in order, each on the previous
/// one's result. `what` names the tensor in errors ("the output of 'mul'", "the leaf
/// 'w'"). Throws std::runtime_error when a hook returns another shape or dtype.
Tensor run_hooks(const HookList& list, std::uint32_t output_nr, Tensor g, std::string_view what);

}  // namespace nabla::detail
