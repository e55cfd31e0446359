#pragma once
// Internal: the index of the maximum along one axis, the kernel shared by argmax (which
// returns it) and max (which gathers the maxima with it and masks its gradient by it).

#include <cstddef>
#include <cstdint>

#include "core/tensor_impl.hpp"

namespace nabla::detail {

/// Writes to out[i], for each position i of x without `axis` (row-major order of the
/// other axes), the index along the axis of the first maximum: ties go to the first
/// index, and a NaN counts as the maximum (the first NaN wins). x has any strides (read in
/// place) and any dtype; `out` holds numel / extent of the axis values. Throws
/// std::invalid_argument naming `op` when the axis is empty ("no maximum").
void argmax_indices(const char* op, const Tensor& x, std::size_t axis, std::int64_t* out);

}  // namespace nabla::detail
