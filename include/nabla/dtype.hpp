#pragma once
/// \file dtype.hpp
/// Element types a Tensor can hold, and how they mix.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

namespace nabla {

/// Element type of a Tensor: a closed set. float32 is the default and float64 is used for
/// gradient checks; only these two take part in autograd. Integer and bool tensors hold
/// class labels, indices, counts and masks.
///
/// Every dispatch over it is a `switch` without `default:`, so adding a dtype is a
/// `-Wswitch` warning (an error in nabla's build) at every place that must handle it.
enum class Dtype : std::uint8_t { f32, f64, i64, i32, u8, bool_ };

inline constexpr Dtype f32 = Dtype::f32;      ///< 32-bit IEEE float (the default).
inline constexpr Dtype f64 = Dtype::f64;      ///< 64-bit IEEE float.
inline constexpr Dtype i64 = Dtype::i64;      ///< 64-bit signed integer (indices, labels).
inline constexpr Dtype i32 = Dtype::i32;      ///< 32-bit signed integer.
inline constexpr Dtype u8 = Dtype::u8;        ///< 8-bit unsigned integer (image bytes).
inline constexpr Dtype bool_ = Dtype::bool_;  ///< true/false, one byte each (masks).
inline constexpr Dtype float32 = Dtype::f32;  ///< PyTorch's spelling of f32.
inline constexpr Dtype float64 = Dtype::f64;  ///< PyTorch's spelling of f64.
inline constexpr Dtype int64 = Dtype::i64;    ///< PyTorch's spelling of i64 (torch.long).
inline constexpr Dtype int32 = Dtype::i32;    ///< PyTorch's spelling of i32.
inline constexpr Dtype uint8 = Dtype::u8;     ///< PyTorch's spelling of u8.
inline constexpr Dtype kBool = Dtype::bool_;  ///< libtorch's spelling of bool_.

/// The name PyTorch uses for the dtype: "float32", "float64", "int64", "int32", "uint8",
/// "bool".
constexpr std::string_view dtype_name(Dtype d) {
  switch (d) {
    case Dtype::f32:
      return "float32";
    case Dtype::f64:
      return "float64";
    case Dtype::i64:
      return "int64";
    case Dtype::i32:
      return "int32";
    case Dtype::u8:
      return "uint8";
    case Dtype::bool_:
      return "bool";
  }
  return "unknown";
}

/// Size in bytes of one element.
constexpr std::size_t dtype_size(Dtype d) {
  switch (d) {
    case Dtype::f32:
      return 4;
    case Dtype::f64:
      return 8;
    case Dtype::i64:
      return 8;
    case Dtype::i32:
      return 4;
    case Dtype::u8:
      return 1;
    case Dtype::bool_:
      return 1;
  }
  return 0;
}

/// True for float32 and float64, the dtypes that take part in autograd.
constexpr bool is_floating_point(Dtype d) {
  switch (d) {
    case Dtype::f32:
    case Dtype::f64:
      return true;
    case Dtype::i64:
    case Dtype::i32:
    case Dtype::u8:
    case Dtype::bool_:
      return false;
  }
  return false;
}

/// The dtype of `a ⊕ b` for a binary elementwise op, as PyTorch promotes: a floating
/// dtype wins over integer and bool (`mask * x` is float32 when x is); among integers
/// the wider one wins, and bool ranks below every integer (u8 with i32 is i32). float32
/// with float64 is *not* promoted: nabla refuses that mix (convert one with `.to()`),
/// so a float64 gradient check never runs silently in float32. Returns the common dtype,
/// or nothing for float32 with float64.
constexpr std::optional<Dtype> promote_types(Dtype a, Dtype b) {
  if (a == b) return a;
  const bool fa = is_floating_point(a), fb = is_floating_point(b);
  if (fa && fb) return std::nullopt;
  if (fa || fb) return fa ? a : b;
  // Both integer or bool: the later in bool < u8 < i32 < i64.
  const auto rank = [](Dtype d) {
    switch (d) {
      case Dtype::bool_:
        return 0;
      case Dtype::u8:
        return 1;
      case Dtype::i32:
        return 2;
      case Dtype::i64:
        return 3;
      case Dtype::f32:
      case Dtype::f64:
        return 4;
    }
    return 4;
  };
  return rank(a) > rank(b) ? a : b;
}

/// The Dtype of a C++ element type: float, double, std::int64_t, std::int32_t,
/// std::uint8_t or bool.
template <class T>
constexpr Dtype dtype_of() {
  if constexpr (std::is_same_v<T, float>) {
    return Dtype::f32;
  } else if constexpr (std::is_same_v<T, double>) {
    return Dtype::f64;
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return Dtype::i64;
  } else if constexpr (std::is_same_v<T, std::int32_t>) {
    return Dtype::i32;
  } else if constexpr (std::is_same_v<T, std::uint8_t>) {
    return Dtype::u8;
  } else {
    static_assert(std::is_same_v<T, bool>,
                  "nabla tensors hold float, double, int64_t, int32_t, uint8_t or bool");
    return Dtype::bool_;
  }
}

}  // namespace nabla
