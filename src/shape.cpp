#include "nabla/shape.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace nabla {

std::int64_t shape_numel(const Shape& shape) {
  std::int64_t n = 1;
  for (auto e : shape) n *= e;
  return n;
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
