#pragma once
// Internal: kernels of the comparison, logical and selection ops (eq ne lt le gt ge,
// logical_and/or/xor/not, where, masked_fill). Inputs of any strides are read in place
// (for_each_run over stride-0 broadcast views), never copied just to be read; the result
// is a fresh contiguous tensor.

#include "core/tensor_impl.hpp"

namespace nabla::detail {

enum class CompareOp { eq, ne, lt, le, gt, ge };
enum class LogicalOp { and_, or_, xor_ };

/// result = a ⊙ b elementwise as bool, with NumPy broadcasting; both operands are
/// converted to their promoted dtype first (binary_result_dtype: float32 with float64 is
/// refused, naming `op`).
Tensor compare_kernel(const char* op, CompareOp c, const Tensor& a, const Tensor& b);

/// result = bool(a) ⊙ bool(b) elementwise with broadcasting, any dtypes (nonzero is true).
Tensor logical_kernel(const char* op, LogicalOp l, const Tensor& a, const Tensor& b);

/// result = !bool(x) elementwise, any dtype.
Tensor logical_not_kernel(const Tensor& x);

/// result = cond ? a : b elementwise, with broadcasting of all three, in the promoted
/// dtype of a and b. `cond` must be bool (else std::invalid_argument naming `op` and the
/// dtype it got).
Tensor where_kernel(const char* op, const Tensor& cond, const Tensor& a, const Tensor& b);

/// Throws std::invalid_argument naming `op` unless `t` is a bool tensor; `what` names the
/// argument ("condition", "mask").
void check_bool(const char* op, const Tensor& t, const char* what);

}  // namespace nabla::detail
