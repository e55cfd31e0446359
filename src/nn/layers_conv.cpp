// The convolution, pooling and resampling layers of nn.hpp: construction checks, PyTorch's
// initialization and printing, and forward through the functional ops. Only the public
// Tensor and op API is used here.
#include <fmt/format.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "nabla/nn.hpp"
#include "nabla/shape.hpp"

namespace nabla::nn {

namespace {

// ---- printing as PyTorch ----------------------------------------------------------------

std::string tuple2(Int2 v) { return fmt::format("({}, {})", v.h, v.w); }
std::string tuple1(std::int64_t v) { return fmt::format("({},)", v); }
// A pool's Int2 as PyTorch prints the value given: one number when both axes agree.
std::string given(Int2 v) { return v.h == v.w ? fmt::format("{}", v.h) : tuple2(v); }

const char* padding_mode_name(PaddingMode m) {
  switch (m) {
    case PaddingMode::zeros: return "zeros";
    case PaddingMode::reflect: return "reflect";
    case PaddingMode::replicate: return "replicate";
    case PaddingMode::circular: return "circular";
  }
  return "?";
}

// The ", padding=..., dilation=..., groups=..., bias=False, padding_mode=..." tail of a
// convolution's repr, each part printed only when it is not PyTorch's default.
std::string conv_tail(const ConvPadding& padding, const std::string& pad_str, bool pad_zero,
                      const std::string& dil_str, bool dil_one, std::int64_t groups, bool bias,
                      PaddingMode mode) {
  std::string s;
  if (padding.mode == ConvPadding::Mode::same) {
    s += ", padding=same";
  } else if (padding.mode == ConvPadding::Mode::valid) {
    s += ", padding=valid";
  } else if (!pad_zero) {
    s += ", padding=" + pad_str;
  }
  if (!dil_one) s += ", dilation=" + dil_str;
  if (groups != 1) s += fmt::format(", groups={}", groups);
  if (!bias) s += ", bias=False";
  if (mode != PaddingMode::zeros) s += fmt::format(", padding_mode={}", padding_mode_name(mode));
  return s;
}

// ---- construction checks ------------------------------------------------------------------

void check_channels(const char* layer, std::int64_t in, std::int64_t out, std::int64_t groups) {
  if (in < 1 || out < 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: in_channels and out_channels must be ≥ 1, got {} and {}", layer, in, out));
  }
  if (groups < 1) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: groups must be ≥ 1, got {}", layer, groups));
  }
  if (in % groups != 0 || out % groups != 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: in_channels ({}) and out_channels ({}) must both be divisible by groups "
        "({})",
        layer, in, out, groups));
  }
}

void check_at_least(const char* layer, const char* arg, Int2 v, std::int64_t least) {
  if (!v.set || v.h < least || v.w < least) {
    throw std::invalid_argument(fmt::format("nabla::nn::{}: {} must be ≥ {}, got {}", layer, arg,
                                            least, v.set ? tuple2(v) : "None"));
  }
}

void check_padding(const char* layer, const ConvPadding& p, Int2 stride) {
  if (p.mode == ConvPadding::Mode::unknown) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: padding must be an amount, \"valid\" or \"same\", got \"{}\"", layer,
        p.name));
  }
  if (p.mode == ConvPadding::Mode::same && (stride.h != 1 || stride.w != 1)) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: padding=\"same\" needs stride 1, got stride {}", layer, tuple2(stride)));
  }
  if (p.mode == ConvPadding::Mode::explicit_) check_at_least(layer, "padding", p.amount, 0);
}

// weight and bias of a convolution, as torch.nn's _ConvNd.reset_parameters: weight by
// kaiming_uniform_(a = √5), i.e. U(±1/√fan_in), then the bias from U(±1/√fan_in), fan_in
// taken from the weight's shape (dim 1 times the kernel's extent).
std::pair<Tensor, Tensor> init_conv(const char* layer, const Shape& weight_shape,
                                    std::int64_t bias_size, bool bias, Dtype dtype,
                                    Generator* gen) {
  shape_numel(weight_shape, layer);
  Tensor w = empty(weight_shape, dtype);
  init::kaiming_uniform_(w, std::sqrt(5.0), init::FanMode::fan_in, init::Nonlinearity::leaky_relu,
                         gen);
  Tensor b;
  if (bias) {
    double fan_in = 1.0;
    for (std::size_t d = 1; d < weight_shape.size(); ++d) fan_in *= double(weight_shape[d]);
    const double bound = 1.0 / std::sqrt(fan_in);
    b = empty({bias_size}, dtype);
    init::uniform_(b, -bound, bound, gen);
  }
  return {w, b};
}

// ---- forward checks and padding --------------------------------------------------------------

void check_input(const std::string& layer, const Tensor& x, std::int64_t batched_rank,
                 std::int64_t channels, Dtype dtype) {
  if (!x.defined()) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: the input is an undefined tensor", layer));
  }
  const auto rank = static_cast<std::int64_t>(x.dim());
  if (rank != batched_rank && rank != batched_rank - 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: expects a {}-d (batched) or {}-d (unbatched) input, got shape {}", layer,
        batched_rank, batched_rank - 1, shape_str(x.shape())));
  }
  const std::int64_t c = x.size(rank == batched_rank ? 1 : 0);
  if (c != channels) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: the input has {} channels (shape {}), the layer expects {}", layer, c,
        shape_str(x.shape()), channels));
  }
  if (x.dtype() != dtype) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: the input is {} but the layer's parameters are {}; convert the input "
        "with x.to(...) or the model with model.to(...)",
        layer, dtype_name(x.dtype()), dtype_name(dtype)));
  }
}

// Wraps the last `axes` dims around by pads (before, after) per axis, last axis first
// (F.pad's order): circular padding.
Tensor circular_pad(const Tensor& x, const std::vector<std::int64_t>& pads) {
  Tensor r = x;
  for (std::size_t i = 0; i * 2 < pads.size(); ++i) {
    const auto dim = static_cast<std::int64_t>(r.dim()) - 1 - static_cast<std::int64_t>(i);
    const std::int64_t n = r.size(dim), before = pads[2 * i], after = pads[2 * i + 1];
    if (before > n || after > n) {
      throw std::invalid_argument(fmt::format(
          "nabla::nn: circular padding of ({}, {}) is more than the input's extent {} along dim "
          "{} (shape {})",
          before, after, n, dim, shape_str(x.shape())));
    }
    std::vector<Tensor> parts;
    if (before > 0) parts.push_back(narrow(r, dim, n - before, before));
    parts.push_back(r);
    if (after > 0) parts.push_back(narrow(r, dim, 0, after));
    if (parts.size() > 1) r = cat(parts, dim);
  }
  return r;
}

// The input padded by a non-zeros padding_mode; pads in F.pad's order.
Tensor pad_input(const Tensor& x, PaddingMode mode, const std::vector<std::int64_t>& pads) {
  switch (mode) {
    case PaddingMode::reflect: return pad(x, pads, PadMode::reflect);
    case PaddingMode::replicate: return pad(x, pads, PadMode::replicate);
    case PaddingMode::circular: return circular_pad(x, pads);
    case PaddingMode::zeros: break;
  }
  return x;
}

// The (top, bottom, left, right) amounts of "same" padding along one axis: d·(k − 1) in
// all, the odd one after (PyTorch's rule).
std::pair<std::int64_t, std::int64_t> same_amounts(std::int64_t dilation, std::int64_t kernel) {
  const std::int64_t total = dilation * (kernel - 1);
  return {total / 2, total - total / 2};
}

}  // namespace

// ---- Conv2d -----------------------------------------------------------------------------

Conv2d::Conv2d(std::int64_t in_channels, std::int64_t out_channels, Int2 kernel_size,
               Conv2dOptions options)
    : Module("Conv2d"), in_(in_channels), out_(out_channels), kernel_(kernel_size),
      options_(options) {
  check_channels("Conv2d", in_, out_, options.groups);
  check_at_least("Conv2d", "kernel_size", kernel_size, 1);
  check_at_least("Conv2d", "stride", options.stride, 1);
  check_at_least("Conv2d", "dilation", options.dilation, 1);
  check_padding("Conv2d", options.padding, options.stride);
  auto [w, b] = init_conv("nn::Conv2d", {out_, in_ / options.groups, kernel_.h, kernel_.w}, out_,
            options.bias, options.dtype, options.generator);
  register_parameter("weight", w);
  if (b.defined()) register_parameter("bias", b);
}

Tensor Conv2d::bias() const { return options_.bias ? parameter("bias") : Tensor(); }

Tensor Conv2d::forward(const Tensor& x) {
  check_input("Conv2d", x, 4, in_, weight().dtype());
  const Conv2dOptions& o = options_;
  if (o.padding_mode == PaddingMode::zeros) {
    return conv2d(x, weight(), bias(), o.stride, o.padding, o.dilation, o.groups);
  }
  std::vector<std::int64_t> pads;  // left, right, top, bottom
  if (o.padding.mode == ConvPadding::Mode::same) {
    const auto [t, b] = same_amounts(o.dilation.h, kernel_.h);
    const auto [l, r] = same_amounts(o.dilation.w, kernel_.w);
    pads = {l, r, t, b};
  } else if (o.padding.mode == ConvPadding::Mode::explicit_) {
    const Int2 p = o.padding.amount;
    pads = {p.w, p.w, p.h, p.h};
  } else {
    pads = {0, 0, 0, 0};
  }
  return conv2d(pad_input(x, o.padding_mode, pads), weight(), bias(), o.stride, 0, o.dilation,
                o.groups);
}

std::string Conv2d::extra_repr() const {
  const Conv2dOptions& o = options_;
  const Int2 p = o.padding.amount;
  return fmt::format("{}, {}, kernel_size={}, stride={}", in_, out_, tuple2(kernel_),
                     tuple2(o.stride)) +
         conv_tail(o.padding, tuple2(p), p.h == 0 && p.w == 0, tuple2(o.dilation),
                   o.dilation.h == 1 && o.dilation.w == 1, o.groups, o.bias, o.padding_mode);
}

// ---- Conv1d -----------------------------------------------------------------------------

Conv1d::Conv1d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size,
               Conv1dOptions options)
    : Module("Conv1d"), in_(in_channels), out_(out_channels), kernel_(kernel_size),
      options_(options) {
  check_channels("Conv1d", in_, out_, options.groups);
  check_at_least("Conv1d", "kernel_size", Int2(kernel_size), 1);
  check_at_least("Conv1d", "stride", Int2(options.stride), 1);
  check_at_least("Conv1d", "dilation", Int2(options.dilation), 1);
  if (options.padding.mode == ConvPadding::Mode::explicit_ &&
      options.padding.amount.h != options.padding.amount.w) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::Conv1d: padding must be one amount, got {}",
                    tuple2(options.padding.amount)));
  }
  check_padding("Conv1d", options.padding, Int2(options.stride));
  auto [w, b] = init_conv("nn::Conv1d", {out_, in_ / options.groups, kernel_}, out_, options.bias,
            options.dtype, options.generator);
  register_parameter("weight", w);
  if (b.defined()) register_parameter("bias", b);
}

Tensor Conv1d::bias() const { return options_.bias ? parameter("bias") : Tensor(); }

Tensor Conv1d::forward(const Tensor& x) {
  check_input("Conv1d", x, 3, in_, weight().dtype());
  const Conv1dOptions& o = options_;
  if (o.padding_mode == PaddingMode::zeros) {
    return conv1d(x, weight(), bias(), o.stride, o.padding, o.dilation, o.groups);
  }
  std::vector<std::int64_t> pads{0, 0};
  if (o.padding.mode == ConvPadding::Mode::same) {
    const auto [l, r] = same_amounts(o.dilation, kernel_);
    pads = {l, r};
  } else if (o.padding.mode == ConvPadding::Mode::explicit_) {
    pads = {o.padding.amount.w, o.padding.amount.w};
  }
  return conv1d(pad_input(x, o.padding_mode, pads), weight(), bias(), o.stride, 0, o.dilation,
                o.groups);
}

std::string Conv1d::extra_repr() const {
  const Conv1dOptions& o = options_;
  const std::int64_t p = o.padding.amount.w;
  return fmt::format("{}, {}, kernel_size={}, stride={}", in_, out_, tuple1(kernel_),
                     tuple1(o.stride)) +
         conv_tail(o.padding, tuple1(p), p == 0, tuple1(o.dilation), o.dilation == 1, o.groups,
                   o.bias, o.padding_mode);
}

// ---- ConvTranspose2d ---------------------------------------------------------------------

ConvTranspose2d::ConvTranspose2d(std::int64_t in_channels, std::int64_t out_channels,
                                 Int2 kernel_size, ConvTranspose2dOptions options)
    : Module("ConvTranspose2d"), in_(in_channels), out_(out_channels), kernel_(kernel_size),
      options_(options) {
  check_channels("ConvTranspose2d", in_, out_, options.groups);
  check_at_least("ConvTranspose2d", "kernel_size", kernel_size, 1);
  check_at_least("ConvTranspose2d", "stride", options.stride, 1);
  check_at_least("ConvTranspose2d", "dilation", options.dilation, 1);
  check_at_least("ConvTranspose2d", "padding", options.padding, 0);
  check_at_least("ConvTranspose2d", "output_padding", options.output_padding, 0);
  const Int2 op = options.output_padding, s = options.stride, d = options.dilation;
  if ((op.h >= s.h && op.h >= d.h) || (op.w >= s.w && op.w >= d.w)) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::ConvTranspose2d: output_padding {} must be smaller than the stride {} or "
        "the dilation {}",
        tuple2(op), tuple2(s), tuple2(d)));
  }
  auto [w, b] = init_conv("nn::ConvTranspose2d", {in_, out_ / options.groups, kernel_.h, kernel_.w},
            out_, options.bias, options.dtype, options.generator);
  register_parameter("weight", w);
  if (b.defined()) register_parameter("bias", b);
}

Tensor ConvTranspose2d::bias() const { return options_.bias ? parameter("bias") : Tensor(); }

Tensor ConvTranspose2d::run(const Tensor& x, Int2 output_padding) {
  check_input("ConvTranspose2d", x, 4, in_, weight().dtype());
  const ConvTranspose2dOptions& o = options_;
  return conv_transpose2d(x, weight(), bias(), o.stride, o.padding, output_padding, o.groups,
                          o.dilation);
}

Tensor ConvTranspose2d::forward(const Tensor& x) { return run(x, options_.output_padding); }

Tensor ConvTranspose2d::forward(const Tensor& x, Int2 output_size) {
  check_input("ConvTranspose2d", x, 4, in_, weight().dtype());
  const ConvTranspose2dOptions& o = options_;
  const std::int64_t h = x.size(-2), w = x.size(-1);
  auto extra = [&](std::int64_t in, std::int64_t want, std::int64_t s, std::int64_t p,
                   std::int64_t d, std::int64_t k, const char* axis) {
    const std::int64_t least = (in - 1) * s - 2 * p + d * (k - 1) + 1;
    const std::int64_t most = least + std::max(s, d) - 1;
    if (want < least || want > most) {
      throw std::invalid_argument(fmt::format(
          "nabla::nn::ConvTranspose2d: an output {} of {} is not reachable from an input of "
          "{}: the sizes reachable are {} to {} (input shape {})",
          axis, want, in, least, most, shape_str(x.shape())));
    }
    return want - least;
  };
  if (!output_size.set) return run(x, o.output_padding);
  const std::int64_t ph =
      extra(h, output_size.h, o.stride.h, o.padding.h, o.dilation.h, kernel_.h, "height");
  const std::int64_t pw =
      extra(w, output_size.w, o.stride.w, o.padding.w, o.dilation.w, kernel_.w, "width");
  return run(x, Int2(ph, pw));
}

std::string ConvTranspose2d::extra_repr() const {
  const ConvTranspose2dOptions& o = options_;
  std::string s = fmt::format("{}, {}, kernel_size={}, stride={}", in_, out_, tuple2(kernel_),
                              tuple2(o.stride));
  if (o.padding.h != 0 || o.padding.w != 0) s += ", padding=" + tuple2(o.padding);
  if (o.dilation.h != 1 || o.dilation.w != 1) s += ", dilation=" + tuple2(o.dilation);
  if (o.output_padding.h != 0 || o.output_padding.w != 0) {
    s += ", output_padding=" + tuple2(o.output_padding);
  }
  if (o.groups != 1) s += fmt::format(", groups={}", o.groups);
  if (!o.bias) s += ", bias=False";
  return s;
}

// ---- pools --------------------------------------------------------------------------------

namespace {

void check_pool(const char* layer, Int2 kernel, Int2 stride, Int2 padding, Int2 dilation) {
  check_at_least(layer, "kernel_size", kernel, 1);
  if (stride.set) check_at_least(layer, "stride", stride, 1);
  check_at_least(layer, "padding", padding, 0);
  check_at_least(layer, "dilation", dilation, 1);
  if (padding.h > kernel.h / 2 || padding.w > kernel.w / 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: padding {} must be at most half the kernel_size {}", layer,
        tuple2(padding), tuple2(kernel)));
  }
}

}  // namespace

MaxPool2d::MaxPool2d(Int2 kernel_size, Int2 stride, Int2 padding, Int2 dilation, bool ceil_mode)
    : Module("MaxPool2d"), kernel_(kernel_size), stride_(stride.set ? stride : kernel_size),
      padding_(padding), dilation_(dilation), ceil_mode_(ceil_mode) {
  check_pool("MaxPool2d", kernel_, stride, padding, dilation);
}

Tensor MaxPool2d::forward(const Tensor& x) {
  return max_pool2d(x, kernel_, stride_, padding_, dilation_, ceil_mode_);
}

ValuesIndices MaxPool2d::forward_with_indices(const Tensor& x) {
  return max_pool2d_with_indices(x, kernel_, stride_, padding_, dilation_, ceil_mode_);
}

std::string MaxPool2d::extra_repr() const {
  return fmt::format("kernel_size={}, stride={}, padding={}, dilation={}, ceil_mode={}",
                     given(kernel_), given(stride_), given(padding_), given(dilation_),
                     py_bool(ceil_mode_));
}

MaxPool1d::MaxPool1d(std::int64_t kernel_size, std::optional<std::int64_t> stride,
                     std::int64_t padding, std::int64_t dilation, bool ceil_mode)
    : Module("MaxPool1d"), kernel_(kernel_size), stride_(stride.value_or(kernel_size)),
      padding_(padding), dilation_(dilation), ceil_mode_(ceil_mode) {
  check_pool("MaxPool1d", Int2(kernel_), stride ? Int2(*stride) : Int2(), Int2(padding),
             Int2(dilation));
}

Tensor MaxPool1d::forward(const Tensor& x) {
  return max_pool1d(x, kernel_, stride_, padding_, dilation_, ceil_mode_);
}

ValuesIndices MaxPool1d::forward_with_indices(const Tensor& x) {
  return max_pool1d_with_indices(x, kernel_, stride_, padding_, dilation_, ceil_mode_);
}

std::string MaxPool1d::extra_repr() const {
  return fmt::format("kernel_size={}, stride={}, padding={}, dilation={}, ceil_mode={}", kernel_,
                     stride_, padding_, dilation_, py_bool(ceil_mode_));
}

AvgPool2d::AvgPool2d(Int2 kernel_size, Int2 stride, Int2 padding, bool ceil_mode,
                     bool count_include_pad, std::optional<std::int64_t> divisor_override)
    : Module("AvgPool2d"), kernel_(kernel_size), stride_(stride.set ? stride : kernel_size),
      padding_(padding), ceil_mode_(ceil_mode), count_include_pad_(count_include_pad),
      divisor_(divisor_override) {
  check_pool("AvgPool2d", kernel_, stride, padding, 1);
  if (divisor_ && *divisor_ == 0) {
    throw std::invalid_argument("nabla::nn::AvgPool2d: divisor_override must not be zero");
  }
}

Tensor AvgPool2d::forward(const Tensor& x) {
  return avg_pool2d(x, kernel_, stride_, padding_, ceil_mode_, count_include_pad_, divisor_);
}

std::string AvgPool2d::extra_repr() const {
  return fmt::format("kernel_size={}, stride={}, padding={}", given(kernel_), given(stride_),
                     given(padding_));
}

AvgPool1d::AvgPool1d(std::int64_t kernel_size, std::optional<std::int64_t> stride,
                     std::int64_t padding, bool ceil_mode, bool count_include_pad)
    : Module("AvgPool1d"), kernel_(kernel_size), stride_(stride.value_or(kernel_size)),
      padding_(padding), ceil_mode_(ceil_mode), count_include_pad_(count_include_pad) {
  check_pool("AvgPool1d", Int2(kernel_), stride ? Int2(*stride) : Int2(), Int2(padding), 1);
}

Tensor AvgPool1d::forward(const Tensor& x) {
  return avg_pool1d(x, kernel_, stride_, padding_, ceil_mode_, count_include_pad_);
}

std::string AvgPool1d::extra_repr() const {
  return fmt::format("kernel_size={}, stride={}, padding={}", tuple1(kernel_), tuple1(stride_),
                     tuple1(padding_));
}

AdaptiveAvgPool2d::AdaptiveAvgPool2d(Int2 output_size)
    : Module("AdaptiveAvgPool2d"), size_(output_size) {
  check_at_least("AdaptiveAvgPool2d", "output_size", output_size, 1);
}

Tensor AdaptiveAvgPool2d::forward(const Tensor& x) { return adaptive_avg_pool2d(x, size_); }

std::string AdaptiveAvgPool2d::extra_repr() const { return "output_size=" + given(size_); }

AdaptiveMaxPool2d::AdaptiveMaxPool2d(Int2 output_size)
    : Module("AdaptiveMaxPool2d"), size_(output_size) {
  check_at_least("AdaptiveMaxPool2d", "output_size", output_size, 1);
}

Tensor AdaptiveMaxPool2d::forward(const Tensor& x) { return adaptive_max_pool2d(x, size_); }

ValuesIndices AdaptiveMaxPool2d::forward_with_indices(const Tensor& x) {
  return adaptive_max_pool2d_with_indices(x, size_);
}

std::string AdaptiveMaxPool2d::extra_repr() const { return "output_size=" + given(size_); }

// ---- resampling ---------------------------------------------------------------------------

Upsample::Upsample(UpsampleOptions options) : Module("Upsample"), options_(std::move(options)) {
  if (options_.size.has_value() == options_.scale_factor.has_value()) {
    throw std::invalid_argument(
        "nabla::nn::Upsample: give exactly one of size and scale_factor");
  }
  if (options_.size && options_.size->empty()) {
    throw std::invalid_argument("nabla::nn::Upsample: size is empty");
  }
  if (options_.scale_factor && options_.scale_factor->empty()) {
    throw std::invalid_argument("nabla::nn::Upsample: scale_factor is empty");
  }
}

Tensor Upsample::forward(const Tensor& x) {
  return interpolate(x, options_.size, options_.scale_factor, options_.mode,
                     options_.align_corners);
}

std::string Upsample::extra_repr() const {
  auto list = [](const auto& v, auto fmt_one) {
    if (v.size() == 1) return fmt_one(v[0]);
    std::string s = "(";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + fmt_one(v[i]);
    return s + ")";
  };
  std::string s =
      options_.scale_factor
          ? "scale_factor=" + list(*options_.scale_factor, [](double f) { return py_float(f); })
          : "size=" + list(*options_.size, [](std::int64_t n) { return std::to_string(n); });
  return s + ", mode=" + options_.mode;
}

PixelShuffle::PixelShuffle(std::int64_t upscale_factor)
    : Module("PixelShuffle"), factor_(upscale_factor) {
  if (upscale_factor < 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::PixelShuffle: upscale_factor must be ≥ 1, got {}", upscale_factor));
  }
}

std::string PixelShuffle::extra_repr() const { return fmt::format("upscale_factor={}", factor_); }

PixelUnshuffle::PixelUnshuffle(std::int64_t downscale_factor)
    : Module("PixelUnshuffle"), factor_(downscale_factor) {
  if (downscale_factor < 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::PixelUnshuffle: downscale_factor must be ≥ 1, got {}", downscale_factor));
  }
}

std::string PixelUnshuffle::extra_repr() const {
  return fmt::format("downscale_factor={}", factor_);
}

}  // namespace nabla::nn
