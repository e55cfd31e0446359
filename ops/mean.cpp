// mean: mean of all elements, or over given axes.
//   forward : result = (Σ x over the axes) / n,  n = number of elements averaged
//   backward: grad_x = broadcast_to(reshape(grad_out, kept shape), x.shape) / n
//   saves   : nothing
//   shapes  : as sum
//   dtypes  : floating only (an integer or bool x throws, naming the dtype, as PyTorch)
//   kernel  : detail::sum_kernel (src/kernels/reduction.cpp), any strides

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct MeanNode final : Node {
  MeanNode(Shape kept, double n) : Node("mean"), kept_(std::move(kept)), n_(n) {}
  Shape kept_;
  double n_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {broadcast_to(mul(reshape(grad_out, kept_), 1.0 / n_), input_shape(0))};
  }
};
}  // namespace

Tensor mean(const Tensor& x, const std::vector<std::int64_t>& axes, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("mean", x);
  detail::check_floating("mean", x);  // as PyTorch: the mean of integers has no dtype
  const auto ax = detail::reduction_axes("mean", x, axes);
  double n = 1.0;
  for (auto a : ax) n *= static_cast<double>(x.shape()[a]);
  Tensor result = detail::sum_kernel(x, ax, detail::reduced_shape(x.shape(), ax, keepdim));
  detail::dispatch_floating("mean", result.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = detail::data_ptr<T>(result);
    // n = 0 (an empty axis) gives NaN, as in PyTorch.
    for (std::int64_t i = 0; i < result.numel(); ++i) p[i] = static_cast<T>(p[i] / n);
  });
  record<MeanNode>(result, {x}, detail::reduced_shape(x.shape(), ax, true), n);
  return result;
}

Tensor mean(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  return mean(x, {}, false);
}

Tensor Tensor::mean() const {
  return nabla::mean(*this);
}

namespace detail {
void register_mean(OpRegistry& r) {
  r.add({.name = "mean",
         .formula = "mean of all elements",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return mean(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
  r.add({.name = "mean_axis",
         .formula = "mean over axis -1, keepdim",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return mean(in[0], {-1}, true); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"vector [5]", {sample_tensor({5}, g, d)}},
                                            {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"scalar []", {sample_tensor({}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
