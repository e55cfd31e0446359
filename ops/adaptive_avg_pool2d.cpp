// adaptive_avg_pool2d: the mean of each of oH×oW windows that tile each H×W plane
// (F.adaptive_avg_pool2d).
//   forward : result[.., i, j] = mean of x[.., h, w] over h in [⌊i·H/oH⌋, ⌈(i+1)·H/oH⌉) and
//             w in [⌊j·W/oW⌋, ⌈(j+1)·W/oW⌉) (windows overlap when oH does not divide H)
//   backward: grad_x = adaptive_avg_pool2d_backward(grad_out): each window's grad_out /
//             its area added to its elements
//   saves   : nothing (the extents)
//   shapes  : x [N, C, H, W] or [C, H, W] → [.., oH, oW]; oH, oW ≥ 1 (PyTorch allows 0
//             and returns an empty tensor; nabla refuses it)
//   dtypes  : float32, float64; any strides (read in place)

#include "ops/pool_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct AdaptiveAvgPool2dNode final : Node {
  AdaptiveAvgPool2dNode(std::int64_t h, std::int64_t w)
      : Node("adaptive_avg_pool2d"), h_(h), w_(w) {}
  std::int64_t h_, w_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {adaptive_avg_pool2d_backward(grad_out, h_, w_)};
  }
};
}  // namespace

Int2 adaptive_output_size(const char* op, const Tensor& x, Int2 size) {
  size = given(op, "output_size", size);
  if (size.h < 1 || size.w < 1) {
    throw std::invalid_argument(fmt::format("nabla::{}: output_size ({}, {}) must be positive "
                                            "(input {})",
                                            op, size.h, size.w, shape_str(x.shape())));
  }
  return size;
}

Tensor adaptive_avg_pool2d_checked(const Tensor& x, std::int64_t oh, std::int64_t ow) {
  const char* op = "adaptive_avg_pool2d";
  const Planes pl = planes_of(op, x);
  Tensor result = make_tensor(pl.with_plane(oh, ow), x.dtype(), op);
  dispatch_floating(op, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* base = base_ptr<T>(x);
    T* o = data_ptr<T>(result);
    const std::int64_t h = pl.h, w = pl.w, sh = pl.sh, sw = pl.sw;
    parallel_for(
        pl.planes,
        [&](std::int64_t lo, std::int64_t hi) {
          for (std::int64_t q = lo; q < hi; ++q) {
            const T* src = base + pl.offset(q);
            T* dst = o + q * oh * ow;
            for (std::int64_t i = 0; i < oh; ++i) {
              const std::int64_t a0 = adaptive_start(i, h, oh), a1 = adaptive_end(i, h, oh);
              for (std::int64_t j = 0; j < ow; ++j) {
                const std::int64_t b0 = adaptive_start(j, w, ow), b1 = adaptive_end(j, w, ow);
                T sum = 0;
                for (std::int64_t a = a0; a < a1; ++a)
                  for (std::int64_t b = b0; b < b1; ++b) sum += src[a * sh + b * sw];
                dst[i * ow + j] = sum / static_cast<T>((a1 - a0) * (b1 - b0));
              }
            }
          }
        },
        plane_grain(h * w));
  });
  record<AdaptiveAvgPool2dNode>(result, {x}, pl.h, pl.w);
  return result;
}
}  // namespace detail

Tensor adaptive_avg_pool2d(const Tensor& x, Int2 output_size, CallSite where) {
  detail::CallSiteScope site(where);
  const char* op = "adaptive_avg_pool2d";
  detail::planes_of(op, x);
  const Int2 s = detail::adaptive_output_size(op, x, output_size);
  return detail::adaptive_avg_pool2d_checked(x, s.h, s.w);
}

namespace detail {
std::vector<OpSample> pool_samples(Generator& g, Dtype d);      // ops/max_pool2d.cpp

void register_adaptive_avg_pool2d(OpRegistry& r) {
  // linear in x: any values. Output 3×2 of 4×4 and 5×6 planes: windows overlap (4/3) and
  // tile exactly (6/2).
  r.add({.name = "adaptive_avg_pool2d",
         .formula = "adaptive_avg_pool2d(x, {3, 2})",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return adaptive_avg_pool2d(in[0], {3, 2}); },
         .samples = pool_samples,
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"2-d [4,4]", {sample_tensor({4, 4}, g, d)}},
                                            {"empty plane [2,0,3]", {sample_tensor({2, 0, 3}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
