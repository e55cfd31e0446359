// logsumexp: log Σ exp(x) along one axis, computed stably.
//   forward : result = m + log Σ exp(x − m) along the axis, m the maximum along it
//             (accumulated in double)
//   backward: grad_x = reshape(grad_out, kept shape) ⊙ softmax(x, axis)
//   saves   : x
//   shapes  : x [.., n, ..] → the shape without the axis; with keepdim the axis stays as 1.
//             axis may be negative; outside the rank → std::out_of_range

#include <cmath>

#include "ops/op_common.hpp"

namespace nabla {
namespace detail {
std::vector<OpSample> axis_samples(Generator& g, Dtype d);      // ops/softmax.cpp
std::vector<OpSample> axis_bad_samples(Generator& g, Dtype d);  // ops/softmax.cpp
}  // namespace detail

namespace {
struct LogsumexpNode final : Node {
  LogsumexpNode(std::int64_t axis, Shape kept)
      : Node("logsumexp"), axis_(axis), kept_(std::move(kept)) {}
  std::int64_t axis_;
  Shape kept_;  // the result's shape with the axis kept as 1
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    // [..] = [.., 1, ..] ⊙ [..]
    return {mul(reshape(grad_out, kept_), softmax(saved(0), axis_))};
  }
};
}  // namespace

Tensor logsumexp(const Tensor& x, std::int64_t axis, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("logsumexp", x);
  const auto a = static_cast<std::size_t>(normalize_axis(axis, x.dim(), "logsumexp"));
  const Shape& shape = x.shape();
  const auto [outer, n, inner] = detail::split_at_axis(shape, a);
  Tensor result = detail::make_tensor(detail::reduced_shape(shape, {a}, keepdim), x.dtype());
  detail::dispatch_floating("logsumexp", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = detail::data_ptr<T>(x);
    T* o = detail::data_ptr<T>(result);
    for (std::int64_t i = 0; i < outer; ++i) {
      for (std::int64_t j = 0; j < inner; ++j) {
        const std::int64_t base = i * n * inner + j;
        double m = -INFINITY;
        for (std::int64_t k = 0; k < n; ++k)
          m = std::fmax(m, static_cast<double>(p[base + k * inner]));
        if (std::isinf(m)) m = 0.0;  // all −inf, or an inf: no shift, IEEE decides
        double z = 0.0;
        for (std::int64_t k = 0; k < n; ++k)
          z += std::exp(static_cast<double>(p[base + k * inner]) - m);
        o[i * inner + j] = static_cast<T>(m + std::log(z));
      }
    }
  });
  if (auto node = record<LogsumexpNode>(result, {x}, static_cast<std::int64_t>(a),
                                        detail::reduced_shape(shape, {a}, true))) {
    node->save(x);
  }
  return result;
}

namespace detail {
void register_logsumexp(OpRegistry& r) {
  r.add({.name = "logsumexp",
         .formula = "log(sum(exp(x))) along axis -1",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return logsumexp(in[0], -1); },
         .samples = axis_samples,
         .bad_samples = axis_bad_samples});
  r.add({.name = "logsumexp_keepdim",
         .formula = "log(sum(exp(x))) along axis 0, keepdim",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return logsumexp(in[0], 0, true); },
         .samples = axis_samples,
         .bad_samples = axis_bad_samples});
}
}  // namespace detail
}  // namespace nabla
