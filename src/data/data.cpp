// Datasets, mini-batches, and the IDX and CSV readers. Uses the public Tensor and op API
// only (layer 6 of DESIGN.md); zlib reads gzipped and plain files alike.

#include "nabla/data.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "nabla/ops.hpp"

namespace nabla::data {

// ---- datasets and loaders ----------------------------------------------------------------

TensorDataset::TensorDataset(Tensor inputs, Tensor targets)
    : inputs_(std::move(inputs)), targets_(std::move(targets)) {
  if (!inputs_.defined() || !targets_.defined() || inputs_.dim() < 1 || targets_.dim() < 1) {
    const auto shape_of = [](const Tensor& t) {
      return t.defined() ? shape_str(t.shape()) : std::string("undefined");
    };
    throw std::invalid_argument(fmt::format(
        "nabla::data::TensorDataset: inputs and targets need a first axis, got inputs {} and "
        "targets {}",
        shape_of(inputs_), shape_of(targets_)));
  }
  if (inputs_.size(0) != targets_.size(0)) {
    throw std::invalid_argument(
        fmt::format("nabla::data::TensorDataset: {} inputs (shape {}) but {} targets (shape {})",
                    inputs_.size(0), shape_str(inputs_.shape()), targets_.size(0),
                    shape_str(targets_.shape())));
  }
  size_ = inputs_.size(0);
}

namespace {
// Rows `idx` of t (along the first axis), copied into a new tensor.
Tensor gather_rows(const Tensor& t, const std::int64_t* idx, std::int64_t n) {
  Shape shape = t.shape();
  shape[0] = n;
  Tensor out = empty(shape, t.dtype());
  const std::int64_t row = t.numel() / std::max<std::int64_t>(t.size(0), 1);
  auto copy = [&](auto tag) {
    using T = decltype(tag);
    const T* src = t.data<T>();
    T* dst = out.mutable_data<T>();
    for (std::int64_t i = 0; i < n; ++i) std::copy_n(src + idx[i] * row, row, dst + i * row);
  };
  if (t.dtype() == f32) {
    copy(float{});
  } else {
    copy(double{});
  }
  return out;
}
}  // namespace

TensorDataset TensorDataset::head(std::int64_t n) const {
  n = std::clamp<std::int64_t>(n, 0, size_);
  std::vector<std::int64_t> idx(static_cast<std::size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  return {gather_rows(inputs_, idx.data(), n), gather_rows(targets_, idx.data(), n)};
}

DataLoader::DataLoader(TensorDataset dataset, DataLoaderOptions options)
    : dataset_(std::move(dataset)), options_(options) {
  if (options_.batch_size < 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::DataLoader: batch_size must be at least 1, got {}", options_.batch_size));
  }
  order_.resize(static_cast<std::size_t>(dataset_.size()));
  std::iota(order_.begin(), order_.end(), 0);
}

std::int64_t DataLoader::size() const noexcept {
  const std::int64_t n = dataset_.size(), b = options_.batch_size;
  return options_.drop_last ? n / b : n / b + (n % b != 0);
}

DataLoader::iterator DataLoader::begin() {
  if (options_.shuffle) {
    // Fisher–Yates with nabla's generator: the same seed gives the same orders everywhere.
    Generator gen(options_.seed + 0x9E3779B97F4A7C15ull * ++epoch_);
    std::iota(order_.begin(), order_.end(), 0);
    for (std::size_t i = order_.size(); i > 1; --i) {
      std::swap(order_[i - 1], order_[static_cast<std::size_t>(gen.integer(i))]);
    }
  }
  return iterator(this, 0);
}

Batch DataLoader::batch(std::int64_t i) const {
  if (i < 0 || i >= size()) {
    throw std::out_of_range(
        fmt::format("nabla::data::DataLoader: batch {} of {} does not exist", i, size()));
  }
  const std::int64_t start = i * options_.batch_size;
  const std::int64_t n = std::min(options_.batch_size, dataset_.size() - start);
  const std::int64_t* idx = order_.data() + start;
  return {gather_rows(dataset_.inputs(), idx, n), gather_rows(dataset_.targets(), idx, n)};
}

const Batch& DataLoader::iterator::operator*() const {
  if (!current_ || current_index_ != i_) {
    current_ = loader_->batch(i_);
    current_index_ = i_;
  }
  return *current_;
}

// ---- IDX -------------------------------------------------------------------------------

namespace {

constexpr const char* kIdx = "nabla::data::read_idx";
// Deflate expands at most 1032:1 (RFC 1951: a 258-byte match costs at least 2 bits), so a
// gzip file of C bytes uncompresses to fewer than 1032·C bytes.
constexpr std::uint64_t kMaxDeflateRatio = 1032;
// The values are read and decoded a chunk at a time, straight into the result.
constexpr std::size_t kIdxChunk = std::size_t{1} << 20;  // a multiple of every element size

struct GzFile {
  gzFile f = nullptr;
  ~GzFile() {
    if (f != nullptr) gzclose(f);
  }
};

// A file descriptor that closes itself unless released.
struct OwnedFd {
  int fd = -1;
  explicit OwnedFd(int f) : fd(f) {}
  OwnedFd(OwnedFd&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  OwnedFd& operator=(OwnedFd&&) = delete;
  ~OwnedFd() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

std::string missing_hint(const std::string& path) {
  if (path.find("fashion-mnist") != std::string::npos) {
    return " (Fashion-MNIST comes from the Debian package dataset-fashion-mnist: "
           "apt-get install dataset-fashion-mnist)";
  }
  return "";
}

// Opens `path` for reading and checks its kind: a directory is named as such, and any other
// kind that `allowed` rejects is named by what it is. Returns the open descriptor and its
// status.
std::pair<OwnedFd, struct stat> open_input(const char* fn, const std::string& path,
                                           const std::string& hint, bool (*allowed)(mode_t),
                                           const char* wanted) {
  OwnedFd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0) {
    const int err = errno;
    throw std::runtime_error(
        fmt::format("{}: cannot open '{}': {}{}", fn, path, std::strerror(err), hint));
  }
  struct stat st {};
  if (::fstat(fd.fd, &st) != 0) {
    const int err = errno;
    throw std::runtime_error(
        fmt::format("{}: cannot read the status of '{}': {}", fn, path, std::strerror(err)));
  }
  if (S_ISDIR(st.st_mode)) {
    throw std::runtime_error(fmt::format("{}: '{}' is a directory, not a file", fn, path));
  }
  if (!allowed(st.st_mode)) {
    const char* kind = S_ISCHR(st.st_mode)    ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISFIFO(st.st_mode) ? "a pipe"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "not a regular file";
    throw std::runtime_error(fmt::format("{}: '{}' is {}; it reads {}", fn, path, kind, wanted));
  }
  return {std::move(fd), st};
}

// Reads up to n bytes, fewer only at the end of the data; throws on a read error.
std::size_t read_some(GzFile& g, const std::string& path, void* buf, std::size_t n,
                      const std::string& what) {
  std::size_t got = 0;
  while (got < n) {
    const auto chunk = static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 30));
    const int r = gzread(g.f, static_cast<char*>(buf) + got, chunk);
    if (r < 0) {
      int code = 0;
      std::string message = gzerror(g.f, &code);
      if (code == Z_ERRNO) {
        throw std::runtime_error(
            fmt::format("{}: cannot read '{}': {}", kIdx, path, std::strerror(errno)));
      }
      // zlib prefixes its message with a name for the descriptor ("<fd:3>: ").
      if (message.starts_with("<fd:"))
        message.erase(0, std::min(message.find(": ") + 2, message.size()));
      throw std::runtime_error(
          fmt::format("{}: '{}' is corrupt: zlib reports \"{}\" (while reading {})", kIdx, path,
                      message, what));
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return got;
}

// Reads exactly n bytes or throws, naming what was being read.
void read_exact(GzFile& g, const std::string& path, void* buf, std::size_t n, const char* what) {
  const std::size_t got = read_some(g, path, buf, n, what);
  if (got < n) {
    throw std::runtime_error(fmt::format("{}: '{}' is truncated: expected {} bytes of {}, found {}",
                                         kIdx, path, n, what, got));
  }
}

// The size of an IDX file's data against what its header declares.
[[noreturn]] void idx_size_mismatch(const std::string& path, const Shape& shape, std::size_t elem,
                                    std::uint64_t header_bytes, std::uint64_t expected,
                                    std::uint64_t found, const char* how_found) {
  const std::string declared = fmt::format(
      "its header declares shape {} of {}-byte values, so expected {} bytes of data after the "
      "{}-byte header, found {}{}",
      shape_str(shape), elem, expected, header_bytes, found, how_found);
  if (found < expected) {
    throw std::runtime_error(fmt::format("{}: '{}' is truncated: {}", kIdx, path, declared));
  }
  throw std::runtime_error(fmt::format("{}: '{}' has {} bytes after the data: {}", kIdx, path,
                                       found - expected, declared));
}

// n big-endian values of IDX element type `type` from `raw` as floats.
void decode_idx(int type, const unsigned char* raw, std::size_t n, float* values) {
  if (type == 0x08) {  // unsigned bytes, as every MNIST-like file: a plain widening loop
    for (std::size_t i = 0; i < n; ++i) values[i] = static_cast<float>(raw[i]);
    return;
  }
  const std::size_t elem = type == 0x09 ? 1 : type == 0x0B ? 2 : type == 0x0E ? 8 : 4;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char* p = raw + i * elem;
    std::uint64_t bits = 0;
    for (std::size_t k = 0; k < elem; ++k) bits = (bits << 8) | p[k];  // big-endian
    switch (type) {
      case 0x09:
        values[i] = static_cast<float>(static_cast<std::int8_t>(p[0]));
        break;
      case 0x0B:
        values[i] = static_cast<float>(static_cast<std::int16_t>(bits));
        break;
      case 0x0C:
        values[i] = static_cast<float>(static_cast<std::int32_t>(bits));
        break;
      case 0x0D: {
        const auto b32 = static_cast<std::uint32_t>(bits);
        float f;
        std::memcpy(&f, &b32, 4);
        values[i] = f;
        break;
      }
      default: {
        double d;
        std::memcpy(&d, &bits, 8);
        values[i] = static_cast<float>(d);
      }
    }
  }
}

}  // namespace

Tensor read_idx(const std::string& path) {
  auto [fd, st] = open_input(
      kIdx, path, missing_hint(path), [](mode_t m) -> bool { return S_ISREG(m); },
      "regular files only");
  const auto file_size = static_cast<std::uint64_t>(st.st_size);

  // A gzip file starts with 1f 8b and ends with ISIZE, its uncompressed size mod 2^32
  // (little-endian); a plain IDX file starts with 00 00.
  unsigned char head[2] = {0, 0};
  const bool gzipped =
      file_size >= 2 && ::pread(fd.fd, head, 2, 0) == 2 && head[0] == 0x1f && head[1] == 0x8b;
  std::uint32_t isize = 0;
  if (gzipped) {
    unsigned char tail[4];
    if (file_size < 18 || ::pread(fd.fd, tail, 4, static_cast<off_t>(file_size - 4)) != 4) {
      throw std::runtime_error(fmt::format(
          "{}: '{}' is truncated: a gzip file has at least 18 bytes (header and trailer), found {}",
          kIdx, path, file_size));
    }
    isize = std::uint32_t{tail[0]} | (std::uint32_t{tail[1]} << 8) |
            (std::uint32_t{tail[2]} << 16) | (std::uint32_t{tail[3]} << 24);
  }

  GzFile g;
  g.f = gzdopen(fd.fd, "rb");  // zlib reads plain files transparently too
  if (g.f == nullptr) {
    throw std::runtime_error(fmt::format("{}: cannot read '{}': out of memory", kIdx, path));
  }
  (void)fd.release();  // gzclose closes it now

  unsigned char magic[4];
  read_exact(g, path, magic, 4, "the magic number");
  if (magic[0] != 0 || magic[1] != 0) {
    throw std::runtime_error(
        fmt::format("{}: '{}' is not an IDX file: expected magic bytes 00 00, found {:02x} {:02x}",
                    kIdx, path, magic[0], magic[1]));
  }
  const int type = magic[2];
  const int rank = magic[3];
  std::size_t elem = 0;
  switch (type) {
    case 0x08:
    case 0x09:
      elem = 1;
      break;
    case 0x0B:
      elem = 2;
      break;
    case 0x0C:
    case 0x0D:
      elem = 4;
      break;
    case 0x0E:
      elem = 8;
      break;
    default:
      throw std::runtime_error(fmt::format(
          "{}: '{}' has unknown IDX element type 0x{:02x} (expected 08, 09, 0B, 0C, 0D or 0E)",
          kIdx, path, type));
  }
  if (rank < 1) throw std::runtime_error(fmt::format("{}: '{}' declares rank 0", kIdx, path));
  Shape shape;
  unsigned char dims[4 * 255];
  read_exact(g, path, dims, 4 * static_cast<std::size_t>(rank), "the dimensions");
  for (int d = 0; d < rank; ++d) {
    const unsigned char* b = dims + 4 * d;
    shape.push_back((std::int64_t{b[0]} << 24) | (std::int64_t{b[1]} << 16) |
                    (std::int64_t{b[2]} << 8) | b[3]);
  }

  // Everything the header declares is checked against the bytes present before a single
  // value is allocated. The nonzero extents must multiply to an int64 even when another
  // extent is 0: a tensor's strides are their products.
  std::int64_t numel = 1;
  bool has_zero = false;
  for (std::int64_t extent : shape) {
    if (extent == 0) {
      has_zero = true;
    } else if (__builtin_mul_overflow(numel, extent, &numel)) {
      throw std::runtime_error(fmt::format(
          "{}: '{}' declares shape {}, whose extents multiply past 2^63 - 1 (a corrupt header?)",
          kIdx, path, shape_str(shape)));
    }
  }
  if (has_zero) numel = 0;
  const std::uint64_t header_bytes = 4 + 4 * static_cast<std::uint64_t>(rank);
  std::uint64_t payload = 0, total = 0;
  if (__builtin_mul_overflow(static_cast<std::uint64_t>(numel), elem, &payload) ||
      __builtin_add_overflow(payload, header_bytes, &total)) {
    throw std::runtime_error(fmt::format(
        "{}: '{}' declares shape {} of {}-byte values, more than 2^64 bytes (a corrupt header?)",
        kIdx, path, shape_str(shape), elem));
  }
  if (!gzipped) {
    if (total != file_size) {
      idx_size_mismatch(path, shape, elem, header_bytes, payload, file_size - header_bytes, "");
    }
  } else {
    if (total / kMaxDeflateRatio >= file_size) {
      throw std::runtime_error(fmt::format(
          "{}: '{}' cannot hold what its header declares: shape {} of {}-byte values makes {} "
          "bytes uncompressed, more than a gzip file of {} bytes can hold (deflate expands at "
          "most {}:1)",
          kIdx, path, shape_str(shape), elem, total, file_size, kMaxDeflateRatio));
    }
    if (static_cast<std::uint32_t>(total) != isize) {
      // Below 4 GiB uncompressed, ISIZE is the size itself.
      if (file_size < (std::uint64_t{1} << 32) / kMaxDeflateRatio && isize >= header_bytes) {
        idx_size_mismatch(path, shape, elem, header_bytes, payload, isize - header_bytes,
                          " (by the size in the gzip trailer)");
      }
      throw std::runtime_error(fmt::format(
          "{}: '{}' does not hold what its header declares: shape {} of {}-byte values makes {} "
          "bytes uncompressed ({} mod 2^32), but the gzip trailer gives {} mod 2^32 (a single "
          "gzip member is expected)",
          kIdx, path, shape_str(shape), elem, total, static_cast<std::uint32_t>(total), isize));
    }
  }

  // Decoded straight into the result's storage, a chunk at a time: no copy of all the values.
  Tensor out = empty(shape, f32);
  float* values = numel > 0 ? out.mutable_data<float>() : nullptr;
  const auto n = static_cast<std::size_t>(numel);
  std::vector<unsigned char> raw(
      std::min<std::size_t>(static_cast<std::size_t>(payload), kIdxChunk));
  const std::string what = fmt::format("the data for shape {}", shape_str(shape));
  for (std::size_t done = 0; done < n;) {
    const std::size_t count = std::min(n - done, raw.size() / elem);
    const std::size_t got = read_some(g, path, raw.data(), count * elem, what);
    if (got < count * elem) {
      idx_size_mismatch(path, shape, elem, header_bytes, payload, done * elem + got,
                        " (the data ends early)");
    }
    decode_idx(type, raw.data(), count, values + done);
    done += count;
  }
  // Anything after the data is an error; reading on also makes zlib check the gzip CRC.
  unsigned char probe[4096];
  std::uint64_t extra = 0;
  while (const std::size_t got = read_some(g, path, probe, sizeof probe, "the end of the file")) {
    extra += got;
  }
  if (extra > 0) {
    idx_size_mismatch(path, shape, elem, header_bytes, payload, payload + extra, "");
  }
  return out;
}

// ---- CSV -------------------------------------------------------------------------------

namespace {

constexpr const char* kCsv = "nabla::data::read_csv";

// All of `fd`'s bytes.
std::string read_all(int fd, const std::string& path, std::uint64_t size_hint) {
  std::string text;
  text.reserve(static_cast<std::size_t>(size_hint));
  char buf[1 << 16];
  for (;;) {
    const ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      throw std::runtime_error(fmt::format("{}: cannot read '{}' (after {} bytes): {}", kCsv, path,
                                           text.size(), std::strerror(err)));
    }
    if (r == 0) return text;
    text.append(buf, static_cast<std::size_t>(r));
  }
}

// Up to 40 characters of a cell, for messages.
std::string brief_cell(std::string_view cell) {
  if (cell.size() <= 40) return std::string(cell);
  return fmt::format("{}...", cell.substr(0, 37));
}

// Whether a decimal number that from_chars found out of double's range is too large (rather
// than too small): whether its leading significant digit stands for a positive power of 10.
bool too_large(std::string_view s) {
  std::size_t i = s[0] == '-' ? 1 : 0;
  bool seen_digit = false, after_point = false;
  std::int64_t before_point = 0, zeros_after_point = 0;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
    if (s[i] == '.') {
      after_point = true;
    } else if (!seen_digit && s[i] == '0') {
      if (after_point) ++zeros_after_point;
    } else {
      if (!seen_digit) seen_digit = true;
      if (!after_point) ++before_point;
    }
  }
  const std::int64_t order = before_point > 0 ? before_point - 1 : -(zeros_after_point + 1);
  std::int64_t exponent = 0;
  if (i < s.size()) {
    std::string_view e = s.substr(i + 1);
    const bool negative = !e.empty() && e[0] == '-';
    if (!e.empty() && (e[0] == '+' || e[0] == '-')) e.remove_prefix(1);
    const auto [ptr, ec] = std::from_chars(e.data(), e.data() + e.size(), exponent);
    if (ec == std::errc::result_out_of_range) return !negative;
    if (negative) exponent = -exponent;
  }
  return order + exponent > 0;
}

}  // namespace

Tensor read_csv(const std::string& path, bool header, std::vector<std::string>* column_names,
                char delimiter) {
  std::string text;
  {
    auto [fd, st] = open_input(
        kCsv, path, "", [](mode_t m) -> bool { return S_ISREG(m) || S_ISFIFO(m); },
        "regular files and pipes");
    text = read_all(fd.fd, path, S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0);
  }
  auto split = [&](std::string_view line) {
    std::vector<std::string_view> cells;
    for (std::size_t start = 0;;) {
      const std::size_t end = line.find(delimiter, start);
      cells.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
      if (end == std::string_view::npos) return cells;
      start = end + 1;
    }
  };
  std::size_t line_no = 0, cols = 0;
  bool header_pending = header;
  std::vector<float> values;
  std::int64_t rows = 0;
  const std::string_view all(text);
  for (std::size_t pos = 0; pos < all.size();) {
    const std::size_t nl = all.find('\n', pos);
    std::string_view line = all.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? all.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const auto cells = split(line);
    if (header_pending) {  // the first line that is not empty
      header_pending = false;
      cols = cells.size();
      if (column_names != nullptr) column_names->assign(cells.begin(), cells.end());
      continue;
    }
    if (cols == 0) cols = cells.size();
    if (cells.size() != cols) {
      throw std::runtime_error(fmt::format("{}: '{}' line {}: expected {} columns, found {}", kCsv,
                                           path, line_no, cols, cells.size()));
    }
    for (std::size_t c = 0; c < cells.size(); ++c) {
      std::string_view s = cells[c];
      s.remove_prefix(std::min(s.find_first_not_of(" \t"), s.size()));
      s.remove_suffix(s.size() - (s.find_last_not_of(" \t") + 1));
      // from_chars takes no '+': drop one, but not before another sign.
      if (s.size() > 1 && s[0] == '+' && s[1] != '+' && s[1] != '-') s.remove_prefix(1);
      auto fail = [&](const std::string& what) {
        throw std::runtime_error(
            fmt::format("{}: '{}' line {} column {}: {}", kCsv, path, line_no, c + 1, what));
      };
      const char* end = s.data() + s.size();
      float v = 0.0f;
      auto [ptr, ec] = std::from_chars(s.data(), end, v);  // correctly rounded to float32
      if (s.empty() || ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
        fail(fmt::format("expected a number, found '{}'", brief_cell(cells[c])));
      }
      if (ec == std::errc::result_out_of_range) {
        // Beyond float32: too small rounds to a subnormal or ±0 (as numpy does), too large
        // is an error.
        double d = 0.0;
        const bool in_double = std::from_chars(s.data(), end, d).ec == std::errc();
        v = in_double ? static_cast<float>(d) : (s[0] == '-' ? -0.0f : 0.0f);
        if (in_double ? std::isinf(v) : too_large(s)) {
          fail(fmt::format(
              "'{}' is outside float32's range (finite values up to ±{:.8g}); write inf for "
              "infinity",
              brief_cell(cells[c]), std::numeric_limits<float>::max()));
        }
      }
      values.push_back(v);
    }
    ++rows;
  }
  return tensor(std::span<const float>(values), {rows, static_cast<std::int64_t>(cols)}, f32);
}

// ---- helpers ---------------------------------------------------------------------------

Tensor one_hot(const Tensor& labels, std::int64_t classes) {
  if (!labels.defined() || labels.dim() != 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::one_hot: labels must be a 1-d tensor, got {}",
        labels.defined() ? "shape " + shape_str(labels.shape()) : "an undefined tensor"));
  }
  if (classes < 1) {
    throw std::invalid_argument(
        fmt::format("nabla::data::one_hot: classes must be at least 1, got {}", classes));
  }
  const Shape shape{labels.numel(), classes};
  const std::int64_t count = shape_numel(shape, "data::one_hot");
  if (count > std::numeric_limits<std::int64_t>::max() / 8) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::one_hot: {} labels × {} classes is {} elements, more bytes than a 64-bit "
        "count holds",
        labels.numel(), classes, count));
  }
  const auto v = labels.to_vector();
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != std::floor(v[i]) || v[i] < 0 || v[i] >= static_cast<double>(classes)) {
      throw std::invalid_argument(fmt::format(
          "nabla::data::one_hot: label {} at position {} is not a class index in [0, {})", v[i], i,
          classes));
    }
  }
  Tensor out;
  try {
    out = zeros(shape, labels.dtype());
  } catch (const OutOfMemoryError& e) {
    throw OutOfMemoryError(fmt::format("nabla::data::one_hot: {} labels × {} classes: {}",
                                       labels.numel(), classes, e.what()));
  }
  const auto set_ones = [&](auto* p) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      p[static_cast<std::int64_t>(i) * classes + static_cast<std::int64_t>(v[i])] = 1;
    }
  };
  if (out.dtype() == f32) {
    set_ones(out.mutable_data<float>());
  } else {
    set_ones(out.mutable_data<double>());
  }
  return out;
}

Tensor scale_to_unit(const Tensor& x, double lo, double hi) {
  if (!(hi > lo)) {
    throw std::invalid_argument(
        fmt::format("nabla::data::scale_to_unit: the range [{}, {}] is empty", lo, hi));
  }
  return (x - lo) * (1.0 / (hi - lo));
}

Tensor standardize(const Tensor& x) {
  NoGradGuard no_grad;
  Tensor mu = mean(x, {0}, true);
  Tensor sd = sqrt(mean(pow(x - mu, 2.0), {0}, true));
  // A constant column has std 0: leave it centered rather than dividing by zero.
  std::vector<double> s = sd.to_vector();
  for (double& e : s) e = e == 0.0 ? 1.0 : e;
  return (x - mu) / tensor(s, sd.shape(), x.dtype());
}

}  // namespace nabla::data
