// conv1d: 1-d convolution of NCL sequences, torch.nn.functional.conv1d.
//   forward : conv2d over an added axis of extent 1: input [N, C, 1, L], weight [O, C/G, 1,
//               k], stride (1, s), padding (0, p), dilation (1, d), then that axis removed
//   backward: composed (through unsqueeze, conv2d and squeeze)
//   saves   : what conv2d saves
//   shapes  : input [N, C, L] (or [C, L]), weight [O, C/G, k], bias [O] or none →
//               [N, O, ⌊(L + 2p − d·(k − 1) − 1)/s⌋ + 1]; padding an amount or "valid" /
//               "same" (stride 1)
//   dtypes  : float32 or float64, one for all

#include "ops/conv_common.hpp"

namespace nabla {

Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, std::int64_t stride,
              ConvPadding padding, std::int64_t dilation, std::int64_t groups, CallSite where) {
  detail::CallSiteScope site(where);
  const char* op = "conv1d";
  detail::check_defined(op, input, "input");
  detail::check_defined(op, weight, "weight");
  detail::check_floating(op, input, "input");
  detail::check_floating(op, weight, "weight");
  detail::check_same_dtype(op, input, weight);
  if (input.dim() != 2 && input.dim() != 3) {
    throw std::invalid_argument(fmt::format(
        "nabla::conv1d: expects a 3-d input [N, C, L] or a 2-d unbatched [C, L], got {}",
        shape_str(input.shape())));
  }
  if (weight.dim() != 3) {
    throw std::invalid_argument(
        fmt::format("nabla::conv1d: expects a 3-d weight [O, C/groups, k], got {} (input {})",
                    shape_str(weight.shape()), shape_str(input.shape())));
  }
  if (padding.mode == ConvPadding::Mode::unknown) {
    throw std::invalid_argument(
        fmt::format("nabla::conv1d: padding must be an amount, \"valid\" or \"same\", got \"{}\"",
                    padding.name));
  }
  if (padding.mode == ConvPadding::Mode::explicit_ && padding.amount.h != padding.amount.w) {
    throw std::invalid_argument(fmt::format("nabla::conv1d: padding is one amount, got the pair {}",
                                            detail::int2_str(padding.amount)));
  }
  detail::check_conv_args(
      op, {stride, padding.mode == ConvPadding::Mode::explicit_ ? padding.amount : Int2(0),
           dilation, groups});
  const Tensor x = unsqueeze(input, -2);  // [N, C, 1, L]
  const Tensor w = unsqueeze(weight, 2);  // [O, C/G, 1, k]
  const std::int64_t C = x.size(-3), O = weight.size(0);
  if (C % groups != 0 || O % groups != 0 || weight.size(1) * groups != C) {
    throw std::invalid_argument(fmt::format(
        "nabla::conv1d: the input {} and weight {} do not fit with groups = {} (the {} input and "
        "{} output channels must be divisible by groups, and weight.size(1)·groups = {} must be "
        "{})",
        shape_str(input.shape()), shape_str(weight.shape()), groups, C, O, weight.size(1) * groups,
        C));
  }
  if (bias.defined() && (bias.dim() != 1 || bias.size(0) != O)) {
    throw std::invalid_argument(
        fmt::format("nabla::conv1d: expects a bias [{}], got {} (weight {})", O,
                    shape_str(bias.shape()), shape_str(weight.shape())));
  }
  if (padding.mode == ConvPadding::Mode::same && stride != 1) {
    throw std::invalid_argument(
        fmt::format("nabla::conv1d: padding \"same\" needs stride 1 (as PyTorch), got {}", stride));
  }
  if (padding.mode == ConvPadding::Mode::explicit_) {
    const std::int64_t span = x.size(-1) + 2 * padding.amount.w,
                       k = dilation * (weight.size(2) - 1) + 1;
    if (k > span) {
      throw std::invalid_argument(fmt::format(
          "nabla::conv1d: the kernel {} (dilated: {}) is larger than the padded input {} (input "
          "{}, padding {}, dilation {})",
          weight.size(2), k, span, shape_str(input.shape()), padding.amount.w, dilation));
    }
    padding = ConvPadding(0, padding.amount.w);
  }
  const Tensor result = conv2d(x, w, bias, {1, stride}, padding, {1, dilation}, groups);
  return squeeze(result, -2);
}

namespace detail {
void register_conv1d(OpRegistry& r) {
  const auto sample = [](const char* label, std::vector<Shape> shapes, Generator& g, Dtype d) {
    OpSample s{label, {}};
    for (const Shape& sh : shapes) s.inputs.push_back(sample_tensor(sh, g, d));
    return s;
  };
  // Bilinear in (x, w), linear in b: no kinks.
  r.add({.name = "conv1d",
         .formula = "conv1d(x, w, b), stride 2, padding 1, dilation 2",
         .arity = 3,
         .fn = [](const std::vector<Tensor>& in) { return conv1d(in[0], in[1], in[2], 2, 1, 2); },
         .samples =
             [sample](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   sample("[2,3,7]·[2,3,3]", {{2, 3, 7}, {2, 3, 3}, {2}}, g, d),
                   sample("unbatched [2,6]·[3,2,2]", {{2, 6}, {3, 2, 2}, {3}}, g, d)};
             },
         .bad_samples =
             [sample](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   sample("channels 3 vs 2", {{1, 3, 7}, {2, 2, 3}, {2}}, g, d),
                   sample("4-d input", {{1, 3, 7, 1}, {2, 3, 3}, {2}}, g, d),
                   sample("kernel 9 dilated on 4 + 2", {{1, 1, 4}, {1, 1, 5}, {1}}, g, d)};
             }});
}
}  // namespace detail
}  // namespace nabla
