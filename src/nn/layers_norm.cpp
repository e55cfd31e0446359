// The normalization, dropout, embedding and bilinear layers of nn.hpp: parameters and
// buffers with PyTorch's names and initial values, construction checks, printing, and
// forward through the functional ops. Only the public Tensor and op API is used here.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "nabla/nn.hpp"
#include "nabla/shape.hpp"

namespace nabla::nn {

namespace {


std::string py_tuple(const Shape& s) {
  if (s.size() == 1) return fmt::format("({},)", s[0]);
  std::string r = "(";
  for (std::size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + ")";
}

void check_features(const char* layer, const char* what, std::int64_t n) {
  if (n < 1) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: {} must be ≥ 1, got {}", layer, what, n));
  }
}

void check_p(const char* layer, double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument(fmt::format("nabla::nn::{}: p must be in [0, 1], got {}", layer, p));
  }
}

void check_defined(const std::string& layer, const Tensor& x) {
  if (!x.defined()) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: the input is an undefined tensor", layer));
  }
}

void check_dtype(const std::string& layer, const Tensor& x, const Tensor& param) {
  if (param.defined() && x.dtype() != param.dtype()) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: the input is {} but the layer's parameters are {}; convert the input "
        "with x.to(...) or the model with model.to(...)",
        layer, dtype_name(x.dtype()), dtype_name(param.dtype())));
  }
}

std::string momentum_str(std::optional<double> m) { return m ? py_float(*m) : "None"; }

}  // namespace

// ---- BatchNorm ------------------------------------------------------------------------------

BatchNorm::BatchNorm(std::string type_name, std::vector<std::int64_t> ranks,
                     std::int64_t num_features, BatchNormOptions options)
    : Module(std::move(type_name)), ranks_(std::move(ranks)), features_(num_features),
      options_(options) {
  check_features(this->type_name().c_str(), "num_features", num_features);
  if (options.momentum && !(*options.momentum >= 0.0 && *options.momentum <= 1.0)) {
    throw std::invalid_argument(fmt::format("nabla::nn::{}: momentum must be in [0, 1], got {}",
                                            this->type_name(), *options.momentum));
  }
  if (!(options.eps > 0.0)) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: eps must be > 0, got {}", this->type_name(), options.eps));
  }
  if (options.affine) {
    register_parameter("weight", ones({num_features}, options.dtype));
    register_parameter("bias", zeros({num_features}, options.dtype));
  }
  if (options.track_running_stats) {
    register_buffer("running_mean", zeros({num_features}, options.dtype));
    register_buffer("running_var", ones({num_features}, options.dtype));
    register_buffer("num_batches_tracked", zeros({}, i64));
  } else {
    register_buffer("running_mean", Tensor());
    register_buffer("running_var", Tensor());
    register_buffer("num_batches_tracked", Tensor());
  }
}

Tensor BatchNorm::weight() const { return options_.affine ? parameter("weight") : Tensor(); }
Tensor BatchNorm::bias() const { return options_.affine ? parameter("bias") : Tensor(); }

void BatchNorm::reset_running_stats() {
  if (!options_.track_running_stats) return;
  NoGradGuard no_grad;
  Tensor m = running_mean(), v = running_var(), n = num_batches_tracked();
  m.zero_();
  v.fill_(1.0);
  n.zero_();
}

Tensor BatchNorm::forward(const Tensor& x) {
  const std::string& layer = type_name();
  check_defined(layer, x);
  const auto rank = static_cast<std::int64_t>(x.dim());
  if (std::find(ranks_.begin(), ranks_.end(), rank) == ranks_.end()) {
    std::string want = std::to_string(ranks_[0]) + "-d";
    if (ranks_.size() > 1) want += " or " + std::to_string(ranks_[1]) + "-d";
    throw std::invalid_argument(fmt::format("nabla::nn::{}: expects a {} input, got shape {}",
                                            layer, want, shape_str(x.shape())));
  }
  if (x.size(1) != features_) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: the input has {} channels along dim 1 (shape {}), the layer expects {}",
        layer, x.size(1), shape_str(x.shape()), features_));
  }
  check_dtype(layer, x, options_.track_running_stats ? running_mean() : weight());
  const bool track = options_.track_running_stats;
  // Batch statistics in training, and always when there are no running ones (PyTorch's
  // bn_training); the running statistics are updated only when training and tracking.
  const bool use_batch = is_training() || !track;
  const bool update = is_training() && track;
  return batch_norm(x, update || !use_batch ? running_mean() : Tensor(),
                    update || !use_batch ? running_var() : Tensor(), weight(), bias(), use_batch,
                    options_.momentum, options_.eps, update ? num_batches_tracked() : Tensor());
}

std::string BatchNorm::extra_repr() const {
  return fmt::format("{}, eps={}, momentum={}, affine={}, track_running_stats={}", features_,
                     py_float(options_.eps), momentum_str(options_.momentum),
                     py_bool(options_.affine), py_bool(options_.track_running_stats));
}

// ---- InstanceNorm ---------------------------------------------------------------------------

InstanceNorm::InstanceNorm(std::string type_name, std::int64_t spatial, std::int64_t num_features,
                           BatchNormOptions options)
    : Module(std::move(type_name)), spatial_(spatial), features_(num_features),
      options_(options) {
  check_features(this->type_name().c_str(), "num_features", num_features);
  if (!options.momentum || !(*options.momentum >= 0.0 && *options.momentum <= 1.0)) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: momentum must be a number in [0, 1] (instance norm keeps no cumulative "
        "average), got {}",
        this->type_name(), momentum_str(options.momentum)));
  }
  if (options.affine) {
    register_parameter("weight", ones({num_features}, options.dtype));
    register_parameter("bias", zeros({num_features}, options.dtype));
  }
  if (options.track_running_stats) {
    register_buffer("running_mean", zeros({num_features}, options.dtype));
    register_buffer("running_var", ones({num_features}, options.dtype));
    register_buffer("num_batches_tracked", zeros({}, i64));
  }
}

Tensor InstanceNorm::forward(const Tensor& x) {
  const std::string& layer = type_name();
  check_defined(layer, x);
  const auto rank = static_cast<std::int64_t>(x.dim());
  if (rank != spatial_ + 2 && rank != spatial_ + 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: expects a {}-d (batched) or {}-d (unbatched) input, got shape {}", layer,
        spatial_ + 2, spatial_ + 1, shape_str(x.shape())));
  }
  const bool batched = rank == spatial_ + 2;
  const std::int64_t c = x.size(batched ? 1 : 0);
  if (c != features_ && (options_.affine || options_.track_running_stats)) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: the input has {} channels (shape {}), the layer expects {}", layer, c,
        shape_str(x.shape()), features_));
  }
  const bool affine = options_.affine, track = options_.track_running_stats;
  const Tensor w = affine ? parameter("weight") : Tensor();
  const Tensor b = affine ? parameter("bias") : Tensor();
  const Tensor rm = track ? buffer("running_mean") : Tensor();
  const Tensor rv = track ? buffer("running_var") : Tensor();
  check_dtype(layer, x, track ? rm : w);
  const Tensor xb = batched ? x : unsqueeze(x, 0);
  Tensor y = instance_norm(xb, rm, rv, w, b, is_training() || !track, *options_.momentum,
                           options_.eps);
  return batched ? y : squeeze(y, 0);
}

std::string InstanceNorm::extra_repr() const {
  return fmt::format("{}, eps={}, momentum={}, affine={}, track_running_stats={}", features_,
                     py_float(options_.eps), momentum_str(options_.momentum),
                     py_bool(options_.affine), py_bool(options_.track_running_stats));
}

// ---- LayerNorm, GroupNorm, LocalResponseNorm -------------------------------------------------

LayerNorm::LayerNorm(Shape normalized_shape, double eps, bool elementwise_affine, Dtype dtype)
    : Module("LayerNorm"), shape_(std::move(normalized_shape)), eps_(eps),
      affine_(elementwise_affine) {
  if (shape_.empty()) {
    throw std::invalid_argument("nabla::nn::LayerNorm: normalized_shape is empty");
  }
  for (const std::int64_t e : shape_) {
    if (e < 1) {
      throw std::invalid_argument(fmt::format(
          "nabla::nn::LayerNorm: normalized_shape {} has an extent < 1", shape_str(shape_)));
    }
  }
  if (affine_) {
    register_parameter("weight", ones(shape_, dtype));
    register_parameter("bias", zeros(shape_, dtype));
  }
}

Tensor LayerNorm::forward(const Tensor& x) {
  check_defined("LayerNorm", x);
  const Tensor w = affine_ ? parameter("weight") : Tensor();
  check_dtype("LayerNorm", x, w);
  return layer_norm(x, shape_, w, affine_ ? parameter("bias") : Tensor(), eps_);
}

std::string LayerNorm::extra_repr() const {
  return fmt::format("{}, eps={}, elementwise_affine={}", py_tuple(shape_), py_float(eps_),
                     py_bool(affine_));
}

GroupNorm::GroupNorm(std::int64_t num_groups, std::int64_t num_channels, double eps, bool affine,
                     Dtype dtype)
    : Module("GroupNorm"), groups_(num_groups), channels_(num_channels), eps_(eps),
      affine_(affine) {
  check_features("GroupNorm", "num_groups", num_groups);
  check_features("GroupNorm", "num_channels", num_channels);
  if (num_channels % num_groups != 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::GroupNorm: num_channels ({}) must be divisible by num_groups ({})",
        num_channels, num_groups));
  }
  if (affine_) {
    register_parameter("weight", ones({num_channels}, dtype));
    register_parameter("bias", zeros({num_channels}, dtype));
  }
}

Tensor GroupNorm::forward(const Tensor& x) {
  check_defined("GroupNorm", x);
  if (x.dim() < 2 || x.size(1) != channels_) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::GroupNorm: expects an input [N, {}, ...], got shape {}", channels_,
        shape_str(x.shape())));
  }
  const Tensor w = affine_ ? parameter("weight") : Tensor();
  check_dtype("GroupNorm", x, w);
  return group_norm(x, groups_, w, affine_ ? parameter("bias") : Tensor(), eps_);
}

std::string GroupNorm::extra_repr() const {
  return fmt::format("{}, {}, eps={}, affine={}", groups_, channels_, py_float(eps_),
                     py_bool(affine_));
}

LocalResponseNorm::LocalResponseNorm(std::int64_t size, double alpha, double beta, double k)
    : Module("LocalResponseNorm"), size_(size), alpha_(alpha), beta_(beta), k_(k) {
  check_features("LocalResponseNorm", "size", size);
}

Tensor LocalResponseNorm::forward(const Tensor& x) {
  return local_response_norm(x, size_, alpha_, beta_, k_);
}

std::string LocalResponseNorm::extra_repr() const {
  return fmt::format("{}, alpha={}, beta={}, k={}", size_, py_float(alpha_), py_float(beta_),
                     py_float(k_));
}

// ---- dropout layers ------------------------------------------------------------------------

Dropout2d::Dropout2d(double p, Generator* generator)
    : Module("Dropout2d"), p_(p), generator_(generator) {
  check_p("Dropout2d", p);
}

Tensor Dropout2d::forward(const Tensor& x) { return dropout2d(x, p_, is_training(), generator_); }

std::string Dropout2d::extra_repr() const { return "p=" + py_float(p_) + ", inplace=False"; }

AlphaDropout::AlphaDropout(double p, Generator* generator)
    : Module("AlphaDropout"), p_(p), generator_(generator) {
  check_p("AlphaDropout", p);
}

Tensor AlphaDropout::forward(const Tensor& x) {
  return alpha_dropout(x, p_, is_training(), generator_);
}

std::string AlphaDropout::extra_repr() const { return "p=" + py_float(p_) + ", inplace=False"; }

// ---- Embedding, EmbeddingBag ------------------------------------------------------------------

namespace {

// padding_idx counted from 0, after checking it against the table's size.
std::optional<std::int64_t> table_row(const char* layer, std::optional<std::int64_t> idx,
                                      std::int64_t rows) {
  if (!idx) return idx;
  if (*idx < -rows || *idx >= rows) {
    throw std::out_of_range(fmt::format(
        "nabla::nn::{}: padding_idx {} is outside [{}, {}) for num_embeddings = {}", layer, *idx,
        -rows, rows, rows));
  }
  return *idx < 0 ? *idx + rows : *idx;
}

// A table [rows, dim] from N(0, 1), its padding row zeroed (nn.Embedding.reset_parameters).
Tensor normal_table(const char* layer, std::int64_t rows, std::int64_t dim,
                    std::optional<std::int64_t> padding_idx, Dtype dtype, Generator* gen) {
  check_features(layer, "num_embeddings", rows);
  check_features(layer, "embedding_dim", dim);
  shape_numel({rows, dim}, layer);
  Tensor w = empty({rows, dim}, dtype);
  init::normal_(w, 0.0, 1.0, gen);
  if (padding_idx) {
    Tensor row = narrow(w, 0, *padding_idx, 1);
    row.zero_();
  }
  return w;
}

}  // namespace

Embedding::Embedding(std::int64_t num_embeddings, std::int64_t embedding_dim,
                     EmbeddingOptions options)
    : Module("Embedding"), num_(num_embeddings), dim_(embedding_dim), options_(options) {
  check_features("Embedding", "num_embeddings", num_embeddings);
  options_.padding_idx = table_row("Embedding", options.padding_idx, num_embeddings);
  if (options.max_norm && !(*options.max_norm > 0.0)) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::Embedding: max_norm must be > 0, got {}", *options.max_norm));
  }
  register_parameter("weight", normal_table("Embedding", num_, dim_, options_.padding_idx,
                                            options.dtype, options.generator));
}

Embedding::Embedding(const Tensor& weight, bool freeze, EmbeddingOptions options)
    : Module("Embedding"), options_(options) {
  if (!weight.defined() || weight.dim() != 2 || !is_floating_point(weight.dtype())) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::Embedding::from_pretrained: the weight must be a 2-d floating tensor, got {}",
        weight.defined() ? shape_str(weight.shape()) + " " + std::string(dtype_name(weight.dtype()))
                         : std::string("an undefined tensor")));
  }
  num_ = weight.size(0);
  dim_ = weight.size(1);
  options_.padding_idx = table_row("Embedding", options.padding_idx, num_);
  Tensor w = register_parameter("weight", weight.detach());
  if (freeze) w.requires_grad_(false);
}

Embedding Embedding::from_pretrained(const Tensor& weight, bool freeze, EmbeddingOptions options) {
  return Embedding(weight, freeze, options);
}

Tensor Embedding::forward(const Tensor& indices) {
  return embedding(indices, weight(), options_.padding_idx, options_.max_norm,
                   options_.norm_type);
}

std::string Embedding::extra_repr() const {
  std::string s = fmt::format("{}, {}", num_, dim_);
  if (options_.padding_idx) s += fmt::format(", padding_idx={}", *options_.padding_idx);
  if (options_.max_norm) s += ", max_norm=" + py_float(*options_.max_norm);
  if (options_.norm_type != 2.0) s += ", norm_type=" + py_float(options_.norm_type);
  return s;
}

EmbeddingBag::EmbeddingBag(std::int64_t num_embeddings, std::int64_t embedding_dim,
                           EmbeddingBagOptions options)
    : Module("EmbeddingBag"), num_(num_embeddings), dim_(embedding_dim), options_(options) {
  check_features("EmbeddingBag", "num_embeddings", num_embeddings);
  options_.padding_idx = table_row("EmbeddingBag", options.padding_idx, num_embeddings);
  register_parameter("weight", normal_table("EmbeddingBag", num_, dim_, options_.padding_idx,
                                            options.dtype, options.generator));
}

Tensor EmbeddingBag::forward(const Tensor& indices) {
  return embedding_bag(indices, weight(), Tensor(), options_.mode, Tensor(), options_.padding_idx);
}

Tensor EmbeddingBag::forward(const Tensor& indices, const Tensor& offsets,
                             const Tensor& per_sample_weights) {
  return embedding_bag(indices, weight(), offsets, options_.mode, per_sample_weights,
                       options_.padding_idx);
}

std::string EmbeddingBag::extra_repr() const {
  const char* mode = options_.mode == EmbeddingBagMode::sum    ? "sum"
                     : options_.mode == EmbeddingBagMode::mean ? "mean"
                                                               : "max";
  std::string s = fmt::format("{}, {}, mode={}", num_, dim_, mode);
  if (options_.padding_idx) s += fmt::format(", padding_idx={}", *options_.padding_idx);
  return s;
}

// ---- Bilinear -------------------------------------------------------------------------------

Bilinear::Bilinear(std::int64_t in1_features, std::int64_t in2_features, std::int64_t out_features,
                   bool bias, LayerOptions options)
    : Module("Bilinear"), in1_(in1_features), in2_(in2_features), out_(out_features),
      has_bias_(bias) {
  check_features("Bilinear", "in1_features", in1_features);
  check_features("Bilinear", "in2_features", in2_features);
  check_features("Bilinear", "out_features", out_features);
  shape_numel({out_features, in1_features, in2_features}, "nn::Bilinear");
  // nn.Bilinear.reset_parameters: weight and bias from U(±1/√in1_features).
  const double bound = 1.0 / std::sqrt(static_cast<double>(in1_features));
  Tensor w = empty({out_features, in1_features, in2_features}, options.dtype);
  init::uniform_(w, -bound, bound, options.generator);
  register_parameter("weight", w);
  if (bias) {
    Tensor b = empty({out_features}, options.dtype);
    init::uniform_(b, -bound, bound, options.generator);
    register_parameter("bias", b);
  }
}

Tensor Bilinear::bias() const { return has_bias_ ? parameter("bias") : Tensor(); }

Tensor Bilinear::forward(const Tensor& /*x*/) {
  throw std::invalid_argument(
      "nabla::nn::Bilinear: takes two inputs; call forward(x1, x2) or m(x1, x2)");
}

Tensor Bilinear::forward(const Tensor& x1, const Tensor& x2) {
  check_defined("Bilinear", x1);
  check_defined("Bilinear", x2);
  check_dtype("Bilinear", x1, weight());
  return bilinear(x1, x2, weight(), bias());
}

std::string Bilinear::extra_repr() const {
  return fmt::format("in1_features={}, in2_features={}, out_features={}, bias={}", in1_, in2_,
                     out_, py_bool(has_bias_));
}

}  // namespace nabla::nn
