#pragma once
/// \file data.hpp
/// Data for training: datasets of tensors, shuffled mini-batches, and readers for IDX
/// files (plain or gzipped, as Fashion-MNIST ships) and numeric CSV tables.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "nabla/tensor.hpp"

namespace nabla::data {

/// Samples along the first axis of two tensors: input i is inputs[i], target i is
/// targets[i]. Either may be a view of any layout (transposed, sliced, expanded): it is
/// made contiguous once, here (inputs() and targets() return the contiguous tensors).
/// Throws std::invalid_argument when their first extents differ.
class TensorDataset {
 public:
  TensorDataset(Tensor inputs, Tensor targets);
  /// Number of samples.
  std::int64_t size() const noexcept { return size_; }
  const Tensor& inputs() const noexcept { return inputs_; }
  const Tensor& targets() const noexcept { return targets_; }
  /// The first `n` samples (a copy), e.g. a small slice for a quick run.
  TensorDataset head(std::int64_t n) const;

 private:
  Tensor inputs_, targets_;
  std::int64_t size_ = 0;
};

/// One mini-batch: inputs and targets stacked along a new first axis.
struct Batch {
  Tensor inputs;
  Tensor targets;
};

struct DataLoaderOptions {
  std::int64_t batch_size = 1;
  bool shuffle = false;
  std::uint64_t seed = 0;  ///< shuffling seed; each epoch draws a new order from it
  bool drop_last = false;  ///< drop a last batch smaller than batch_size
};

/// Mini-batches over a dataset, as PyTorch's DataLoader: `for (const Batch& b : loader)`.
/// Each pass over the loader is one epoch; with `shuffle` every epoch has a new order,
/// the same for the same seed. Throws std::invalid_argument for batch_size < 1.
///
/// The loader holds the dataset by value (a TensorDataset is two tensor handles, so its
/// values are shared, not copied): a loader built from a temporary dataset is safe, and
/// assigning another dataset to the variable it was built from leaves the loader with the
/// one it was given. An iterator refers to its loader: it is valid while the loader lives
/// and is not moved, and the Batch it yields lives until the iterator advances.
class DataLoader {
 public:
  DataLoader(TensorDataset dataset, DataLoaderOptions options);
  /// Number of batches per epoch.
  std::int64_t size() const noexcept;
  /// Batch `i` of the current epoch's order. Throws std::out_of_range unless 0 ≤ i < size().
  Batch batch(std::int64_t i) const;
  /// The dataset the loader draws from.
  const TensorDataset& dataset() const noexcept { return dataset_; }

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;
    using reference = const Batch&;
    using pointer = const Batch*;

    iterator(const DataLoader* loader, std::int64_t i) : loader_(loader), i_(i) {}
    /// The batch at this position, made on first use and kept until the iterator advances.
    const Batch& operator*() const;
    const Batch* operator->() const { return &**this; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }

   private:
    const DataLoader* loader_;
    std::int64_t i_;
    mutable std::optional<Batch> current_;
    mutable std::int64_t current_index_ = -1;
  };
  /// Starts an epoch (reshuffling when asked).
  iterator begin();
  iterator end() const { return iterator(this, size()); }

 private:
  TensorDataset dataset_;
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
