// adaptive_avg_pool2d_backward: the adjoint of adaptive_avg_pool2d (internal: its rule).
//   forward : result = zeros [.., H, W]; each window (i, j) of adaptive_avg_pool2d gets
//             grad[.., i, j] / its area added to its elements
//   backward: grad_grad = adaptive_avg_pool2d(grad_out, {oH, oW}) (the adjoint's adjoint)
//   saves   : nothing (the extents)
//   shapes  : grad [.., oH, oW] → [.., H, W]
//   dtypes  : float32, float64

#include "ops/pool_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct AdaptiveAvgPool2dBackwardNode final : Node {
  AdaptiveAvgPool2dBackwardNode(std::int64_t oh, std::int64_t ow)
      : Node("adaptive_avg_pool2d_backward"), oh_(oh), ow_(ow) {}
  std::int64_t oh_, ow_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {adaptive_avg_pool2d_checked(grad_out, oh_, ow_)};
  }
};
}  // namespace

Tensor adaptive_avg_pool2d_backward(const Tensor& grad, std::int64_t h, std::int64_t w) {
  const char* op = "adaptive_avg_pool2d_backward";
  const Planes pl = planes_of(op, grad);
  if (h < 1 || w < 1) {
    throw std::invalid_argument(
        fmt::format("nabla::{}: input extents {}x{} must be positive", op, h, w));
  }
  const std::int64_t oh = pl.h, ow = pl.w;
  Tensor result = make_tensor(pl.with_plane(h, w), grad.dtype(), op);
  dispatch_floating(op, grad.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* base = base_ptr<T>(grad);
    T* o = data_ptr<T>(result);
    const std::int64_t sh = pl.sh, sw = pl.sw;
    parallel_for(
        pl.planes,
        [&](std::int64_t lo, std::int64_t hi) {
          for (std::int64_t q = lo; q < hi; ++q) {
            const T* src = base + pl.offset(q);
            T* dst = o + q * h * w;
            std::fill(dst, dst + h * w, T(0));
            for (std::int64_t i = 0; i < oh; ++i) {
              const std::int64_t a0 = adaptive_start(i, h, oh), a1 = adaptive_end(i, h, oh);
              for (std::int64_t j = 0; j < ow; ++j) {
                const std::int64_t b0 = adaptive_start(j, w, ow), b1 = adaptive_end(j, w, ow);
                const T share = src[i * sh + j * sw] / static_cast<T>((a1 - a0) * (b1 - b0));
                for (std::int64_t a = a0; a < a1; ++a)
                  for (std::int64_t b = b0; b < b1; ++b) dst[a * w + b] += share;
              }
            }
          }
        },
        plane_grain(h * w));
  });
  record<AdaptiveAvgPool2dBackwardNode>(result, {grad}, oh, ow);
  return result;
}

void register_adaptive_avg_pool2d_backward(OpRegistry& r) {
  // linear: any values; grads of 3×2 spread into 5×5 planes (overlapping rows)
  r.add({.name = "adaptive_avg_pool2d_backward",
         .formula = "adaptive_avg_pool2d_backward(grad [.., 3, 2], 5, 5)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return adaptive_avg_pool2d_backward(in[0], 5, 5);
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"batch grad [2,2,3,2]", {sample_tensor({2, 2, 3, 2}, g, d)}},
                   {"unbatched grad [3,3,2]", {sample_tensor({3, 3, 2}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"2-d grad [3,2]", {sample_tensor({3, 2}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
