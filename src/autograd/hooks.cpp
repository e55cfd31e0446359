// Tensor::register_hook and running the hooks (the engine calls run_hooks).

#include "autograd/hooks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "core/tensor_impl.hpp"
#include "nabla/autograd.hpp"
#include "nabla/shape.hpp"

namespace nabla {
namespace detail {

Tensor run_hooks(const HookList& list, std::uint32_t output_nr, Tensor g, std::string_view what) {
  // A hook may register or remove hooks: run a copy of the list as it was.
  std::vector<GradHook> fns;
  for (const auto& e : list.entries) {
    if (e.output_nr == output_nr) fns.push_back(e.fn);
  }
  for (std::size_t k = 0; k < fns.size(); ++k) {
    Tensor r = fns[k](g);
    if (!r.defined()) continue;
    if (r.shape() != g.shape() || r.dtype() != g.dtype()) {
      throw std::runtime_error(fmt::format(
          "nabla: gradient hook {} on {} returned a {} tensor of shape {} for a {} gradient of "
          "shape {}; a hook returns a tensor of the gradient's shape and dtype, or an "
          "undefined Tensor() to keep it",
          k, what, dtype_name(r.dtype()), shape_str(r.shape()), dtype_name(g.dtype()),
          shape_str(g.shape())));
    }
    g = std::move(r);
  }
  return g;
}

void run_post_hooks(const HookList& list) {
  const std::vector<HookList::PostEntry> hooks = list.post;
  for (const auto& h : hooks) {
    if (auto impl = h.leaf.lock()) {
      Tensor leaf(std::move(impl));
      h.fn(leaf);
    }
  }
}

}  // namespace detail

RemovableHandle Tensor::register_post_accumulate_grad_hook(PostAccumulateGradHook hook) {
  check_defined("register_post_accumulate_grad_hook");
  if (!requires_grad() || !is_leaf()) {
    throw std::logic_error(fmt::format(
        "nabla::Tensor::register_post_accumulate_grad_hook: {}; the hook runs after a leaf's "
        "grad() is updated, so it needs a leaf that requires grad (a parameter)",
        requires_grad() ? "the tensor is not a leaf (it has a grad_fn)"
                        : "the tensor does not require grad"));
  }
  if (!hook) {
    throw std::invalid_argument(
        "nabla::Tensor::register_post_accumulate_grad_hook: the hook is empty");
  }
  std::shared_ptr<detail::HookList>& list = impl_->meta->hooks;
  if (!list) list = std::make_shared<detail::HookList>();
  const std::uint64_t id = list->next_id++;
  list->post.push_back({id, impl_, std::move(hook)});
  return RemovableHandle([weak = std::weak_ptr<detail::HookList>(list), id] {
    if (auto l = weak.lock()) {
      std::erase_if(l->post, [id](const detail::HookList::PostEntry& e) { return e.id == id; });
    }
  });
}

RemovableHandle Tensor::register_hook(GradHook hook) {
  check_defined("register_hook");
  if (!requires_grad()) {
    throw std::logic_error(
        "nabla::Tensor::register_hook: the tensor does not require grad, so no gradient will "
        "reach a hook on it (call requires_grad_() on a leaf first)");
  }
  if (!hook) throw std::invalid_argument("nabla::Tensor::register_hook: the hook is empty");
  auto& meta = impl_->meta;
  std::shared_ptr<detail::HookList>& list = meta->grad_fn ? meta->grad_fn->hooks_ : meta->hooks;
  if (!list) list = std::make_shared<detail::HookList>();
  const std::uint64_t id = list->next_id++;
  list->entries.push_back({id, meta->output_nr, std::move(hook)});
  return RemovableHandle([weak = std::weak_ptr<detail::HookList>(list), id] {
    if (auto l = weak.lock()) {
      std::erase_if(l->entries, [id](const detail::HookList::Entry& e) { return e.id == id; });
    }
  });
}

}  // namespace nabla
