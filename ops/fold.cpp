// fold: columns of sliding blocks summed into an image (col2im), torch.nn.functional.fold.
//   forward : result[n, c, y·sh − ph + i·dh, x·sw − pw + j·dw] += x[n, (c·kh + i)·kw + j,
//               y·out_w + x] over every block position (overlaps add; positions in the
//               padding are dropped)
//   backward: grad_x = unfold(grad_out, kernel_size, dilation, padding, stride)
//   saves   : nothing
//   shapes  : x [N, C·kh·kw, L] (or [C·kh·kw, L]) → [N, C, H, W] ([C, H, W]) with (H, W) =
//               output_size; L = out_h·out_w, the blocks the kernel takes in output_size
//   dtypes  : float32 or float64

#include "ops/conv_common.hpp"

namespace nabla {
namespace detail {
namespace {

struct FoldNode final : Node {
  FoldNode(Int2 k, const ConvArgs& a) : Node("fold"), kernel(k), args(a) {}
  Int2 kernel;
  ConvArgs args;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {unfold_op(grad_out, kernel, args)};  // [N, C·kh·kw, L]
  }
};

}  // namespace

Tensor fold_op(const Tensor& x_in, Int2 out, Int2 kernel, const ConvArgs& a) {
  const Tensor x = dense(x_in);
  const std::int64_t N = x.size(0), rows = x.size(1), C = rows / (kernel.h * kernel.w);
  const std::int64_t oh = conv_out_size(out.h, kernel.h, a.stride.h, a.padding.h, a.dilation.h);
  const std::int64_t ow = conv_out_size(out.w, kernel.w, a.stride.w, a.padding.w, a.dilation.w);
  const ConvGeometry g = conv_geometry(C, out.h, out.w, kernel.h, kernel.w, a, oh, ow);
  const std::int64_t L = g.positions(), plane = C * out.h * out.w;
  Tensor result = make_tensor({N, C, out.h, out.w}, x.dtype(), "fold");
  if (result.numel() > 0) {
    dispatch_floating("fold", x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* xp = data_ptr<T>(x);
      T* rp = data_ptr<T>(result);
      parallel_for(
          N,
          [&](std::int64_t lo, std::int64_t hi) {
            for (std::int64_t n = lo; n < hi; ++n) col2im(g, xp + n * rows * L, L, rp + n * plane);
          },
          1);
    });
  }
  record<FoldNode>(result, {x_in}, kernel, a);
  return result;
}

}  // namespace detail

Tensor fold(const Tensor& x, Int2 output_size, Int2 kernel_size, Int2 dilation, Int2 padding,
            Int2 stride, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("fold", x);
  detail::check_floating("fold", x);
  if (x.dim() != 2 && x.dim() != 3) {
    throw std::invalid_argument(fmt::format(
        "nabla::fold: expects a 3-d input [N, C·kh·kw, L] or a 2-d unbatched [C·kh·kw, L], got {}",
        shape_str(x.shape())));
  }
  if (kernel_size.h < 1 || kernel_size.w < 1 || output_size.h < 1 || output_size.w < 1) {
    throw std::invalid_argument(
        fmt::format("nabla::fold: kernel_size and output_size must be ≥ 1, got {} and {}",
                    detail::int2_str(kernel_size), detail::int2_str(output_size)));
  }
  const detail::ConvArgs a{stride, padding, dilation, 1};
  detail::check_conv_args("fold", a);
  const Tensor x3 = x.dim() == 2 ? unsqueeze(x, 0) : x;
  const std::int64_t k = kernel_size.h * kernel_size.w;
  if (x3.size(1) % k != 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::fold: the input {} has {} rows, not divisible by kh·kw = {} (kernel_size {})",
        shape_str(x.shape()), x3.size(1), k, detail::int2_str(kernel_size)));
  }
  detail::check_kernel_fits("fold", x.shape(), output_size.h, output_size.w, kernel_size.h,
                            kernel_size.w, a);
  const std::int64_t L =
      detail::conv_out_size(output_size.h, kernel_size.h, stride.h, padding.h, dilation.h) *
      detail::conv_out_size(output_size.w, kernel_size.w, stride.w, padding.w, dilation.w);
  if (x3.size(2) != L) {
    throw std::invalid_argument(fmt::format(
        "nabla::fold: the input {} has {} blocks, but kernel_size {} takes {} in output_size {} "
        "(padding {}, dilation {}, stride {})",
        shape_str(x.shape()), x3.size(2), detail::int2_str(kernel_size), L,
        detail::int2_str(output_size), detail::int2_str(padding), detail::int2_str(dilation),
        detail::int2_str(stride)));
  }
  const Tensor result = detail::fold_op(x3, output_size, kernel_size, a);
  return x.dim() == 2 ? squeeze(result, 0) : result;
}

namespace detail {
void register_fold(OpRegistry& r) {
  // Linear: any values. output (4, 5), kernel (2, 3), dilation (1, 2), padding 1, stride
  // (2, 1): blocks ⌊(4 + 2 − 2)/2⌋ + 1 = 3 by (5 + 2 − 5) + 1 = 3, so L = 9.
  r.add({.name = "fold",
         .formula = "fold(x, (4, 5), (2, 3), dilation (1, 2), padding 1, stride (2, 1))",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return fold(in[0], {4, 5}, {2, 3}, {1, 2}, 1, {2, 1});
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"[2,12,9]", {sample_tensor({2, 12, 9}, g, d)}},
                                            {"unbatched [6,9]", {sample_tensor({6, 9}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"rows 7 not divisible by 6", {sample_tensor({1, 7, 9}, g, d)}},
                   {"8 blocks, 9 expected", {sample_tensor({1, 6, 8}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
