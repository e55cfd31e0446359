// The IDX reader (MNIST's format), gzipped or plain: zlib reads both. Layer 6 of DESIGN.md.

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

#include "data/input_file.hpp"

namespace nabla::data {

using detail::missing_hint;
using detail::open_input;

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

// The dtype read_idx gives each IDX element type: the file's own where nabla has it;
// signed bytes (0x09) and 16-bit integers (0x0B) widen to int32 (nabla has neither int8
// nor int16), exactly.
Dtype idx_dtype(int type) {
  switch (type) {
    case 0x08:
      return u8;
    case 0x0D:
      return f32;
    case 0x0E:
      return f64;
    default:
      return i32;  // 0x09, 0x0B, 0x0C
  }
}

// The big-endian value of `elem` bytes at p.
std::uint64_t big_endian(const unsigned char* p, std::size_t elem) {
  std::uint64_t bits = 0;
  for (std::size_t k = 0; k < elem; ++k) bits = (bits << 8) | p[k];
  return bits;
}

// n big-endian values of IDX element type `type` from `raw`, into `out` from element
// `first` (out's dtype is idx_dtype(type)).
void decode_idx(int type, const unsigned char* raw, std::size_t n, Tensor& out, std::size_t first) {
  switch (type) {
    case 0x08:  // unsigned bytes, as every MNIST-like file: a plain copy
      std::memcpy(out.mutable_data<std::uint8_t>() + first, raw, n);
      return;
    case 0x0D: {
      float* v = out.mutable_data<float>() + first;
      for (std::size_t i = 0; i < n; ++i) {
        const auto b32 = static_cast<std::uint32_t>(big_endian(raw + 4 * i, 4));
        std::memcpy(&v[i], &b32, 4);
      }
      return;
    }
    case 0x0E: {
      double* v = out.mutable_data<double>() + first;
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t b64 = big_endian(raw + 8 * i, 8);
        std::memcpy(&v[i], &b64, 8);
      }
      return;
    }
    default: {
      std::int32_t* v = out.mutable_data<std::int32_t>() + first;
      for (std::size_t i = 0; i < n; ++i) {
        if (type == 0x09) {
          v[i] = static_cast<std::int8_t>(raw[i]);
        } else if (type == 0x0B) {
          v[i] = static_cast<std::int16_t>(big_endian(raw + 2 * i, 2));
        } else {
          v[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(big_endian(raw + 4 * i, 4)));
        }
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
      file_size >= 2 && ::pread(fd.get(), head, 2, 0) == 2 && head[0] == 0x1f && head[1] == 0x8b;
  std::uint32_t isize = 0;
  if (gzipped) {
    unsigned char tail[4];
    if (file_size < 18 || ::pread(fd.get(), tail, 4, static_cast<off_t>(file_size - 4)) != 4) {
      throw std::runtime_error(fmt::format(
          "{}: '{}' is truncated: a gzip file has at least 18 bytes (header and trailer), found {}",
          kIdx, path, file_size));
    }
    isize = std::uint32_t{tail[0]} | (std::uint32_t{tail[1]} << 8) |
            (std::uint32_t{tail[2]} << 16) | (std::uint32_t{tail[3]} << 24);
  }

  GzFile g;
  g.f = gzdopen(fd.get(), "rb");  // zlib reads plain files transparently too
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
  Tensor out = empty(shape, idx_dtype(type));
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
    decode_idx(type, raw.data(), count, out, done);
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

}  // namespace nabla::data
