// avg_pool2d_backward: the adjoint of avg_pool2d, each window's gradient spread evenly
// over its elements (internal: the rule of avg_pool2d and avg_pool1d).
//   forward : result = zeros [.., H, W]; result[elements of window (i, j)] += grad[.., i, j]
//             / divisor (avg_pool2d's windows and divisors; overlapping windows add)
//   backward: grad_grad = avg_pool2d(grad_out) with the same parameters (the adjoint of
//             the adjoint)
//   saves   : nothing (the geometry)
//   shapes  : grad [.., oH, oW] (avg_pool2d's output extents) → [.., H, W]
//   dtypes  : float32, float64

#include "ops/pool_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct AvgPool2dBackwardNode final : Node {
  explicit AvgPool2dBackwardNode(const AvgPoolParams& p) : Node("avg_pool2d_backward"), p_(p) {}
  AvgPoolParams p_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {avg_pool2d_checked(grad_out, p_)};
  }
};
}  // namespace

Tensor avg_pool2d_backward(const Tensor& grad, const AvgPoolParams& p) {
  const char* op = "avg_pool2d_backward";
  const Planes pl = planes_of(op, grad);
  if (pl.h != p.g.oh || pl.w != p.g.ow) {
    throw std::invalid_argument(fmt::format("nabla::{}: grad {} does not have {}x{} planes", op,
                                            shape_str(grad.shape()), p.g.oh, p.g.ow));
  }
  Tensor result = make_tensor(pl.with_plane(p.g.h, p.g.w), grad.dtype(), op);
  dispatch_floating(op, grad.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* base = base_ptr<T>(grad);
    T* o = data_ptr<T>(result);
    const std::int64_t plane = p.g.h * p.g.w, sh = pl.sh, sw = pl.sw;
    parallel_for(
        pl.planes,
        [&](std::int64_t lo, std::int64_t hi) {
          for (std::int64_t q = lo; q < hi; ++q) {
            const T* src = base + pl.offset(q);
            T* dst = o + q * plane;
            std::fill(dst, dst + plane, T(0));
            for_each_avg_window(p, [&](std::int64_t i, std::int64_t j, std::int64_t a0,
                                       std::int64_t a1, std::int64_t b0, std::int64_t b1,
                                       std::int64_t divisor) {
              const T share = src[i * sh + j * sw] / static_cast<T>(divisor);
              for (std::int64_t a = a0; a < a1; ++a)
                for (std::int64_t b = b0; b < b1; ++b) dst[a * p.g.w + b] += share;
            });
          }
        },
        plane_grain(plane));
  });
  record<AvgPool2dBackwardNode>(result, {grad}, p);
  return result;
}

void register_avg_pool2d_backward(OpRegistry& r) {
  // The adjoint of avg_pool2d(x, 3, 2, 1, ceil_mode, count_include_pad = false) over 5×6
  // planes (overlapping windows, padding, a divisor that varies): linear, any values.
  r.add({.name = "avg_pool2d_backward",
         .formula = "avg_pool2d_backward of avg_pool2d(x [.., 5, 6], 3, 2, 1, true, false)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               AvgPoolParams p;
               p.g = {.kh = 3, .kw = 3, .sh = 2, .sw = 2, .ph = 1, .pw = 1, .dh = 1, .dw = 1,
                      .ceil_mode = true, .h = 5, .w = 6};
               p.g.oh = pool_output_extent(5, 3, 1, 2, 1, true);
               p.g.ow = pool_output_extent(6, 3, 1, 2, 1, true);
               p.count_include_pad = false;
               return avg_pool2d_backward(in[0], p);
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"batch grad [2,2,3,4]", {sample_tensor({2, 2, 3, 4}, g, d)}},
                   {"unbatched grad [3,3,4]", {sample_tensor({3, 3, 4}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"grad planes not 3x4 [2,3,3]", {sample_tensor({2, 3, 3}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
