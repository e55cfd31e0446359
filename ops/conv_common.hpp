#pragma once
// Internal: what the convolution op files share (unfold, fold, conv2d, conv2d_weight,
// conv_transpose2d, conv1d): the argument checks, the output-size rule and the recording
// entry points that each op's backward calls on the others.

#include <cstdint>

#include "kernels/conv.hpp"
#include "kernels/parallel.hpp"
#include "nabla/conv.hpp"
#include "ops/op_common.hpp"

namespace nabla::detail {

/// The spatial arguments of a convolution, checked (stride, dilation ≥ 1, padding ≥ 0,
/// groups ≥ 1).
struct ConvArgs {
  Int2 stride = 1, padding = 0, dilation = 1;
  std::int64_t groups = 1;
};

/// "(a, b)" for messages.
std::string int2_str(Int2 v);

/// Throws std::invalid_argument naming `op` for stride or dilation < 1, negative padding or
/// groups < 1.
void check_conv_args(const char* op, const ConvArgs& a);

/// Positions a kernel k takes along an input of extent n: ⌊(n + 2p − d·(k − 1) − 1)/s⌋ + 1;
/// ≤ 0 when it does not fit.
inline std::int64_t conv_out_size(std::int64_t n, std::int64_t k, std::int64_t s, std::int64_t p,
                                  std::int64_t d) {
  const std::int64_t span = n + 2 * p - d * (k - 1) - 1;
  return span < 0 ? 0 : span / s + 1;
}

/// The geometry of kernel [kh, kw] over images [channels, h, w] with `a`, giving
/// out_h × out_w positions.
inline ConvGeometry conv_geometry(std::int64_t channels, std::int64_t h, std::int64_t w,
                                  std::int64_t kh, std::int64_t kw, const ConvArgs& a,
                                  std::int64_t out_h, std::int64_t out_w) {
  return {channels,     h,          w,           kh,          kw,
          a.stride.h,   a.stride.w, a.padding.h, a.padding.w, a.dilation.h,
          a.dilation.w, out_h,      out_w};
}

/// Throws naming `op`, the input shape, the kernel and the arguments when the kernel
/// (dilated) is larger than the padded input [h, w].
void check_kernel_fits(const char* op, const Shape& input, std::int64_t h, std::int64_t w,
                       std::int64_t kh, std::int64_t kw, const ConvArgs& a);

/// The checks conv2d and conv_transpose2d share: defined, floating, one dtype, input 3-d
/// or 4-d, weight 4-d; returns whether the input is unbatched (3-d).
bool check_conv_operands(const char* op, const Tensor& input, const Tensor& weight,
                         const Tensor& bias);

/// A view of `t`'s storage, no history: `shape` with `strides` at element `offset` of t.
inline Tensor conv_view(const Tensor& t, Shape shape, Strides strides, std::int64_t offset) {
  return make_view(t, std::move(shape), std::move(strides), t.impl()->offset + offset);
}

// The recording ops. Arguments are checked by the public functions; these take 4-d
// tensors of one floating dtype, any strides, and record a node whose rule calls the others.

/// conv2d of x [N,C,H,W] with w [O,C/g,kh,kw] and bias b [O] (or undefined) → [N,O,oh,ow].
Tensor conv2d_op(const Tensor& x, const Tensor& w, const Tensor& b, const ConvArgs& a);
/// The adjoint of conv2d in its input: z [N,Cin,hz,wz], w [Cin,Cout/g,kh,kw], bias [Cout]
/// or undefined → [N,Cout,out_h,out_w] (the size given, whose conv2d positions cover z).
Tensor conv_transpose2d_op(const Tensor& z, const Tensor& w, const Tensor& b, const ConvArgs& a,
                           std::int64_t out_h, std::int64_t out_w);
/// conv2d's weight gradient: x [N,C,H,W], gy [N,O,gh,gw] → [O,C/g,kh,kw].
Tensor conv2d_weight_op(const Tensor& x, const Tensor& gy, std::int64_t kh, std::int64_t kw,
                        const ConvArgs& a);
/// unfold of x [N,C,H,W] → [N, C·kh·kw, L].
Tensor unfold_op(const Tensor& x, Int2 kernel, const ConvArgs& a);
/// fold of cols [N, C·kh·kw, L] → [N, C, out.h, out.w].
Tensor fold_op(const Tensor& cols, Int2 out, Int2 kernel, const ConvArgs& a);

/// grad narrowed to extents [h, w] on axes 2 and 3 when it is larger (conv2d of a
/// transposed convolution's gradient covers positions past the input).
Tensor narrow_spatial(const Tensor& t, std::int64_t h, std::int64_t w);

}  // namespace nabla::detail

namespace nabla::detail {

/// Copies m samples of src [m, C, L] (dense) into dst [C, m·L]: channel-major, so that one
/// gemm covers the whole batch. Parallel over the rows.
template <class T>
void to_channel_major(const T* src, std::int64_t m, std::int64_t channels, std::int64_t L, T* dst) {
  parallel_for(
      m * channels,
      [&](std::int64_t lo, std::int64_t hi) {
        for (std::int64_t r = lo; r < hi; ++r) {
          const std::int64_t i = r / channels, c = r % channels;
          std::copy_n(src + r * L, L, dst + c * m * L + i * L);
        }
      },
      std::max<std::int64_t>(1, kParallelGrain / std::max<std::int64_t>(L, 1)));
}

/// Samples per chunk so that a [rows, chunk·L] column buffer stays within about 2²³
/// elements (32 MB of float32), at least one.
inline std::int64_t conv_chunk(std::int64_t n, std::int64_t per_sample) {
  constexpr std::int64_t kBudget = std::int64_t{1} << 23;
  return std::clamp<std::int64_t>(kBudget / std::max<std::int64_t>(per_sample, 1), 1,
                                  std::max<std::int64_t>(n, 1));
}

/// Adds bias[o] to every position of each of the m·O planes [L] at out.
template <class T>
void add_bias_planes(T* out, std::int64_t planes, std::int64_t channels, std::int64_t L,
                     const T* bias) {
  parallel_for(
      planes,
      [&](std::int64_t lo, std::int64_t hi) {
        for (std::int64_t r = lo; r < hi; ++r) {
          const T b = bias[r % channels];
          T* p = out + r * L;
          for (std::int64_t l = 0; l < L; ++l) p[l] += b;
        }
      },
      std::max<std::int64_t>(1, kParallelGrain / std::max<std::int64_t>(L, 1)));
}

}  // namespace nabla::detail
