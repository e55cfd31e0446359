#pragma once
// Internal: the image ↔ column rearrangements under convolution (im2col, col2im), on raw
// pointers, no autograd. The conv ops turn a convolution into these plus gemm.

#include <cstdint>

namespace nabla::detail {

/// One image [channels, height, width] under a kernel [kh, kw] slid with stride, zero
/// padding and dilation, giving out_h × out_w positions. Column row r = (c·kh + i)·kw + j
/// and column l = y·out_w + x hold image[c, y·sh − ph + i·dh, x·sw − pw + j·dw] (0 outside).
/// out_h and out_w may be fewer than the kernel fits (conv_transpose's backward uses that).
struct ConvGeometry {
  std::int64_t channels, height, width;
  std::int64_t kh, kw, sh, sw, ph, pw, dh, dw;
  std::int64_t out_h, out_w;
  std::int64_t rows() const { return channels * kh * kw; }
  std::int64_t positions() const { return out_h * out_w; }
};

/// Writes the columns of one dense image into cols, row r at cols + r·ld (ld ≥ positions()).
template <class T>
void im2col(const ConvGeometry& g, const T* image, T* cols, std::int64_t ld);

/// Sums the columns (row r at cols + r·ld) back into one dense image, which it first zeroes:
/// the adjoint of im2col.
template <class T>
void col2im(const ConvGeometry& g, const T* cols, std::int64_t ld, T* image);

}  // namespace nabla::detail
