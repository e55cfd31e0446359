// The data pipeline beyond TensorDataset: a Dataset of one's own, Subset and
// random_split, the samplers, the batch transforms (normalize, random crop with each
// fill, horizontal flip, noise), and prefetching on a background thread.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nabla/nabla.hpp>

using nabla::Tensor;
using ::testing::HasSubstr;
namespace data = nabla::data;
namespace tf = nabla::data::transforms;

namespace {

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

// A dataset computed on demand: sample i is the vector (i, 2i) with target i mod 3, and
// it counts its calls from any thread.
class Squares : public data::Dataset {
 public:
  explicit Squares(std::int64_t n) : n_(n) {}
  std::int64_t size() const override { return n_; }
  data::Example get(std::int64_t i) const override {
    ++calls;
    const double v = static_cast<double>(i);
    return {nabla::tensor({v, 2 * v}), nabla::scalar_tensor(static_cast<double>(i % 3))};
  }
  mutable std::atomic<int> calls{0};

 private:
  std::int64_t n_;
};

std::vector<double> targets_of(data::DataLoader& loader) {
  std::vector<double> out;
  for (const data::Batch& b : loader) {
    for (double v : b.targets.to_vector()) out.push_back(v);
  }
  return out;
}

}  // namespace

TEST(DataPipeline, ADatasetOfOnesOwnIsBatchedByStackingSamples) {
  auto ds = std::make_shared<Squares>(7);
  data::DataLoader loader(ds, {.batch_size = 3, .prefetch = false});
  EXPECT_EQ(loader.size(), 3);
  std::vector<nabla::Shape> shapes;
  std::vector<double> firsts;
  for (const data::Batch& b : loader) {
    shapes.push_back(b.inputs.shape());
    firsts.push_back(b.inputs.to_vector()[0]);
    EXPECT_EQ(b.inputs.to_vector()[1], 2 * b.inputs.to_vector()[0]);
  }
  EXPECT_EQ(shapes, (std::vector<nabla::Shape>{{3, 2}, {3, 2}, {1, 2}}));
  EXPECT_EQ(firsts, (std::vector<double>{0, 3, 6}));
  EXPECT_EQ(ds->calls.load(), 7);
}

TEST(DataPipeline, SamplesThatDisagreeCannotBeStacked) {
  struct Ragged : data::Dataset {
    std::int64_t size() const override { return 2; }
    data::Example get(std::int64_t i) const override {
      return {nabla::zeros({i + 1}), nabla::scalar_tensor(0.0)};
    }
  };
  Ragged r;
  EXPECT_THAT(message_of([&] { (void)r.get_batch({0, 1}); }),
              HasSubstr("sample 1 has input [2] float32 and target [] float32, but sample 0 has "
                        "input [1] float32"));
  EXPECT_THAT(message_of([&] { (void)r.get_batch({0, 2}); }),
              HasSubstr("index 2 is outside [0, 2)"));
}

TEST(DataPipeline, RandomSplitPartitionsTheDataReproducibly) {
  auto ds = std::make_shared<data::TensorDataset>(nabla::arange(10.0), nabla::arange(10.0));
  nabla::Generator g1(5), g2(5);
  const auto a = data::random_split(ds, std::vector<std::int64_t>{7, 3}, g1);
  const auto b = data::random_split(ds, std::vector<std::int64_t>{7, 3}, g2);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].size(), 7);
  EXPECT_EQ(a[1].size(), 3);
  EXPECT_EQ(a[0].indices(), b[0].indices());
  std::vector<std::int64_t> all = a[0].indices();
  all.insert(all.end(), a[1].indices().begin(), a[1].indices().end());
  std::sort(all.begin(), all.end());
  std::vector<std::int64_t> want(10);
  std::iota(want.begin(), want.end(), 0);
  EXPECT_EQ(all, want);
  // a subset's batch is the base dataset's rows at its indices
  const data::Batch batch = a[1].get_batch({0, 2});
  EXPECT_EQ(batch.targets.to_vector(),
            (std::vector<double>{double(a[1].indices()[0]), double(a[1].indices()[2])}));
  // fractions: ⌊0.5·11⌋ = 5, ⌊0.3·11⌋ = 3, ⌊0.2·11⌋ = 2, the 1 left over to the first
  auto odd = std::make_shared<data::TensorDataset>(nabla::arange(11.0), nabla::arange(11.0));
  const auto f = data::random_split(odd, std::vector<double>{0.5, 0.3, 0.2}, g1);
  EXPECT_EQ(f[0].size(), 6);
  EXPECT_EQ(f[1].size(), 3);
  EXPECT_EQ(f[2].size(), 2);
  // braced lists pick the form by their element type
  EXPECT_EQ(data::random_split(ds, {6, 4}, g1)[1].size(), 4);
  EXPECT_EQ(data::random_split(ds, {0.7, 0.3}, g1)[0].size(), 7);
  EXPECT_THAT(message_of([&] { data::random_split(ds, std::vector<std::int64_t>{7, 4}, g1); }),
              HasSubstr("the lengths add up to 11, but the dataset has 10 samples"));
  EXPECT_THAT(message_of([&] { data::Subset(ds, {3, 10}); }),
              HasSubstr("index 10 at position 1 is outside the dataset's [0, 10)"));
}

TEST(DataPipeline, SamplersOrderTheEpoch) {
  auto ds = std::make_shared<data::TensorDataset>(nabla::arange(20.0), nabla::arange(20.0));
  // SubsetRandomSampler: only its indices, each once, in a new order each epoch
  data::DataLoader sub(ds, {.batch_size = 4,
                            .sampler = std::make_shared<data::SubsetRandomSampler>(
                                std::vector<std::int64_t>{1, 3, 5, 7, 9, 11})});
  EXPECT_EQ(sub.size(), 2);
  auto e1 = targets_of(sub), e2 = targets_of(sub);
  EXPECT_NE(e1, e2);
  std::sort(e1.begin(), e1.end());
  EXPECT_EQ(e1, (std::vector<double>{1, 3, 5, 7, 9, 11}));
  // RandomSampler with replacement draws num_samples, repeats allowed
  data::DataLoader rep(ds, {.batch_size = 10,
                            .sampler = std::make_shared<data::RandomSampler>(20, true, 100)});
  const auto r = targets_of(rep);
  EXPECT_EQ(r.size(), 100u);
  EXPECT_LT(std::set<double>(r.begin(), r.end()).size(), 100u);
  // WeightedRandomSampler follows the weights: index 0 three times as often as index 1,
  // index 2 never
  data::WeightedRandomSampler w({3.0, 1.0, 0.0}, 4000);
  nabla::Generator gen(1);
  std::map<std::int64_t, int> count;
  for (std::int64_t i : w.indices(gen)) ++count[i];
  EXPECT_EQ(count[2], 0);
  EXPECT_NEAR(count[0] / 4000.0, 0.75, 0.03);
  // without replacement: each positive weight at most once
  data::WeightedRandomSampler once({1.0, 5.0, 0.0, 2.0}, 3, false);
  auto picked = once.indices(gen);
  std::sort(picked.begin(), picked.end());
  EXPECT_EQ(picked, (std::vector<std::int64_t>{0, 1, 3}));
  EXPECT_THAT(message_of([] { data::WeightedRandomSampler({1.0, 0.0}, 2, false); }),
              HasSubstr("2 samples without replacement, but only 1 weights are positive"));
  EXPECT_THAT(message_of([] { data::WeightedRandomSampler({1.0, -1.0}, 2); }),
              HasSubstr("weight -1 at position 1"));
  EXPECT_THAT(message_of([&] {
                data::DataLoader(ds, {.shuffle = true,
                                      .sampler = std::make_shared<data::SequentialSampler>(20)});
              }),
              HasSubstr("a sampler sets the order, so shuffle must be false"));
}

TEST(DataPipeline, NormalizeIsPerChannel) {
  const Tensor x = nabla::reshape(nabla::arange(8.0), {1, 2, 2, 2});
  nabla::Generator gen;
  const Tensor y = tf::normalize({1.0, 5.0}, {2.0, 0.5})(x, gen);
  EXPECT_EQ(y.to_vector(), (std::vector<double>{-0.5, 0, 0.5, 1, -2, 0, 2, 4}));
  EXPECT_THAT(message_of([&] { (void)tf::normalize({1, 2, 3}, {1, 1, 1})(x, gen); }),
              HasSubstr("3 channel values, but the batch has shape [1, 2, 2, 2]"));
  EXPECT_THAT(message_of([] { (void)tf::normalize({0}, {0}); }), HasSubstr("a std is not > 0"));
}

TEST(DataPipeline, RandomCropShiftsEachImageWithinThePadding) {
  // one 3×3 image 1..9, padded by 1 and cropped back to 3×3: a shift by at most one pixel
  const Tensor x = nabla::reshape(nabla::arange(1.0, 10.0), {1, 1, 3, 3});
  const Tensor batch = nabla::cat(std::vector<Tensor>(64, x), 0);
  nabla::Generator gen(2);
  std::set<std::vector<double>> seen;
  const Tensor y = tf::random_crop(3, 1)(batch, gen);
  EXPECT_EQ(y.shape(), (nabla::Shape{64, 1, 3, 3}));
  for (std::int64_t k = 0; k < 64; ++k) seen.insert(nabla::select(y, 0, k).to_vector());
  EXPECT_EQ(seen.size(), 9u);  // all nine shifts occur in 64 draws
  // the shift down-right by one (window at the padded image's top-left) with each fill
  const std::map<tf::Fill, std::vector<double>> want = {
      {tf::Fill::constant, {0, 0, 0, 0, 1, 2, 0, 4, 5}},
      {tf::Fill::replicate, {1, 1, 2, 1, 1, 2, 4, 4, 5}},
      {tf::Fill::reflect, {5, 4, 5, 2, 1, 2, 5, 4, 5}}};
  for (const auto& [fill, values] : want) {
    const Tensor z = tf::random_crop(3, 1, fill)(batch, gen);
    bool found = false;
    for (std::int64_t k = 0; k < 64; ++k) found |= nabla::select(z, 0, k).to_vector() == values;
    EXPECT_TRUE(found) << "fill " << static_cast<int>(fill);
  }
  EXPECT_THAT(message_of([&] { (void)tf::random_crop(6, 1)(batch, gen); }),
              HasSubstr("a (6, 6) window does not fit an image of (3, 3) padded by (1, 1)"));
  EXPECT_THAT(message_of([&] { (void)tf::random_crop(2)(nabla::zeros({4, 4}), gen); }),
              HasSubstr("expects a batch of images [N, C, H, W] or [N, H, W], got shape [4, 4]"));
}

TEST(DataPipeline, HorizontalFlipMirrorsSomeImages) {
  const Tensor x = nabla::reshape(nabla::arange(3.0), {1, 1, 3});
  const Tensor batch = nabla::cat(std::vector<Tensor>(100, x), 0);
  nabla::Generator gen(4);
  const Tensor y = tf::random_horizontal_flip(0.5)(batch, gen);
  int flipped = 0;
  for (std::int64_t k = 0; k < 100; ++k) {
    const auto v = nabla::select(y, 0, k).to_vector();
    EXPECT_TRUE(v == (std::vector<double>{0, 1, 2}) || v == (std::vector<double>{2, 1, 0}));
    flipped += v[0] == 2;
  }
  EXPECT_GT(flipped, 30);
  EXPECT_LT(flipped, 70);
  EXPECT_EQ(tf::random_horizontal_flip(0.0)(batch, gen).to_vector(), batch.to_vector());
}

TEST(DataPipeline, TransformsAreTheSameWithAndWithoutPrefetching) {
  auto ds = std::make_shared<data::TensorDataset>(nabla::rand({50, 1, 6, 6}),
                                                  nabla::arange(50.0));
  auto pipeline = [] {
    return tf::compose({tf::random_crop(6, 2, tf::Fill::replicate),
                        tf::random_horizontal_flip(), tf::random_noise(0.1)});
  };
  data::DataLoader a(ds, {.batch_size = 8, .shuffle = true, .seed = 9, .transform = pipeline(),
                          .prefetch = true});
  data::DataLoader b(ds, {.batch_size = 8, .shuffle = true, .seed = 9, .transform = pipeline(),
                          .prefetch = false});
  for (int epoch = 0; epoch < 2; ++epoch) {
    std::vector<std::vector<double>> va, vb;
    for (const data::Batch& x : a) va.push_back(x.inputs.to_vector());
    for (const data::Batch& x : b) vb.push_back(x.inputs.to_vector());
    EXPECT_EQ(va, vb);
    EXPECT_EQ(va.size(), 7u);
  }
}

TEST(DataPipeline, PrefetchingMakesTheNextBatchInTheBackground) {
  auto ds = std::make_shared<Squares>(6);
  data::DataLoader loader(ds, {.batch_size = 2});
  auto it = loader.begin();
  (void)*it;  // batch 0, and batch 1 starts on another thread
  for (int wait = 0; wait < 2000 && ds->calls.load() < 4; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(ds->calls.load(), 4);  // batch 1 was made before anyone asked for it
  ++it;
  EXPECT_EQ(it->targets.to_vector(), (std::vector<double>{2, 0}));
}

TEST(DataPipeline, AnExceptionInTheBackgroundReachesTheLoop) {
  auto ds = std::make_shared<data::TensorDataset>(nabla::zeros({6, 2}), nabla::arange(6.0));
  int calls = 0;
  data::Transform fails_second = [&calls](const Tensor& x, nabla::Generator&) {
    if (++calls == 2) throw std::runtime_error("bad batch");
    return x;
  };
  data::DataLoader loader(ds, {.batch_size = 2, .transform = fails_second});
  EXPECT_THAT(message_of([&] {
                for (const data::Batch& b : loader) (void)b;
              }),
              HasSubstr("bad batch"));
}
