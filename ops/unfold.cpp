// unfold: sliding local blocks of an image as columns (im2col), torch.nn.functional.unfold.
//   forward : result[n, (c·kh + i)·kw + j, y·out_w + x] = x[n, c, y·sh − ph + i·dh,
//               x·sw − pw + j·dw], 0 in the padding
//   backward: grad_x = fold(grad_out, (H, W), kernel_size, dilation, padding, stride) (the
//               adjoint: overlapping blocks sum)
//   saves   : nothing (the input's extent)
//   shapes  : x [N, C, H, W] (or [C, H, W]) → [N, C·kh·kw, out_h·out_w] ([C·kh·kw, L]),
//               out = ⌊(H + 2p − d·(k − 1) − 1)/s⌋ + 1; the dilated kernel fits the padded input
//   dtypes  : float32 or float64

#include "ops/conv_common.hpp"

namespace nabla {
namespace detail {
namespace {

struct UnfoldNode final : Node {
  UnfoldNode(Int2 k, const ConvArgs& a, Int2 hw) : Node("unfold"), kernel(k), args(a), size(hw) {}
  Int2 kernel;
  ConvArgs args;
  Int2 size;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {fold_op(grad_out, size, kernel, args)};  // [N, C, H, W]
  }
};

}  // namespace

Tensor unfold_op(const Tensor& x_in, Int2 kernel, const ConvArgs& a) {
  const Tensor x = dense(x_in);
  const std::int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const std::int64_t oh = conv_out_size(H, kernel.h, a.stride.h, a.padding.h, a.dilation.h);
  const std::int64_t ow = conv_out_size(W, kernel.w, a.stride.w, a.padding.w, a.dilation.w);
  const ConvGeometry g = conv_geometry(C, H, W, kernel.h, kernel.w, a, oh, ow);
  const std::int64_t rows = g.rows(), L = g.positions();
  Tensor result = make_tensor({N, rows, L}, x.dtype(), "unfold");
  if (result.numel() > 0) {
    dispatch_floating("unfold", x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* xp = data_ptr<T>(x);
      T* rp = data_ptr<T>(result);
      parallel_for(
          N,
          [&](std::int64_t lo, std::int64_t hi) {
            for (std::int64_t n = lo; n < hi; ++n)
              im2col(g, xp + n * C * H * W, rp + n * rows * L, L);
          },
          1);
    });
  }
  record<UnfoldNode>(result, {x_in}, kernel, a, Int2(H, W));
  return result;
}

}  // namespace detail

Tensor unfold(const Tensor& x, Int2 kernel_size, Int2 dilation, Int2 padding, Int2 stride,
              CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("unfold", x);
  detail::check_floating("unfold", x);
  if (x.dim() != 3 && x.dim() != 4) {
    throw std::invalid_argument(fmt::format(
        "nabla::unfold: expects a 4-d input [N, C, H, W] or a 3-d unbatched [C, H, W], got {}",
        shape_str(x.shape())));
  }
  if (kernel_size.h < 1 || kernel_size.w < 1) {
    throw std::invalid_argument(fmt::format("nabla::unfold: kernel_size must be ≥ 1, got {}",
                                            detail::int2_str(kernel_size)));
  }
  const detail::ConvArgs a{stride, padding, dilation, 1};
  detail::check_conv_args("unfold", a);
  const Tensor x4 = x.dim() == 3 ? unsqueeze(x, 0) : x;
  detail::check_kernel_fits("unfold", x.shape(), x4.size(2), x4.size(3), kernel_size.h,
                            kernel_size.w, a);
  const Tensor result = detail::unfold_op(x4, kernel_size, a);
  return x.dim() == 3 ? squeeze(result, 0) : result;
}

namespace detail {
void register_unfold(OpRegistry& r) {
  // Linear: any values.
  r.add({.name = "unfold",
         .formula = "unfold(x, (2, 3), dilation (1, 2), padding 1, stride (2, 1))",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return unfold(in[0], {2, 3}, {1, 2}, 1, {2, 1});
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"[2,2,4,5]", {sample_tensor({2, 2, 4, 5}, g, d)}},
                   {"unbatched [1,3,4]", {sample_tensor({1, 3, 4}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"2-d", {sample_tensor({4, 5}, g, d)}},
                   {"too small [1,1,1,1]", {sample_tensor({1, 1, 1, 1}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
