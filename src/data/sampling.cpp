// Datasets of other datasets (Subset, random_split) and the samplers that order a
// DataLoader's epoch. Uses the public Tensor and op API only (layer 6 of DESIGN.md).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "nabla/data.hpp"
#include "nabla/ops.hpp"

namespace nabla::data {

namespace {

void check_index(const char* who, std::int64_t i, std::int64_t n) {
  if (i < 0 || i >= n) {
    throw std::out_of_range(
        fmt::format("nabla::data::{}: index {} is outside [0, {})", who, i, n));
  }
}

// A uniformly random permutation of 0..n−1 (Fisher–Yates).
std::vector<std::int64_t> permutation(std::int64_t n, Generator& gen) {
  std::vector<std::int64_t> p(static_cast<std::size_t>(n));
  std::iota(p.begin(), p.end(), 0);
  gen.locked([&](Generator::Unlocked& g) {
    for (std::size_t i = p.size(); i > 1; --i) {
      std::swap(p[i - 1], p[static_cast<std::size_t>(g.integer(i))]);
    }
  });
  return p;
}

}  // namespace

// ---- Dataset, Subset, random_split ---------------------------------------------------------

Batch Dataset::get_batch(const std::vector<std::int64_t>& indices) const {
  NoGradGuard no_grad;
  const std::int64_t n = size();
  std::vector<Tensor> inputs, targets;
  inputs.reserve(indices.size());
  targets.reserve(indices.size());
  for (const std::int64_t i : indices) {
    check_index("Dataset::get_batch", i, n);
    Example e = get(i);
    if (!inputs.empty() && (e.input.shape() != inputs[0].shape() ||
                            e.input.dtype() != inputs[0].dtype() ||
                            e.target.shape() != targets[0].shape() ||
                            e.target.dtype() != targets[0].dtype())) {
      throw std::invalid_argument(fmt::format(
          "nabla::data::Dataset::get_batch: sample {} has input {} {} and target {} {}, but "
          "sample {} has input {} {} and target {} {}; samples of a batch must agree",
          i, shape_str(e.input.shape()), dtype_name(e.input.dtype()),
          shape_str(e.target.shape()), dtype_name(e.target.dtype()), indices[0],
          shape_str(inputs[0].shape()), dtype_name(inputs[0].dtype()),
          shape_str(targets[0].shape()), dtype_name(targets[0].dtype())));
    }
    inputs.push_back(std::move(e.input));
    targets.push_back(std::move(e.target));
  }
  if (inputs.empty()) {
    throw std::invalid_argument("nabla::data::Dataset::get_batch: no indices");
  }
  return {stack(inputs, 0), stack(targets, 0)};
}

Subset::Subset(std::shared_ptr<const Dataset> dataset, std::vector<std::int64_t> indices)
    : dataset_(std::move(dataset)), indices_(std::move(indices)) {
  if (!dataset_) throw std::invalid_argument("nabla::data::Subset: the dataset is null");
  const std::int64_t n = dataset_->size();
  for (std::size_t k = 0; k < indices_.size(); ++k) {
    if (indices_[k] < 0 || indices_[k] >= n) {
      throw std::out_of_range(fmt::format(
          "nabla::data::Subset: index {} at position {} is outside the dataset's [0, {})",
          indices_[k], k, n));
    }
  }
}

Example Subset::get(std::int64_t i) const {
  check_index("Subset::get", i, size());
  return dataset_->get(indices_[static_cast<std::size_t>(i)]);
}

Batch Subset::get_batch(const std::vector<std::int64_t>& indices) const {
  std::vector<std::int64_t> mapped;
  mapped.reserve(indices.size());
  for (const std::int64_t i : indices) {
    check_index("Subset::get_batch", i, size());
    mapped.push_back(indices_[static_cast<std::size_t>(i)]);
  }
  return dataset_->get_batch(mapped);
}

std::vector<Subset> random_split(std::shared_ptr<const Dataset> dataset,
                                 const std::vector<std::int64_t>& lengths, Generator& gen) {
  if (!dataset) throw std::invalid_argument("nabla::data::random_split: the dataset is null");
  std::int64_t total = 0;
  for (const std::int64_t l : lengths) {
    if (l < 0) {
      throw std::invalid_argument(
          fmt::format("nabla::data::random_split: a length is negative: {}", l));
    }
    total += l;
  }
  if (total != dataset->size()) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::random_split: the lengths add up to {}, but the dataset has {} samples",
        total, dataset->size()));
  }
  const std::vector<std::int64_t> p = permutation(total, gen);
  std::vector<Subset> parts;
  std::size_t at = 0;
  for (const std::int64_t l : lengths) {
    parts.emplace_back(dataset, std::vector<std::int64_t>(p.begin() + static_cast<std::ptrdiff_t>(at),
                                                          p.begin() + static_cast<std::ptrdiff_t>(at + l)));
    at += static_cast<std::size_t>(l);
  }
  return parts;
}

std::vector<Subset> random_split(std::shared_ptr<const Dataset> dataset,
                                 const std::vector<double>& fractions, Generator& gen) {
  if (!dataset) throw std::invalid_argument("nabla::data::random_split: the dataset is null");
  double sum = 0.0;
  for (const double f : fractions) {
    if (!(f >= 0.0 && f <= 1.0)) {
      throw std::invalid_argument(
          fmt::format("nabla::data::random_split: a fraction is outside [0, 1]: {}", f));
    }
    sum += f;
  }
  if (std::abs(sum - 1.0) > 1e-9) {
    throw std::invalid_argument(
        fmt::format("nabla::data::random_split: the fractions add up to {}, not 1", sum));
  }
  const std::int64_t n = dataset->size();
  std::vector<std::int64_t> lengths;
  std::int64_t given = 0;
  for (const double f : fractions) {
    lengths.push_back(static_cast<std::int64_t>(std::floor(f * static_cast<double>(n))));
    given += lengths.back();
  }
  for (std::size_t k = 0; given < n && !lengths.empty(); k = (k + 1) % lengths.size(), ++given) {
    ++lengths[k];  // the remainder, one by one, round-robin (PyTorch 1.13)
  }
  return random_split(std::move(dataset), lengths, gen);
}

// ---- samplers -----------------------------------------------------------------------------

SequentialSampler::SequentialSampler(std::int64_t n) : n_(n) {
  if (n < 0) {
    throw std::invalid_argument(
        fmt::format("nabla::data::SequentialSampler: the size must be ≥ 0, got {}", n));
  }
}

std::vector<std::int64_t> SequentialSampler::indices(Generator& /*gen*/) const {
  std::vector<std::int64_t> v(static_cast<std::size_t>(n_));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

RandomSampler::RandomSampler(std::int64_t n, bool replacement,
                             std::optional<std::int64_t> num_samples)
    : n_(n), num_samples_(num_samples.value_or(n)), replacement_(replacement) {
  if (n < 1) {
    throw std::invalid_argument(
        fmt::format("nabla::data::RandomSampler: the size must be ≥ 1, got {}", n));
  }
  if (num_samples_ < 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::RandomSampler: num_samples must be ≥ 1, got {}", num_samples_));
  }
}

std::vector<std::int64_t> RandomSampler::indices(Generator& gen) const {
  std::vector<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(num_samples_));
  if (replacement_) {
    gen.locked([&](Generator::Unlocked& g) {
      for (std::int64_t k = 0; k < num_samples_; ++k) {
        out.push_back(static_cast<std::int64_t>(g.integer(static_cast<std::uint64_t>(n_))));
      }
    });
    return out;
  }
  while (static_cast<std::int64_t>(out.size()) < num_samples_) {  // whole permutations
    const std::vector<std::int64_t> p = permutation(n_, gen);
    const std::size_t take = std::min(p.size(), static_cast<std::size_t>(num_samples_) - out.size());
    out.insert(out.end(), p.begin(), p.begin() + static_cast<std::ptrdiff_t>(take));
  }
  return out;
}

WeightedRandomSampler::WeightedRandomSampler(std::vector<double> weights,
                                             std::int64_t num_samples, bool replacement)
    : weights_(std::move(weights)), num_samples_(num_samples), replacement_(replacement) {
  if (weights_.empty()) {
    throw std::invalid_argument("nabla::data::WeightedRandomSampler: no weights");
  }
  std::int64_t positive = 0;
  for (std::size_t k = 0; k < weights_.size(); ++k) {
    if (!(weights_[k] >= 0.0) || !std::isfinite(weights_[k])) {
      throw std::invalid_argument(fmt::format(
          "nabla::data::WeightedRandomSampler: weight {} at position {} is not a finite value "
          "≥ 0",
          weights_[k], k));
    }
    positive += weights_[k] > 0.0;
  }
  if (positive == 0) {
    throw std::invalid_argument("nabla::data::WeightedRandomSampler: every weight is zero");
  }
  if (num_samples < 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::WeightedRandomSampler: num_samples must be ≥ 1, got {}", num_samples));
  }
  if (!replacement && num_samples > positive) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::WeightedRandomSampler: {} samples without replacement, but only {} "
        "weights are positive",
        num_samples, positive));
  }
}

std::vector<std::int64_t> WeightedRandomSampler::indices(Generator& gen) const {
  std::vector<double> w = weights_;
  std::vector<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(num_samples_));
  // Inverse-CDF draws on the running sums; without replacement a drawn weight is zeroed
  // and the sums rebuilt (num_samples·n work, fine for the sizes samplers see).
  std::vector<double> cdf(w.size());
  gen.locked([&](Generator::Unlocked& g) {
    std::partial_sum(w.begin(), w.end(), cdf.begin());
    for (std::int64_t k = 0; k < num_samples_; ++k) {
      const double u = g.uniform() * cdf.back();
      // The first running sum above u has a positive weight; u rounded up to the total
      // (no sum above it) takes the last positive weight.
      auto pick = static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) -
                                           cdf.begin());
      if (pick == cdf.size()) {
        pick = cdf.size() - 1;
        while (w[pick] == 0.0) --pick;
      }
      out.push_back(static_cast<std::int64_t>(pick));
      if (!replacement_) {
        w[pick] = 0.0;
        std::partial_sum(w.begin(), w.end(), cdf.begin());
      }
    }
  });
  return out;
}

SubsetRandomSampler::SubsetRandomSampler(std::vector<std::int64_t> indices)
    : indices_(std::move(indices)) {}

std::vector<std::int64_t> SubsetRandomSampler::indices(Generator& gen) const {
  const std::vector<std::int64_t> p = permutation(static_cast<std::int64_t>(indices_.size()), gen);
  std::vector<std::int64_t> out;
  out.reserve(p.size());
  for (const std::int64_t k : p) out.push_back(indices_[static_cast<std::size_t>(k)]);
  return out;
}

}  // namespace nabla::data
