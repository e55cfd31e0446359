// Datasets and mini-batches: batches in order and shuffled, the loader owning its
// dataset, and views (transposed, stepped, expanded) as a dataset's tensors.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

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

// ---- DataLoader: views ----------------------------------------------------------------

namespace {
// Every input and target of every batch of `loader`, in order.
std::pair<std::vector<double>, std::vector<double>> one_epoch(data::DataLoader& loader) {
  std::vector<double> inputs, targets;
  for (const data::Batch& b : loader) {
    for (double v : b.inputs.to_vector()) inputs.push_back(v);
    for (double v : b.targets.to_vector()) targets.push_back(v);
  }
  return {inputs, targets};
}
}  // namespace

TEST(DataLoader, ViewsGiveTheRightBatches) {
  // inputs: the transpose of [2, 5], so row r is [r, 10 + r]; targets: every second
  // element of 0..9, so target r is 2r
  const Tensor x = nabla::tensor({{0, 1, 2, 3, 4}, {10, 11, 12, 13, 14}}).t();
  const Tensor y = nabla::arange(10).slice(0, 0, std::nullopt, 2);
  ASSERT_FALSE(x.is_contiguous());
  ASSERT_FALSE(y.is_contiguous());
  const data::TensorDataset ds(x, y);
  // made dense once, when the dataset is built
  EXPECT_TRUE(ds.inputs().is_contiguous());
  EXPECT_TRUE(ds.targets().is_contiguous());
  data::DataLoader loader(ds, {.batch_size = 2});
  const auto [inputs, targets] = one_epoch(loader);
  EXPECT_EQ(inputs, (std::vector<double>{0, 10, 1, 11, 2, 12, 3, 13, 4, 14}));
  EXPECT_EQ(targets, (std::vector<double>{0, 2, 4, 6, 8}));
  // the head of a view dataset, too
  EXPECT_EQ(ds.head(2).inputs().to_vector(), (std::vector<double>{0, 10, 1, 11}));

  // shuffled, each input row stays with its target
  data::DataLoader shuffled(ds, {.batch_size = 3, .shuffle = true, .seed = 5});
  for (const data::Batch& b : shuffled) {
    const auto in = b.inputs.to_vector(), t = b.targets.to_vector();
    ASSERT_EQ(in.size(), 2 * t.size());
    for (std::size_t r = 0; r < t.size(); ++r) {
      EXPECT_EQ(in[2 * r], t[r] / 2);
      EXPECT_EQ(in[2 * r + 1], 10 + t[r] / 2);
    }
  }
}

TEST(DataLoader, AnExpandedViewGivesItsRepeatedRows) {
  // one row [1, 2] repeated four times (stride 0 along the first axis), uint8 labels
  // narrowed from a longer tensor
  const Tensor x = nabla::tensor({{1, 2}}).expand({4, 2});
  const Tensor y = nabla::tensor({9, 7, 5, 3, 1}, nabla::u8).narrow(0, 1, 4);
  ASSERT_EQ(x.stride(0), 0);
  data::DataLoader loader(data::TensorDataset(x, y), {.batch_size = 3});
  EXPECT_EQ(loader.size(), 2);
  const auto [inputs, targets] = one_epoch(loader);
  EXPECT_EQ(inputs, (std::vector<double>{1, 2, 1, 2, 1, 2, 1, 2}));
  EXPECT_EQ(targets, (std::vector<double>{7, 5, 3, 1}));
  EXPECT_EQ(loader.batch(1).targets.dtype(), nabla::u8);
}
