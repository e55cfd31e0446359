// DistributedSampler: the shards of all ranks, computed here with an explicit rank each
// (no MPI needed), partition each epoch as torch's DistributedSampler does; under mpirun,
// the defaults read the real rank and world size, and every process draws the same epoch.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "dist_test_util.hpp"
#include "nabla/data.hpp"

namespace {

using namespace dist_test;
using dist::DistributedSampler;
using dist::DistributedSamplerOptions;
using Indices = std::vector<std::int64_t>;

// Every rank's shard of the epoch, in rank order.
std::vector<Indices> shards(std::int64_t n, DistributedSamplerOptions o, std::int64_t epoch) {
  std::vector<Indices> out;
  nabla::Generator gen(12345);  // the loader's generator, which the sampler ignores
  for (std::int64_t r = 0; r < o.num_replicas; ++r) {
    o.rank = r;
    DistributedSampler s(n, o);
    s.set_epoch(epoch);
    out.push_back(s.indices(gen));
    EXPECT_EQ(static_cast<std::int64_t>(out.back().size()), s.size());
  }
  return out;
}

// The epoch the shards were cut from: position k·R + r is shard r's k-th index.
Indices interleave(const std::vector<Indices>& s) {
  Indices epoch;
  for (std::size_t k = 0; !s.empty() && k < s[0].size(); ++k) {
    for (const Indices& shard : s) epoch.push_back(shard[k]);
  }
  return epoch;
}

TEST(DistributedSampler, TenSamplesOnThreeRanksByHand) {
  // 0..9 padded with 0, 1 to 12 positions; rank r takes r, r + 3, r + 6, r + 9.
  const auto s = shards(10, {.num_replicas = 3, .shuffle = false}, 0);
  EXPECT_EQ(s[0], (Indices{0, 3, 6, 9}));
  EXPECT_EQ(s[1], (Indices{1, 4, 7, 0}));
  EXPECT_EQ(s[2], (Indices{2, 5, 8, 1}));
  // drop_last cuts 0..9 to 9 positions.
  const auto d = shards(10, {.num_replicas = 3, .shuffle = false, .drop_last = true}, 0);
  EXPECT_EQ(d[0], (Indices{0, 3, 6}));
  EXPECT_EQ(d[1], (Indices{1, 4, 7}));
  EXPECT_EQ(d[2], (Indices{2, 5, 8}));
  // One sample over three ranks: padded by repeating it.
  const auto one = shards(1, {.num_replicas = 3, .shuffle = false}, 0);
  EXPECT_EQ(one, (std::vector<Indices>{{0}, {0}, {0}}));
}

TEST(DistributedSampler, TheShardsPartitionEveryEpoch) {
  for (std::int64_t n : {0, 1, 9, 10, 11}) {
    for (std::int64_t R : {1, 2, 3}) {
      for (bool shuffle : {false, true}) {
        for (bool drop_last : {false, true}) {
          SCOPED_TRACE("n " + std::to_string(n) + ", num_replicas " + std::to_string(R) +
                       (shuffle ? ", shuffle" : "") + (drop_last ? ", drop_last" : ""));
          const DistributedSamplerOptions o{
              .num_replicas = R, .shuffle = shuffle, .seed = 7, .drop_last = drop_last};
          const auto s = shards(n, o, 3);
          // Equal counts: ⌊n / R⌋ with drop_last, ⌈n / R⌉ without.
          const std::int64_t each = drop_last ? n / R : (n + R - 1) / R;
          for (const Indices& shard : s) EXPECT_EQ(static_cast<std::int64_t>(shard.size()), each);
          const Indices epoch = interleave(s);
          ASSERT_EQ(static_cast<std::int64_t>(epoch.size()), each * R);
          // The first min(n, total) positions are distinct samples of [0, n); the rest
          // (padding, never with drop_last) repeat the epoch from its start.
          const std::int64_t distinct = std::min<std::int64_t>(n, each * R);
          Indices head(epoch.begin(), epoch.begin() + distinct);
          std::map<std::int64_t, int> seen;
          for (std::int64_t i : head) {
            EXPECT_GE(i, 0);
            EXPECT_LT(i, n);
            ++seen[i];
          }
          EXPECT_EQ(static_cast<std::int64_t>(seen.size()), distinct) << "a repeat in the epoch";
          if (drop_last) {
            EXPECT_EQ(distinct, each * R);  // nothing padded
          } else {
            EXPECT_EQ(static_cast<std::int64_t>(seen.size()), n) << "a sample is missing";
            for (std::size_t k = static_cast<std::size_t>(n); k < epoch.size(); ++k) {
              EXPECT_EQ(epoch[k], epoch[k % static_cast<std::size_t>(n)]) << "padding " << k;
            }
          }
          if (!shuffle) {
            for (std::int64_t k = 0; k < distinct; ++k) EXPECT_EQ(head[k], k);
          }
          // The same seed and epoch give the same shards (in another sampler, another
          // process); the loader's generator plays no part.
          EXPECT_EQ(shards(n, o, 3), s);
        }
      }
    }
  }
}

TEST(DistributedSampler, ANewEpochANewOrderTheSameSeedTheSameOrder) {
  const DistributedSamplerOptions o{.num_replicas = 2, .seed = 42};
  const Indices e0 = interleave(shards(11, o, 0));
  const Indices e1 = interleave(shards(11, o, 1));
  EXPECT_NE(e0, e1);
  // The same samples in another order (the 12th position pads with each epoch's first).
  Indices sorted0(e0.begin(), e0.begin() + 11), sorted1(e1.begin(), e1.begin() + 11);
  std::sort(sorted0.begin(), sorted0.end());
  std::sort(sorted1.begin(), sorted1.end());
  EXPECT_EQ(sorted0, sorted1);
  EXPECT_EQ(e0[11], e0[0]);
  EXPECT_EQ(e1[11], e1[0]);
  // The epoch enters through seed + epoch: seed 41 at epoch 1 is seed 42 at epoch 0.
  EXPECT_EQ(interleave(shards(11, {.num_replicas = 2, .seed = 41}, 1)), e0);
  EXPECT_NE(interleave(shards(11, {.num_replicas = 2, .seed = 43}, 0)), e0);
  // Without shuffle every epoch is the same.
  EXPECT_EQ(shards(11, {.num_replicas = 2, .shuffle = false}, 0),
            shards(11, {.num_replicas = 2, .shuffle = false}, 5));
}

TEST(DistributedSampler, BadOptionsAreNamed) {
  const auto message = [](std::int64_t n, DistributedSamplerOptions o) {
    try {
      DistributedSampler s(n, o);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no throw");
  };
  EXPECT_EQ(message(10, {.num_replicas = 0, .rank = 0}),
            "nabla::distributed::DistributedSampler: num_replicas must be ≥ 1 (or -1 for "
            "world_size()), got 0");
  EXPECT_EQ(message(10, {.num_replicas = -2, .rank = 0}),
            "nabla::distributed::DistributedSampler: num_replicas must be ≥ 1 (or -1 for "
            "world_size()), got -2");
  EXPECT_EQ(message(10, {.num_replicas = 2, .rank = -3}),
            "nabla::distributed::DistributedSampler: rank must be ≥ 0 (or -1 for rank()), got "
            "-3");
  EXPECT_EQ(message(10, {.num_replicas = 2, .rank = 2}),
            "nabla::distributed::DistributedSampler: rank 2 is outside [0, 2) (num_replicas 2)");
  EXPECT_EQ(message(-1, {.num_replicas = 2, .rank = 0}),
            "nabla::distributed::DistributedSampler: the dataset size must be ≥ 0, got -1");
}

// ---- under mpirun ---------------------------------------------------------------------------

TEST(DistributedSampler, TheDefaultsAreThisProcesssRankAndWorld) {
  DistributedSampler s(11);
  EXPECT_EQ(s.num_replicas(), world());
  EXPECT_EQ(s.rank(), me());
  s.set_epoch(2);
  nabla::Generator gen(me());  // a different loader generator on every rank
  const Indices mine = s.indices(gen);
  // The real shards, gathered from every process, are the shards this process computes
  // for every rank: the same permutation everywhere.
  const Tensor all = dist::all_gather_into_tensor(
      nabla::tensor(std::vector<double>(mine.begin(), mine.end()), {s.size()}, nabla::i64));
  Indices gathered;
  for (double v : all.to_vector()) gathered.push_back(static_cast<std::int64_t>(v));
  Indices expected;
  for (const Indices& shard : shards(11, {.num_replicas = world()}, 2)) {
    expected.insert(expected.end(), shard.begin(), shard.end());
  }
  EXPECT_EQ(gathered, expected);
}

TEST(DistributedSampler, ADataLoaderVisitsThisRanksShard) {
  const std::int64_t n = 9;
  const Tensor inputs = nabla::arange(static_cast<double>(n)).unsqueeze(1);  // sample i holds i
  auto sampler = std::make_shared<DistributedSampler>(n);
  nabla::data::DataLoader loader(nabla::data::TensorDataset(inputs, nabla::zeros({n})),
                                 {.batch_size = 2, .sampler = sampler});
  for (std::int64_t epoch = 0; epoch < 2; ++epoch) {
    SCOPED_TRACE("epoch " + std::to_string(epoch));
    sampler->set_epoch(epoch);
    Indices seen;
    for (const nabla::data::Batch& b : loader) {
      for (double v : b.inputs.to_vector()) seen.push_back(static_cast<std::int64_t>(v));
    }
    nabla::Generator unused;
    EXPECT_EQ(seen, sampler->indices(unused));
  }
}

}  // namespace
