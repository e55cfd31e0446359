// Datasets and mini-batches: batches in order and shuffled, and the loader owning its
// dataset.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <optional>

#include <nabla/data.hpp>
#include <nabla/nabla.hpp>

using nabla::Tensor;
namespace data = nabla::data;

TEST(DataLoader, BatchesCoverTheDataInOrder) {
  Tensor x = nabla::reshape(nabla::arange(10), {5, 2});
  Tensor y = nabla::arange(5);
  data::TensorDataset ds(x, y);
  data::DataLoader loader(ds, {.batch_size = 2});
  EXPECT_EQ(loader.size(), 3);
  std::vector<double> seen;
  std::vector<std::int64_t> sizes;
  for (const data::Batch& b : loader) {
    sizes.push_back(b.inputs.size(0));
    for (double v : b.targets.to_vector()) seen.push_back(v);
    EXPECT_EQ(b.inputs.to_vector()[0], 2 * b.targets.to_vector()[0]);  // rows stay paired
  }
  EXPECT_EQ(sizes, (std::vector<std::int64_t>{2, 2, 1}));
  EXPECT_EQ(seen, (std::vector<double>{0, 1, 2, 3, 4}));
  data::DataLoader dropping(ds, {.batch_size = 2, .drop_last = true});
  EXPECT_EQ(dropping.size(), 2);
}

TEST(DataLoader, ShuffleIsAPermutationNewEachEpochSameForTheSeed) {
  data::TensorDataset ds(nabla::arange(50), nabla::arange(50));
  auto epoch = [](data::DataLoader& l) {
    std::vector<double> order;
    for (const data::Batch& b : l) {
      for (double v : b.targets.to_vector()) order.push_back(v);
    }
    return order;
  };
  data::DataLoader a(ds, {.batch_size = 8, .shuffle = true, .seed = 3});
  data::DataLoader b(ds, {.batch_size = 8, .shuffle = true, .seed = 3});
  const auto a1 = epoch(a), a2 = epoch(a), b1 = epoch(b);
  EXPECT_EQ(a1, b1);
  EXPECT_NE(a1, a2);
  auto sorted = a1;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, nabla::arange(50).to_vector());
  std::vector<double> identity = nabla::arange(50).to_vector();
  EXPECT_NE(a1, identity);
}

TEST(DataLoader, BadOptionsAndMismatchedDatasetThrow) {
  EXPECT_THROW(data::TensorDataset(nabla::zeros({3, 2}), nabla::zeros({4})), std::invalid_argument);
  data::TensorDataset ds(nabla::zeros({3, 2}), nabla::zeros({3}));
  EXPECT_THROW(data::DataLoader(ds, {.batch_size = 0}), std::invalid_argument);
  EXPECT_EQ(ds.head(2).size(), 2);
}

// ---- DataLoader: it owns its dataset ---------------------------------------------------

TEST(DataLoader, ATemporaryDatasetIsKeptAlive) {
  data::DataLoader dl(
      data::TensorDataset(nabla::reshape(nabla::arange(10), {5, 2}), nabla::arange(5)),
      {.batch_size = 2});
  // Reuse the memory a freed dataset would have held, so that a dangling loader reads junk.
  const Tensor junk_x = nabla::full({5, 2}, -7.0), junk_y = nabla::full({5}, -7.0);
  std::vector<double> inputs, targets;
  for (auto& b : dl) {  // a reference to the batch, valid until the iterator advances
    for (double v : b.inputs.to_vector()) inputs.push_back(v);
    for (double v : b.targets.to_vector()) targets.push_back(v);
  }
  EXPECT_EQ(inputs, nabla::arange(10).to_vector());
  EXPECT_EQ(targets, nabla::arange(5).to_vector());
  EXPECT_EQ(dl.dataset().size(), 5);
  EXPECT_EQ(junk_x.to_vector()[0], -7.0);
}

TEST(DataLoader, ReassigningTheDatasetVariableLeavesTheLoaderAsBuilt) {
  data::TensorDataset ds(nabla::reshape(nabla::arange(10), {5, 2}), nabla::arange(5));
  data::DataLoader dl(ds, {.batch_size = 2});
  ds = data::TensorDataset(nabla::zeros({40, 2}), nabla::zeros({40}));  // bigger
  EXPECT_EQ(dl.size(), 3);
  std::vector<double> targets;
  std::int64_t batches = 0;
  for (auto it = dl.begin(); it != dl.end(); ++it) {
    ++batches;
    for (double v : it->targets.to_vector()) targets.push_back(v);
  }
  EXPECT_EQ(batches, 3);
  EXPECT_EQ(targets, nabla::arange(5).to_vector());
  EXPECT_THROW((void)dl.batch(3), std::out_of_range);
}

TEST(DataLoader, AHugeBatchSizeGivesOneBatch) {
  data::TensorDataset ds(nabla::arange(5), nabla::arange(5));
  data::DataLoader dl(ds, {.batch_size = std::numeric_limits<std::int64_t>::max()});
  EXPECT_EQ(dl.size(), 1);
  EXPECT_EQ(dl.batch(0).targets.to_vector(), nabla::arange(5).to_vector());
}
