#pragma once
/// \file data.hpp
/// Data for training: datasets of tensors, shuffled mini-batches, and readers for IDX
/// files (plain or gzipped, as Fashion-MNIST ships) and numeric CSV tables.

#include <cstdint>
#include <string>
#include <vector>

#include "nabla/tensor.hpp"

namespace nabla::data {

/// Samples along the first axis of two tensors: input i is inputs[i], target i is
/// targets[i]. Throws std::invalid_argument when their first extents differ.
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
class DataLoader {
 public:
  DataLoader(const TensorDataset& dataset, DataLoaderOptions options);
  /// Number of batches per epoch.
  std::int64_t size() const noexcept;
  /// Batch `i` of the current epoch's order.
  Batch batch(std::int64_t i) const;

  class iterator {
   public:
    iterator(const DataLoader* loader, std::int64_t i) : loader_(loader), i_(i) {}
    Batch operator*() const { return loader_->batch(i_); }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const DataLoader* loader_;
    std::int64_t i_;
  };
  /// Starts an epoch (reshuffling when asked).
  iterator begin();
  iterator end() const { return iterator(this, size()); }

 private:
  const TensorDataset* dataset_;
  DataLoaderOptions options_;
  std::vector<std::int64_t> order_;
  std::uint64_t epoch_ = 0;
};

/// Reads an IDX file (the MNIST format), gzipped (.gz) or plain, into a float32 tensor of
/// the file's shape with the stored values (0–255 for Fashion-MNIST images and labels).
/// Throws std::runtime_error naming the path and what was expected and found for a
/// missing, truncated or corrupt file.
Tensor read_idx(const std::string& path);

/// Reads a numeric CSV table into a float32 tensor [rows, columns]. With `header` the
/// first line names the columns (returned in `column_names` when given). Throws
/// std::runtime_error naming the path, line and column of a non-numeric cell or a row of
/// the wrong length.
Tensor read_csv(const std::string& path, bool header = true,
                std::vector<std::string>* column_names = nullptr, char delimiter = ',');

/// One-hot rows [N, classes] of integer labels [N]. Throws std::invalid_argument naming a
/// label that is not an integer in [0, classes).
Tensor one_hot(const Tensor& labels, std::int64_t classes);

/// x scaled to [0, 1] by a known range: (x − lo) / (hi − lo).
Tensor scale_to_unit(const Tensor& x, double lo, double hi);

/// x standardized per column: (x − mean) / std over the first axis (std 0 → 1).
Tensor standardize(const Tensor& x);

}  // namespace nabla::data
