// The argmax kernel: one pass along the axis for each line of x, through its strides.

#include "kernels/argmax.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>
#include <type_traits>

#include "core/strided.hpp"

namespace nabla::detail {

void argmax_indices(const char* op, const Tensor& x, std::size_t axis, std::int64_t* out) {
  const Shape& shape = x.shape();
  const std::int64_t n = shape[axis];
  if (n == 0) {
    throw std::invalid_argument(
        fmt::format("nabla::{}: axis {} of x {} is empty: no maximum", op, axis, shape_str(shape)));
  }
  const Strides& strides = x.impl()->strides;
  Shape rest;
  Strides rest_strides;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (d == axis) continue;
    rest.push_back(shape[d]);
    rest_strides.push_back(strides[d]);
  }
  const std::int64_t s = strides[axis];
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const auto is_nan = [](T v) {
      if constexpr (std::is_floating_point_v<T>) {
        return std::isnan(v);
      } else {
        return false;
      }
    };
    const T* p = base_ptr<T>(x);
    std::int64_t i = 0;
    for_each_run<1>(rest, {&rest_strides},
                    [&](const auto& off, std::int64_t count, const auto& inner) {
                      for (std::int64_t j = 0; j < count; ++j, ++i) {
                        const T* line = p + off[0] + j * inner[0];
                        std::int64_t best = 0;
                        T best_value = line[0];
                        for (std::int64_t k = 1; k < n && !is_nan(best_value); ++k) {
                          const T v = line[k * s];
                          if (is_nan(v) || v > best_value) {
                            best = k;
                            best_value = v;
                          }
                        }
                        out[i] = best;
                      }
                    });
  });
}

}  // namespace nabla::detail
