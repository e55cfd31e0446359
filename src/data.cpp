// Datasets, mini-batches, and the IDX and CSV readers. Uses the public Tensor and op API
// only (layer 6 of DESIGN.md); zlib reads gzipped and plain files alike.

#include "nabla/data.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "nabla/ops.hpp"

namespace nabla::data {

// ---- datasets and loaders ----------------------------------------------------------------

TensorDataset::TensorDataset(Tensor inputs, Tensor targets)
    : inputs_(std::move(inputs)), targets_(std::move(targets)) {
  if (!inputs_.defined() || !targets_.defined() || inputs_.dim() < 1 || targets_.dim() < 1) {
    throw std::invalid_argument("nabla::data::TensorDataset: inputs and targets need a first axis");
  }
  if (inputs_.size(0) != targets_.size(0)) {
    throw std::invalid_argument(
        fmt::format("nabla::data::TensorDataset: {} inputs (shape {}) but {} targets (shape {})",
                    inputs_.size(0), shape_str(inputs_.shape()), targets_.size(0),
                    shape_str(targets_.shape())));
  }
  size_ = inputs_.size(0);
}

namespace {
// Rows `idx` of t (along the first axis), copied into a new tensor.
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
  if (t.dtype() == f32) {
    copy(float{});
  } else {
    copy(double{});
  }
  return out;
}
}  // namespace

TensorDataset TensorDataset::head(std::int64_t n) const {
  n = std::clamp<std::int64_t>(n, 0, size_);
  std::vector<std::int64_t> idx(static_cast<std::size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  return {gather_rows(inputs_, idx.data(), n), gather_rows(targets_, idx.data(), n)};
}

DataLoader::DataLoader(const TensorDataset& dataset, DataLoaderOptions options)
    : dataset_(&dataset), options_(options) {
  if (options_.batch_size < 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::DataLoader: batch_size must be at least 1, got {}", options_.batch_size));
  }
  order_.resize(static_cast<std::size_t>(dataset.size()));
  std::iota(order_.begin(), order_.end(), 0);
}

std::int64_t DataLoader::size() const noexcept {
  const std::int64_t n = dataset_->size(), b = options_.batch_size;
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

DataLoader::iterator DataLoader::begin() {
  if (options_.shuffle) {
    // Fisher–Yates with nabla's generator: the same seed gives the same orders everywhere.
    Generator gen(options_.seed + 0x9E3779B97F4A7C15ull * ++epoch_);
    std::iota(order_.begin(), order_.end(), 0);
    for (std::size_t i = order_.size(); i > 1; --i) {
      std::swap(order_[i - 1], order_[static_cast<std::size_t>(gen.integer(i))]);
    }
  }
  return iterator(this, 0);
}

Batch DataLoader::batch(std::int64_t i) const {
  if (i < 0 || i >= size()) {
    throw std::out_of_range(
        fmt::format("nabla::data::DataLoader: batch {} of {} does not exist", i, size()));
  }
  const std::int64_t start = i * options_.batch_size;
  const std::int64_t n = std::min(options_.batch_size, dataset_->size() - start);
  const std::int64_t* idx = order_.data() + start;
  return {gather_rows(dataset_->inputs(), idx, n), gather_rows(dataset_->targets(), idx, n)};
}

// ---- IDX -------------------------------------------------------------------------------

namespace {

struct GzFile {
  gzFile f = nullptr;
  ~GzFile() {
    if (f != nullptr) gzclose(f);
  }
};

std::string missing_hint(const std::string& path) {
  if (path.find("fashion-mnist") != std::string::npos) {
    return " (Fashion-MNIST comes from the Debian package dataset-fashion-mnist: "
           "apt-get install dataset-fashion-mnist)";
  }
  return "";
}

// Reads exactly n bytes or throws, naming what was being read.
void read_exact(GzFile& g, const std::string& path, void* buf, std::size_t n, const char* what) {
  std::size_t got = 0;
  while (got < n) {
    const auto chunk = static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 30));
    const int r = gzread(g.f, static_cast<char*>(buf) + got, chunk);
    if (r < 0) {
      int code = 0;
      throw std::runtime_error(
          fmt::format("nabla::data::read_idx: '{}' is corrupt while reading {}: {}", path, what,
                      gzerror(g.f, &code)));
    }
    if (r == 0) {
      throw std::runtime_error(
          fmt::format("nabla::data::read_idx: '{}' is truncated: expected {} bytes of {}, found {}",
                      path, n, what, got));
    }
    got += static_cast<std::size_t>(r);
  }
}

}  // namespace

Tensor read_idx(const std::string& path) {
  GzFile g;
  g.f = gzopen(path.c_str(), "rb");  // zlib reads plain files transparently too
  if (g.f == nullptr) {
    throw std::runtime_error(fmt::format("nabla::data::read_idx: cannot open '{}': {}{}", path,
                                         std::strerror(errno), missing_hint(path)));
  }
  unsigned char magic[4];
  read_exact(g, path, magic, 4, "the magic number");
  if (magic[0] != 0 || magic[1] != 0) {
    throw std::runtime_error(fmt::format(
        "nabla::data::read_idx: '{}' is not an IDX file: expected magic bytes 00 00, found "
        "{:02x} {:02x}",
        path, magic[0], magic[1]));
  }
  const int type = magic[2];
  const int rank = magic[3];
  std::size_t elem = 0;
  switch (type) {
    case 0x08:
    case 0x09:
      elem = 1;
      break;
    case 0x0B:
      elem = 2;
      break;
    case 0x0C:
    case 0x0D:
      elem = 4;
      break;
    case 0x0E:
      elem = 8;
      break;
    default:
      throw std::runtime_error(fmt::format(
          "nabla::data::read_idx: '{}' has unknown IDX element type 0x{:02x} (expected 08, 09, "
          "0B, 0C, 0D or 0E)",
          path, type));
  }
  if (rank < 1) {
    throw std::runtime_error(fmt::format("nabla::data::read_idx: '{}' declares rank 0", path));
  }
  Shape shape;
  std::uint64_t count = 1;
  for (int d = 0; d < rank; ++d) {
    unsigned char b[4];
    read_exact(g, path, b, 4, "the dimensions");
    const std::uint32_t extent = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                                 (std::uint32_t{b[2]} << 8) | b[3];
    shape.push_back(extent);
    count *= extent;
    if (count > (std::uint64_t{1} << 34)) {
      throw std::runtime_error(fmt::format(
          "nabla::data::read_idx: '{}' declares an implausible shape {} (corrupt header?)", path,
          shape_str(shape)));
    }
  }
  std::vector<unsigned char> raw(static_cast<std::size_t>(count) * elem);
  read_exact(g, path, raw.data(), raw.size(),
             fmt::format("data for shape {}", shape_str(shape)).c_str());
  // Decoded straight into the result's storage: no intermediate copy of the values.
  Tensor out = empty(shape, f32);
  float* values = out.mutable_data<float>();
  const auto n = static_cast<std::size_t>(count);
  if (type == 0x08) {  // unsigned bytes, as every MNIST-like file: a plain widening loop
    for (std::size_t i = 0; i < n; ++i) values[i] = static_cast<float>(raw[i]);
    return out;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char* p = raw.data() + i * elem;
    std::uint64_t bits = 0;
    for (std::size_t k = 0; k < elem; ++k) bits = (bits << 8) | p[k];  // big-endian
    switch (type) {
      case 0x08:
        values[i] = static_cast<float>(p[0]);
        break;
      case 0x09:
        values[i] = static_cast<float>(static_cast<std::int8_t>(p[0]));
        break;
      case 0x0B:
        values[i] = static_cast<float>(static_cast<std::int16_t>(bits));
        break;
      case 0x0C:
        values[i] = static_cast<float>(static_cast<std::int32_t>(bits));
        break;
      case 0x0D: {
        const auto b32 = static_cast<std::uint32_t>(bits);
        float f;
        std::memcpy(&f, &b32, 4);
        values[i] = f;
        break;
      }
      default: {
        double d;
        std::memcpy(&d, &bits, 8);
        values[i] = static_cast<float>(d);
      }
    }
  }
  return out;
}

// ---- CSV -------------------------------------------------------------------------------

Tensor read_csv(const std::string& path, bool header, std::vector<std::string>* column_names,
                char delimiter) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error(
        fmt::format("nabla::data::read_csv: cannot open '{}': {}", path, std::strerror(errno)));
  }
  auto split = [&](const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, delimiter)) cells.push_back(cell);
    if (!line.empty() && line.back() == delimiter) cells.emplace_back();
    return cells;
  };
  std::string line;
  std::size_t line_no = 0, cols = 0;
  std::vector<float> values;
  std::int64_t rows = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto cells = split(line);
    if (header && line_no == 1) {
      cols = cells.size();
      if (column_names != nullptr) *column_names = cells;
      continue;
    }
    if (cols == 0) cols = cells.size();
    if (cells.size() != cols) {
      throw std::runtime_error(
          fmt::format("nabla::data::read_csv: '{}' line {}: expected {} columns, found {}", path,
                      line_no, cols, cells.size()));
    }
    for (std::size_t c = 0; c < cells.size(); ++c) {
      std::string s = cells[c];
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t") + 1);
      float v = 0.0f;
      const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
        throw std::runtime_error(fmt::format(
            "nabla::data::read_csv: '{}' line {} column {}: expected a number, found '{}'", path,
            line_no, c + 1, cells[c]));
      }
      values.push_back(v);
    }
    ++rows;
  }
  return tensor(std::span<const float>(values), {rows, static_cast<std::int64_t>(cols)}, f32);
}

// ---- helpers ---------------------------------------------------------------------------

Tensor one_hot(const Tensor& labels, std::int64_t classes) {
  if (!labels.defined() || labels.dim() != 1) {
    throw std::invalid_argument("nabla::data::one_hot: labels must be a 1-d tensor");
  }
  if (classes < 1) {
    throw std::invalid_argument(fmt::format("nabla::data::one_hot: {} classes", classes));
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
  return (x - lo) * (1.0 / (hi - lo));
}

Tensor standardize(const Tensor& x) {
  NoGradGuard no_grad;
  Tensor mu = mean(x, {0}, true);
  Tensor sd = sqrt(mean(pow(x - mu, 2.0), {0}, true));
  // A constant column has std 0: leave it centered rather than dividing by zero.
  std::vector<double> s = sd.to_vector();
  for (double& e : s) e = e == 0.0 ? 1.0 : e;
  return (x - mu) / tensor(s, sd.shape(), x.dtype());
}

}  // namespace nabla::data
