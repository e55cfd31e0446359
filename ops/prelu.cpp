// prelu: leaky_relu with a learnable slope, shared or one per channel (axis 1).
//   forward : result = x where x > 0, else w·x, w = weight seen as [1, C, 1, ..] (or as a
//             single value when it has one element)
//   backward: grad_x = grad_out where x > 0, else w·grad_out   (w at the kink x = 0)
//             grad_w = 0 where x > 0, else x·grad_out, summed to w's shape by the engine
//   saves   : the mask x > 0 (bool), w (when x needs a gradient), x (when w needs one)
//   shapes  : weight 0-d or 1-d with 1 element or x.size(1) elements (1 for x of rank < 2),
//             else std::invalid_argument; a 0-d x takes only a 1-element weight.
//             float32/float64 only

#include "ops/activation_common.hpp"

namespace nabla {
namespace {
struct PreluNode final : Node {
  PreluNode() : Node("prelu") {}
  std::size_t mask_ = 0, x_ = 0, w_ = 0;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor positive = saved(mask_);
    Tensor grad_x, grad_w;
    if (needs_input_grad(0)) grad_x = nabla::where(positive, grad_out, mul(grad_out, saved(w_)));
    if (needs_input_grad(1)) grad_w = nabla::where(positive, 0.0, mul(grad_out, saved(x_)));
    return {grad_x, grad_w};
  }
};
}  // namespace

Tensor prelu(const Tensor& x, const Tensor& weight, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("prelu", x, "input");
  detail::check_defined("prelu", weight, "weight");
  detail::check_floating("prelu", x, "input");
  detail::check_floating("prelu", weight, "weight");
  if (weight.dim() > 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::prelu: weight must be 0-d or 1-d, got weight {}", shape_str(weight.shape())));
  }
  const std::int64_t count = weight.numel();
  Tensor w = weight;
  if (count != 1) {
    if (x.dim() == 0) {
      throw std::invalid_argument(
          fmt::format("nabla::prelu: a 0-d input takes a weight of 1 element, got weight {}",
                      shape_str(weight.shape())));
    }
    const std::int64_t channels = x.dim() > 1 ? x.shape()[1] : 1;
    if (count != channels) {
      throw std::invalid_argument(fmt::format(
          "nabla::prelu: weight has {} elements but the input {} has {} channels (axis 1); "
          "it must have 1 or {}",
          count, shape_str(x.shape()), channels, channels));
    }
    Shape per_channel(static_cast<std::size_t>(x.dim()), 1);
    per_channel[1] = channels;
    w = reshape(weight, per_channel);  // differentiable: the gradient reshapes back
  } else {
    w = reshape(weight, {});
  }
  Tensor result = detail::dispatch_floating("prelu", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    return detail::binary_kernel_floating(
        "prelu", x, w, [](auto&& xv, auto&& wv) { return xt::where(xv > T(0), xv, wv * xv); });
  });
  if (auto node = record<PreluNode>(result, {x, w})) {
    node->mask_ = node->save(gt(x, 0.0));
    if (node->needs_input_grad(0)) node->w_ = node->save(w);
    if (node->needs_input_grad(1)) node->x_ = node->save(x);
  }
  return result;
}

namespace detail {
namespace {
Tensor slopes(const Shape& shape, Generator& g, Dtype d) {
  return sample_tensor(shape, g, d, Domain::unit_interval);
}
}  // namespace

void register_prelu(OpRegistry& r) {
  // x away from the kink at 0, where the slope jumps from w to 1
  r.add({.name = "prelu",
         .formula = "x > 0 ? x : w * x",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return prelu(in[0], in[1]); },
         .samples =
             [](Generator& g, Dtype d) {
               const auto x = [&](const Shape& s) {
                 return sample_tensor(s, g, d, Domain::away_from_zero);
               };
               return std::vector<OpSample>{
                   {"per channel [2,3] [3]", {x({2, 3}), slopes({3}, g, d)}},
                   {"per channel rank 3 [2,3,4] [3]", {x({2, 3, 4}), slopes({3}, g, d)}},
                   {"shared [5] [1]", {x({5}), slopes({1}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"weight count", {sample_tensor({2, 3}, g, d), sample_tensor({2}, g, d)}},
                   {"weight rank", {sample_tensor({2, 3}, g, d), sample_tensor({3, 1}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
