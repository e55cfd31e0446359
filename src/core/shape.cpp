#include "nabla/shape.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace nabla {

std::int64_t shape_numel(const Shape& shape, const char* op) {
  std::int64_t nonzero = 1;  // product of the nonzero extents: it must fit as well
  bool empty = false;
  for (const std::int64_t e : shape) {
    if (e < 0) {
      throw std::invalid_argument(
          fmt::format("nabla::{}: negative extent {} in shape {}", op, e, shape_str(shape)));
    }
    if (e == 0) {
      empty = true;
    } else if (__builtin_mul_overflow(nonzero, e, &nonzero)) {
      throw std::invalid_argument(fmt::format(
          "nabla::{}: shape {} has too many elements: the product of its extents does not fit "
          "in a 64-bit integer",
          op, shape_str(shape)));
    }
  }
  return empty ? 0 : nonzero;
}

std::int64_t checked_mul(std::int64_t a, std::int64_t b, const char* op, const char* what) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) {
    throw std::invalid_argument(
        fmt::format("nabla::{}: {} {} × {} does not fit in a 64-bit integer", op, what, a, b));
  }
  return r;
}

std::string shape_str(const Shape& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  if (a == b) return a;
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t ea = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::int64_t eb = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (ea != eb && ea != 1 && eb != 1) {
      throw std::invalid_argument(fmt::format(
          "nabla::{}: shapes {} and {} cannot be broadcast together: dimension {} is {} in "
          "one and {} in the other (each must be equal or 1)",
          op, shape_str(a), shape_str(b), i, ea, eb));
    }
    out[i] = ea == 1 ? eb : ea;
  }
  shape_numel(out, op);  // [2⁴⁰, 1] and [1, 2⁴⁰] are valid shapes whose broadcast is not
  return out;
}

bool broadcastable_to(const Shape& from, const Shape& to) {
  if (from.size() > to.size()) return false;
  const std::size_t lead = to.size() - from.size();
  for (std::size_t i = 0; i < from.size(); ++i) {
    if (from[i] != to[lead + i] && from[i] != 1) return false;
  }
  return true;
}

std::int64_t normalize_axis(std::int64_t axis, std::int64_t dim, const char* op) {
  if (dim == 0) {
    throw std::out_of_range(
        fmt::format("nabla::{}: axis {} is out of range: a 0-d tensor has no axes", op, axis));
  }
  const std::int64_t a = axis < 0 ? axis + dim : axis;
  if (a < 0 || a >= dim) {
    throw std::out_of_range(
        fmt::format("nabla::{}: axis {} is out of range for a tensor of rank {} (valid: {} to {})",
                    op, axis, dim, -dim, dim - 1));
  }
  return a;
}

}  // namespace nabla
