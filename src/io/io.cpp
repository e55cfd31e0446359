// Safetensors files: save and load of named tensors, modules and optimizer state.
// Uses the public Tensor, nn and optim API only (layer 6 of DESIGN.md). nlohmann-json reads
// and writes the JSON header, so any valid header (escapes, unicode names, keys in any
// order, spaces anywhere) is understood; everything else about the file is checked here,
// before a single tensor is allocated.

#include "nabla/io.hpp"

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

namespace nabla {
namespace {

// Writing keeps the tensors' order in the header. Reading parses into std::map objects:
// ordered_json finds each key by a linear search, so parsing an object of n keys costs n^2
// (an 870 KB header of 80000 keys took 20 s); the order of the header's top-level keys,
// which breaks ties between empty tensors, is recorded while parsing instead.
using Json = nlohmann::ordered_json;
using InJson = nlohmann::json;

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;  // the limit of the reference reader
// Arrays and objects nest at most this deep in a header (a valid one nests 3 deep: the
// header, an entry, its shape). nlohmann-json parses and destroys iteratively, but dumping a
// value (brief(), for messages) and copying one recurse once per level.
constexpr std::size_t kMaxHeaderDepth = 64;
constexpr const char* kMetadataKey = "__metadata__";
constexpr const char* kKindKey = "nabla.kind";
constexpr const char* kOptimizerKey = "nabla.optimizer";
constexpr const char* kLrKey = "nabla.lr";

// Reverses the bytes of each of `count` elements of `size` bytes: safetensors data is
// little-endian, whatever the host.
[[maybe_unused]] void swap_each(unsigned char* bytes, std::size_t count, std::size_t size) {
  for (std::size_t i = 0; i < count; ++i) std::reverse(bytes + i * size, bytes + (i + 1) * size);
}

std::string os_error(int err) {
  return std::strerror(err);
}

// A file descriptor that closes itself.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { close(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const noexcept { return fd_; }
  // Closes now; returns 0 or the errno of a failed close (which can report a failed write).
  int close() noexcept {
    if (fd_ < 0) return 0;
    const int r = ::close(fd_);
    fd_ = -1;
    return r == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

// ---- writing -----------------------------------------------------------------------------

bool valid_utf8(const std::string& s) {
  try {
    (void)Json(s).dump();
    return true;
  } catch (const Json::type_error&) {
    return false;
  }
}

std::string dtype_code(Dtype d) {
  return d == f32 ? "F32" : "F64";
}

// The header, padded with spaces to a multiple of 8 bytes so the data starts aligned.
std::string make_header(const nn::NamedTensors& tensors, const Metadata& metadata) {
  Json header = Json::object();
  if (!metadata.empty()) {
    Json meta = Json::object();
    for (const auto& [key, value] : metadata) meta[key] = value;
    header[kMetadataKey] = std::move(meta);
  }
  std::uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    const std::uint64_t bytes = static_cast<std::uint64_t>(t.numel()) * dtype_size(t.dtype());
    header[name] = Json{{"dtype", dtype_code(t.dtype())},
                        {"shape", t.shape()},
                        {"data_offsets", Json::array({offset, offset + bytes})}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  return text;
}

void check_savable(const nn::NamedTensors& tensors, const Metadata& metadata,
                   const std::string& path) {
  auto fail = [&path](const std::string& what) {
    throw std::invalid_argument(fmt::format("nabla::save: '{}': {}", path, what));
  };
  std::set<std::string> seen;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const auto& [name, t] = tensors[i];
    if (name.empty()) fail(fmt::format("tensor {} has an empty name", i));
    if (name.starts_with(kMetadataKey))
      fail(fmt::format("tensor name '{}' starts with \"__metadata__\", which the format reserves",
                       name));
    if (!valid_utf8(name)) fail(fmt::format("tensor {}'s name is not valid UTF-8", i));
    if (!seen.insert(name).second) fail(fmt::format("tensor name '{}' appears twice", name));
    if (!t.defined()) fail(fmt::format("tensor '{}' is undefined", name));
  }
  for (const auto& [key, value] : metadata) {
    if (!valid_utf8(key) || !valid_utf8(value))
      fail(fmt::format("metadata entry '{}' is not valid UTF-8", key));
  }
}

// Writes all n bytes; returns 0 or the errno of the failure.
int write_all(int fd, const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  while (n > 0) {
    const ssize_t r = ::write(fd, p, std::min<std::size_t>(n, std::size_t{1} << 30));
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return 0;
}

int write_tensor(int fd, const Tensor& t) {
  const std::size_t n = static_cast<std::size_t>(t.numel());
  if (n == 0) return 0;
  const std::size_t size = dtype_size(t.dtype());
  const void* data =
      t.dtype() == f32 ? static_cast<const void*>(t.data<float>()) : t.data<double>();
  if constexpr (std::endian::native == std::endian::little) {
    return write_all(fd, data, n * size);
  } else {
    std::vector<unsigned char> le(n * size);
    std::memcpy(le.data(), data, le.size());
    swap_each(le.data(), n, size);
    return write_all(fd, le.data(), le.size());
  }
}

// fsync of the directory holding `path`, so that the rename itself survives a crash. A
// failure here is not reported: the file is complete and in place either way.
void sync_directory_of(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() >= 0) (void)::fsync(d.get());
}

std::atomic<std::uint64_t> temp_counter{0};

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
    if (code == "F32") {
      e.dtype = f32;
    } else if (code == "F64") {
      e.dtype = f64;
    } else {
      fail(fmt::format("tensor '{}' has dtype {}; nabla reads F32 and F64 only", name,
                       brief(dtype)));
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
  Fd fd_;
  std::uint64_t size_ = 0;
  std::uint64_t data_size_ = 0;
};

struct File {
  nn::NamedTensors tensors;
  Metadata metadata;
};

File read_file(const char* fn, const std::string& path) {
  Reader reader(fn, path);
  Header header = reader.read_header();
  File out;
  out.metadata = std::move(header.metadata);
  out.tensors.reserve(header.entries.size());
  // The entries are contiguous and in data order, and the file is at the data's start.
  for (const Entry& e : header.entries) {
    Tensor t = empty(e.shape, e.dtype);
    const auto n = static_cast<std::size_t>(t.numel());
    if (n > 0) {
      const std::size_t size = dtype_size(e.dtype);
      void* data = e.dtype == f32 ? static_cast<void*>(t.mutable_data<float>())
                                  : static_cast<void*>(t.mutable_data<double>());
      reader.read_exact(data, n * size, fmt::format("the data of tensor '{}'", e.name));
      if constexpr (std::endian::native == std::endian::big) {
        swap_each(static_cast<unsigned char*>(data), n, size);
      }
    }
    out.tensors.emplace_back(e.name, std::move(t));
  }
  return out;
}

const std::string* find(const Metadata& metadata, const char* key) {
  auto it = metadata.find(key);
  return it == metadata.end() ? nullptr : &it->second;
}

// "optimizer state" / "a module's parameters" / the raw kind, for messages.
std::string describe_kind(const std::string& kind) {
  if (kind == "module") return "a module's parameters";
  if (kind == "optimizer") return "optimizer state";
  return fmt::format("\"nabla.kind\": \"{}\"", kind);
}

}  // namespace

// ---- public functions ------------------------------------------------------------------------

void save(const nn::NamedTensors& tensors, const std::string& path, const Metadata& metadata) {
  check_savable(tensors, metadata, path);
  const std::string header = make_header(tensors, metadata);

  // The new file is written beside the target and renamed over it once complete, so a
  // failure at any point leaves the previous file as it was.
  const std::string temp = fmt::format("{}.tmp-{}-{}", path, ::getpid(), temp_counter++);
  auto fail = [&path](int err, const std::string& step) {
    throw std::runtime_error(
        fmt::format("nabla::save: cannot write '{}': {} (while {})", path, os_error(err), step));
  };
  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
  if (fd.get() < 0) {
    const int err = errno;
    fail(err, fmt::format("creating the temporary file '{}'", temp));
  }
  struct RemoveUnlessKept {
    const std::string& path;
    bool keep = false;
    ~RemoveUnlessKept() {
      if (!keep) ::unlink(path.c_str());
    }
  } temp_file{temp};

  unsigned char length[8];
  for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(header.size() >> (8 * i));
  int err = write_all(fd.get(), length, sizeof length);
  if (err == 0) err = write_all(fd.get(), header.data(), header.size());
  for (std::size_t i = 0; err == 0 && i < tensors.size(); ++i)
    err = write_tensor(fd.get(), tensors[i].second);
  if (err != 0) fail(err, fmt::format("writing the temporary file '{}'", temp));
  if (::fsync(fd.get()) != 0) {
    err = errno;
    fail(err, fmt::format("flushing the temporary file '{}' to disk", temp));
  }
  if ((err = fd.close()) != 0) fail(err, fmt::format("closing the temporary file '{}'", temp));
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    err = errno;
    fail(err, fmt::format("renaming the temporary file '{}' over it", temp));
  }
  temp_file.keep = true;
  sync_directory_of(path);
}

nn::NamedTensors load(const std::string& path) {
  return read_file("nabla::load", path).tensors;
}

Metadata load_metadata(const std::string& path) {
  Reader reader("nabla::load_metadata", path);
  return reader.read_header().metadata;
}

void save(const nn::Module& module, const std::string& path) {
  save(module.state_dict(), path, {{kKindKey, "module"}});
}

void load(nn::Module& module, const std::string& path) {
  File file = read_file("nabla::load", path);
  // A file without nabla's metadata (written by PyTorch, say) is taken as parameters.
  if (const std::string* kind = find(file.metadata, kKindKey); kind && *kind != "module") {
    throw std::invalid_argument(fmt::format(
        "nabla::load: '{}' holds {}, not a module's parameters{}", path, describe_kind(*kind),
        *kind == "optimizer" ? ": load it with nabla::load(optimizer, path)" : ""));
  }
  try {
    module.load_state_dict(file.tensors);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(
        fmt::format("nabla::load: '{}' does not fit the module: {}", path, e.what()));
  }
}

void save(const optim::Optimizer& optimizer, const std::string& path) {
  // fmt writes the shortest text that reads back as the same double.
  save(optimizer.state(), path,
       {{kKindKey, "optimizer"},
        {kOptimizerKey, optimizer.name()},
        {kLrKey, fmt::format("{}", optimizer.lr())}});
}

void load(optim::Optimizer& optimizer, const std::string& path) {
  File file = read_file("nabla::load", path);
  auto fail = [&path](const std::string& what) {
    throw std::invalid_argument(fmt::format("nabla::load: '{}' {}", path, what));
  };
  const std::string* kind = find(file.metadata, kKindKey);
  if (kind == nullptr) {
    fail(
        "has no \"nabla.kind\" metadata: it is not optimizer state written by "
        "nabla::save(optimizer, path)");
  }
  if (*kind != "optimizer") {
    fail(fmt::format("holds {}, not optimizer state{}", describe_kind(*kind),
                     *kind == "module" ? ": load it with nabla::load(module, path)" : ""));
  }
  const std::string* name = find(file.metadata, kOptimizerKey);
  if (name == nullptr) fail("has no \"nabla.optimizer\" metadata naming the optimizer");
  if (*name != optimizer.name()) {
    fail(fmt::format("holds the state of {}, but this optimizer is {}", *name, optimizer.name()));
  }
  const std::string* lr_text = find(file.metadata, kLrKey);
  if (lr_text == nullptr) fail("has no \"nabla.lr\" metadata (the learning rate)");
  double lr = 0.0;
  const char* end = lr_text->data() + lr_text->size();
  const auto [ptr, ec] = std::from_chars(lr_text->data(), end, lr);
  if (ec != std::errc() || ptr != end || !(lr >= 0.0) || !std::isfinite(lr)) {
    fail(fmt::format("has \"nabla.lr\": \"{}\", which is not a finite non-negative number",
                     *lr_text));
  }
  try {
    optimizer.load_state(file.tensors);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(
        fmt::format("nabla::load: '{}' does not fit the optimizer: {}", path, e.what()));
  }
  optimizer.set_lr(lr);
}

}  // namespace nabla
