// conv2d_weight: conv2d's weight gradient as an op of its own (torch.nn.grad.conv2d_weight).
//   forward : result[o, c, i, j] = Σ_n,y,x gy[n, o, y, x] · x[n, g·C/G + c, y·sh − ph + i·dh,
//               x·sw − pw + j·dw]; per group one gemm over the batch,
//               gy_g [O/G, N·L] · cols_gᵀ [N·L, C/G·kh·kw], cols = im2col of the batch
//   backward: grad_x = conv_transpose2d(gy, grad_out) (output_padding so that it has x's
//               extent)
//             grad_gy = conv2d(x, grad_out) (cut to gy's extent)
//   saves   : x and gy
//   shapes  : x [N, C, H, W], gy [N, O, gh, gw], weight_size [O, C/G, kh, kw]; gh and gw at
//               most conv2d's output extents (fewer leave the last positions out)
//   dtypes  : float32 or float64, one for both

#include "ops/conv_common.hpp"

namespace nabla {
namespace detail {
namespace {

struct Conv2dWeightNode final : Node {
  Conv2dWeightNode(const ConvArgs& a) : Node("conv2d_weight"), args(a) {}
  ConvArgs args;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor x = saved(0), gy = saved(1);
    std::vector<Tensor> grads(2);
    // grad_x [N,C,H,W] = conv_transpose2d(gy [N,O,gh,gw], g [O,C/G,kh,kw])
    if (needs_input_grad(0))
      grads[0] = conv_transpose2d_op(gy, grad_out, Tensor(), args, x.size(2), x.size(3));
    // grad_gy [N,O,gh,gw] = conv2d(x, g)
    if (needs_input_grad(1)) {
      grads[1] = narrow_spatial(conv2d_op(x, grad_out, Tensor(), args), gy.size(2), gy.size(3));
    }
    return grads;
  }
};

Tensor conv2d_weight_forward(const Tensor& x_in, const Tensor& gy_in, std::int64_t kh,
                             std::int64_t kw, const ConvArgs& a) {
  const Tensor x = dense(x_in), gy = dense(gy_in);
  const std::int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const std::int64_t O = gy.size(1), gh = gy.size(2), gw = gy.size(3), G = a.groups;
  const std::int64_t L = gh * gw, Og = O / G, rows_g = (C / G) * kh * kw, rows = C * kh * kw;
  Tensor out = make_tensor({O, C / G, kh, kw}, x.dtype(), "conv2d_weight");
  const ConvGeometry g = conv_geometry(C, H, W, kh, kw, a, gh, gw);
  const std::int64_t nc = conv_chunk(N, (rows + O) * L);
  const bool chunked = nc < N;
  dispatch_floating("conv2d_weight", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* op = data_ptr<T>(out);
    std::fill_n(op, out.numel(), T{0});
    if (N == 0 || L == 0 || out.numel() == 0) return;
    Tensor cols = make_tensor({rows, nc * L}, x.dtype(), "conv2d_weight");
    Tensor gyt = make_tensor({O, nc * L}, x.dtype(), "conv2d_weight");
    Tensor part = chunked ? make_tensor({Og, rows_g}, x.dtype(), "conv2d_weight") : Tensor();
    const T* xp = data_ptr<T>(x);
    const T* gp = data_ptr<T>(gy);
    T* cp = data_ptr<T>(cols);
    for (std::int64_t n0 = 0; n0 < N; n0 += nc) {
      const std::int64_t m = std::min(nc, N - n0), ld = m * L;
      parallel_for(
          m,
          [&](std::int64_t lo, std::int64_t hi) {
            for (std::int64_t i = lo; i < hi; ++i)
              im2col(g, xp + (n0 + i) * C * H * W, cp + i * L, ld);
          },
          1);
      to_channel_major(gp + n0 * O * L, m, O, L, data_ptr<T>(gyt));  // [O, m·L]
      for (std::int64_t gi = 0; gi < G; ++gi) {
        const Tensor yg = conv_view(gyt, {Og, ld}, {ld, 1}, gi * Og * ld);
        const Tensor cg = conv_view(cols, {rows_g, ld}, {ld, 1}, gi * rows_g * ld);
        Tensor og = conv_view(out, {Og, rows_g}, {rows_g, 1}, gi * Og * rows_g);
        // [O/G, C/G·K] = [O/G, m·L]·[m·L, C/G·K]
        if (!chunked) {
          gemm(false, true, Og, rows_g, ld, yg, cg, og);
          continue;
        }
        gemm(false, true, Og, rows_g, ld, yg, cg, part);
        const T* pp = data_ptr<T>(part);
        T* dst = data_ptr<T>(og);
        for (std::int64_t k = 0; k < Og * rows_g; ++k) dst[k] += pp[k];
      }
    }
  });
  return out;
}

}  // namespace

Tensor conv2d_weight_op(const Tensor& x, const Tensor& gy, std::int64_t kh, std::int64_t kw,
                        const ConvArgs& a) {
  Tensor result = conv2d_weight_forward(x, gy, kh, kw, a);
  if (auto node = record<Conv2dWeightNode>(result, {x, gy}, a)) {
    node->save(x);
    node->save(gy);
  }
  return result;
}

}  // namespace detail

Tensor conv2d_weight(const Tensor& input, const Shape& weight_size, const Tensor& grad_output,
                     Int2 stride, Int2 padding, Int2 dilation, std::int64_t groups,
                     CallSite where) {
  detail::CallSiteScope site(where);
  const char* op = "conv2d_weight";
  detail::check_defined(op, input, "input");
  detail::check_defined(op, grad_output, "grad_output");
  detail::check_floating(op, input, "input");
  detail::check_floating(op, grad_output, "grad_output");
  detail::check_same_dtype(op, input, grad_output);
  if (input.dim() != 4 || grad_output.dim() != 4 || weight_size.size() != 4) {
    throw std::invalid_argument(fmt::format(
        "nabla::conv2d_weight: expects a 4-d input, grad_output and weight_size, got {}, {} and {}",
        shape_str(input.shape()), shape_str(grad_output.shape()), shape_str(weight_size)));
  }
  const detail::ConvArgs a{stride, padding, dilation, groups};
  detail::check_conv_args(op, a);
  const std::int64_t C = input.size(1), O = weight_size[0], kh = weight_size[2],
                     kw = weight_size[3];
  if (C % groups != 0 || O % groups != 0 || weight_size[1] * groups != C ||
      grad_output.size(1) != O || grad_output.size(0) != input.size(0)) {
    throw std::invalid_argument(fmt::format(
        "nabla::conv2d_weight: input {}, weight_size {} and grad_output {} do not fit with "
        "groups = {} (the input's channels and weight_size[0] must be divisible by groups, "
        "weight_size[1]·groups the input's channels, grad_output [N, weight_size[0], ...])",
        shape_str(input.shape()), shape_str(weight_size), shape_str(grad_output.shape()), groups));
  }
  detail::check_kernel_fits(op, input.shape(), input.size(2), input.size(3), kh, kw, a);
  const std::int64_t oh = detail::conv_out_size(input.size(2), kh, stride.h, padding.h, dilation.h);
  const std::int64_t ow = detail::conv_out_size(input.size(3), kw, stride.w, padding.w, dilation.w);
  if (grad_output.size(2) > oh || grad_output.size(3) > ow) {
    throw std::invalid_argument(fmt::format(
        "nabla::conv2d_weight: grad_output {} has more positions than conv2d gives ({}, {}) "
        "(input {}, weight_size {})",
        shape_str(grad_output.shape()), oh, ow, shape_str(input.shape()), shape_str(weight_size)));
  }
  return detail::conv2d_weight_op(input, grad_output, kh, kw, a);
}

namespace detail {
void register_conv2d_weight(OpRegistry& r) {
  // Bilinear in (x, gy): no kinks, any values.
  r.add({.name = "conv2d_weight",
         .formula = "conv2d_weight(x, [4,1,2,2], gy), stride 2, padding 1, groups 2",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return conv2d_weight(in[0], {4, 1, 2, 2}, in[1], 2, 1, 1, 2);
             },
         .samples =
             [](Generator& g, Dtype d) {
               // x [2,2,4,5]: out ⌊(4 + 2 − 1 − 1)/2⌋ + 1 = 3, ⌊(5 + 2 − 2)/2⌋ + 1 = 3
               return std::vector<OpSample>{
                   {"[2,2,4,5] with gy [2,4,3,3]",
                    {sample_tensor({2, 2, 4, 5}, g, d), sample_tensor({2, 4, 3, 3}, g, d)}},
                   {"gy short of the positions [1,2,4,5], [1,4,2,3]",
                    {sample_tensor({1, 2, 4, 5}, g, d), sample_tensor({1, 4, 2, 3}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"gy with 3 channels",
                    {sample_tensor({2, 2, 4, 5}, g, d), sample_tensor({2, 3, 3, 3}, g, d)}},
                   {"gy with too many positions",
                    {sample_tensor({2, 2, 4, 5}, g, d), sample_tensor({2, 4, 4, 3}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
