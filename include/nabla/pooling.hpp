#pragma once
/// \file pooling.hpp
/// Pooling and resampling, after torch.nn.functional (PyTorch 1.13): max_pool1d/2d (with
/// their argmax indices), avg_pool1d/2d, adaptive_avg_pool2d, adaptive_max_pool2d,
/// interpolate (nearest, linear, bilinear), pixel_shuffle and pixel_unshuffle.
///
/// The 2-d pools take a batch [N, C, H, W] or one unbatched image [C, H, W] (the result
/// then has no batch axis either), float32 or float64, any strides. Each H×W plane is
/// pooled on its own; the planes are spread over nabla's kernel threads. Every bad
/// argument throws std::invalid_argument naming the op, the argument and the shapes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nabla/autograd.hpp"
#include "nabla/reductions.hpp"
#include "nabla/shape.hpp"
#include "nabla/tensor.hpp"

namespace nabla {

/// 2-d max pooling (F.max_pool2d): each output element is the maximum of a
/// kernel_size window of its plane, the windows `stride` apart (default: kernel_size),
/// the plane padded with −∞ by `padding` on each side, the window's taps `dilation`
/// apart. With ceil_mode the output extent rounds up, but a last window must start
/// inside the input or the left padding (PyTorch's rule). A NaN in a window is its
/// maximum. Output extent: ⌊(H + 2·pad − dilation·(k − 1) − 1) / stride⌋ + 1 (⌈⌉ with
/// ceil_mode). Backward: the gradient goes to the (first) argmax of each window.
/// Throws for kernel_size, stride or dilation < 1, padding < 0 or > kernel_size / 2, an
/// input that is not 3-d or 4-d or has an empty plane, or an output extent < 1 (the
/// kernel larger than the padded input).
Tensor max_pool2d(const Tensor& x, Int2 kernel_size, Int2 stride = {}, Int2 padding = 0,
                  Int2 dilation = 1, bool ceil_mode = false,
                  CallSite where = std::source_location::current());
/// max_pool2d and the argmax of each window as int64 flat indices into its own H×W plane
/// (h·W + w, as PyTorch's return_indices=True). The indices never require grad.
ValuesIndices max_pool2d_with_indices(const Tensor& x, Int2 kernel_size, Int2 stride = {},
                                      Int2 padding = 0, Int2 dilation = 1,
                                      bool ceil_mode = false,
                                      CallSite where = std::source_location::current());
/// 1-d max pooling (F.max_pool1d) of x [N, C, L] or [C, L]: max_pool2d over a plane of
/// height 1. stride defaults to kernel_size.
Tensor max_pool1d(const Tensor& x, std::int64_t kernel_size,
                  std::optional<std::int64_t> stride = std::nullopt, std::int64_t padding = 0,
                  std::int64_t dilation = 1, bool ceil_mode = false,
                  CallSite where = std::source_location::current());
/// max_pool1d with the argmax of each window (an index into L).
ValuesIndices max_pool1d_with_indices(const Tensor& x, std::int64_t kernel_size,
                                      std::optional<std::int64_t> stride = std::nullopt,
                                      std::int64_t padding = 0, std::int64_t dilation = 1,
                                      bool ceil_mode = false,
                                      CallSite where = std::source_location::current());

/// 2-d average pooling (F.avg_pool2d): the mean of each kernel_size window (windows
/// `stride` apart, default kernel_size; zero padding of `padding` on each side). The
/// divisor is the window's area counting the padding (count_include_pad, the default;
/// a window that ceil_mode lets run past the padding counts only up to it), or only the
/// input elements it covers, or divisor_override when given. Output extents as
/// max_pool2d without dilation. Backward: each window's gradient spread evenly over it.
/// Throws as max_pool2d, and for divisor_override = 0.
Tensor avg_pool2d(const Tensor& x, Int2 kernel_size, Int2 stride = {}, Int2 padding = 0,
                  bool ceil_mode = false, bool count_include_pad = true,
                  std::optional<std::int64_t> divisor_override = std::nullopt,
                  CallSite where = std::source_location::current());
/// 1-d average pooling (F.avg_pool1d) of x [N, C, L] or [C, L]: avg_pool2d over a plane
/// of height 1.
Tensor avg_pool1d(const Tensor& x, std::int64_t kernel_size,
                  std::optional<std::int64_t> stride = std::nullopt, std::int64_t padding = 0,
                  bool ceil_mode = false, bool count_include_pad = true,
                  CallSite where = std::source_location::current());

/// Adaptive average pooling (F.adaptive_avg_pool2d) to output_size (oH, oW): output
/// element (i, j) is the mean of rows ⌊i·H/oH⌋ … ⌈(i+1)·H/oH⌉ − 1 and the columns
/// likewise. Throws for an output extent < 1 (PyTorch returns an empty tensor for 0;
/// nabla refuses it as a likely mistake) and inputs as max_pool2d.
Tensor adaptive_avg_pool2d(const Tensor& x, Int2 output_size,
                           CallSite where = std::source_location::current());
/// Adaptive max pooling (F.adaptive_max_pool2d) over the windows of adaptive_avg_pool2d.
Tensor adaptive_max_pool2d(const Tensor& x, Int2 output_size,
                           CallSite where = std::source_location::current());
/// adaptive_max_pool2d and the argmax of each window, flat in its H×W plane
/// (return_indices=True).
ValuesIndices adaptive_max_pool2d_with_indices(const Tensor& x, Int2 output_size,
                                               CallSite where = std::source_location::current());

/// Resampling (F.interpolate) of x [N, C, W] (mode "nearest" or "linear") or
/// [N, C, H, W] ("nearest" or "bilinear") to `size`, or to ⌊in·scale_factor⌋ per axis;
/// exactly one of them is given, with one value for every spatial axis or one per axis.
/// nearest reads source index min(⌊dst·scale⌋, in − 1); linear/bilinear reads
/// src = (dst + 0.5)·scale − 0.5 clamped at 0 (align_corners false, the default) or
/// dst·(in − 1)/(out − 1) (align_corners true), and mixes its two neighbours. scale is
/// 1/scale_factor when scale_factor is given and recompute_scale_factor is not true, else
/// in/out (PyTorch's rule). align_corners may only be given for linear modes. Backward:
/// the transposed resampling (gradients summed back to their sources).
Tensor interpolate(const Tensor& x, std::optional<std::vector<std::int64_t>> size,
                   std::optional<std::vector<double>> scale_factor = std::nullopt,
                   const std::string& mode = "nearest",
                   std::optional<bool> align_corners = std::nullopt,
                   std::optional<bool> recompute_scale_factor = std::nullopt,
                   CallSite where = std::source_location::current());

/// Rearranges x [*, C·r², H, W] into [*, C, H·r, W·r] (F.pixel_shuffle): output
/// (c, h·r + i, w·r + j) = input (c·r² + i·r + j, h, w). A reshape, a permute and a
/// reshape (their rules make the gradient). Throws for rank < 3, r < 1, or a channel
/// count not divisible by r².
Tensor pixel_shuffle(const Tensor& x, std::int64_t upscale_factor,
                     CallSite where = std::source_location::current());
/// The inverse of pixel_shuffle (F.pixel_unshuffle): [*, C, H·r, W·r] → [*, C·r², H, W].
/// Throws for rank < 3, r < 1, or H or W not divisible by r.
Tensor pixel_unshuffle(const Tensor& x, std::int64_t downscale_factor,
                       CallSite where = std::source_location::current());

}  // namespace nabla
