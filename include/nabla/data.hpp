#pragma once
/// \file data.hpp
/// Data for training, after torch.utils.data: the Dataset interface and TensorDataset,
/// Subset and random_split, samplers, batch transforms (normalize, random crop, flips,
/// noise), a DataLoader that prefetches the next batch on a background thread, and readers
/// for IDX files (plain or gzipped, as Fashion-MNIST ships) and numeric CSV tables.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "nabla/shape.hpp"
#include "nabla/tensor.hpp"

namespace nabla::data {

/// One sample: an input and its target.
struct Example {
  Tensor input;
  Tensor target;
};

/// One mini-batch: inputs and targets stacked along a new first axis.
struct Batch {
  Tensor inputs;
  Tensor targets;
};

/// What a DataLoader draws from (torch.utils.data.Dataset): size() samples, each got by
/// its index. A dataset of your own overrides size() and get(); get_batch() stacks get(i)
/// unless overridden with something faster. get and get_batch may be called from the
/// loader's prefetching thread while your code runs, so they must not change shared state
/// without a lock.
class Dataset {
 public:
  virtual ~Dataset() = default;
  /// Number of samples.
  virtual std::int64_t size() const = 0;
  /// Sample i, 0 ≤ i < size().
  virtual Example get(std::int64_t i) const = 0;
  /// The samples at `indices`, stacked along a new first axis. Throws
  /// std::invalid_argument when the samples' shapes or dtypes differ, std::out_of_range for
  /// an index outside [0, size()).
  virtual Batch get_batch(const std::vector<std::int64_t>& indices) const;
};

/// Samples along the first axis of two tensors: input i is inputs[i], target i is
/// targets[i]. Either may be a view of any layout (transposed, sliced, expanded): it is
/// made contiguous once, here (inputs() and targets() return the contiguous tensors).
/// Throws std::invalid_argument when their first extents differ.
class TensorDataset : public Dataset {
 public:
  TensorDataset(Tensor inputs, Tensor targets);
  /// Number of samples.
  std::int64_t size() const noexcept override { return size_; }
  Example get(std::int64_t i) const override;
  /// Rows gathered straight from the two tensors (one copy per batch).
  Batch get_batch(const std::vector<std::int64_t>& indices) const override;
  const Tensor& inputs() const noexcept { return inputs_; }
  const Tensor& targets() const noexcept { return targets_; }
  /// The first `n` samples (a copy), e.g. a small slice for a quick run.
  TensorDataset head(std::int64_t n) const;

 private:
  Tensor inputs_, targets_;
  std::int64_t size_ = 0;
};

/// The samples of `dataset` at `indices`, in that order (torch.utils.data.Subset); shares
/// the dataset. Throws std::out_of_range naming the position of an index outside the
/// dataset.
class Subset : public Dataset {
 public:
  Subset(std::shared_ptr<const Dataset> dataset, std::vector<std::int64_t> indices);
  std::int64_t size() const noexcept override {
    return static_cast<std::int64_t>(indices_.size());
  }
  Example get(std::int64_t i) const override;
  Batch get_batch(const std::vector<std::int64_t>& indices) const override;
  const std::vector<std::int64_t>& indices() const noexcept { return indices_; }
  const Dataset& dataset() const noexcept { return *dataset_; }

 private:
  std::shared_ptr<const Dataset> dataset_;
  std::vector<std::int64_t> indices_;
};

/// Splits a dataset into non-overlapping random subsets of the given lengths, which must
/// add up to its size (torch.utils.data.random_split); the same generator state gives the
/// same split. Throws std::invalid_argument otherwise, or for a negative length.
std::vector<Subset> random_split(std::shared_ptr<const Dataset> dataset,
                                 const std::vector<std::int64_t>& lengths, Generator& gen);
/// The same with fractions that add up to 1: each subset gets ⌊fraction·size⌋ samples and
/// the remainder goes one by one to the subsets in order, as PyTorch 1.13.
std::vector<Subset> random_split(std::shared_ptr<const Dataset> dataset,
                                 const std::vector<double>& fractions, Generator& gen);
/// Either form from a braced list: `random_split(ds, {50000, 10000}, gen)` (lengths) or
/// `random_split(ds, {0.8, 0.2}, gen)` (fractions).
template <class T>
  requires std::is_arithmetic_v<T>
std::vector<Subset> random_split(std::shared_ptr<const Dataset> dataset,
                                 std::initializer_list<T> parts, Generator& gen) {
  if constexpr (std::is_integral_v<T>) {
    return random_split(std::move(dataset), std::vector<std::int64_t>(parts.begin(), parts.end()),
                        gen);
  } else {
    return random_split(std::move(dataset), std::vector<double>(parts.begin(), parts.end()), gen);
  }
}

// ---- samplers --------------------------------------------------------------------------

/// The order in which a DataLoader visits a dataset's samples, drawn anew each epoch.
class Sampler {
 public:
  virtual ~Sampler() = default;
  /// One epoch's indices, drawn with `gen` (the loader's generator for that epoch).
  virtual std::vector<std::int64_t> indices(Generator& gen) const = 0;
  /// How many indices an epoch has.
  virtual std::int64_t size() const = 0;
};

/// 0, 1, ..., n − 1 (torch's SequentialSampler).
class SequentialSampler : public Sampler {
 public:
  explicit SequentialSampler(std::int64_t n);
  std::vector<std::int64_t> indices(Generator& gen) const override;
  std::int64_t size() const override { return n_; }

 private:
  std::int64_t n_;
};

/// A random permutation of 0..n−1 each epoch, or, with replacement, num_samples indices
/// drawn uniformly (torch's RandomSampler). num_samples defaults to n; without replacement
/// a larger num_samples repeats whole permutations, as PyTorch.
class RandomSampler : public Sampler {
 public:
  explicit RandomSampler(std::int64_t n, bool replacement = false,
                         std::optional<std::int64_t> num_samples = std::nullopt);
  std::vector<std::int64_t> indices(Generator& gen) const override;
  std::int64_t size() const override { return num_samples_; }

 private:
  std::int64_t n_, num_samples_;
  bool replacement_;
};

/// num_samples indices drawn with probability proportional to `weights` (which need not
/// add up to 1), with or without replacement (torch's WeightedRandomSampler), e.g. to
/// balance classes. Throws std::invalid_argument for an empty, negative, non-finite or
/// all-zero weight list, and for more samples without replacement than positive weights.
class WeightedRandomSampler : public Sampler {
 public:
  WeightedRandomSampler(std::vector<double> weights, std::int64_t num_samples,
                        bool replacement = true);
  std::vector<std::int64_t> indices(Generator& gen) const override;
  std::int64_t size() const override { return num_samples_; }

 private:
  std::vector<double> weights_;
  std::int64_t num_samples_;
  bool replacement_;
};

/// The given indices in a random order each epoch (torch's SubsetRandomSampler).
class SubsetRandomSampler : public Sampler {
 public:
  explicit SubsetRandomSampler(std::vector<std::int64_t> indices);
  std::vector<std::int64_t> indices(Generator& gen) const override;
  std::int64_t size() const override { return static_cast<std::int64_t>(indices_.size()); }

 private:
  std::vector<std::int64_t> indices_;
};

// ---- transforms -------------------------------------------------------------------------

/// A function applied to each batch's inputs (or targets) as the loader makes it, with a
/// generator for its random choices. Compose them with transforms::compose.
using Transform = std::function<Tensor(const Tensor& batch, Generator& gen)>;

namespace transforms {

/// (x − mean_c) / std_c per channel c of inputs [N, C, ...]; one value each applies to
/// every element (any shape). Integer inputs become float32. Throws std::invalid_argument
/// for a count that is neither 1 nor C, or a std ≤ 0.
Transform normalize(std::vector<double> mean, std::vector<double> std);

/// How random_crop fills the border it adds.
enum class Fill { constant, reflect, replicate };

/// Pads each image of [N, C, H, W] (or [N, H, W]) by `padding` on every side, then cuts a
/// `size` window at a random place in it (torchvision's RandomCrop(size, padding,
/// fill, padding_mode)); each image of the batch gets its own place. Throws
/// std::invalid_argument when the window does not fit the padded image, for a rank other
/// than 3 or 4, or reflect padding of at least the image's extent.
Transform random_crop(Int2 size, Int2 padding = 0, Fill fill = Fill::constant,
                      double value = 0.0);

/// Mirrors each image left to right with probability p (torchvision's
/// RandomHorizontalFlip), decided per image; the last axis is the width.
Transform random_horizontal_flip(double p = 0.5);

/// Adds Gaussian noise N(0, std²) to every element (floating inputs).
Transform random_noise(double std);

/// The transforms one after another.
Transform compose(std::vector<Transform> transforms);

}  // namespace transforms

struct DataLoaderOptions {
  std::int64_t batch_size = 1;
  bool shuffle = false;
  std::uint64_t seed = 0;  ///< shuffling (and transform) seed; each epoch draws anew from it
  bool drop_last = false;  ///< drop a last batch smaller than batch_size
  /// The order of the samples; overrides shuffle, which must then be false.
  std::shared_ptr<const Sampler> sampler = nullptr;
  Transform transform = nullptr;         ///< applied to each batch's inputs
  Transform target_transform = nullptr;  ///< applied to each batch's targets
  /// Makes the next batch on a background thread while the current one is used.
  bool prefetch = true;
};

/// Mini-batches over a dataset, as PyTorch's DataLoader: `for (const Batch& b : loader)`.
/// Each pass over the loader is one epoch; with `shuffle` (or a random sampler) every
/// epoch has a new order, the same for the same seed. The transforms draw from a
/// generator of their own per batch, seeded from the seed, the epoch and the batch's
/// position, so a batch is the same whether or not it was prefetched. Throws
/// std::invalid_argument for batch_size < 1, a null dataset, or shuffle with a sampler.
///
/// With `prefetch` (the default), dereferencing batch i starts making batch i + 1 on a
/// background thread, so the next batch is ready when the model has used this one; an
/// exception thrown there (a bad transform) comes out of the dereference that needs it.
///
/// The loader shares the dataset (a TensorDataset given by value is two tensor handles,
/// so its values are shared, not copied). An iterator refers to its loader: it is valid
/// while the loader lives and is not moved, and the Batch it yields lives until the
/// iterator advances. Start the next epoch (begin()) after the last one's iterators are
/// gone, as a range-for does.
class DataLoader {
 public:
  DataLoader(TensorDataset dataset, DataLoaderOptions options);
  DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options);
  /// Number of batches per epoch.
  std::int64_t size() const noexcept;
  /// Batch `i` of the current epoch's order. Throws std::out_of_range unless 0 ≤ i < size().
  Batch batch(std::int64_t i) const;
  /// The dataset the loader draws from.
  const Dataset& dataset() const noexcept { return *dataset_; }

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;
    using reference = const Batch&;
    using pointer = const Batch*;

    iterator(const DataLoader* loader, std::int64_t i) : loader_(loader), i_(i) {}
    /// The batch at this position, made on first use (or taken from the prefetching
    /// thread) and kept until the iterator advances.
    const Batch& operator*() const;
    const Batch* operator->() const { return &**this; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }

   private:
    struct Ahead {
      std::int64_t index;
      std::future<Batch> batch;
    };
    const DataLoader* loader_;
    std::int64_t i_;
    mutable std::optional<Batch> current_;
    mutable std::int64_t current_index_ = -1;
    mutable std::shared_ptr<Ahead> ahead_;  ///< the batch being made in the background
  };
  /// Starts an epoch (drawing its order).
  iterator begin();
  iterator end() const { return iterator(this, size()); }

 private:
  std::shared_ptr<const Dataset> dataset_;
  DataLoaderOptions options_;
  std::vector<std::int64_t> order_;
  std::uint64_t epoch_ = 0;
};

/// Reads an IDX file (the MNIST format), gzipped (.gz) or plain, into a tensor of the
/// file's shape and its own element type: unsigned bytes (0x08, as Fashion-MNIST's images
/// and labels) as uint8, int32 (0x0C) as int32, float32 (0x0D) and float64 (0x0E) as
/// themselves; signed bytes (0x09) and int16 (0x0B), which nabla has no dtype for, widen
/// exactly to int32. Convert as the model needs: `read_idx(images).to(nabla::f32) / 255`,
/// `read_idx(labels).to(nabla::i64)`.
///
/// The header's shape is checked against the bytes present before anything is allocated:
/// a plain file must be exactly its header plus the declared data; a gzipped file (a single
/// gzip member, as gzip writes) must be able to hold the declared data (deflate expands at
/// most 1032:1) and its trailer's uncompressed size (ISIZE, mod 2^32) must agree, and the
/// stream must then decode to exactly that many bytes with a correct CRC.
///
/// Throws std::runtime_error naming the path and what was expected and found for a
/// missing file, a directory or other file that is not regular, a bad magic number or
/// element type, a shape whose extents multiply past 2^63 − 1, data shorter than the
/// shape needs ("is truncated: ... expected N bytes of data after the H-byte header, found
/// M"), bytes after the data ("has K bytes after the data: ..."), or a corrupt gzip stream.
Tensor read_idx(const std::string& path);

/// Reads a numeric CSV table into a float32 tensor [rows, columns]. With `header` the
/// first non-empty line names the columns (returned in `column_names` when given). Empty
/// lines are skipped; spaces and tabs around a cell are ignored; a '\r' before '\n' too.
///
/// A cell is a decimal number as std::from_chars reads it, with an optional leading '+'
/// ("1", "+1", "-2.5", ".5", "1e-3"), rounded to the nearest float32; a value too small
/// for float32 becomes a subnormal or ±0 ("1e-50" → 0), as numpy does. "nan", "inf" and
/// "infinity" (any case, optional sign) are read as NaN and ±infinity, as numpy.loadtxt does.
/// The file may be a regular file or a pipe.
///
/// Throws std::runtime_error naming the path for a file that cannot be opened or read, a
/// directory ("is a directory") or another kind of file (a device, a socket); naming the
/// path and line for a row of the wrong length; and naming the path, line, column and the
/// cell's text for a cell that is not a number ("expected a number, found 'abc'") or a
/// finite value beyond float32's range, such as "1e39" or "1e999" ("is outside float32's
/// range (finite values up to ±3.4028235e+38)"): never a silent infinity.
Tensor read_csv(const std::string& path, bool header = true,
                std::vector<std::string>* column_names = nullptr, char delimiter = ',');

/// One-hot rows [N, classes] of integer labels [N]. Throws std::invalid_argument naming a
/// label that is not an integer in [0, classes).
Tensor one_hot(const Tensor& labels, std::int64_t classes);

/// x scaled to [0, 1] by a known range: (x − lo) / (hi − lo); an integer x (uint8 pixels)
/// is converted to float32 first.
Tensor scale_to_unit(const Tensor& x, double lo, double hi);

/// x standardized per column: (x − mean) / std over the first axis (std 0 → 1); an
/// integer x is converted to float32 first.
Tensor standardize(const Tensor& x);

}  // namespace nabla::data
