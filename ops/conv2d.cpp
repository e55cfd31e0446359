// conv2d: 2-d convolution (cross-correlation) of NCHW images, torch.nn.functional.conv2d.
//   forward : result[n, o] = b[o] + Σ_c,i,j w[o, c, i, j] · x[n, g·C/G + c, y·sh − ph + i·dh,
//               x·sw − pw + j·dw] (G groups, g = o / (O/G)); computed per sample as
//               im2col into [C·kh·kw, L] and one gemm per group, W_g [O/G, C/G·kh·kw] ·
//               cols_g (a 1×1 kernel of stride 1 reads the sample itself), the samples
//               split over the kernel threads; padding "same" pads the bottom / right one
//               more when d·(k − 1) is odd
//   backward: grad_x = conv_transpose2d(grad_out, w) (same stride, padding, dilation,
//               groups; output_padding so that it has x's extent)
//             grad_w = conv2d_weight(x, grad_out)
//             grad_b = Σ grad_out over N, H, W
//   saves   : x and w
//   shapes  : x [N, C, H, W] (or [C, H, W]), w [O, C/G, kh, kw], b [O] or none; C and O
//               divisible by G; stride, dilation ≥ 1, padding ≥ 0; the dilated kernel fits the
//               padded input → [N, O, ⌊(H + 2p − d·(kh − 1) − 1)/s⌋ + 1, ...]
//   dtypes  : float32 or float64, one for all

#include "ops/conv_common.hpp"

namespace nabla {

ConvPadding::ConvPadding(const char* name_) : ConvPadding(std::string_view(name_)) {}
ConvPadding::ConvPadding(std::string_view name_) : name(name_) {
  mode = name == "same" ? Mode::same : name == "valid" ? Mode::valid : Mode::unknown;
}

namespace detail {

std::string int2_str(Int2 v) {
  if (!v.set) return "None";
  return fmt::format("({}, {})", v.h, v.w);
}

void check_conv_args(const char* op, const ConvArgs& a) {
  if (a.stride.h < 1 || a.stride.w < 1) {
    throw std::invalid_argument(
        fmt::format("nabla::{}: stride must be ≥ 1, got {}", op, int2_str(a.stride)));
  }
  if (a.dilation.h < 1 || a.dilation.w < 1) {
    throw std::invalid_argument(
        fmt::format("nabla::{}: dilation must be ≥ 1, got {}", op, int2_str(a.dilation)));
  }
  if (a.padding.h < 0 || a.padding.w < 0) {
    throw std::invalid_argument(
        fmt::format("nabla::{}: padding must be ≥ 0, got {}", op, int2_str(a.padding)));
  }
  if (a.groups < 1) {
    throw std::invalid_argument(fmt::format("nabla::{}: groups must be ≥ 1, got {}", op, a.groups));
  }
}

void check_kernel_fits(const char* op, const Shape& input, std::int64_t h, std::int64_t w,
                       std::int64_t kh, std::int64_t kw, const ConvArgs& a) {
  const std::int64_t eh = a.dilation.h * (kh - 1) + 1, ew = a.dilation.w * (kw - 1) + 1;
  if (kh < 1 || kw < 1 || eh > h + 2 * a.padding.h || ew > w + 2 * a.padding.w) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: the kernel ({}, {}) (dilated: ({}, {})) is larger than the padded input "
        "({}, {}) (input {}, padding {}, dilation {})",
        op, kh, kw, eh, ew, h + 2 * a.padding.h, w + 2 * a.padding.w, shape_str(input),
        int2_str(a.padding), int2_str(a.dilation)));
  }
}

Tensor narrow_spatial(const Tensor& t, std::int64_t h, std::int64_t w) {
  Tensor r = t;
  if (r.size(2) > h) r = narrow(r, 2, 0, h);
  if (r.size(3) > w) r = narrow(r, 3, 0, w);
  return r;
}

namespace {

struct Conv2dNode final : Node {
  Conv2dNode(const ConvArgs& a, bool has_bias) : Node("conv2d"), args(a), bias(has_bias) {}
  ConvArgs args;
  bool bias;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor x = saved(0), w = saved(1);
    std::vector<Tensor> grads(bias ? 3 : 2);
    // grad_x [N,C,H,W] = conv_transpose2d(grad [N,O,oh,ow], w [O,C/G,kh,kw])
    if (needs_input_grad(0))
      grads[0] = conv_transpose2d_op(grad_out, w, Tensor(), args, x.size(2), x.size(3));
    // grad_w [O,C/G,kh,kw] = Σ_n grad[n] · im2col(x[n])ᵀ
    if (needs_input_grad(1)) grads[1] = conv2d_weight_op(x, grad_out, w.size(2), w.size(3), args);
    if (bias && needs_input_grad(2)) grads[2] = sum(grad_out, {0, 2, 3});  // [O]
    return grads;
  }
};

Tensor conv2d_forward(const Tensor& x_in, const Tensor& w_in, const Tensor& b_in,
                      const ConvArgs& a) {
  const Tensor x = dense(x_in), w = dense(w_in);
  const Tensor b = b_in.defined() ? dense(b_in) : Tensor();
  const std::int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const std::int64_t O = w.size(0), kh = w.size(2), kw = w.size(3), G = a.groups;
  const std::int64_t oh = conv_out_size(H, kh, a.stride.h, a.padding.h, a.dilation.h);
  const std::int64_t ow = conv_out_size(W, kw, a.stride.w, a.padding.w, a.dilation.w);
  const std::int64_t L = oh * ow, Og = O / G, rows_g = (C / G) * kh * kw, rows = C * kh * kw;
  Tensor out = make_tensor({N, O, oh, ow}, x.dtype(), "conv2d");
  if (out.numel() == 0) return out;
  const ConvGeometry g = conv_geometry(C, H, W, kh, kw, a, oh, ow);
  dispatch_floating("conv2d", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xp = data_ptr<T>(x);
    T* op = data_ptr<T>(out);
    // The samples split over the kernel threads; each thread makes one sample's columns
    // [C·kh·kw, L] at a time in a buffer of its own (still in cache for the gemm), then
    // one gemm per group writes the sample's output planes directly. Measured at the
    // CNN's shapes as fast as one gemm over the batch (which needs a [O/G, N·L] result
    // scattered back to [N, O, L]), and faster for one input channel, whose gemms are too
    // small to split.
    parallel_for(
        N,
        [&](std::int64_t lo, std::int64_t hi) {
          const bool pointwise = kh == 1 && kw == 1 && a.stride.h == 1 && a.stride.w == 1 &&
                                 a.padding.h == 0 && a.padding.w == 0;  // cols = the sample
          Tensor cols = pointwise ? Tensor() : make_tensor({rows, L}, x.dtype(), "conv2d");
          for (std::int64_t i = lo; i < hi; ++i) {
            if (!pointwise) im2col(g, xp + i * C * H * W, data_ptr<T>(cols), L);
            for (std::int64_t gi = 0; gi < G; ++gi) {
              const Tensor wg = conv_view(w, {Og, rows_g}, {rows_g, 1}, gi * Og * rows_g);
              const Tensor cg = pointwise
                                    ? conv_view(x, {rows_g, L}, {L, 1}, (i * C + gi * rows_g) * L)
                                    : conv_view(cols, {rows_g, L}, {L, 1}, gi * rows_g * L);
              Tensor og = conv_view(out, {Og, L}, {L, 1}, (i * O + gi * Og) * L);
              gemm(false, false, Og, L, rows_g, wg, cg, og);  // [O/G, L] = W_g · cols_g
            }
          }
        },
        1);
    if (b.defined()) add_bias_planes(op, N * O, O, L, data_ptr<T>(b));
  });
  return out;
}

}  // namespace

Tensor conv2d_op(const Tensor& x, const Tensor& w, const Tensor& b, const ConvArgs& a) {
  Tensor result = conv2d_forward(x, w, b, a);
  if (b.defined()) {
    if (auto node = record<Conv2dNode>(result, {x, w, b}, a, true)) {
      node->save(x);
      node->save(w);
    }
  } else if (auto node = record<Conv2dNode>(result, {x, w}, a, false)) {
    node->save(x);
    node->save(w);
  }
  return result;
}

bool check_conv_operands(const char* op, const Tensor& input, const Tensor& weight,
                         const Tensor& bias) {
  check_defined(op, input, "input");
  check_defined(op, weight, "weight");
  check_floating(op, input, "input");
  check_floating(op, weight, "weight");
  check_same_dtype(op, input, weight);
  if (input.dim() != 3 && input.dim() != 4) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: expects a 4-d input [N, C, H, W] or a 3-d unbatched [C, H, W], got {}", op,
        shape_str(input.shape())));
  }
  if (weight.dim() != 4) {
    throw std::invalid_argument(fmt::format("nabla::{}: expects a 4-d weight, got {} (input {})",
                                            op, shape_str(weight.shape()),
                                            shape_str(input.shape())));
  }
  if (bias.defined()) {
    check_floating(op, bias, "bias");
    check_same_dtype(op, input, bias);
  }
  return input.dim() == 3;
}

}  // namespace detail

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, Int2 stride,
              ConvPadding padding, Int2 dilation, std::int64_t groups, CallSite where) {
  detail::CallSiteScope site(where);
  const char* op = "conv2d";
  const bool unbatched = detail::check_conv_operands(op, input, weight, bias);
  Tensor x = unbatched ? unsqueeze(input, 0) : input;
  if (padding.mode == ConvPadding::Mode::unknown) {
    throw std::invalid_argument(fmt::format(
        "nabla::conv2d: padding must be amounts, \"valid\" or \"same\", got \"{}\"", padding.name));
  }
  detail::ConvArgs a{stride,
                     padding.mode == ConvPadding::Mode::explicit_ ? padding.amount : Int2(0),
                     dilation, groups};
  detail::check_conv_args(op, a);
  const std::int64_t C = x.size(1), O = weight.size(0);
  if (C % groups != 0 || O % groups != 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::conv2d: {} channels are not divisible by groups = {} (input {}, weight {})",
        C % groups != 0 ? fmt::format("the input's {}", C)
                        : fmt::format("the weight's {} output", O),
        groups, shape_str(input.shape()), shape_str(weight.shape())));
  }
  if (weight.size(1) * groups != C) {
    throw std::invalid_argument(fmt::format(
        "nabla::conv2d: the weight {} expects {} input channels ({} per group × {} groups), the "
        "input {} has {}",
        shape_str(weight.shape()), weight.size(1) * groups, weight.size(1), groups,
        shape_str(input.shape()), C));
  }
  if (bias.defined() && (bias.dim() != 1 || bias.size(0) != O)) {
    throw std::invalid_argument(
        fmt::format("nabla::conv2d: expects a bias [{}], got {} (weight {})", O,
                    shape_str(bias.shape()), shape_str(weight.shape())));
  }
  const std::int64_t kh = weight.size(2), kw = weight.size(3);
  if (padding.mode == ConvPadding::Mode::same) {
    if (stride.h != 1 || stride.w != 1) {
      throw std::invalid_argument(
          fmt::format("nabla::conv2d: padding \"same\" needs stride 1 (as PyTorch), got {}",
                      detail::int2_str(stride)));
    }
    // PyTorch: total d·(k − 1), the left half (rounded down) on both sides, one more row or
    // column at the bottom / right when the total is odd.
    const std::int64_t th = dilation.h * (kh - 1), tw = dilation.w * (kw - 1);
    a.padding = Int2(th / 2, tw / 2);
    if (th % 2 != 0 || tw % 2 != 0) x = pad(x, {0, tw % 2, 0, th % 2});
  }
  detail::check_kernel_fits(op, input.shape(), x.size(2), x.size(3), kh, kw, a);
  Tensor result = detail::conv2d_op(x, weight, bias, a);
  return unbatched ? squeeze(result, 0) : result;
}

namespace detail {
namespace {
OpSample conv_sample(const char* label, std::vector<Shape> shapes, Generator& g, Dtype d) {
  OpSample s{label, {}};
  for (const Shape& sh : shapes) s.inputs.push_back(sample_tensor(sh, g, d));
  return s;
}
}  // namespace

void register_conv2d(OpRegistry& r) {
  // Convolution is bilinear in (x, w) and linear in b: no kinks, any values.
  r.add({.name = "conv2d",
         .formula = "conv2d(x, w, b), padding 1",
         .arity = 3,
         .fn = [](const std::vector<Tensor>& in) { return conv2d(in[0], in[1], in[2], 1, 1); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{conv_sample("3×3 kernel [2,2,4,4]·[3,2,3,3]",
                                                        {{2, 2, 4, 4}, {3, 2, 3, 3}, {3}}, g, d),
                                            conv_sample("2×3 kernel [1,1,3,5]·[2,1,2,3]",
                                                        {{1, 1, 3, 5}, {2, 1, 2, 3}, {2}}, g, d),
                                            conv_sample("unbatched [2,3,3]·[2,2,1,2]",
                                                        {{2, 3, 3}, {2, 2, 1, 2}, {2}}, g, d)};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   conv_sample("channels 2 vs 3", {{1, 2, 4, 4}, {1, 3, 3, 3}, {1}}, g, d),
                   conv_sample("kernel 7 on 4 + 2", {{1, 1, 4, 4}, {1, 1, 7, 7}, {1}}, g, d),
                   conv_sample("bias [2] for 1 output", {{1, 1, 4, 4}, {1, 1, 3, 3}, {2}}, g, d),
                   conv_sample("2-d input", {{4, 4}, {1, 1, 3, 3}, {1}}, g, d)};
             }});
  r.add({.name = "conv2d_strided",
         .formula = "conv2d(x, w), stride (2, 1), padding (1, 0), dilation (1, 2), groups 2",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return conv2d(in[0], in[1], Tensor(), {2, 1}, {1, 0}, {1, 2}, 2);
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   conv_sample("groups 2 [2,4,5,6]·[4,2,2,2]", {{2, 4, 5, 6}, {4, 2, 2, 2}}, g, d),
                   conv_sample("one output per group [1,2,4,5]·[2,1,3,2]",
                               {{1, 2, 4, 5}, {2, 1, 3, 2}}, g, d)};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   conv_sample("3 channels in 2 groups", {{1, 3, 4, 4}, {2, 1, 2, 2}}, g, d)};
             }});
  r.add(
      {.name = "conv2d_same",
       .formula = "conv2d(x, w), padding \"same\", dilation (2, 1)",
       .arity = 2,
       .fn =
           [](const std::vector<Tensor>& in) {
             return conv2d(in[0], in[1], Tensor(), 1, "same", {2, 1});
           },
       .samples =
           [](Generator& g, Dtype d) {
             // even kernels: the odd total padding takes PyTorch's extra bottom / right row
             return std::vector<OpSample>{
                 conv_sample("even kernel [1,2,5,4]·[2,2,2,2]", {{1, 2, 5, 4}, {2, 2, 2, 2}}, g, d),
                 conv_sample("odd kernel [2,1,4,4]·[1,1,3,3]", {{2, 1, 4, 4}, {1, 1, 3, 3}}, g, d)};
           },
       .bad_samples =
           [](Generator& g, Dtype d) {
             return std::vector<OpSample>{
                 conv_sample("weight 3-d", {{1, 2, 5, 4}, {2, 2, 2}}, g, d)};
           }});
}
}  // namespace detail
}  // namespace nabla
