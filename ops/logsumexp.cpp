// logsumexp: log Σ exp(x) along one axis, computed stably.
//   forward : result = m + log Σ exp(x − m) along the axis, m the maximum along it
//             (accumulated in double; detail::for_each_lse_line, shared with softmax)
//   backward: grad_x = reshape(grad_out, kept shape) ⊙ softmax(x, axis)
//   saves   : x
//   shapes  : x [.., n, ..] → the shape without the axis; with keepdim the axis stays as 1.
//             axis may be negative; outside the rank → std::out_of_range;
//             x may have any strides

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
  Tensor result = detail::make_tensor(detail::reduced_shape(shape, {a}, keepdim), x.dtype());
  detail::dispatch_floating("logsumexp", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* o = detail::base_ptr<T>(result);
    detail::for_each_lse_line<T>(x, a,
                                 [&](std::int64_t i, const T*, std::int64_t, double m, double z) {
                                   o[i] = static_cast<T>(m + std::log(z));
                                 });
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
