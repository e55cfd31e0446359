// im2col and col2im: the rearrangements that turn a convolution into one gemm.

#include "kernels/conv.hpp"

#include <algorithm>
#include <cstring>

namespace nabla::detail {
namespace {

// The output columns x whose input column x·s − p + off lies in [0, n): [lo, hi).
void valid_range(std::int64_t n, std::int64_t s, std::int64_t p, std::int64_t off, std::int64_t out,
                 std::int64_t& lo, std::int64_t& hi) {
  const std::int64_t shift = p - off;  // x·s ≥ shift and x·s < n + shift
  lo = shift <= 0 ? 0 : (shift + s - 1) / s;
  const std::int64_t top = n + shift;  // x·s < top
  hi = top <= 0 ? 0 : (top + s - 1) / s;
  lo = std::min(lo, out);
  hi = std::clamp(hi, lo, out);
}

}  // namespace

template <class T>
void im2col(const ConvGeometry& g, const T* image, T* cols, std::int64_t ld) {
  for (std::int64_t c = 0; c < g.channels; ++c) {
    const T* plane = image + c * g.height * g.width;
    for (std::int64_t i = 0; i < g.kh; ++i) {
      for (std::int64_t j = 0; j < g.kw; ++j) {
        T* row = cols + ((c * g.kh + i) * g.kw + j) * ld;
        std::int64_t x0 = 0, x1 = 0;
        valid_range(g.width, g.sw, g.pw, j * g.dw, g.out_w, x0, x1);
        for (std::int64_t y = 0; y < g.out_h; ++y) {
          T* dst = row + y * g.out_w;
          const std::int64_t iy = y * g.sh - g.ph + i * g.dh;
          if (iy < 0 || iy >= g.height) {
            std::fill_n(dst, g.out_w, T{0});
            continue;
          }
          const T* src = plane + iy * g.width - g.pw + j * g.dw;
          std::fill_n(dst, x0, T{0});
          if (g.sw == 1) {
            std::copy(src + x0, src + x1, dst + x0);
          } else {
            for (std::int64_t x = x0; x < x1; ++x) dst[x] = src[x * g.sw];
          }
          std::fill(dst + x1, dst + g.out_w, T{0});
        }
      }
    }
  }
}

template <class T>
void col2im(const ConvGeometry& g, const T* cols, std::int64_t ld, T* image) {
  std::fill_n(image, g.channels * g.height * g.width, T{0});
  for (std::int64_t c = 0; c < g.channels; ++c) {
    T* plane = image + c * g.height * g.width;
    for (std::int64_t i = 0; i < g.kh; ++i) {
      for (std::int64_t j = 0; j < g.kw; ++j) {
        const T* row = cols + ((c * g.kh + i) * g.kw + j) * ld;
        std::int64_t x0 = 0, x1 = 0;
        valid_range(g.width, g.sw, g.pw, j * g.dw, g.out_w, x0, x1);
        for (std::int64_t y = 0; y < g.out_h; ++y) {
          const std::int64_t iy = y * g.sh - g.ph + i * g.dh;
          if (iy < 0 || iy >= g.height) continue;
          const T* src = row + y * g.out_w;
          T* dst = plane + iy * g.width - g.pw + j * g.dw;
          if (g.sw == 1) {
            for (std::int64_t x = x0; x < x1; ++x) dst[x] += src[x];
          } else {
            for (std::int64_t x = x0; x < x1; ++x) dst[x * g.sw] += src[x];
          }
        }
      }
    }
  }
}

template void im2col<float>(const ConvGeometry&, const float*, float*, std::int64_t);
template void im2col<double>(const ConvGeometry&, const double*, double*, std::int64_t);
template void col2im<float>(const ConvGeometry&, const float*, std::int64_t, float*);
template void col2im<double>(const ConvGeometry&, const double*, std::int64_t, double*);

}  // namespace nabla::detail
