// logsumexp: log Σ exp(x) along one axis or over several, computed stably.
//   forward : result = m + log Σ exp(x − m) over the axes, m the maximum there
//             (accumulated in double; one axis: detail::for_each_lse_line, shared with
//             softmax)
//   backward: one axis: grad_x = reshape(grad_out, kept shape) ⊙ softmax(x, axis); several:
//             grad_x = reshape(grad_out, kept shape) ⊙ exp(x − reshape(result, kept shape))
//             (PyTorch's logsumexp_backward)
//   saves   : x (several axes: and the result)
//   shapes  : x → the shape without the axes; with keepdim they stay as 1. Axes may be
//             negative; outside the rank → std::out_of_range; repeated or none (the list
//             form) → std::invalid_argument; x may have any strides
//   dtypes  : floating x keeps its dtype; integer and bool x are computed in float32 (as
//             PyTorch)

#include <cmath>

#include "ops/reduce_common.hpp"

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

Tensor logsumexp(const Tensor& x_in, std::int64_t axis, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("logsumexp", x_in);
  // integers and bools as float32, as PyTorch (they have no gradient to keep)
  const Tensor x = is_floating_point(x_in.dtype()) ? x_in : detail::converted(x_in, Dtype::f32);
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

namespace {
struct LogsumexpDimsNode final : Node {
  LogsumexpDimsNode(Shape kept) : Node("logsumexp"), kept_(std::move(kept)) {}
  Shape kept_;  // the result's shape with the axes kept as 1
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    // [..] = [.., 1, ..] ⊙ exp([..] − [.., 1, ..])
    return {mul(reshape(grad_out, kept_), exp(sub(saved(0), reshape(saved(1), kept_))))};
  }
};
}  // namespace

Tensor logsumexp(const Tensor& x_in, const std::vector<std::int64_t>& dims, bool keepdim,
                 CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("logsumexp", x_in);
  if (dims.empty()) {
    throw std::invalid_argument(fmt::format(
        "nabla::logsumexp: no dims given for x {} (name the dims to reduce, as PyTorch)",
        shape_str(x_in.shape())));
  }
  const Tensor x = is_floating_point(x_in.dtype()) ? x_in : detail::converted(x_in, Dtype::f32);
  const auto axes = detail::reduction_axes("logsumexp", x, dims);
  const auto lines = detail::reduction_lines(x, axes);
  Tensor result =
      detail::make_tensor(detail::reduced_shape(x.shape(), axes, keepdim), x.dtype(), "logsumexp");
  detail::dispatch_floating("logsumexp", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = detail::data_ptr<T>(lines.values);
    T* o = detail::data_ptr<T>(result);
    for (std::int64_t r = 0; r < lines.lines; ++r) {
      const T* line = p + r * lines.n;
      double m = -INFINITY;
      for (std::int64_t k = 0; k < lines.n; ++k) m = std::fmax(m, static_cast<double>(line[k]));
      if (std::isinf(m)) m = 0.0;  // all −inf, or an inf: IEEE decides, as for one axis
      double z = 0.0;
      for (std::int64_t k = 0; k < lines.n; ++k) z += std::exp(static_cast<double>(line[k]) - m);
      o[r] = static_cast<T>(m + std::log(z));
    }
  });
  if (auto node = record<LogsumexpDimsNode>(result, {x},
                                            detail::reduced_shape(x.shape(), axes, true))) {
    node->save(x);
    node->save_result(result);
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
  r.add({.name = "logsumexp_dims",
         .formula = "log(sum(exp(x))) over dims (0, -1)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) {
           return logsumexp(in[0], std::vector<std::int64_t>{0, -1});
         },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}},
                                            {"unit dim [3,1]", {sample_tensor({3, 1}, g, d)}}};
             },
         .bad_samples = axis_bad_samples});
}
}  // namespace detail
}  // namespace nabla
