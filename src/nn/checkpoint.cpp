// nn::checkpoint and nn::Checkpoint: activation checkpointing. The forward runs without
// recording; the node keeps only the inputs, and its rule runs the function again with
// recording on and differentiates that (a backward inside the backward). Only the public
// Tensor, op and extension API is used here.
#include <fmt/format.h>

#include <stdexcept>
#include <utility>

#include "nabla/autograd.hpp"
#include "nabla/nn.hpp"

namespace nabla::nn {

namespace {

class CheckpointNode : public MultiOutputNode {
 public:
  CheckpointNode(CheckpointFn fn, Generator rng, std::size_t num_inputs)
      : MultiOutputNode("checkpoint"), fn_(std::move(fn)), rng_(std::move(rng)),
        num_inputs_(num_inputs) {}

  std::vector<Tensor> backward(const std::vector<Tensor>& grads) override {
    if (detail::in_grad_pass()) {
      throw std::logic_error(
          "nabla::nn::checkpoint: the recomputed function writes its parameters' gradients "
          "into grad(), so it works under loss.backward() but not under nabla::grad (or "
          "functional.hpp); run those without checkpointing");
    }
    if (is_grad_enabled()) {
      throw std::logic_error(
          "nabla::nn::checkpoint: backward with create_graph is not supported through a "
          "checkpoint (its gradients would not be differentiable with respect to the inputs)");
    }
    std::vector<Tensor> inputs;
    inputs.reserve(num_inputs_);
    for (std::size_t i = 0; i < num_inputs_; ++i) {
      Tensor t = saved(i);
      if (t.defined()) {
        t = t.detach();
        if (needs_input_grad(i)) t.requires_grad_(true);
      }
      inputs.push_back(t);
    }
    std::vector<Tensor> outs;
    {
      AutoGradMode on(true);
      // The same random numbers as the first run (Dropout inside fn draws the same mask).
      Generator after = default_generator();
      default_generator() = rng_;
      try {
        outs = fn_(inputs);
      } catch (...) {
        default_generator() = after;
        throw;
      }
      default_generator() = after;
    }
    if (outs.size() != num_outputs()) {
      throw std::logic_error(fmt::format(
          "nabla::nn::checkpoint: the function returned {} tensors when recomputed, {} the "
          "first time",
          outs.size(), num_outputs()));
    }
    std::vector<Tensor> with_grad, seeds;
    for (std::size_t k = 0; k < outs.size(); ++k) {
      if (!grads[k].defined() || !outs[k].requires_grad()) continue;
      if (outs[k].shape() != output_shape(k)) {
        throw std::logic_error(fmt::format(
            "nabla::nn::checkpoint: output {} has another shape when recomputed", k));
      }
      with_grad.push_back(outs[k]);
      seeds.push_back(grads[k]);
    }
    if (with_grad.size() == 1) {
      with_grad[0].backward(seeds[0]);
    } else if (!with_grad.empty()) {
      // One backward for every output: the gradient of Σₖ ⟨outₖ, gₖ⟩ is gₖ at each outₖ.
      AutoGradMode on(true);
      Tensor total;
      for (std::size_t k = 0; k < with_grad.size(); ++k) {
        Tensor term = sum(mul(with_grad[k], seeds[k]));
        total = total.defined() ? add(total, term) : term;
      }
      total.backward();
    }
    std::vector<Tensor> result(num_inputs());
    for (std::size_t i = 0; i < num_inputs_; ++i) {
      if (needs_input_grad(i) && inputs[i].defined()) result[i] = inputs[i].grad();
    }
    // The parameters' gradients went to their grad() directly, in the inner backward.
    return result;
  }

 private:
  CheckpointFn fn_;
  Generator rng_;
  std::size_t num_inputs_;
};

}  // namespace

std::vector<Tensor> checkpoint(const CheckpointFn& fn, const std::vector<Tensor>& inputs,
                               const std::vector<Tensor>& params) {
  if (!fn) throw std::invalid_argument("nabla::nn::checkpoint: the function is empty");
  std::vector<Tensor> edges = inputs;
  edges.insert(edges.end(), params.begin(), params.end());
  if (!detail::should_record(edges)) return fn(inputs);  // no graph: nothing to save
  Generator rng = default_generator();
  std::vector<Tensor> outs;
  {
    NoGradGuard no_grad;
    std::vector<Tensor> detached;
    detached.reserve(inputs.size());
    for (const Tensor& t : inputs) detached.push_back(t.defined() ? t.detach() : t);
    outs = fn(detached);
  }
  if (outs.empty()) throw std::invalid_argument("nabla::nn::checkpoint: the function returned nothing");
  for (std::size_t k = 0; k < outs.size(); ++k) {
    if (!outs[k].defined() || !is_floating_point(outs[k].dtype())) {
      throw std::invalid_argument(fmt::format(
          "nabla::nn::checkpoint: output {} is {}; a checkpointed function returns defined "
          "floating tensors",
          k, outs[k].defined() ? dtype_name(outs[k].dtype()) : "undefined"));
    }
    // A view of an input would share its values: give each output its own storage.
    for (const Tensor& in : inputs) {
      if (in.defined() && outs[k].is_same_storage(in)) outs[k] = outs[k].clone();
    }
  }
  if (auto node = record_outputs<CheckpointNode>(outs, edges, fn, rng, inputs.size())) {
    for (const Tensor& t : inputs) node->save(t);
  }
  return outs;
}

Tensor checkpoint(const std::function<Tensor(const Tensor&)>& fn, const Tensor& input,
                  const std::vector<Tensor>& params) {
  if (!fn) throw std::invalid_argument("nabla::nn::checkpoint: the function is empty");
  return checkpoint([fn](const std::vector<Tensor>& in) { return std::vector<Tensor>{fn(in[0])}; },
                    {input}, params)[0];
}

Checkpoint::Checkpoint(std::shared_ptr<Module> module) : Module("Checkpoint") {
  inner_ = register_module("module", std::move(module));
}

Tensor Checkpoint::forward(const Tensor& x) {
  if (!is_training()) return (*inner_)(x);
  Module* inner = inner_.get();
  return checkpoint([inner](const Tensor& in) { return (*inner)(in); }, x, inner_->parameters());
}

}  // namespace nabla::nn
