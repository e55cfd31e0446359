#pragma once
// Internal: reductions shared by the ops: the sum over axes (sum, mean, sum_to, the
// gradients that sum) and the stable log-sum-exp along an axis (logsumexp, softmax,
// log_softmax). Both read any strides.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/strided.hpp"
#include "core/tensor_impl.hpp"
#include "kernels/parallel.hpp"

namespace nabla::detail {

/// The dtype sum gives for an input of `d`: d itself when floating, else int64 (PyTorch).
inline Dtype sum_dtype(Dtype d) {
  return is_floating_point(d) ? d : Dtype::i64;
}

/// Sums `x` (any strides, any dtype) over `axes` (already normalized, distinct, sorted)
/// into a new contiguous tensor of shape `out_shape` (the reduced shape, with or without
/// the kept unit axes) and dtype sum_dtype(x.dtype()). Floating values are accumulated in
/// double, integers and bools in int64 (wrapping as PyTorch). A sum of everything over
/// many elements is split over the kernel threads.
Tensor sum_kernel(const Tensor& x, const std::vector<std::size_t>& axes, Shape out_shape);

/// Validates and normalizes reduction axes (negative from the end, no repeats); empty
/// `axes` means every axis. Returns them sorted.
std::vector<std::size_t> reduction_axes(const char* op, const Tensor& x,
                                        const std::vector<std::int64_t>& axes);

/// The shape after reducing `axes` of `shape`, keeping them as 1 or dropping them.
Shape reduced_shape(const Shape& shape, const std::vector<std::size_t>& axes, bool keepdim);

/// The stable log-sum-exp along `axis` of a floating x with any strides: for each line of
/// x along the axis, in row-major order of the other axes (line i), computes m, its
/// maximum (0 when that is infinite: all −inf, or an inf, where IEEE decides), and
/// z = Σ exp(x − m) in double, then calls emit(i, line, stride, m, z) with `line` the
/// line's first element and `stride` the step between its elements. log z + m is the
/// log-sum-exp; exp(x − m) / z the softmax. Many lines are split over the kernel threads:
/// emit may run on several threads at once, for different lines (each line on one thread,
/// so the values do not depend on the split).
template <class T, class F>
void for_each_lse_line(const Tensor& x, std::size_t axis, F&& emit) {
  const Shape& shape = x.shape();
  const Strides& strides = x.impl()->strides;
  Shape rest;
  Strides rest_strides;
  std::int64_t lines = 1;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (d == axis) continue;
    rest.push_back(shape[d]);
    rest_strides.push_back(strides[d]);
    lines *= shape[d];
  }
  if (lines == 0) return;
  const std::int64_t n = shape[axis];
  const std::int64_t s = strides[axis];
  const T* p = base_ptr<T>(x);
  const RunLayout<1> l = merge_layout<1>(rest, {&rest_strides});
  // Lines of n values each: split when there are 2·kParallelGrain values or more, as the
  // elementwise kernels (each value costs more here: two passes and an exp).
  const std::int64_t grain =
      std::max<std::int64_t>(1, kParallelGrain / std::max<std::int64_t>(n, 1));
  parallel_for(
      lines,
      [&](std::int64_t lo, std::int64_t hi) {
        std::int64_t i = lo;
        for_each_run_in<1>(l, lo, hi, [&](const auto& off, std::int64_t count, const auto& inner) {
          for (std::int64_t j = 0; j < count; ++j, ++i) {
            const T* line = p + off[0] + j * inner[0];
            double m = -INFINITY;
            for (std::int64_t k = 0; k < n; ++k) m = std::fmax(m, static_cast<double>(line[k * s]));
            if (std::isinf(m)) m = 0.0;
            double z = 0.0;
            for (std::int64_t k = 0; k < n; ++k)
              z += std::exp(static_cast<double>(line[k * s]) - m);
            emit(i, line, s, m, z);
          }
        });
      },
      grain);
}

}  // namespace nabla::detail
