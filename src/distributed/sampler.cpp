// DistributedSampler: each rank's share of a dataset, after
// torch.utils.data.distributed.DistributedSampler. Uses nabla's public API only (layer 7
// of DESIGN.md); needs MPI only for the num_replicas and rank it is not given.

#include <fmt/format.h>

#include <numeric>
#include <stdexcept>
#include <utility>

#include "nabla/distributed.hpp"

namespace nabla::distributed {

namespace {

constexpr const char* kCall = "nabla::distributed::DistributedSampler";

std::int64_t replicas_of(std::int64_t given) {
  if (given == -1) return world_size();
  if (given < 1) {
    throw std::invalid_argument(
        fmt::format("{}: num_replicas must be ≥ 1 (or -1 for world_size()), got {}", kCall, given));
  }
  return given;
}

std::int64_t rank_of(std::int64_t given) {
  if (given == -1) return distributed::rank();
  if (given < 0) {
    throw std::invalid_argument(
        fmt::format("{}: rank must be ≥ 0 (or -1 for rank()), got {}", kCall, given));
  }
  return given;
}

}  // namespace

DistributedSampler::DistributedSampler(std::int64_t dataset_size, DistributedSamplerOptions o)
    : dataset_size_(dataset_size),
      num_replicas_(replicas_of(o.num_replicas)),
      rank_(rank_of(o.rank)),
      shuffle_(o.shuffle),
      seed_(o.seed),
      drop_last_(o.drop_last) {
  if (dataset_size < 0) {
    throw std::invalid_argument(
        fmt::format("{}: the dataset size must be ≥ 0, got {}", kCall, dataset_size));
  }
  if (rank_ >= num_replicas_) {
    throw std::invalid_argument(fmt::format("{}: rank {} is outside [0, {}) (num_replicas {})",
                                            kCall, rank_, num_replicas_, num_replicas_));
  }
  // torch: with drop_last, ⌊n / R⌋ each (the tail that does not divide is dropped);
  // without, ⌈n / R⌉ each (the epoch is padded).
  num_samples_ = drop_last_ ? dataset_size_ / num_replicas_
                            : (dataset_size_ + num_replicas_ - 1) / num_replicas_;
}

void DistributedSampler::set_epoch(std::int64_t epoch) {
  epoch_ = epoch;
}

std::vector<std::int64_t> DistributedSampler::indices(Generator& /*gen*/) const {
  const std::int64_t n = dataset_size_;
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  if (shuffle_) {
    // A generator of its own, seeded from seed and epoch alone, so that every rank draws
    // the same permutation whatever the loader's generator (Fisher–Yates).
    Generator gen(seed_ + static_cast<std::uint64_t>(epoch_));
    gen.locked([&](Generator::Unlocked& g) {
      for (std::size_t i = order.size(); i > 1; --i) {
        std::swap(order[i - 1], order[static_cast<std::size_t>(g.integer(i))]);
      }
    });
  }
  // The epoch is total_size = num_samples·R positions: the order, cut short with
  // drop_last or else padded by repeating it from its start (cyclically, when the
  // padding is longer than the order, as torch does); rank r takes r, r + R, ...
  std::vector<std::int64_t> mine;
  mine.reserve(static_cast<std::size_t>(num_samples_));
  for (std::int64_t k = 0; k < num_samples_; ++k) {
    const std::int64_t position = rank_ + k * num_replicas_;
    mine.push_back(order[static_cast<std::size_t>(position % n)]);
  }
  return mine;
}

}  // namespace nabla::distributed
