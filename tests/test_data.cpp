// Datasets, loaders, and the IDX and CSV readers on files the tests write themselves.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include <nabla/data.hpp>
#include <nabla/nabla.hpp>

using nabla::Tensor;
using ::testing::HasSubstr;
namespace data = nabla::data;

namespace {

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "/" + name;
}

// An IDX file of unsigned bytes: magic 00 00 08 rank, big-endian extents, then the values.
std::vector<unsigned char> idx_bytes(const std::vector<std::uint32_t>& dims,
                                     const std::vector<unsigned char>& values) {
  std::vector<unsigned char> out{0, 0, 0x08, static_cast<unsigned char>(dims.size())};
  for (std::uint32_t d : dims) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<unsigned char>(d >> s));
  }
  out.insert(out.end(), values.begin(), values.end());
  return out;
}

void write_plain(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void write_gz(const std::string& path, const std::vector<unsigned char>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  gzclose(f);
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace

TEST(Idx, ReadsPlainAndGzippedFiles) {
  const auto bytes = idx_bytes({2, 3}, {0, 1, 2, 253, 254, 255});
  write_plain(temp_path("plain.idx"), bytes);
  write_gz(temp_path("packed.idx.gz"), bytes);
  for (const char* name : {"plain.idx", "packed.idx.gz"}) {
    Tensor t = data::read_idx(temp_path(name));
    EXPECT_EQ(t.shape(), (nabla::Shape{2, 3})) << name;
    EXPECT_EQ(t.dtype(), nabla::f32);
    EXPECT_EQ(t.to_vector(), (std::vector<double>{0, 1, 2, 253, 254, 255})) << name;
  }
}

TEST(Idx, ReadsEveryElementTypeBigEndian) {
  // Header 00 00 <type> 01, one extent of 2, then two big-endian values per type:
  // 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
  struct Case {
    unsigned char type;
    std::vector<unsigned char> payload;
    std::vector<double> expected;
  };
  const std::vector<Case> cases{
      {0x09, {0xFF, 0x05}, {-1, 5}},
      {0x0B, {0xFF, 0xFE, 0x01, 0x00}, {-2, 256}},
      {0x0C, {0xFF, 0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x00, 0x00}, {-3, 65536}},
      {0x0D, {0x3F, 0xC0, 0x00, 0x00, 0xC1, 0x20, 0x00, 0x00}, {1.5, -10}},
      {0x0E,
       {0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18, 0, 0, 0, 0, 0, 0, 0, 0},
       {static_cast<float>(3.141592653589793), 0}},
  };
  for (const Case& c : cases) {
    std::vector<unsigned char> bytes{0, 0, c.type, 1, 0, 0, 0, 2};
    bytes.insert(bytes.end(), c.payload.begin(), c.payload.end());
    write_plain(temp_path("typed.idx"), bytes);
    const Tensor t = data::read_idx(temp_path("typed.idx"));
    EXPECT_EQ(t.shape(), (nabla::Shape{2})) << int(c.type);
    EXPECT_EQ(t.to_vector(), c.expected) << "type 0x" << std::hex << int(c.type);
  }
}

TEST(Idx, TruncatedFileSaysWhatWasExpected) {
  auto bytes = idx_bytes({2, 3}, {1, 2, 3, 4, 5, 6});
  bytes.resize(bytes.size() - 2);
  write_gz(temp_path("short.idx.gz"), bytes);
  const std::string m = message_of([] { (void)data::read_idx(temp_path("short.idx.gz")); });
  EXPECT_THAT(m, HasSubstr("truncated"));
  EXPECT_THAT(m, HasSubstr("expected 6 bytes"));
  EXPECT_THAT(m, HasSubstr("found 4"));
  EXPECT_THAT(m, HasSubstr("short.idx.gz"));
}

TEST(Idx, BadMagicAndUnknownTypeAreRejected) {
  write_plain(temp_path("text.idx"), {'h', 'e', 'l', 'l', 'o', '!', '!', '!'});
  EXPECT_THAT(message_of([] { (void)data::read_idx(temp_path("text.idx")); }),
              HasSubstr("not an IDX file"));
  write_plain(temp_path("type.idx"), {0, 0, 0x42, 1, 0, 0, 0, 1, 7});
  EXPECT_THAT(message_of([] { (void)data::read_idx(temp_path("type.idx")); }),
              HasSubstr("unknown IDX element type 0x42"));
  write_plain(temp_path("empty.idx"), {});
  EXPECT_THAT(message_of([] { (void)data::read_idx(temp_path("empty.idx")); }),
              HasSubstr("truncated"));
}

TEST(Idx, MissingFashionMnistNamesThePackage) {
  const std::string m = message_of(
      [] { (void)data::read_idx("/nonexistent/fashion-mnist/train-images-idx3-ubyte.gz"); });
  EXPECT_THAT(m, HasSubstr("/nonexistent/fashion-mnist/train-images-idx3-ubyte.gz"));
  EXPECT_THAT(m, HasSubstr("apt-get install dataset-fashion-mnist"));
}

TEST(Idx, RealFashionMnistLabelsWhenInstalled) {
  const std::string path = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  Tensor labels = data::read_idx(path);
  ASSERT_EQ(labels.shape(), (nabla::Shape{10000}));
  std::vector<int> counts(10, 0);
  for (double v : labels.to_vector()) ++counts.at(static_cast<std::size_t>(v));
  for (int c : counts) EXPECT_EQ(c, 1000);  // the test set is balanced
}

TEST(Csv, ReadsAHeaderAndNumbers) {
  {
    std::ofstream f(temp_path("t.csv"));
    f << "x,y\n1.5,2\n-3,4e-1\r\n\n5, 6\n";
  }
  std::vector<std::string> names;
  Tensor t = data::read_csv(temp_path("t.csv"), true, &names);
  EXPECT_EQ(names, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(t.shape(), (nabla::Shape{3, 2}));
  EXPECT_NEAR(t.to_vector()[3], 0.4, 1e-7);
  EXPECT_EQ(t.to_vector()[4], 5.0);
}

TEST(Csv, BadCellAndRaggedRowNameLineAndColumn) {
  {
    std::ofstream f(temp_path("bad.csv"));
    f << "a,b\n1,2\n3,abc\n";
  }
  EXPECT_THAT(message_of([] { (void)data::read_csv(temp_path("bad.csv")); }),
              HasSubstr("line 3 column 2: expected a number, found 'abc'"));
  {
    std::ofstream f(temp_path("ragged.csv"));
    f << "1,2\n3\n";
  }
  EXPECT_THAT(message_of([] { (void)data::read_csv(temp_path("ragged.csv"), false); }),
              HasSubstr("line 2: expected 2 columns, found 1"));
  EXPECT_THAT(message_of([] { (void)data::read_csv(temp_path("none.csv")); }),
              HasSubstr("cannot open"));
}

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

TEST(DataHelpers, OneHotAndScaling) {
  Tensor oh = data::one_hot(nabla::tensor({2.0, 0.0}), 3);
  EXPECT_EQ(oh.to_vector(), (std::vector<double>{0, 0, 1, 1, 0, 0}));
  EXPECT_THAT(message_of([] {
                (void)data::one_hot(nabla::tensor({1.0, 3.0}), 3);
              }),
              HasSubstr("label 3 at position 1 is not a class index in [0, 3)"));
  const auto scaled = data::scale_to_unit(nabla::tensor({0.0, 51.0, 255.0}), 0, 255).to_vector();
  EXPECT_NEAR(scaled[0], 0.0, 1e-7);
  EXPECT_NEAR(scaled[1], 0.2, 1e-7);
  EXPECT_NEAR(scaled[2], 1.0, 1e-7);
  Tensor s = data::standardize(nabla::tensor({{1.0, 5.0}, {3.0, 5.0}}, nabla::f64));
  EXPECT_EQ(s.to_vector(), (std::vector<double>{-1.0, 0.0, 1.0, 0.0}));
}
