#pragma once
// Internal: what the safetensors writer (src/io/safetensors_write.cpp), reader
// (src/io/safetensors_read.cpp) and the module and optimizer checkpoints
// (src/io/checkpoint.cpp) share.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>

#include "nabla/io.hpp"

namespace nabla::detail {

/// The header key the format reserves for string metadata.
inline constexpr const char* kMetadataKey = "__metadata__";

/// Reverses the bytes of each of `count` elements of `size` bytes: safetensors data is
/// little-endian, whatever the host.
[[maybe_unused]] inline void swap_each(unsigned char* bytes, std::size_t count, std::size_t size) {
  for (std::size_t i = 0; i < count; ++i) std::reverse(bytes + i * size, bytes + (i + 1) * size);
}

/// The format's name of a dtype: F32, F64, I64, I32, U8, BOOL.
constexpr const char* safetensors_dtype(Dtype d) {
  switch (d) {
    case Dtype::f32:
      return "F32";
    case Dtype::f64:
      return "F64";
    case Dtype::i64:
      return "I64";
    case Dtype::i32:
      return "I32";
    case Dtype::u8:
      return "U8";
    case Dtype::bool_:
      return "BOOL";
  }
  return "F32";
}

/// The text of an errno value.
inline std::string os_error(int err) {
  return std::strerror(err);
}

/// The tensors (in the file's data order) and metadata of a safetensors file.
struct SafetensorsFile {
  nn::NamedTensors tensors;
  Metadata metadata;
};

/// Reads and checks the file at `path`; every error names `fn` and the path (see
/// nabla::load in io.hpp for what is checked).
SafetensorsFile read_safetensors(const char* fn, const std::string& path);

}  // namespace nabla::detail
