#pragma once
/// \file dtype.hpp
/// Element types a Tensor can hold.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace nabla {

/// Element type of a Tensor. float32 is the default; float64 is used for gradient checks.
enum class Dtype : std::uint8_t { f32, f64 };

inline constexpr Dtype f32 = Dtype::f32;      ///< 32-bit IEEE float (the default).
inline constexpr Dtype f64 = Dtype::f64;      ///< 64-bit IEEE float.
inline constexpr Dtype float32 = Dtype::f32;  ///< PyTorch's spelling of f32.
inline constexpr Dtype float64 = Dtype::f64;  ///< PyTorch's spelling of f64.

/// The name PyTorch uses for the dtype: "float32" or "float64".
constexpr std::string_view dtype_name(Dtype d) {
  return d == Dtype::f32 ? "float32" : "float64";
}

/// Size in bytes of one element.
constexpr std::size_t dtype_size(Dtype d) {
  return d == Dtype::f32 ? 4 : 8;
}

/// The Dtype of a C++ element type (float or double).
template <class T>
constexpr Dtype dtype_of() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "nabla tensors hold float or double");
  return std::is_same_v<T, float> ? Dtype::f32 : Dtype::f64;
}

}  // namespace nabla
