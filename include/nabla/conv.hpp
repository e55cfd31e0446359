#pragma once
/// \file conv.hpp
/// Convolution, after torch.nn.functional (PyTorch 1.13): unfold (im2col) and fold
/// (col2im), conv1d, conv2d and conv_transpose2d, on NCHW (NCL for conv1d) float32 or
/// float64 tensors of one dtype. Each is lowered to im2col / col2im and OpenBLAS gemm;
/// every backward is written with these ops again (conv2d's weight gradient is the op
/// conv2d_weight of its own), so gradients of any order work.
///
/// Integer arguments take one value for both spatial axes or a pair {height, width}
/// (the type Int2). Every bad argument throws std::invalid_argument naming the op, what is
/// wrong and the shapes or values involved: a wrong rank, an integer or mixed dtype,
/// stride or dilation < 1, negative padding, groups < 1 or channels not divisible by
/// groups, weight and input channels that do not match, a bias of the wrong shape, a
/// kernel larger than the padded input, a conv_transpose2d output_padding not smaller
/// than the stride or the dilation.

#include <cstdint>
#include <string>
#include <string_view>

#include "nabla/autograd.hpp"
#include "nabla/shape.hpp"
#include "nabla/tensor.hpp"

namespace nabla {

/// conv2d's padding: explicit amounts (an Int2: `1`, `{1, 2}`), or PyTorch's strings
/// "valid" (no padding) and "same" (the output has the input's size; stride must be 1;
/// when the total padding d·(k − 1) along an axis is odd, the extra row or column goes
/// on the bottom or right, as PyTorch).
struct ConvPadding {
  enum class Mode { explicit_, valid, same, unknown };
  Mode mode = Mode::explicit_;
  Int2 amount = 0;
  std::string name;  ///< the string given, for a message when it is unknown
  ConvPadding(std::int64_t both) noexcept : amount(both) {}  // NOLINT: implicit
  /// (An int literal, 0 included, is an amount, never a null string.)
  ConvPadding(int both) noexcept : amount(both) {}  // NOLINT: implicit
  ConvPadding(std::int64_t height, std::int64_t width) noexcept : amount(height, width) {}
  ConvPadding(Int2 pad) noexcept : amount(pad) {}  // NOLINT: implicit
  /// "valid" or "same"; the op given any other string throws std::invalid_argument.
  ConvPadding(const char* name);       // NOLINT: implicit
  ConvPadding(std::string_view name);  // NOLINT: implicit
};

/// torch.nn.functional.unfold (im2col): x [N,C,H,W] (or unbatched [C,H,W]) → [N, C·kh·kw,
/// L] ([C·kh·kw, L]), L = out_h·out_w the kernel positions, out = ⌊(H + 2p − d·(k − 1) −
/// 1)/s⌋ + 1 per axis. Row (c·kh + i)·kw + j of column l = y·out_w + x holds
/// x[.., c, y·sh − ph + i·dh, x·sw − pw + j·dw] (0 in the padding). Backward: fold of the
/// gradient (its adjoint). Throws when the kernel does not fit the padded input.
Tensor unfold(const Tensor& x, Int2 kernel_size, Int2 dilation = 1, Int2 padding = 0,
              Int2 stride = 1, CallSite where = std::source_location::current());

/// torch.nn.functional.fold (col2im): columns [N, C·kh·kw, L] (or unbatched [C·kh·kw, L])
/// summed into an image [N, C, H, W] ([C,H,W]) with (H, W) = output_size; overlapping
/// positions add up. L must equal the positions the kernel takes in output_size (as
/// unfold). Backward: unfold of the gradient. Throws when dim 1 is not divisible by
/// kh·kw or L does not match.
Tensor fold(const Tensor& x, Int2 output_size, Int2 kernel_size, Int2 dilation = 1,
            Int2 padding = 0, Int2 stride = 1, CallSite where = std::source_location::current());

/// torch.nn.functional.conv2d: input [N, C, H, W] (or unbatched [C, H, W]), weight
/// [O, C/groups, kh, kw], optional bias [O] (an undefined Tensor for none) → [N, O, out_h,
/// out_w], out = ⌊(H + 2p − d·(k − 1) − 1)/s⌋ + 1; groups split the channels into groups
/// of C/groups inputs and O/groups outputs. Computed as im2col of the batch and one gemm per
/// sample and group. Backward: grad_input = conv_transpose2d(grad, weight),
/// grad_weight = conv2d_weight(input, grad), grad_bias = Σ grad over N, H, W.
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(),
              Int2 stride = 1, ConvPadding padding = 0, Int2 dilation = 1, std::int64_t groups = 1,
              CallSite where = std::source_location::current());

/// torch.nn.functional.conv1d: input [N, C, L] (or unbatched [C, L]), weight [O,
/// C/groups, k], optional bias [O] → [N, O, out_l]: conv2d over an added axis of
/// extent 1. padding is an amount or "valid" / "same".
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(),
              std::int64_t stride = 1, ConvPadding padding = 0, std::int64_t dilation = 1,
              std::int64_t groups = 1, CallSite where = std::source_location::current());

/// torch.nn.functional.conv_transpose2d (PyTorch's argument order): input [N, C_in, H, W]
/// (or unbatched), weight [C_in, C_out/groups, kh, kw], optional bias [C_out] → [N,
/// C_out, out_h, out_w], out = (H − 1)·s − 2p + d·(k − 1) + output_padding + 1: the
/// adjoint of conv2d with that weight (gemm then col2im). output_padding must be smaller
/// than the stride or the dilation. Backward: grad_input = conv2d(grad, weight),
/// grad_weight = conv2d_weight(grad, input), grad_bias = Σ grad over N, H, W.
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(),
                        Int2 stride = 1, Int2 padding = 0, Int2 output_padding = 0,
                        std::int64_t groups = 1, Int2 dilation = 1,
                        CallSite where = std::source_location::current());

/// The weight gradient of conv2d as an op of its own (torch.nn.grad.conv2d_weight):
/// input [N, C, H, W], grad_output [N, O, gh, gw] → [O, C/groups, kh, kw] with (kh, kw)
/// from weight_size [O, C/groups, kh, kw]: Σ over n and positions of grad_output ·
/// the input under the kernel. gh and gw may be fewer than conv2d's output positions (the
/// positions past them are left out). Backward: grad_input = conv_transpose2d(grad_output,
/// g), grad_grad_output = conv2d(input, g). Throws as conv2d.
Tensor conv2d_weight(const Tensor& input, const Shape& weight_size, const Tensor& grad_output,
                     Int2 stride = 1, Int2 padding = 0, Int2 dilation = 1, std::int64_t groups = 1,
                     CallSite where = std::source_location::current());

}  // namespace nabla
