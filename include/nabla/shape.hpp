#pragma once
/// \file shape.hpp
/// Shapes, broadcasting and the helpers that format them in error messages.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace nabla {

/// A tensor's shape: one extent per dimension, outermost first. `{}` is a scalar (0-d).
using Shape = std::vector<std::int64_t>;

/// Number of elements of a shape (1 for a scalar). This is the one place shapes are
/// counted: every tensor's shape passes through it when the tensor is made. Throws
/// std::invalid_argument naming `op` and the shape when an extent is negative or when
/// the product of the nonzero extents does not fit in int64 (so no partial product of a
/// valid shape, such as the rows of a reduction, can overflow either).
std::int64_t shape_numel(const Shape& shape, const char* op = "shape_numel");

/// a · b for extents and element counts, throwing std::invalid_argument naming `op` and
/// `what` when the product does not fit in int64.
std::int64_t checked_mul(std::int64_t a, std::int64_t b, const char* op, const char* what);

/// "[2, 3]" for error messages and printing.
std::string shape_str(const Shape& shape);

/// NumPy broadcasting of two shapes. Throws std::invalid_argument naming `op` and both
/// shapes when they are incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

/// True when `from` broadcasts to `to` (so a gradient of shape `to` sums down to `from`).
bool broadcastable_to(const Shape& from, const Shape& to);

/// Normalizes an axis that may be negative (counted from the end) for a tensor of rank
/// `dim`. Throws std::out_of_range naming `op` when it is outside [-dim, dim).
std::int64_t normalize_axis(std::int64_t axis, std::int64_t dim, const char* op);

/// A spatial integer argument of the 2-d ops and layers (conv2d, max_pool2d, nn::Conv2d):
/// one value for both axes (`3`) or a pair (`{3, 5}`, height then width), as PyTorch's
/// int-or-tuple arguments. Default-constructed (or from std::nullopt) it holds no value:
/// a pooling stride left so means "the kernel size", as PyTorch's `stride=None`.
struct Int2 {
  std::int64_t h = 0, w = 0;
  bool set = true;  ///< false for "not given"
  Int2() noexcept : set(false) {}
  Int2(std::nullopt_t) noexcept : set(false) {}                          // NOLINT: implicit
  Int2(std::int64_t both) noexcept : h(both), w(both) {}                 // NOLINT: implicit
  Int2(std::int64_t height, std::int64_t width) noexcept : h(height), w(width) {}
  friend bool operator==(const Int2&, const Int2&) = default;
};

}  // namespace nabla
