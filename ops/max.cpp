// max: maximum along one axis.
//   forward : result = max x along the axis (NaN wins: a NaN along the axis is the maximum)
//   backward: grad_x = reshape(grad_out, kept shape) ⊙ onehot, where onehot is 1 at the
//             first index holding the maximum and 0 elsewhere (ties: the first index)
//   saves   : the onehot mask, a constant without history (so ∂²/∂x² = 0)
//   shapes  : x [.., n, ..] → the shape without the axis; with keepdim the axis stays as 1.
//             axis may be negative; outside the rank → std::out_of_range; n = 0 →
//             std::invalid_argument

#include <algorithm>

#include "kernels/argmax.hpp"
#include "ops/op_common.hpp"

namespace nabla {
namespace detail {
std::vector<OpSample> axis_samples(Generator& g, Dtype d);      // ops/softmax.cpp
std::vector<OpSample> axis_bad_samples(Generator& g, Dtype d);  // ops/softmax.cpp
}  // namespace detail

namespace {
struct MaxNode final : Node {
  explicit MaxNode(Shape kept) : Node("max"), kept_(std::move(kept)) {}
  Shape kept_;  // the result's shape with the axis kept as 1
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {mul(reshape(grad_out, kept_), saved(0))};  // [..] = [.., 1, ..] ⊙ [..]
  }
};
}  // namespace

Tensor max(const Tensor& x, std::int64_t axis, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("max", x);
  const auto a = static_cast<std::size_t>(normalize_axis(axis, x.dim(), "max"));
  const Shape& shape = x.shape();
  const auto [outer, n, inner] = detail::split_at_axis(shape, a);
  std::vector<std::int64_t> idx(static_cast<std::size_t>(outer * inner));
  detail::argmax_indices("max", x, a, idx.data());
  Tensor result = detail::make_tensor(detail::reduced_shape(shape, {a}, keepdim), x.dtype());
  detail::dispatch_floating("max", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const Tensor values = detail::dense(x);  // the node records x itself
    const T* p = detail::data_ptr<T>(values);
    T* o = detail::data_ptr<T>(result);
    for (std::size_t r = 0; r < idx.size(); ++r) {
      const auto i = static_cast<std::int64_t>(r) / inner;
      const auto j = static_cast<std::int64_t>(r) % inner;
      o[r] = p[i * n * inner + idx[r] * inner + j];
    }
  });
  if (auto node = record<MaxNode>(result, {x}, detail::reduced_shape(shape, {a}, true))) {
    Tensor mask = detail::make_tensor(shape, x.dtype());
    detail::dispatch_floating("max", x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T* m = detail::data_ptr<T>(mask);
      std::fill(m, m + x.numel(), T(0));
      for (std::size_t r = 0; r < idx.size(); ++r) {
        const auto i = static_cast<std::int64_t>(r) / inner;
        const auto j = static_cast<std::int64_t>(r) % inner;
        m[i * n * inner + idx[r] * inner + j] = T(1);
      }
    });
    node->save(mask);
  }
  return result;
}

namespace detail {
void register_max(OpRegistry& r) {
  // standard normal samples: ties (where the gradient jumps) have probability 0
  r.add({.name = "max",
         .formula = "max along axis -1",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return max(in[0], -1); },
         .samples = axis_samples,
         .bad_samples = axis_bad_samples});
  r.add({.name = "max_keepdim",
         .formula = "max along axis 0, keepdim",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return max(in[0], 0, true); },
         .samples = axis_samples,
         .bad_samples = axis_bad_samples});
}
}  // namespace detail
}  // namespace nabla
