// Factories: tensors from values, constants and ranges.

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <utility>

#include "core/strided.hpp"
#include "core/tensor_impl.hpp"

namespace nabla {

using detail::data_ptr;
using detail::make_tensor;

// ---- factories ---------------------------------------------------------------------

Tensor empty(const Shape& shape, Dtype dtype) {
  return make_tensor(shape, dtype, "empty");
}

namespace {
Tensor filled(const Shape& shape, double value, Dtype dtype, const char* op) {
  Tensor t = make_tensor(shape, dtype, op);
  detail::dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    std::fill_n(data_ptr<T>(t), t.numel(), detail::checked_value<T>(value, op));
  });
  return t;
}
}  // namespace

Tensor full(const Shape& shape, double value, Dtype dtype) {
  return filled(shape, value, dtype, "full");
}
Tensor zeros(const Shape& shape, Dtype dtype) {
  return filled(shape, 0.0, dtype, "zeros");
}
Tensor ones(const Shape& shape, Dtype dtype) {
  return filled(shape, 1.0, dtype, "ones");
}
Tensor zeros_like(const Tensor& like) {
  return zeros(like.shape(), like.dtype());
}
Tensor ones_like(const Tensor& like) {
  return ones(like.shape(), like.dtype());
}
Tensor scalar_tensor(double value, Dtype dtype) {
  return filled({}, value, dtype, "scalar_tensor");
}

namespace {
template <class S>
Tensor from_values(std::span<const S> values, const Shape& shape, Dtype dtype) {
  const std::int64_t n = shape_numel(shape, "tensor");
  if (static_cast<std::int64_t>(values.size()) != n) {
    throw std::invalid_argument(
        fmt::format("nabla::tensor: {} values do not fill shape {} ({} elements)", values.size(),
                    shape_str(shape), n));
  }
  Tensor t = make_tensor(shape, dtype, "tensor");
  detail::dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    std::transform(values.begin(), values.end(), data_ptr<T>(t),
                   [](S v) { return detail::checked_value<T>(static_cast<double>(v), "tensor"); });
  });
  return t;
}
}  // namespace

Tensor tensor(std::span<const double> values, const Shape& shape, Dtype dtype) {
  return from_values<double>(values, shape, dtype);
}

Tensor tensor(std::span<const float> values, const Shape& shape, Dtype dtype) {
  return from_values<float>(values, shape, dtype);
}

namespace {
// Walks nested braces, recording the extent of each level and the values in row-major
// order; every list at one depth must have the same length.
void flatten(const NestedList& node, std::size_t depth, Shape& shape, bool& shape_known,
             std::vector<double>& out, std::vector<std::int64_t>& path) {
  const auto where = [&] {
    return path.empty() ? std::string("the outer list")
                        : fmt::format("the list at index [{}]", fmt::join(path, "]["));
  };
  if (node.is_scalar()) {
    if (shape_known && depth != shape.size()) {
      throw std::invalid_argument(fmt::format(
          "nabla::tensor: ragged nested list: the entry at index [{}] is a number, but the "
          "entries before it at that depth are lists",
          fmt::join(path, "][")));
    }
    if (!shape_known) shape_known = true;
    out.push_back(node.value());
    return;
  }
  const auto n = static_cast<std::int64_t>(node.items().size());
  if (shape_known) {
    if (depth >= shape.size()) {
      throw std::invalid_argument(fmt::format(
          "nabla::tensor: ragged nested list: the entry at index [{}] is a list, but the "
          "entries before it at that depth are numbers",
          fmt::join(path, "][")));
    }
    if (shape[depth] != n) {
      throw std::invalid_argument(fmt::format(
          "nabla::tensor: ragged nested list: {} has {} entries but the lists before it at "
          "that depth have {}",
          where(), n, shape[depth]));
    }
  } else {
    shape.push_back(n);
    if (n == 0) shape_known = true;
  }
  for (std::int64_t i = 0; i < n; ++i) {
    path.push_back(i);
    flatten(node.items()[static_cast<std::size_t>(i)], depth + 1, shape, shape_known, out, path);
    path.pop_back();
  }
}
}  // namespace

Tensor tensor(const NestedList& values, Dtype dtype) {
  Shape shape;
  bool shape_known = false;
  std::vector<double> flat;
  std::vector<std::int64_t> path;
  flatten(values, 0, shape, shape_known, flat, path);
  return from_values<double>(flat, shape, dtype);
}

Tensor arange(double start, double end, double step, Dtype dtype) {
  if (!std::isfinite(start) || !std::isfinite(end) || !std::isfinite(step)) {
    throw std::invalid_argument(fmt::format(
        "nabla::arange: start, end and step must be finite, got start {}, end {}, step {}", start,
        end, step));
  }
  if (step == 0.0 || (end - start) * step < 0.0) {
    throw std::invalid_argument(
        fmt::format("nabla::arange: step {} cannot go from {} to {}", step, start, end));
  }
  const double count = std::ceil((end - start) / step);
  // Beyond 2⁶² the count is not even representable as an extent; make_tensor then
  // reports what the memory would be for anything smaller.
  if (!(count < 0x1p62)) {
    throw std::invalid_argument(
        fmt::format("nabla::arange: from {} to {} by {} is {} elements, too many for a tensor",
                    start, end, step, count));
  }
  const auto n = std::max<std::int64_t>(static_cast<std::int64_t>(count), 0);
  if (dtype == Dtype::bool_) {
    throw std::invalid_argument("nabla::arange: a bool range makes no sense; use a numeric dtype");
  }
  Tensor t = make_tensor({n}, dtype, "arange");
  detail::dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = data_ptr<T>(t);
    if (n > 0) detail::checked_value<T>(start + static_cast<double>(n - 1) * step, "arange");
    for (std::int64_t i = 0; i < n; ++i)
      p[i] = detail::checked_value<T>(start + static_cast<double>(i) * step, "arange");
  });
  return t;
}

Tensor arange(double end, Dtype dtype) {
  return arange(0.0, end, 1.0, dtype);
}

}  // namespace nabla
