// The IDX and CSV readers on files the tests write themselves, and the data helpers

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <thread>

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

std::vector<unsigned char> read_file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
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
    EXPECT_EQ(t.dtype(), nabla::u8);  // the file's own element type
    EXPECT_EQ(t.to_vector(), (std::vector<double>{0, 1, 2, 253, 254, 255})) << name;
    // converted by the user, as the examples do
    EXPECT_EQ((t.to(nabla::f32) / 255).dtype(), nabla::f32);
    EXPECT_EQ(t.to(nabla::i64).to_vector(), t.to_vector());
  }
}

TEST(Idx, ReadsEveryElementTypeBigEndian) {
  // Header 00 00 <type> 01, one extent of 2, then two big-endian values per type:
  // 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64. Each keeps its own
  // dtype; int8 and int16, which nabla has no dtype for, widen to int32.
  struct Case {
    unsigned char type;
    std::vector<unsigned char> payload;
    std::vector<double> expected;
    nabla::Dtype dtype;
  };
  const std::vector<Case> cases{
      {0x09, {0xFF, 0x05}, {-1, 5}, nabla::i32},
      {0x0B, {0xFF, 0xFE, 0x01, 0x00}, {-2, 256}, nabla::i32},
      {0x0C, {0xFF, 0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x00, 0x00}, {-3, 65536}, nabla::i32},
      {0x0D, {0x3F, 0xC0, 0x00, 0x00, 0xC1, 0x20, 0x00, 0x00}, {1.5, -10}, nabla::f32},
      {0x0E,
       {0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18, 0, 0, 0, 0, 0, 0, 0, 0},
       {3.141592653589793, 0},  // exact: no longer rounded to float32
       nabla::f64},
  };
  for (const Case& c : cases) {
    std::vector<unsigned char> bytes{0, 0, c.type, 1, 0, 0, 0, 2};
    bytes.insert(bytes.end(), c.payload.begin(), c.payload.end());
    write_plain(temp_path("typed.idx"), bytes);
    const Tensor t = data::read_idx(temp_path("typed.idx"));
    EXPECT_EQ(t.shape(), (nabla::Shape{2})) << int(c.type);
    EXPECT_EQ(t.dtype(), c.dtype) << "type 0x" << std::hex << int(c.type);
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

// ---- IDX: what the header declares against what the file holds --------------------------

// Caps the process's address space at 1 GiB above what it maps now, for the scope: a reader
// that allocated what a corrupt header declares (4 GiB) gets std::bad_alloc instead.
class AddressSpaceCap {
 public:
  AddressSpaceCap() {
    std::ifstream statm("/proc/self/statm");
    std::uint64_t pages = 0;
    statm >> pages;
    getrlimit(RLIMIT_AS, &old_);
    rlimit cap = old_;
    cap.rlim_cur = pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE)) + (1ull << 30);
    active_ = pages > 0 && (old_.rlim_max == RLIM_INFINITY || cap.rlim_cur < old_.rlim_max) &&
              setrlimit(RLIMIT_AS, &cap) == 0;
  }
  ~AddressSpaceCap() {
    if (active_) setrlimit(RLIMIT_AS, &old_);
  }
  AddressSpaceCap(const AddressSpaceCap&) = delete;
  AddressSpaceCap& operator=(const AddressSpaceCap&) = delete;

 private:
  rlimit old_{};
  bool active_ = false;
};

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;  // the sanitizers reserve terabytes of address space
#else
constexpr bool kSanitized = false;
#endif

TEST(Idx, DeclaredShapeIsCheckedAgainstTheFileBeforeAllocating) {
  // 16 bytes declaring [65536, 65536]: 4 GiB of data, of which 4 bytes are present.
  const auto bytes = idx_bytes({65536, 65536}, {1, 2, 3, 4});
  write_plain(temp_path("huge.idx"), bytes);
  write_gz(temp_path("huge.idx.gz"), bytes);
  std::string plain, gz;
  {
    std::optional<AddressSpaceCap> cap;
    if (!kSanitized) cap.emplace();
    plain = message_of([] { (void)data::read_idx(temp_path("huge.idx")); });
    gz = message_of([] { (void)data::read_idx(temp_path("huge.idx.gz")); });
  }
  EXPECT_THAT(plain, HasSubstr("nabla::data::read_idx: '" + temp_path("huge.idx") +
                               "' is truncated: its header declares shape [65536, 65536] of "
                               "1-byte values, so expected 4294967296 bytes of data after the "
                               "12-byte header, found 4"));
  const auto gz_size = std::filesystem::file_size(temp_path("huge.idx.gz"));
  EXPECT_THAT(gz, HasSubstr("nabla::data::read_idx: '" + temp_path("huge.idx.gz") +
                            "' cannot hold what its header declares: shape [65536, 65536] of "
                            "1-byte values makes 4294967308 bytes uncompressed, more than a gzip "
                            "file of " +
                            std::to_string(gz_size) +
                            " bytes can hold (deflate expands at most "
                            "1032:1)"));
  // The header alone, whose size agrees with the declared one mod 2^32 (ISIZE = 12).
  write_gz(temp_path("wraps.idx.gz"), idx_bytes({65536, 65536}, {}));
  {
    std::optional<AddressSpaceCap> cap;
    if (!kSanitized) cap.emplace();
    EXPECT_THAT(message_of([] { (void)data::read_idx(temp_path("wraps.idx.gz")); }),
                HasSubstr("more than a gzip file of"));
  }
}

TEST(Idx, TrailerSizeOfAGzipFileMustAgree) {
  // A valid stream with a forged ISIZE that agrees with the header: zlib's own length
  // check still rejects it once the data ends.
  auto bytes = idx_bytes({2, 3}, {1, 2, 3, 4});
  write_gz(temp_path("forged.idx.gz"), bytes);
  auto gz = read_file_bytes(temp_path("forged.idx.gz"));
  gz[gz.size() - 4] = 18;  // 12 + 6 bytes, as the header declares
  write_plain(temp_path("forged.idx.gz"), gz);
  EXPECT_THAT(message_of([] { (void)data::read_idx(temp_path("forged.idx.gz")); }),
              HasSubstr("nabla::data::read_idx: '" + temp_path("forged.idx.gz") +
                        "' is corrupt: zlib reports \"incorrect length check\""));
  // A two-member gzip file: the last member's ISIZE is not the total.
  write_gz(temp_path("a.gz"), idx_bytes({2, 3}, {1, 2, 3}));
  write_gz(temp_path("b.gz"), {4, 5, 6});
  std::vector<unsigned char> two = read_file_bytes(temp_path("a.gz"));
  const auto b = read_file_bytes(temp_path("b.gz"));
  two.insert(two.end(), b.begin(), b.end());
  write_plain(temp_path("two.idx.gz"), two);
  EXPECT_THAT(message_of([] { (void)data::read_idx(temp_path("two.idx.gz")); }),
              HasSubstr("but the gzip trailer gives 3 mod 2^32 (a single gzip member is "
                        "expected)"));
}

TEST(Idx, CorruptGzipChecksumIsRejected) {
  write_gz(temp_path("crc.idx.gz"), idx_bytes({2, 3}, {1, 2, 3, 4, 5, 6}));
  auto gz = read_file_bytes(temp_path("crc.idx.gz"));
  gz[gz.size() - 8] ^= 0xFF;  // the CRC-32 before ISIZE
  write_plain(temp_path("crc.idx.gz"), gz);
  EXPECT_THAT(message_of([] { (void)data::read_idx(temp_path("crc.idx.gz")); }),
              HasSubstr("nabla::data::read_idx: '" + temp_path("crc.idx.gz") +
                        "' is corrupt: zlib reports \"incorrect data check\""));
}

TEST(Idx, TrailingBytesAreRejected) {
  const auto bytes = idx_bytes({2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  write_plain(temp_path("long.idx"), bytes);
  write_gz(temp_path("long.idx.gz"), bytes);
  for (const char* name : {"long.idx", "long.idx.gz"}) {
    SCOPED_TRACE(name);
    EXPECT_THAT(message_of([&] { (void)data::read_idx(temp_path(name)); }),
                HasSubstr("nabla::data::read_idx: '" + temp_path(name) +
                          "' has 3 bytes after the data: its header declares shape [2, 3] of "
                          "1-byte values, so expected 6 bytes of data after the 12-byte header, "
                          "found 9"));
  }
}

TEST(Idx, ShapesWhoseExtentsOverflowAreRejected) {
  // Three extents of 2^32 - 1; and, beside a zero, two (whose strides would overflow).
  for (const auto& dims : {std::vector<std::uint32_t>{0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF},
                           std::vector<std::uint32_t>{0, 0xFFFFFFFF, 0xFFFFFFFF}}) {
    write_plain(temp_path("overflow.idx"), idx_bytes(dims, {}));
    EXPECT_THAT(message_of([] { (void)data::read_idx(temp_path("overflow.idx")); }),
                HasSubstr("whose extents multiply past 2^63 - 1"));
  }
  write_plain(temp_path("zero.idx"), idx_bytes({0, 5}, {}));  // empty is fine
  EXPECT_EQ(data::read_idx(temp_path("zero.idx")).shape(), (nabla::Shape{0, 5}));
}

TEST(Idx, DirectoriesAreNotRead) {
  const std::string dir = temp_path("idx_dir");
  std::filesystem::create_directories(dir);
  EXPECT_THAT(message_of([&] { (void)data::read_idx(dir); }),
              HasSubstr("nabla::data::read_idx: '" + dir + "' is a directory"));
  EXPECT_THAT(message_of([] { (void)data::read_idx("/dev/null"); }),
              HasSubstr("'/dev/null' is a character device"));
}

// ---- CSV: files and numbers ------------------------------------------------------------

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

TEST(Csv, DirectoriesAndDevicesAreNotRead) {
  const std::string dir = temp_path("csv_dir");
  std::filesystem::create_directories(dir);
  EXPECT_THAT(message_of([&] { (void)data::read_csv(dir); }),
              HasSubstr("nabla::data::read_csv: '" + dir + "' is a directory"));
  EXPECT_THAT(message_of([] { (void)data::read_csv("/dev/null"); }),
              HasSubstr("'/dev/null' is a character device"));
}

TEST(Csv, ReadsFromAPipe) {
  const std::string fifo = temp_path("table.fifo");
  std::filesystem::remove(fifo);
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { write_text(fifo, "a,b\n1,2\n3,4\n"); });
  const Tensor t = data::read_csv(fifo);
  writer.join();
  EXPECT_EQ(t.to_vector(), (std::vector<double>{1, 2, 3, 4}));
}

TEST(Csv, NumbersWithPlusTinyAndSpecialValues) {
  write_text(temp_path("numbers.csv"),
             "+1,1e-50,-1e-50,1e-40,1e-400\n"
             "inf,-inf,+inf,nan,Infinity\n"
             "3.4028235e38,-3.4028235e38,0.5,1e-99999999999999999999,.25\n");
  const Tensor t = data::read_csv(temp_path("numbers.csv"), false);
  ASSERT_EQ(t.shape(), (nabla::Shape{3, 5}));
  const std::vector<double> v = t.to_vector();
  EXPECT_EQ(v[0], 1.0);
  EXPECT_EQ(v[1], 0.0);
  EXPECT_EQ(v[2], 0.0);
  EXPECT_TRUE(std::signbit(v[2]));  // -1e-50 rounds to -0, as in numpy
  EXPECT_EQ(v[3], static_cast<double>(1e-40f));
  EXPECT_GT(v[3], 0.0);  // a subnormal, not flushed
  EXPECT_EQ(v[4], 0.0);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(v[5], inf);
  EXPECT_EQ(v[6], -inf);
  EXPECT_EQ(v[7], inf);
  EXPECT_TRUE(std::isnan(v[8]));
  EXPECT_EQ(v[9], inf);
  EXPECT_EQ(v[10], static_cast<double>(std::numeric_limits<float>::max()));
  EXPECT_EQ(v[11], -static_cast<double>(std::numeric_limits<float>::max()));
  EXPECT_EQ(v[13], 0.0);
  EXPECT_EQ(v[14], 0.25);
}

TEST(Csv, ValuesBeyondFloat32AreErrorsNamingLineColumnAndText) {
  for (const std::string& cell :
       std::vector<std::string>{"1e39", "-1e39", "1e999", "3.5e38", "1e99999999999999999999",
                                "1" + std::string(400, '0')}) {
    SCOPED_TRACE(cell);
    write_text(temp_path("big.csv"), "x,y\n1,2\n3," + cell + "\n");
    EXPECT_THAT(
        message_of([] { (void)data::read_csv(temp_path("big.csv")); }),
        HasSubstr("nabla::data::read_csv: '" + temp_path("big.csv") + "' line 3 column 2: '" +
                  (cell.size() > 40 ? cell.substr(0, 37) + "..." : cell) +
                  "' is outside float32's range (finite values up to ±3.4028235e+38)"));
  }
  // Tiny magnitudes, however written, are 0.
  write_text(temp_path("tiny.csv"), "0." + std::string(400, '0') + "1,1e-400\n");
  EXPECT_EQ(data::read_csv(temp_path("tiny.csv"), false).to_vector(), (std::vector<double>{0, 0}));
}

TEST(Csv, NonNumbersStillNameTheCell) {
  for (const std::string cell : {"+", "+-1", "++1", "1e", "0x10", "1,5", ""}) {
    SCOPED_TRACE(cell);
    write_text(temp_path("text.csv"), "1,2\n3," + cell + "\n");
    const std::string m = message_of([] { (void)data::read_csv(temp_path("text.csv"), false); });
    if (cell == "1,5") {
      EXPECT_THAT(m, HasSubstr("line 2: expected 2 columns, found 3"));
    } else {
      EXPECT_THAT(m, HasSubstr("'" + temp_path("text.csv") +
                               "' line 2 column 2: expected a number, found '" + cell + "'"));
    }
  }
  write_text(temp_path("long.csv"), std::string(100, 'z') + "\n");
  EXPECT_THAT(message_of([] { (void)data::read_csv(temp_path("long.csv"), false); }),
              HasSubstr("found '" + std::string(37, 'z') + "...'"));
}

TEST(Csv, TheHeaderIsTheFirstLineThatIsNotEmpty) {
  write_text(temp_path("blank_first.csv"), "\n\nx,y\n1,2\n");
  std::vector<std::string> names;
  const Tensor t = data::read_csv(temp_path("blank_first.csv"), true, &names);
  EXPECT_EQ(names, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(t.to_vector(), (std::vector<double>{1, 2}));
}
