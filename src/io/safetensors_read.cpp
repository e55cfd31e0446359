// Reading safetensors files: nabla::load and load_metadata. nlohmann-json reads the JSON
// header, so any valid header (escapes, unicode names, keys in any order, spaces anywhere)
// is understood; everything else about the file is checked here, before a single tensor is
// allocated. Layer 6 of DESIGN.md.

#include "io/safetensors.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "core/fd.hpp"
#include "core/tensor_impl.hpp"

namespace nabla {
namespace {

using detail::kMetadataKey;
using detail::os_error;
using detail::swap_each;
// Reading parses into std::map objects: ordered_json finds each key by a linear search, so
// parsing an object of n keys costs n^2 (an 870 KB header of 80000 keys took 20 s); the
// order of the header's top-level keys, which breaks ties between empty tensors, is recorded
// while parsing instead.
using InJson = nlohmann::json;

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;  // the limit of the reference reader
// Arrays and objects nest at most this deep in a header (a valid one nests 3 deep: the
// header, an entry, its shape). nlohmann-json parses and destroys iteratively, but dumping a
// value (brief(), for messages) and copying one recurse once per level.
constexpr std::size_t kMaxHeaderDepth = 64;

// ---- reading -----------------------------------------------------------------------------

struct Entry {
  std::string name;
  Dtype dtype = f32;
  Shape shape;
  std::uint64_t begin = 0, end = 0;
};

struct Header {
  std::vector<Entry> entries;  // in data order
  Metadata metadata;
};

// Up to 80 characters of a JSON value, for error messages about a value of the wrong kind.
std::string brief(const InJson& value) {
  std::string text = value.dump();
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

// How deep arrays and objects nest in JSON text, found by one linear scan that skips strings
// (and the escapes inside them), so that no deeply nested header reaches nlohmann-json.
struct Nesting {
  std::size_t depth = 0;       // the deepest level
  std::size_t first_over = 0;  // the byte that first opens a level deeper than kMaxHeaderDepth
};

Nesting nesting_of(std::string_view text) {
  Nesting out;
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, which may be a quote
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth == kMaxHeaderDepth + 1 && out.depth <= kMaxHeaderDepth) out.first_over = i;
      out.depth = std::max(out.depth, depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;  // an unbalanced bracket is for the parser to report
    }
  }
  return out;
}

// An open safetensors file; every error names the calling function and the path.
class Reader {
 public:
  Reader(const char* fn, std::string path)
      : fn_(fn), path_(std::move(path)), fd_(::open(path_.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_.get() < 0) {
      const int err = errno;
      fail(fmt::format("cannot open it: {}", os_error(err)));
    }
    struct stat st {};
    if (::fstat(fd_.get(), &st) != 0) {
      const int err = errno;
      fail(fmt::format("cannot read its size: {}", os_error(err)));
    }
    if (!S_ISREG(st.st_mode)) fail("not a regular file");
    size_ = static_cast<std::uint64_t>(st.st_size);
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(fmt::format("{}: '{}': {}", fn_, path_, what));
  }

  // Reads the length and the header, checks them against each other and the file's size,
  // and leaves the file positioned at the first byte of the data.
  Header read_header() {
    if (size_ < 8) {
      fail(fmt::format(
          "too short for a safetensors file: expected at least 8 bytes (the header length), "
          "found {}",
          size_));
    }
    unsigned char length[8];
    read_exact(length, 8, "the header length");
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | length[i];
    if (n > kMaxHeaderBytes) {
      fail(fmt::format("the header length is {} bytes, more than the limit of {} bytes (100 MB)", n,
                       kMaxHeaderBytes));
    }
    if (n > size_ - 8) {
      fail(fmt::format("the header length is {} bytes, but only {} bytes follow it", n, size_ - 8));
    }
    data_size_ = size_ - 8 - n;
    std::string text(static_cast<std::size_t>(n), '\0');
    read_exact(text.data(), text.size(), "the header");
    if (const Nesting nesting = nesting_of(text); nesting.depth > kMaxHeaderDepth) {
      fail(fmt::format(
          "the header nests arrays and objects {} levels deep, more than the {} levels nabla "
          "reads (level {} opens at byte {} of the header)",
          nesting.depth, kMaxHeaderDepth, kMaxHeaderDepth + 1, nesting.first_over));
    }

    // JSON itself keeps the last of two equal keys; a header that names a tensor twice is
    // ambiguous, so the parser's callback watches the top-level keys (and their order).
    std::set<std::string> keys;
    std::vector<std::string> order;
    std::string twice;
    InJson header;
    try {
      header = InJson::parse(text, [&](int depth, InJson::parse_event_t event, InJson& parsed) {
        if (depth == 1 && event == InJson::parse_event_t::key && twice.empty()) {
          if (keys.insert(parsed.get<std::string>()).second) {
            order.push_back(parsed.get<std::string>());
          } else {
            twice = parsed.get<std::string>();
          }
        }
        return true;
      });
    } catch (const InJson::exception& e) {
      // parse_error, and out_of_range for a number past a double ("1e999"): both mean the
      // header cannot be read.
      fail(fmt::format("the header is not valid JSON: {}", e.what()));
    }
    if (!header.is_object())
      fail(fmt::format("the header must be a JSON object, found {}", header.type_name()));
    if (!twice.empty()) fail(fmt::format("the header names '{}' twice", twice));

    Header out;
    for (const std::string& key : order) {
      const InJson& value = header.at(key);
      if (key == kMetadataKey) {
        out.metadata = parse_metadata(value);
      } else {
        out.entries.push_back(parse_entry(key, value));
      }
    }
    check_coverage(out.entries);
    return out;
  }

  void read_exact(void* buf, std::size_t n, const std::string& what) {
    auto* p = static_cast<unsigned char*>(buf);
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = ::read(fd_.get(), p + got, std::min<std::size_t>(n - got, 1u << 30));
      if (r < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        fail(fmt::format("cannot read {}: {}", what, os_error(err)));
      }
      if (r == 0) {
        fail(fmt::format("truncated while reading {}: expected {} bytes, found {}", what, n, got));
      }
      got += static_cast<std::size_t>(r);
    }
  }

 private:
  Metadata parse_metadata(const InJson& value) const {
    if (!value.is_object()) {
      fail(fmt::format("\"__metadata__\" must be an object of strings, found {}", brief(value)));
    }
    Metadata out;
    for (const auto& [key, v] : value.items()) {
      if (!v.is_string()) {
        fail(fmt::format("\"__metadata__\" entry '{}' must be a string, found {}", key, brief(v)));
      }
      out.emplace(key, v.get<std::string>());
    }
    return out;
  }

  Entry parse_entry(const std::string& name, const InJson& value) const {
    if (!value.is_object()) {
      fail(fmt::format(
          "tensor '{}': expected an object with \"dtype\", \"shape\" and \"data_offsets\", "
          "found {}",
          name, brief(value)));
    }
    auto field = [&](const char* key) -> const InJson& {
      auto it = value.find(key);
      if (it == value.end()) fail(fmt::format("tensor '{}' has no \"{}\"", name, key));
      return *it;
    };
    Entry e;
    e.name = name;

    const InJson& dtype = field("dtype");
    if (!dtype.is_string()) {
      fail(fmt::format("tensor '{}': \"dtype\" must be a string, found {}", name, brief(dtype)));
    }
    const std::string& code = dtype.get_ref<const std::string&>();
    bool known = false;
    for (const Dtype d : {f32, f64, i64, i32, u8, bool_}) {
      if (code == detail::safetensors_dtype(d)) {
        e.dtype = d;
        known = true;
      }
    }
    if (known) {
    } else {
      fail(fmt::format("tensor '{}' has dtype {}; nabla reads F32, F64, I64, I32, U8 and BOOL",
                       name, brief(dtype)));
    }

    const InJson& shape = field("shape");
    if (!shape.is_array()) {
      fail(fmt::format("tensor '{}': \"shape\" must be an array of non-negative integers, found {}",
                       name, brief(shape)));
    }
    for (std::size_t i = 0; i < shape.size(); ++i) {
      const InJson& extent = shape[i];
      if (!extent.is_number_unsigned() ||
          extent.get<std::uint64_t>() >
              static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail(fmt::format(
            "tensor '{}': \"shape\" extent {} at position {} is not a non-negative integer{}", name,
            brief(extent), i, extent.is_number_unsigned() ? " below 2^63" : ""));
      }
      e.shape.push_back(extent.get<std::int64_t>());
    }
    // The elements and bytes the shape needs, computed without overflow; whether they fit
    // the data is for the data_offsets checks below to say. The nonzero extents must
    // multiply to an int64 even when another extent is 0: a tensor's strides are their
    // products.
    std::int64_t numel = 1;
    bool has_zero = false;
    for (std::int64_t extent : e.shape) {
      if (extent == 0) {
        has_zero = true;
      } else if (__builtin_mul_overflow(numel, extent, &numel)) {
        fail(fmt::format(
            "tensor '{}' has shape {}, whose extents multiply past 2^63 - 1 (more elements than "
            "a tensor can index)",
            name, shape_str(e.shape)));
      }
    }
    if (has_zero) numel = 0;
    const std::uint64_t elem = dtype_size(e.dtype);
    std::uint64_t bytes = 0;
    if (__builtin_mul_overflow(static_cast<std::uint64_t>(numel), elem, &bytes)) {
      fail(fmt::format("tensor '{}' of shape {} and dtype {} has more than 2^64 bytes", name,
                       shape_str(e.shape), code));
    }

    const InJson& offsets = field("data_offsets");
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned()) {
      fail(fmt::format(
          "tensor '{}': \"data_offsets\" must be two non-negative integers [begin, end], found {}",
          name, brief(offsets)));
    }
    e.begin = offsets[0].get<std::uint64_t>();
    e.end = offsets[1].get<std::uint64_t>();
    if (e.begin > e.end) {
      fail(fmt::format("tensor '{}': data_offsets [{}, {}] end before they begin", name, e.begin,
                       e.end));
    }
    if (e.end > data_size_) {
      fail(fmt::format("tensor '{}': data_offsets [{}, {}] lie outside the {} bytes of data", name,
                       e.begin, e.end, data_size_));
    }
    if (e.end - e.begin != bytes) {
      fail(fmt::format(
          "tensor '{}': data_offsets [{}, {}] hold {} bytes, but shape {} of dtype {} needs {} "
          "({} elements of {} bytes)",
          name, e.begin, e.end, e.end - e.begin, shape_str(e.shape), code, bytes, bytes / elem,
          elem));
    }
    return e;
  }

  // Sorts the entries into data order and checks that they cover the data exactly: no gap,
  // no overlap, nothing after the last tensor.
  void check_coverage(std::vector<Entry>& entries) const {
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      return std::pair(a.begin, a.end) < std::pair(b.begin, b.end);
    });
    std::uint64_t pos = 0;
    const Entry* prev = nullptr;
    for (const Entry& e : entries) {
      if (e.begin > pos) {
        fail(
            fmt::format("bytes [{}, {}) of the data belong to no tensor (a gap before tensor '{}')",
                        pos, e.begin, e.name));
      }
      if (e.begin < pos) {
        fail(fmt::format(
            "tensor '{}' (data_offsets [{}, {}]) overlaps tensor '{}' (data_offsets [{}, {}])",
            e.name, e.begin, e.end, prev->name, prev->begin, prev->end));
      }
      pos = e.end;
      prev = &e;
    }
    if (pos != data_size_) {
      fail(
          fmt::format("{} bytes follow the last tensor: the tensors end at byte {} of {} bytes of "
                      "data",
                      data_size_ - pos, pos, data_size_));
    }
  }

  const char* fn_;
  std::string path_;
  detail::UniqueFd fd_;
  std::uint64_t size_ = 0;
  std::uint64_t data_size_ = 0;
};

}  // namespace

namespace detail {
SafetensorsFile read_safetensors(const char* fn, const std::string& path) {
  Reader reader(fn, path);
  Header header = reader.read_header();
  SafetensorsFile out;
  out.metadata = std::move(header.metadata);
  out.tensors.reserve(header.entries.size());
  // The entries are contiguous and in data order, and the file is at the data's start.
  for (const Entry& e : header.entries) {
    Tensor t = empty(e.shape, e.dtype);
    const auto n = static_cast<std::size_t>(t.numel());
    if (n > 0) {
      const std::size_t size = dtype_size(e.dtype);
      void* data = detail::dispatch(
          e.dtype, [&](auto tag) -> void* { return detail::data_ptr<decltype(tag)>(t); });
      reader.read_exact(data, n * size, fmt::format("the data of tensor '{}'", e.name));
      if constexpr (std::endian::native == std::endian::big) {
        swap_each(static_cast<unsigned char*>(data), n, size);
      }
      if (e.dtype == bool_) {
        // A BOOL byte other than 0 or 1 is not a C++ bool: nonzero is true, as numpy reads it.
        auto* b = static_cast<unsigned char*>(data);
        for (std::size_t i = 0; i < n; ++i) b[i] = b[i] != 0 ? 1 : 0;
      }
    }
    out.tensors.emplace_back(e.name, std::move(t));
  }
  return out;
}
}  // namespace detail

// ---- public functions ------------------------------------------------------------------------

nn::NamedTensors load(const std::string& path) {
  return detail::read_safetensors("nabla::load", path).tensors;
}

Metadata load_metadata(const std::string& path) {
  Reader reader("nabla::load_metadata", path);
  return reader.read_header().metadata;
}

}  // namespace nabla
