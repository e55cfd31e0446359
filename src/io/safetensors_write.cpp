// Writing safetensors files: nabla::save of named tensors with string metadata, written
// beside the target and renamed over it once complete. Layer 6 of DESIGN.md.

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
// Writing keeps the tensors' order in the header.
using Json = nlohmann::ordered_json;

// ---- writing -----------------------------------------------------------------------------

bool valid_utf8(const std::string& s) {
  try {
    (void)Json(s).dump();
    return true;
  } catch (const Json::type_error&) {
    return false;
  }
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
    header[name] = Json{{"dtype", detail::safetensors_dtype(t.dtype())},
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
  // A view is written as its values in row-major order (dense() copies it).
  const Tensor values = detail::dense(t);
  const void* data = detail::dispatch(
      t.dtype(), [&](auto tag) -> const void* { return detail::data_ptr<decltype(tag)>(values); });
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
  detail::UniqueFd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() >= 0) (void)::fsync(d.get());
}

std::atomic<std::uint64_t> temp_counter{0};

}  // namespace

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
  detail::UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
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

}  // namespace nabla
