// Datasets, mini-batches and label and scaling helpers. Uses the public Tensor and op API
// only (layer 6 of DESIGN.md).

#include "nabla/data.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "nabla/ops.hpp"

namespace nabla::data {

// ---- datasets and loaders ----------------------------------------------------------------

TensorDataset::TensorDataset(Tensor inputs, Tensor targets)
    : inputs_(std::move(inputs)), targets_(std::move(targets)) {
  if (!inputs_.defined() || !targets_.defined() || inputs_.dim() < 1 || targets_.dim() < 1) {
    const auto shape_of = [](const Tensor& t) {
      return t.defined() ? shape_str(t.shape()) : std::string("undefined");
    };
    throw std::invalid_argument(fmt::format(
        "nabla::data::TensorDataset: inputs and targets need a first axis, got inputs {} and "
        "targets {}",
        shape_of(inputs_), shape_of(targets_)));
  }
  if (inputs_.size(0) != targets_.size(0)) {
    throw std::invalid_argument(
        fmt::format("nabla::data::TensorDataset: {} inputs (shape {}) but {} targets (shape {})",
                    inputs_.size(0), shape_str(inputs_.shape()), targets_.size(0),
                    shape_str(targets_.shape())));
  }
  // Batches are gathered by rows from dense memory: a view (transposed, sliced, expanded)
  // is made contiguous once here, never per batch.
  inputs_ = inputs_.contiguous();
  targets_ = targets_.contiguous();
  size_ = inputs_.size(0);
}

namespace {
// Rows `idx` of a contiguous t (along the first axis), copied into a new tensor.
Tensor gather_rows(const Tensor& t, const std::int64_t* idx, std::int64_t n) {
  Shape shape = t.shape();
  shape[0] = n;
  Tensor out = empty(shape, t.dtype());
  const std::int64_t row = t.numel() / std::max<std::int64_t>(t.size(0), 1);
  auto copy = [&](auto tag) {
    using T = decltype(tag);
    const T* src = t.data<T>();
    T* dst = out.mutable_data<T>();
    for (std::int64_t i = 0; i < n; ++i) std::copy_n(src + idx[i] * row, row, dst + i * row);
  };
  switch (t.dtype()) {
    case Dtype::f32:
      copy(float{});
      break;
    case Dtype::f64:
      copy(double{});
      break;
    case Dtype::i64:
      copy(std::int64_t{});
      break;
    case Dtype::i32:
      copy(std::int32_t{});
      break;
    case Dtype::u8:
      copy(std::uint8_t{});
      break;
    case Dtype::bool_:
      copy(bool{});
      break;
  }
  return out;
}
}  // namespace

Example TensorDataset::get(std::int64_t i) const {
  if (i < 0 || i >= size_) {
    throw std::out_of_range(
        fmt::format("nabla::data::TensorDataset::get: index {} is outside [0, {})", i, size_));
  }
  return {select(inputs_, 0, i), select(targets_, 0, i)};
}

Batch TensorDataset::get_batch(const std::vector<std::int64_t>& indices) const {
  for (std::size_t k = 0; k < indices.size(); ++k) {
    if (indices[k] < 0 || indices[k] >= size_) {
      throw std::out_of_range(fmt::format(
          "nabla::data::TensorDataset::get_batch: index {} at position {} is outside [0, {})",
          indices[k], k, size_));
    }
  }
  const auto n = static_cast<std::int64_t>(indices.size());
  return {gather_rows(inputs_, indices.data(), n), gather_rows(targets_, indices.data(), n)};
}

TensorDataset TensorDataset::head(std::int64_t n) const {
  n = std::clamp<std::int64_t>(n, 0, size_);
  std::vector<std::int64_t> idx(static_cast<std::size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  return {gather_rows(inputs_, idx.data(), n), gather_rows(targets_, idx.data(), n)};
}

DataLoader::DataLoader(TensorDataset dataset, DataLoaderOptions options)
    : DataLoader(std::make_shared<const TensorDataset>(std::move(dataset)), std::move(options)) {}

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options)
    : dataset_(std::move(dataset)), options_(std::move(options)) {
  if (!dataset_) throw std::invalid_argument("nabla::data::DataLoader: the dataset is null");
  if (options_.batch_size < 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::DataLoader: batch_size must be at least 1, got {}", options_.batch_size));
  }
  if (options_.sampler && options_.shuffle) {
    throw std::invalid_argument(
        "nabla::data::DataLoader: a sampler sets the order, so shuffle must be false");
  }
  if (options_.sampler) {
    Generator gen(options_.seed);
    order_ = options_.sampler->indices(gen);
  } else {
    order_.resize(static_cast<std::size_t>(dataset_->size()));
    std::iota(order_.begin(), order_.end(), 0);
  }
}

std::int64_t DataLoader::size() const noexcept {
  const auto n = static_cast<std::int64_t>(order_.size());
  const std::int64_t b = options_.batch_size;
  return options_.drop_last ? n / b : n / b + (n % b != 0);
}

DataLoader::iterator DataLoader::begin() {
  ++epoch_;
  // Each epoch's generator: the same seed gives the same orders everywhere.
  Generator gen(options_.seed + 0x9E3779B97F4A7C15ull * epoch_);
  if (options_.sampler) {
    order_ = options_.sampler->indices(gen);
  } else if (options_.shuffle) {
    std::iota(order_.begin(), order_.end(), 0);
    gen.locked([&](Generator::Unlocked& g) {
      for (std::size_t i = order_.size(); i > 1; --i) {  // Fisher–Yates
        std::swap(order_[i - 1], order_[static_cast<std::size_t>(g.integer(i))]);
      }
    });
  }
  return iterator(this, 0);
}

Batch DataLoader::batch(std::int64_t i) const {
  if (i < 0 || i >= size()) {
    throw std::out_of_range(
        fmt::format("nabla::data::DataLoader: batch {} of {} does not exist", i, size()));
  }
  const std::int64_t start = i * options_.batch_size;
  const std::int64_t n =
      std::min(options_.batch_size, static_cast<std::int64_t>(order_.size()) - start);
  const std::vector<std::int64_t> idx(order_.begin() + static_cast<std::ptrdiff_t>(start),
                                      order_.begin() + static_cast<std::ptrdiff_t>(start + n));
  Batch b = dataset_->get_batch(idx);
  if (options_.transform || options_.target_transform) {
    NoGradGuard no_grad;
    // A generator per batch, from the seed, the epoch and the position: the batch is the
    // same however it was made (prefetched or not, in any order).
    Generator gen(options_.seed ^ (0xD1B54A32D192ED03ull * (epoch_ + 1)) ^
                  (0x8CB92BA72F3D8DD7ull * static_cast<std::uint64_t>(i + 1)));
    if (options_.transform) b.inputs = options_.transform(b.inputs, gen);
    if (options_.target_transform) b.targets = options_.target_transform(b.targets, gen);
  }
  return b;
}

const Batch& DataLoader::iterator::operator*() const {
  if (!current_ || current_index_ != i_) {
    if (ahead_ && ahead_->index == i_) {
      std::shared_ptr<Ahead> a = std::move(ahead_);
      current_ = a->batch.get();  // rethrows what the background thread threw
    } else {
      ahead_.reset();  // waits for a batch this iterator skipped past
      current_ = loader_->batch(i_);
    }
    current_index_ = i_;
    if (loader_->options_.prefetch && i_ + 1 < loader_->size()) {
      const DataLoader* loader = loader_;
      const std::int64_t next = i_ + 1;
      ahead_ = std::make_shared<Ahead>(
          Ahead{next, std::async(std::launch::async, [loader, next] { return loader->batch(next); })});
    }
  }
  return *current_;
}

// ---- helpers ---------------------------------------------------------------------------

Tensor one_hot(const Tensor& labels, std::int64_t classes) {
  if (!labels.defined() || labels.dim() != 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::one_hot: labels must be a 1-d tensor, got {}",
        labels.defined() ? "shape " + shape_str(labels.shape()) : "an undefined tensor"));
  }
  if (classes < 1) {
    throw std::invalid_argument(
        fmt::format("nabla::data::one_hot: classes must be at least 1, got {}", classes));
  }
  const Shape shape{labels.numel(), classes};
  const std::int64_t count = shape_numel(shape, "data::one_hot");
  if (count > std::numeric_limits<std::int64_t>::max() / 8) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::one_hot: {} labels × {} classes is {} elements, more bytes than a 64-bit "
        "count holds",
        labels.numel(), classes, count));
  }
  const auto v = labels.to_vector();
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != std::floor(v[i]) || v[i] < 0 || v[i] >= static_cast<double>(classes)) {
      throw std::invalid_argument(fmt::format(
          "nabla::data::one_hot: label {} at position {} is not a class index in [0, {})", v[i], i,
          classes));
    }
  }
  Tensor out;
  try {
    out = zeros(shape, labels.dtype());
  } catch (const OutOfMemoryError& e) {
    throw OutOfMemoryError(fmt::format("nabla::data::one_hot: {} labels × {} classes: {}",
                                       labels.numel(), classes, e.what()));
  }
  const auto set_ones = [&](auto* p) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      p[static_cast<std::int64_t>(i) * classes + static_cast<std::int64_t>(v[i])] = 1;
    }
  };
  if (out.dtype() == f32) {
    set_ones(out.mutable_data<float>());
  } else {
    set_ones(out.mutable_data<double>());
  }
  return out;
}

Tensor scale_to_unit(const Tensor& x, double lo, double hi) {
  if (!(hi > lo)) {
    throw std::invalid_argument(
        fmt::format("nabla::data::scale_to_unit: the range [{}, {}] is empty", lo, hi));
  }
  // Integer input (uint8 pixels) is converted to float32 first: x - lo must not wrap.
  const Tensor xf = is_floating_point(x.dtype()) ? x : x.to(f32);
  return (xf - lo) * (1.0 / (hi - lo));
}

Tensor standardize(const Tensor& x_in) {
  NoGradGuard no_grad;
  const Tensor x = is_floating_point(x_in.dtype()) ? x_in : x_in.to(f32);
  Tensor mu = mean(x, {0}, true);
  Tensor sd = sqrt(mean(pow(x - mu, 2.0), {0}, true));
  // A constant column has std 0: leave it centered rather than dividing by zero.
  std::vector<double> s = sd.to_vector();
  for (double& e : s) e = e == 0.0 ? 1.0 : e;
  return (x - mu) / tensor(s, sd.shape(), x.dtype());
}

}  // namespace nabla::data
