// interpolate_backward: the adjoint of interpolate's resampling (internal: its rule).
//   forward : result = zeros [.., H, W]; each grad[.., i, j] added to its sources (a, b)
//             with weight wh_i(a)·ww_j(b) (interpolate's tables)
//   backward: grad_grad = interpolate's resampling of grad_out with the same tables
//   saves   : nothing (the tables)
//   shapes  : grad [.., oH, oW] → [.., H, W] (rank 4; the 1-d modes pass H = 1)
//   dtypes  : float32, float64

#include "ops/pool_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct InterpolateBackwardNode final : Node {
  InterpolateBackwardNode(ResampleAxis ah, ResampleAxis aw)
      : Node("interpolate_backward"), ah_(std::move(ah)), aw_(std::move(aw)) {}
  ResampleAxis ah_, aw_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {resample2d(grad_out, ah_, aw_)};
  }
};
}  // namespace

Tensor resample2d_backward(const Tensor& grad, const ResampleAxis& ah, const ResampleAxis& aw) {
  const char* op = "interpolate_backward";
  const Planes pl = planes_of(op, grad);
  const std::int64_t oh = ah.out(), ow = aw.out(), h = ah.in, w = aw.in;
  if (pl.h != oh || pl.w != ow) {
    throw std::invalid_argument(fmt::format("nabla::{}: grad {} does not have {}x{} planes", op,
                                            shape_str(grad.shape()), oh, ow));
  }
  Tensor result = make_tensor(pl.with_plane(h, w), grad.dtype(), op);
  dispatch_floating(op, grad.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* base = base_ptr<T>(grad);
    T* o = data_ptr<T>(result);
    const std::int64_t sh = pl.sh, sw = pl.sw;
    // adds v to row `row` at output column j's sources
    auto add_row = [&](T* row, std::int64_t j, T v) {
      const auto k = static_cast<std::size_t>(j);
      if (aw.nearest) {
        row[aw.i0[k]] += v;
        return;
      }
      row[aw.i0[k]] += static_cast<T>(aw.w0[k]) * v;
      row[aw.i1[k]] += static_cast<T>(aw.w1[k]) * v;
    };
    parallel_for(
        pl.planes,
        [&](std::int64_t lo, std::int64_t hi) {
          for (std::int64_t q = lo; q < hi; ++q) {
            const T* src = base + pl.offset(q);
            T* dst = o + q * h * w;
            std::fill(dst, dst + h * w, T(0));
            for (std::int64_t i = 0; i < oh; ++i) {
              const auto k = static_cast<std::size_t>(i);
              T* r0 = dst + ah.i0[k] * w;
              T* r1 = dst + ah.i1[k] * w;
              for (std::int64_t j = 0; j < ow; ++j) {
                const T g = src[i * sh + j * sw];
                if (ah.nearest) {
                  add_row(r0, j, g);
                } else {
                  add_row(r0, j, static_cast<T>(ah.w0[k]) * g);
                  add_row(r1, j, static_cast<T>(ah.w1[k]) * g);
                }
              }
            }
          }
        },
        plane_grain(oh * ow * 4));
  });
  record<InterpolateBackwardNode>(result, {grad}, ah, aw);
  return result;
}

void register_interpolate_backward(OpRegistry& r) {
  // linear: any values. The tables of bilinear 3×4 → 5×7 (align_corners false).
  r.add({.name = "interpolate_backward",
         .formula = "adjoint of interpolate(x [.., 3, 4], size {5, 7}, bilinear)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               const Dtype d = in[0].dtype();
               return resample2d_backward(in[0], resample_axis_for(d, 3, 5, true, false, {}),
                                          resample_axis_for(d, 4, 7, true, false, {}));
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"batch grad [2,2,5,7]", {sample_tensor({2, 2, 5, 7}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"grad not 5x7 [1,1,5,6]", {sample_tensor({1, 1, 5, 6}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
