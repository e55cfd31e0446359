// conv_transpose2d: transposed 2-d convolution, torch.nn.functional.conv_transpose2d.
//   forward : the adjoint of conv2d in its input, with w as conv2d's weight: per group,
//               cols = W_gᵀ · z_g  [C_out/G·kh·kw, N·L] = [C_out/G·kh·kw, C_in/G]·[C_in/G, N·L]
//               (one gemm over the batch), then col2im sums the columns into the output, and
//               result += b[o]
//   backward: grad_z = conv2d(grad_out, w) (same stride, padding, dilation, groups; cut to
//               z's extent)
//             grad_w = conv2d_weight(grad_out, z)
//             grad_b = Σ grad_out over N, H, W
//   saves   : z and w
//   shapes  : z [N, C_in, H, W] (or [C_in, H, W]), w [C_in, C_out/G, kh, kw], b [C_out] or
//               none; C_in divisible by G → [N, C_out, (H − 1)·s − 2p + d·(k − 1) + op + 1, ...];
//               output_padding op < stride or < dilation
//   dtypes  : float32 or float64, one for all

#include "ops/conv_common.hpp"

namespace nabla {
namespace detail {
namespace {

struct ConvTranspose2dNode final : Node {
  ConvTranspose2dNode(const ConvArgs& a, bool has_bias)
      : Node("conv_transpose2d"), args(a), bias(has_bias) {}
  ConvArgs args;
  bool bias;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor z = saved(0), w = saved(1);
    std::vector<Tensor> grads(bias ? 3 : 2);
    // grad_z [N,Cin,H,W] = conv2d(grad [N,Cout,oh,ow], w [Cin,Cout/G,kh,kw]), whose positions
    // may run past z's when output_padding ≥ stride (allowed under a larger dilation)
    if (needs_input_grad(0)) {
      grads[0] = narrow_spatial(conv2d_op(grad_out, w, Tensor(), args), z.size(2), z.size(3));
    }
    // grad_w [Cin,Cout/G,kh,kw]: conv2d_weight with grad_out as the image, z as the gradient
    if (needs_input_grad(1)) grads[1] = conv2d_weight_op(grad_out, z, w.size(2), w.size(3), args);
    if (bias && needs_input_grad(2)) grads[2] = sum(grad_out, {0, 2, 3});  // [Cout]
    return grads;
  }
};

Tensor conv_transpose2d_forward(const Tensor& z_in, const Tensor& w_in, const Tensor& b_in,
                                const ConvArgs& a, std::int64_t oh, std::int64_t ow) {
  const Tensor z = dense(z_in), w = dense(w_in);
  const Tensor b = b_in.defined() ? dense(b_in) : Tensor();
  const std::int64_t N = z.size(0), Cin = z.size(1), hz = z.size(2), wz = z.size(3);
  const std::int64_t G = a.groups, Cg_out = w.size(1), kh = w.size(2), kw = w.size(3);
  const std::int64_t Cout = Cg_out * G, Cg_in = Cin / G, L = hz * wz;
  const std::int64_t rows_g = Cg_out * kh * kw, rows = Cout * kh * kw;
  Tensor out = make_tensor({N, Cout, oh, ow}, z.dtype(), "conv_transpose2d");
  if (out.numel() == 0) return out;
  const ConvGeometry g = conv_geometry(Cout, oh, ow, kh, kw, a, hz, wz);
  const std::int64_t nc = conv_chunk(N, (rows + Cin) * L);
  Tensor cols = make_tensor({rows, nc * L}, z.dtype(), "conv_transpose2d");
  Tensor zt = make_tensor({Cin, nc * L}, z.dtype(), "conv_transpose2d");
  dispatch_floating("conv_transpose2d", z.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* zp = data_ptr<T>(z);
    T* cp = data_ptr<T>(cols);
    T* op = data_ptr<T>(out);
    for (std::int64_t n0 = 0; n0 < N; n0 += nc) {
      const std::int64_t m = std::min(nc, N - n0), ld = m * L;
      to_channel_major(zp + n0 * Cin * L, m, Cin, L, data_ptr<T>(zt));  // [Cin, m·L]
      for (std::int64_t gi = 0; gi < G; ++gi) {
        const Tensor wg = conv_view(w, {Cg_in, rows_g}, {rows_g, 1}, gi * Cg_in * rows_g);
        const Tensor zg = conv_view(zt, {Cg_in, ld}, {ld, 1}, gi * Cg_in * ld);
        Tensor cg = conv_view(cols, {rows_g, ld}, {ld, 1}, gi * rows_g * ld);
        gemm(true, false, rows_g, ld, Cg_in, wg, zg, cg);  // [Cout/G·K, m·L] = W_gᵀ · z_g
      }
      parallel_for(
          m,
          [&](std::int64_t lo, std::int64_t hi) {
            for (std::int64_t i = lo; i < hi; ++i)
              col2im(g, cp + i * L, ld, op + (n0 + i) * Cout * oh * ow);
          },
          1);
    }
    if (b.defined()) add_bias_planes(op, N * Cout, Cout, oh * ow, data_ptr<T>(b));
  });
  return out;
}

}  // namespace

Tensor conv_transpose2d_op(const Tensor& z, const Tensor& w, const Tensor& b, const ConvArgs& a,
                           std::int64_t out_h, std::int64_t out_w) {
  Tensor result = conv_transpose2d_forward(z, w, b, a, out_h, out_w);
  if (b.defined()) {
    if (auto node = record<ConvTranspose2dNode>(result, {z, w, b}, a, true)) {
      node->save(z);
      node->save(w);
    }
  } else if (auto node = record<ConvTranspose2dNode>(result, {z, w}, a, false)) {
    node->save(z);
    node->save(w);
  }
  return result;
}

}  // namespace detail

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor& bias, Int2 stride,
                        Int2 padding, Int2 output_padding, std::int64_t groups, Int2 dilation,
                        CallSite where) {
  detail::CallSiteScope site(where);
  const char* op = "conv_transpose2d";
  const bool unbatched = detail::check_conv_operands(op, input, weight, bias);
  const Tensor z = unbatched ? unsqueeze(input, 0) : input;
  const detail::ConvArgs a{stride, padding, dilation, groups};
  detail::check_conv_args(op, a);
  const std::int64_t Cin = z.size(1);
  if (Cin % groups != 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::conv_transpose2d: the input's {} channels are not divisible by groups = {} "
        "(input {}, weight {})",
        Cin, groups, shape_str(input.shape()), shape_str(weight.shape())));
  }
  if (weight.size(0) != Cin) {
    throw std::invalid_argument(fmt::format(
        "nabla::conv_transpose2d: the weight {} expects {} input channels (its dim 0), the "
        "input {} has {}",
        shape_str(weight.shape()), weight.size(0), shape_str(input.shape()), Cin));
  }
  const std::int64_t Cout = weight.size(1) * groups;
  if (bias.defined() && (bias.dim() != 1 || bias.size(0) != Cout)) {
    throw std::invalid_argument(
        fmt::format("nabla::conv_transpose2d: expects a bias [{}], got {} (weight {}, groups {})",
                    Cout, shape_str(bias.shape()), shape_str(weight.shape()), groups));
  }
  const auto bad_op = [](std::int64_t o, std::int64_t s, std::int64_t d) {
    return o < 0 || (o >= s && o >= d);
  };
  if (bad_op(output_padding.h, stride.h, dilation.h) ||
      bad_op(output_padding.w, stride.w, dilation.w)) {
    throw std::invalid_argument(fmt::format(
        "nabla::conv_transpose2d: output_padding {} must be ≥ 0 and smaller than the stride {} "
        "or the dilation {}",
        detail::int2_str(output_padding), detail::int2_str(stride), detail::int2_str(dilation)));
  }
  const std::int64_t kh = weight.size(2), kw = weight.size(3);
  const auto size = [](std::int64_t n, std::int64_t k, std::int64_t s, std::int64_t p,
                       std::int64_t d,
                       std::int64_t o) { return (n - 1) * s - 2 * p + d * (k - 1) + o + 1; };
  const std::int64_t oh = size(z.size(2), kh, stride.h, padding.h, dilation.h, output_padding.h);
  const std::int64_t ow = size(z.size(3), kw, stride.w, padding.w, dilation.w, output_padding.w);
  if (oh < 1 || ow < 1 || z.size(2) < 1 || z.size(3) < 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::conv_transpose2d: the output would be ({}, {}), not positive (input {}, weight {}, "
        "stride {}, padding {}, dilation {}, output_padding {})",
        oh, ow, shape_str(input.shape()), shape_str(weight.shape()), detail::int2_str(stride),
        detail::int2_str(padding), detail::int2_str(dilation), detail::int2_str(output_padding)));
  }
  Tensor result = detail::conv_transpose2d_op(z, weight, bias, a, oh, ow);
  return unbatched ? squeeze(result, 0) : result;
}

namespace detail {
void register_conv_transpose2d(OpRegistry& r) {
  const auto sample = [](const char* label, std::vector<Shape> shapes, Generator& g, Dtype d) {
    OpSample s{label, {}};
    for (const Shape& sh : shapes) s.inputs.push_back(sample_tensor(sh, g, d));
    return s;
  };
  // Linear in z, w and b: no kinks, any values.
  r.add({.name = "conv_transpose2d",
         .formula = "conv_transpose2d(z, w, b), stride 2, padding 1, output_padding 1",
         .arity = 3,
         .fn =
             [](const std::vector<Tensor>& in) {
               return conv_transpose2d(in[0], in[1], in[2], 2, 1, 1);
             },
         .samples =
             [sample](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   sample("[2,3,3,3]·[3,2,3,3]", {{2, 3, 3, 3}, {3, 2, 3, 3}, {2}}, g, d),
                   sample("unbatched [2,2,3]·[2,1,2,3]", {{2, 2, 3}, {2, 1, 2, 3}, {1}}, g, d)};
             },
         .bad_samples =
             [sample](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   sample("weight for 2 inputs, 3 given", {{1, 3, 3, 3}, {2, 2, 3, 3}, {2}}, g, d),
                   sample("bias [3] for 2 outputs", {{1, 2, 3, 3}, {2, 2, 3, 3}, {3}}, g, d)};
             }});
  r.add({.name = "conv_transpose2d_grouped",
         .formula =
             "conv_transpose2d(z, w), stride (1, 2), output_padding (1, 1), groups 2, dilation 2",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return conv_transpose2d(in[0], in[1], Tensor(), {1, 2}, 0, {1, 1}, 2, 2);
             },
         .samples =
             [sample](Generator& g, Dtype d) {
               // output_padding 1 ≥ stride 1 along H, allowed by dilation 2
               return std::vector<OpSample>{
                   sample("groups 2 [1,4,3,2]·[4,1,2,2]", {{1, 4, 3, 2}, {4, 1, 2, 2}}, g, d),
                   sample("[2,2,2,2]·[2,2,2,1]", {{2, 2, 2, 2}, {2, 2, 2, 1}}, g, d)};
             },
         .bad_samples =
             [sample](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   sample("3 inputs in 2 groups", {{1, 3, 3, 3}, {3, 1, 2, 2}}, g, d)};
             }});
}
}  // namespace detail
}  // namespace nabla
