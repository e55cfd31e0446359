// std: standard deviation, √var, of all elements or over given dims.
//   forward : result = √(Σ (x − mean)² / max(0, N − correction)) over the dims
//   backward: grad_x = var's gradient of h, h = grad_out / (2·result) and 0 where result = 0
//             (PyTorch's std_backward); the division reads 1 where result = 0, so second
//             derivatives there are 0, not NaN
//   saves   : x and the result
//   shapes  : as var
//   dtypes  : float32, float64 only (integer and bool → std::invalid_argument, as PyTorch)

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
std::vector<OpSample> moment_samples(Generator& g, Dtype d);      // ops/var.cpp

Tensor std_gradient(const Tensor& g, const Tensor& x, const Tensor& std_kept,
                    const std::vector<std::int64_t>& axes, double n, std::int64_t correction) {
  const Tensor zero = eq(std_kept, 0.0);
  const Tensor h = masked_fill(div(g, mul(where(zero, 1.0, std_kept), 2.0)), zero, 0.0);
  return var_gradient(h, x, axes, n, correction);
}

namespace {
struct StdNode final : Node {
  StdNode(std::vector<std::int64_t> axes, Shape kept, double n, std::int64_t correction)
      : Node("std"), axes_(std::move(axes)), kept_(std::move(kept)), n_(n), correction_(correction) {}
  std::vector<std::int64_t> axes_;
  Shape kept_;
  double n_;
  std::int64_t correction_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {std_gradient(reshape(grad_out, kept_), saved(0), reshape(saved(1), kept_), axes_, n_,
                         correction_)};
  }
};
}  // namespace
}  // namespace detail

Tensor std(const Tensor& x, const std::vector<std::int64_t>& dims, std::int64_t correction,
           bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("std", x);
  const auto axes = detail::reduction_axes("std", x, dims);
  auto m = detail::moments("std", x, axes, correction, keepdim);
  Tensor result = m.var;
  const double n = m.n;
  detail::dispatch_floating("std", result.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = detail::data_ptr<T>(result);
    for (std::int64_t i = 0; i < result.numel(); ++i) p[i] = std::sqrt(p[i]);
  });
  if (auto node = record<detail::StdNode>(result, {x}, detail::signed_axes(axes),
                                          detail::reduced_shape(x.shape(), axes, true), n,
                                          correction)) {
    node->save(x);
    node->save_result(result);
  }
  return result;
}

Tensor std(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  return std(x, {}, 1, false);
}

namespace detail {
void register_std(OpRegistry& r) {
  // normal samples in groups of 3 or more: std > 0, away from its kink at 0. Dim 1, which
  // the sweep's expanded layout never repeats (a group of copies of one value has std 0,
  // and its gradient there is 0)
  r.add({.name = "std",
         .formula = "std over dim 1 (correction 1)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return std(in[0], {1}); },
         .samples = moment_samples,
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"scalar [] has no dim 1", {sample_tensor({}, g, d)}}};
             }});
  r.add({.name = "std_all",
         .formula = "std of every element, correction 0",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return std(in[0], {}, 0); },
         .samples = moment_samples});
}
}  // namespace detail
}  // namespace nabla
