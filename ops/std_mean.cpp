// std_mean: the standard deviation and the mean over given dims, one node with two outputs.
//   forward : std as std(x, dims, correction, keepdim), mean as mean(x, dims, keepdim), in
//             one pass over x
//   backward: grad_x = std's gradient of grad_std + broadcast(grad_mean) / N; an output
//             that got no gradient adds nothing
//   saves   : x and the std output
//   shapes  : both outputs have std's shape
//   dtypes  : float32, float64 only

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
std::vector<OpSample> moment_samples(Generator& g, Dtype d);           // ops/var.cpp
Tensor mean_gradient(const Tensor& g, const Shape& x_shape, double n);  // ops/var_mean.cpp
Tensor joined_moments(const Tensor& a, const Tensor& b);                // ops/var_mean.cpp

namespace {
struct StdMeanNode final : MultiOutputNode {
  StdMeanNode(std::vector<std::int64_t> axes, Shape kept, double n, std::int64_t correction)
      : MultiOutputNode("std_mean"), axes_(std::move(axes)), kept_(std::move(kept)), n_(n),
        correction_(correction) {}
  std::vector<std::int64_t> axes_;
  Shape kept_;
  double n_;
  std::int64_t correction_;
  std::vector<Tensor> backward(const std::vector<Tensor>& grads) override {
    Tensor total;
    if (grads[0].defined()) {
      total = std_gradient(reshape(grads[0], kept_), saved(0), reshape(saved(1), kept_), axes_,
                           n_, correction_);
    }
    if (grads[1].defined()) {
      const Tensor m = mean_gradient(reshape(grads[1], kept_), input_shape(0), n_);
      total = total.defined() ? add(total, m) : m;
    }
    return {total};
  }
};
}  // namespace
}  // namespace detail

StdMean std_mean(const Tensor& x, const std::vector<std::int64_t>& dims, std::int64_t correction,
                 bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("std_mean", x);
  const auto axes = detail::reduction_axes("std_mean", x, dims);
  auto m = detail::moments("std_mean", x, axes, correction, keepdim);
  detail::dispatch_floating("std_mean", m.var.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = detail::data_ptr<T>(m.var);
    for (std::int64_t i = 0; i < m.var.numel(); ++i) p[i] = std::sqrt(p[i]);
  });
  std::vector<Tensor> outs{m.var, m.mean};
  if (auto node = record_outputs<detail::StdMeanNode>(
          outs, {x}, detail::signed_axes(axes), detail::reduced_shape(x.shape(), axes, true), m.n,
          correction)) {
    node->save(x);
    node->save_result(outs[0]);
  }
  return {outs[0], outs[1]};
}

StdMean std_mean(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  return std_mean(x, {}, 1, false);
}

namespace detail {
void register_std_mean(OpRegistry& r) {
  // normal samples in groups of 3 or more: std > 0, away from its kink at 0
  r.add({.name = "std_mean",
         .formula = "std_mean over dims (0, -1), keepdim; std and 2·mean joined",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               auto [s, m] = std_mean(in[0], {0, -1}, 1, true);
               return joined_moments(s, m);
             },
         .samples = moment_samples,
         .bad_samples = [](Generator& g, Dtype d) {
           return std::vector<OpSample>{{"scalar []", {sample_tensor({}, g, d)}}};
         }});
}
}  // namespace detail
}  // namespace nabla
