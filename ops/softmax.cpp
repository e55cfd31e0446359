// softmax: normalized exponentials along one axis.
//   forward : result = exp(x − m) / Σ exp(x − m) along the axis, m the maximum along it
//             (subtracting m keeps exp from overflowing; accumulated in double;
//             detail::for_each_lse_line, shared with logsumexp and log_softmax)
//   backward: grad_x = s ⊙ (grad_out − Σ(grad_out ⊙ s))   (Σ along the axis, kept as 1)
//   saves   : result s
//   shapes  : any rank ≥ 1; result has x's shape. axis may be negative; outside the rank
//             → std::out_of_range; x may have any strides

#include <cmath>

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct SoftmaxNode final : Node {
  explicit SoftmaxNode(std::int64_t axis) : Node("softmax"), axis_(axis) {}
  std::int64_t axis_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor s = saved(0);
    // [..] = [..] ⊙ ([..] − [.., 1, ..])
    return {mul(s, sub(grad_out, sum(mul(grad_out, s), {axis_}, true)))};
  }
};

// softmax (or log_softmax) of x along `axis` (normalized) as a new tensor.
Tensor softmax_kernel(const Tensor& x, std::size_t axis, bool log) {
  const Shape& shape = x.shape();
  [[maybe_unused]] const auto [outer, n, inner] = detail::split_at_axis(shape, axis);
  Tensor out = detail::make_tensor(shape, x.dtype());
  detail::dispatch_floating(log ? "log_softmax" : "softmax", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* o = detail::base_ptr<T>(out);
    detail::for_each_lse_line<T>(
        x, axis, [&](std::int64_t i, const T* line, std::int64_t s, double m, double z) {
          // Line i (row-major over the other axes) starts at (i / inner)·n·inner + i % inner.
          T* dst = o + (i / inner) * n * inner + i % inner;
          const double lz = std::log(z);
          for (std::int64_t k = 0; k < n; ++k) {
            const double v = static_cast<double>(line[k * s]) - m;
            dst[k * inner] = static_cast<T>(log ? v - lz : std::exp(v) / z);
          }
        });
  });
  return out;
}
}  // namespace

namespace detail {
Tensor softmax_forward(const Tensor& x, std::size_t axis, bool log) {
  return softmax_kernel(x, axis, log);
}
}  // namespace detail

Tensor softmax(const Tensor& x, std::int64_t axis, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("softmax", x);
  const auto a = normalize_axis(axis, x.dim(), "softmax");
  Tensor result = softmax_kernel(x, static_cast<std::size_t>(a), false);
  if (auto node = record<SoftmaxNode>(result, {x}, a)) node->save_result(result);
  return result;
}

namespace detail {
std::vector<OpSample> axis_samples(Generator& g, Dtype d) {
  return {{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
          {"vector [5]", {sample_tensor({5}, g, d)}},
          {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}},
          {"unit axis [3,1]", {sample_tensor({3, 1}, g, d)}}};
}

// Without the unit axis: along an axis of extent 1, softmax is constantly 1 (log_softmax 0),
// so there would be no derivative to check.
std::vector<OpSample> softmax_samples(Generator& g, Dtype d) {
  auto samples = axis_samples(g, d);
  samples.pop_back();
  return samples;
}

std::vector<OpSample> axis_bad_samples(Generator& g, Dtype d) {
  return {{"scalar [] has no axis", {sample_tensor({}, g, d)}}};
}

void register_softmax(OpRegistry& r) {
  r.add({.name = "softmax",
         .formula = "exp(x) / sum(exp(x)) along axis -1",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return softmax(in[0], -1); },
         .samples = softmax_samples,
         .bad_samples = axis_bad_samples});
  r.add({.name = "softmax_axis0",
         .formula = "exp(x) / sum(exp(x)) along axis 0",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return softmax(in[0], 0); },
         .samples = axis_samples,
         .bad_samples = axis_bad_samples});
}
}  // namespace detail
}  // namespace nabla
