#pragma once
// Internal: what the pooling and resampling op files share (max_pool2d, avg_pool2d, the
// adaptive pools, interpolate and their backward ops): an input seen as H×W planes, the
// window geometry with PyTorch's output-extent rule and checks, and the internal ops.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "kernels/parallel.hpp"
#include "nabla/pooling.hpp"
#include "ops/op_common.hpp"

namespace nabla::detail {

/// x [N, C, H, W] or [C, H, W] seen as `planes` planes of H×W, read by strides: plane p
/// starts at offset(p) elements from base_ptr, element (h, w) at h·sh + w·sw from there.
struct Planes {
  Shape lead;  // the leading extents ([N, C] or [C])
  std::int64_t planes = 0, channels = 1, h = 0, w = 0;
  std::int64_t sn = 0, sc = 0, sh = 0, sw = 0;
  std::int64_t offset(std::int64_t p) const { return (p / channels) * sn + (p % channels) * sc; }
  /// The shape [lead.., oh, ow].
  Shape with_plane(std::int64_t oh, std::int64_t ow) const {
    Shape s = lead;
    s.push_back(oh);
    s.push_back(ow);
    return s;
  }
};

/// x's planes; throws naming `op` unless x is a float32/float64 tensor of rank 3 or 4 with
/// non-empty planes and channels (the batch may be empty).
Planes planes_of(const char* op, const Tensor& x);

/// The windows of a 2-d pool over an H×W plane.
struct PoolGeometry {
  std::int64_t kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1;
  bool ceil_mode = false;
  std::int64_t h = 0, w = 0, oh = 0, ow = 0;
};

/// PyTorch's pooling output extent: ⌊(in + 2·pad − dil·(k − 1) − 1 (+ stride − 1 with
/// ceil) ) / stride⌋ + 1, one less when ceil_mode's last window would start past the input
/// and the left padding.
std::int64_t pool_output_extent(std::int64_t in, std::int64_t k, std::int64_t pad,
                                std::int64_t stride, std::int64_t dil, bool ceil_mode);

/// The geometry of a pool named `op` over x's planes, after PyTorch's checks (every value
/// ≥ 1 but padding ≥ 0, padding ≤ kernel / 2, output extents ≥ 1), each throwing
/// std::invalid_argument naming op, the values and x's shape.
PoolGeometry pool_geometry(const char* op, const Tensor& x, const Planes& pl, Int2 kernel,
                           Int2 stride, Int2 padding, Int2 dilation, bool ceil_mode);

/// An Int2 argument's values, or throws naming op and the argument when it holds none.
Int2 given(const char* op, const char* arg, Int2 v);

/// How many planes one thread takes at least: planes of `plane_work` elements each, so
/// that a piece holds about kParallelGrain elements.
inline std::int64_t plane_grain(std::int64_t plane_work) {
  return std::max<std::int64_t>(1, kParallelGrain / std::max<std::int64_t>(plane_work, 1));
}

/// The windows of an adaptive pool along one axis: output i reads [start(i), end(i)).
inline std::int64_t adaptive_start(std::int64_t i, std::int64_t in, std::int64_t out) {
  return (i * in) / out;
}
inline std::int64_t adaptive_end(std::int64_t i, std::int64_t in, std::int64_t out) {
  return ((i + 1) * in + out - 1) / out;
}

// --- internal ops (each in its own file) ----------------------------------------------

/// The gradient of a max pool: zeros of in_shape [.., H, W] and grad [.., oH, oW] added at
/// each plane's flat `indices` (int64, grad's shape). Its rule gathers at the indices.
/// ops/max_pool2d_backward.cpp.
Tensor max_pool2d_backward(const Tensor& grad, const Tensor& indices, const Shape& in_shape);

/// The parameters of avg_pool2d beyond the geometry.
struct AvgPoolParams {
  PoolGeometry g;
  bool count_include_pad = true;
  std::int64_t divisor = 0;  // 0: none (divisor_override not given)
};
/// Calls f(i, j, h0, h1, w0, w1, divisor) for each window of avg_pool2d over an H×W
/// plane: output (i, j) averages rows [h0, h1) and columns [w0, w1) (clipped to the
/// plane, maybe empty) with PyTorch's divisor.
template <class F>
void for_each_avg_window(const AvgPoolParams& p, F&& f) {
  const PoolGeometry& g = p.g;
  for (std::int64_t i = 0; i < g.oh; ++i) {
    const std::int64_t h0 = i * g.sh - g.ph;
    const std::int64_t h1 = std::min(h0 + g.kh, g.h + g.ph);
    for (std::int64_t j = 0; j < g.ow; ++j) {
      const std::int64_t w0 = j * g.sw - g.pw;
      const std::int64_t w1 = std::min(w0 + g.kw, g.w + g.pw);
      const std::int64_t padded_area = (h1 - h0) * (w1 - w0);
      const std::int64_t a0 = std::max<std::int64_t>(h0, 0), a1 = std::min(h1, g.h);
      const std::int64_t b0 = std::max<std::int64_t>(w0, 0), b1 = std::min(w1, g.w);
      const std::int64_t area = std::max<std::int64_t>(a1 - a0, 0) * std::max<std::int64_t>(b1 - b0, 0);
      const std::int64_t divisor =
          p.divisor != 0 ? p.divisor : (p.count_include_pad ? padded_area : area);
      f(i, j, a0, a1, b0, b1, divisor);
    }
  }
}

/// avg_pool2d of x with checked parameters (its output extents are p.g's); ops/avg_pool2d.cpp.
Tensor avg_pool2d_checked(const Tensor& x, const AvgPoolParams& p);
/// The adjoint of avg_pool2d: grad [.., oH, oW] spread over the windows into [.., H, W].
/// ops/avg_pool2d_backward.cpp.
Tensor avg_pool2d_backward(const Tensor& grad, const AvgPoolParams& p);

/// adaptive_avg_pool2d to (oh, ow) of checked planes; ops/adaptive_avg_pool2d.cpp.
Tensor adaptive_avg_pool2d_checked(const Tensor& x, std::int64_t oh, std::int64_t ow);
/// Its adjoint: grad [.., oH, oW] spread over the adaptive windows of an H×W plane.
/// ops/adaptive_avg_pool2d_backward.cpp.
Tensor adaptive_avg_pool2d_backward(const Tensor& grad, std::int64_t h, std::int64_t w);

/// One axis of a separable resampling: output i = w0[i]·x[i0[i]] + w1[i]·x[i1[i]], or
/// x[i0[i]] alone when `nearest` (so that an infinity is not multiplied by a zero weight).
struct ResampleAxis {
  std::int64_t in = 0;
  bool nearest = false;
  std::vector<std::int64_t> i0, i1;
  std::vector<double> w0, w1;
  std::int64_t out() const { return static_cast<std::int64_t>(i0.size()); }
};
/// The sources of one axis from `in` to `out` positions, computed in `dtype`'s precision
/// as PyTorch's CPU kernels do (ops/interpolate.cpp).
ResampleAxis resample_axis_for(Dtype dtype, std::int64_t in, std::int64_t out, bool linear,
                               bool align_corners, std::optional<double> scale_factor);
/// x [.., H, W] resampled along its last two axes (ops/interpolate.cpp).
Tensor resample2d(const Tensor& x, const ResampleAxis& ah, const ResampleAxis& aw);
/// The adjoint of resample2d: grad [.., oH, oW] summed back into [.., H, W]
/// (ops/interpolate_backward.cpp).
Tensor resample2d_backward(const Tensor& grad, const ResampleAxis& ah, const ResampleAxis& aw);

}  // namespace nabla::detail
